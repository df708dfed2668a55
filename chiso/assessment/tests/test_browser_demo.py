"""The issue's acceptance walked in headless Chromium on the demo data, as the demo's people would: the office
of Sở Tư pháp completes its self-assessment with evidence picked from its tasks and submits it, the leader
approves, the coordinator reviews (adjusts one sub-criterion, accepts the rest at once), enters the survey
points and finalizes both demo agencies, then publishes; the office's dashboard shows the projection and
the points at risk, the ranking ranks the demo agencies, the evidence pack downloads and opens. Every page on
the way is also opened 390 px wide and must not scroll sideways (wide tables scroll inside their box)."""

import io
import zipfile

import pytest

from chiso.demo.content import DEMO_PASSWORD
from chiso.periods.calendar import today
from chiso.web.tests.browser import browser_page, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def overflows_on_a_phone(page) -> str:
    """'' when the page fits 390 px, else the page's path and how wide it is."""
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    return "" if width <= PHONE["width"] else f"{page.url} is {width} px wide"


def declare(page, code: str) -> None:
    """Fill the row's declared value the way its rule asks (yes/no, a rate, a count or the score by hand)."""
    row = f"tr[data-code='{code}']"
    if page.locator(f"{row} select[name=yes]").count():
        page.select_option(f"{row} select[name=yes]", "co")
    elif page.locator(f"{row} input[name=rate]").count():
        page.fill(f"{row} input[name=rate]", "100")
    elif page.locator(f"{row} input[name=count]").count():
        page.fill(f"{row} input[name=count]", "2")
    else:
        page.fill(f"{row} input[name=score]", "1")
    page.click(f"{row} .score-form button[type=submit]")
    page.wait_for_selector(f"text=Đã lưu tiêu chí {code}")


def test_the_demo_walk_in_the_browser(live_server, settings, tmp_path):
    from chiso.assessment.models import Submission
    from chiso.demo.load import load_demo
    from chiso.jobs.api import run_pending

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo(today())
    run_pending()  # the demo's queued jobs (its issued reports' PDFs), as `chiso jobs --loop` runs them
    stp = Submission.objects.get(agency__code="STP")
    svh = Submission.objects.get(agency__code="SVHTTDL")
    base = live_server.url
    wide, dialogs = [], []

    with browser_page(viewport=DESKTOP) as page:
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

        # the office completes the self-assessment with evidence from its tasks and submits it
        sign_in(page, base, "stp.vanphong", DEMO_PASSWORD)
        page.goto(f"{base}/danh-gia/")
        page.click(f"a[href='/danh-gia/ho-so/{stp.pk}/']")
        picks = page.locator("[data-testid^=pick-]")
        codes = [picks.nth(i).get_attribute("data-testid")[len("pick-"):] for i in range(picks.count())]
        assert len(codes) >= 4, codes  # the demo's task reports are proposed where their tasks point
        for code in codes[:4]:
            page.click(f"[data-testid='pick-{code}']")
            page.wait_for_selector(f"text=Đã thêm tài liệu cho tiêu chí {code}")
            declare(page, code)
        assert page.locator("[data-testid=flags]").count() == 0
        wide.append(overflows_on_a_phone(page))
        page.click("[data-testid=submit]")
        page.wait_for_selector("text=Đã gửi lãnh đạo duyệt")
        page.context.clear_cookies()

        # the leader approves
        sign_in(page, base, "stp.giamdoc", DEMO_PASSWORD)
        page.goto(f"{base}/danh-gia/ho-so/{stp.pk}/")
        page.click("[data-testid=approve]")
        page.wait_for_selector("text=Đã duyệt và gửi Sở Nội vụ")
        page.context.clear_cookies()

        # the coordinator reviews and finalizes both demo agencies, then publishes
        sign_in(page, base, "snv.cchc", DEMO_PASSWORD)
        page.goto(f"{base}/danh-gia/dot/{stp.round_id}/")
        wide.append(overflows_on_a_phone(page))
        page.click(f"a[href='/danh-gia/ho-so/{stp.pk}/']")
        row = f"tr[data-code='{codes[0]}']"
        page.fill(f"{row} input[name=reviewed_score]", "0,5")
        page.fill(f"{row} input[name=reason]", "Văn bản ban hành sau thời hạn")
        page.click(f"{row} button[value=adjust]")
        page.wait_for_selector(f"text=Đã thẩm định tiêu chí {codes[0]}")
        wide.append(overflows_on_a_phone(page))
        for sub in (stp, svh):
            page.goto(f"{base}/danh-gia/ho-so/{sub.pk}/")
            page.click("[data-testid=accept-pending]")
            page.wait_for_selector("text=tiêu chí chưa thẩm định.")
            page.fill("input[name=survey]", "8,5")
            page.click("form[action$='/dieu-tra/'] button")
            page.wait_for_selector("text=Đã lưu điểm điều tra xã hội học")
            page.click("[data-testid=send-review]")
            page.wait_for_selector("text=Đã gửi kết quả thẩm định cho cơ quan")
            page.click("[data-testid=finalize]")
            page.wait_for_selector("text=Đã chốt kết quả cuối cùng")
            assert page.inner_text("[data-testid=state]") == "Đã có kết quả cuối cùng"
        page.goto(f"{base}/danh-gia/dot/{stp.round_id}/")
        page.click("text=Công bố kết quả")
        page.wait_for_selector("text=Đã công bố kết quả")
        page.goto(f"{base}/danh-gia/xep-hang/")
        ranked = {page.get_attribute(f"#ranking-table tbody tr:nth-child({i})", "data-agency"):
                  page.inner_text(f"#ranking-table tbody tr:nth-child({i}) td:first-child") for i in (1, 2)}
        assert set(ranked) == {"STP", "SVHTTDL"} and sorted(ranked.values()) == ["1", "2"]
        wide.append(overflows_on_a_phone(page))
        page.context.clear_cookies()

        # the office sees the reviewed score, the projection and points at risk, the ranking, the pack
        sign_in(page, base, "stp.vanphong", DEMO_PASSWORD)
        page.goto(f"{base}/danh-gia/ho-so/{stp.pk}/")
        assert page.inner_text(f"[data-testid='reviewed-{codes[0]}']") == "0,5"
        assert page.locator("[data-testid=final-index]").count() == 1
        page.goto(f"{base}/theo-doi/co-quan/STP/")
        sentence = page.inner_text("[data-testid=projection-sentence]")
        assert sentence.startswith("dự kiến") and "mục tiêu" in sentence
        assert "nguy cơ" in sentence and page.inner_text("[data-testid=at-risk]") not in ("", "0")
        wide.append(overflows_on_a_phone(page))
        page.click("[data-testid=projection-sentence] a")
        page.wait_for_selector("[data-kind=at_risk]")
        wide.append(overflows_on_a_phone(page))
        page.goto(f"{base}/danh-gia/xep-hang/")
        assert page.locator("#ranking-table tr.mine[data-agency=STP]").count() == 1
        assert "Chưa công bố" not in page.inner_text("#ranking-table")

        page.goto(f"{base}/danh-gia/ho-so/{stp.pk}/")
        page.click("[data-testid=pack]")
        page.wait_for_selector("text=Đang đóng gói hồ sơ kê khai")
        page.goto(f"{base}/danh-gia/")  # away from the page whose progress poll would follow the finished job
        assert [job.state for job in run_pending()] == ["done"]
        page.goto(f"{base}/danh-gia/ho-so/{stp.pk}/")
        with page.expect_download() as download:
            page.click("[data-testid=pack-download]")
        data = open(download.value.path(), "rb").read()  # noqa: SIM115 - read whole, closed with the page
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert "00 - Danh mục hồ sơ.docx" in names and "00 - Danh mục hồ sơ.xlsx" in names
        assert sum(name.endswith(".pdf") for name in names) >= 4  # the task reports' files picked above
        wide.append(overflows_on_a_phone(page))

    assert [w for w in wide if w] == []
    assert all(message.endswith("?") or "?" in message for message in dialogs) and len(dialogs) >= 6
