"""The pages: dashboard, drill-down (filters, pages, XLSX), apology letter and record, ranking, upload,
and the permission matrix including the outsider."""

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from chiso.dossiers import compute
from chiso.dossiers.actions import do_import_dossiers
from chiso.dossiers.models import Apology, ImportRun, KpiValue
from chiso.periods import windows

from .conftest import dossier_row, write_rows

ROWS = [
    dossier_row("V1", received="2025-03-03", promised="2025-03-10", finished="2025-03-07"),
    dossier_row("V2", received="2025-03-03", promised="2025-03-07", finished="2025-03-10", applicant="Trần Thị Bình"),
    dossier_row("V3", unit="Phòng Xây dựng và kiểm tra văn bản", received="2025-03-04", promised="2025-03-06",
                finished="2025-03-12"),
]


@pytest.fixture
def loaded(world, tmp_path):
    do_import_dossiers(world.people.office, write_rows(tmp_path / "v.csv", ROWS))
    return world


def test_dashboard_shows_indicators_points_and_links(loaded, login):
    page = login(loaded.people.office).get("/chi-so-phuc-vu/co-quan/STP/?ky=2025-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="rate-2.1">33,33%' in html
    assert 'data-testid="rate-5.2">N/A' in html
    assert "chi-so=2.1&loai=miss" in html and "<svg" in html
    assert 'data-testid="no-data"' not in html
    # a period without dossiers says so and where the data comes from, instead of a silent table of N/A
    empty = login(loaded.people.office).get("/chi-so-phuc-vu/co-quan/STP/?ky=2024-Y").content.decode()
    assert 'data-testid="no-data"' in empty and "Nhập dữ liệu hồ sơ từ hệ thống một cửa" in empty
    viewer = login(loaded.people.leader).get("/chi-so-phuc-vu/co-quan/STP/?ky=2024-Y").content.decode()
    assert "hãy chọn kỳ khác hoặc liên hệ Văn phòng" in viewer
    xlsx = login(loaded.people.office).get("/chi-so-phuc-vu/co-quan/STP/?ky=2025-03&xuat=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[1][0] == "2.1" and rows[1][2:4] == (1, 3)


def test_drill_down_filters_pages_and_export(loaded, login, settings):
    client = login(loaded.people.office)
    page = client.get("/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03&chi-so=2.1&loai=miss")
    html = page.content.decode()
    assert 'data-code="V2"' in html and 'data-code="V3"' in html and 'data-code="V1"' not in html
    page = client.get(f"/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03&chi-so=2.1&loai=miss&don-vi={loaded.civil.pk}")
    assert 'data-code="V3"' not in page.content.decode()
    page = client.get("/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03&chi-so=2.1&loai=den&q=bình")
    assert 'data-code="V2"' in page.content.decode() and 'data-code="V1"' not in page.content.decode()
    xlsx = client.get("/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03&chi-so=2.1&loai=den&xuat=xlsx")
    codes = sorted(r[0] for r in list(load_workbook(io.BytesIO(xlsx.content)).active.values)[1:])
    assert codes == ["V1", "V2", "V3"]
    fragment = client.get("/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03&chi-so=2.1&loai=miss", HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and 'data-testid="total"' in fragment.content.decode()
    # bad parameters fall back instead of failing
    assert client.get("/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-99&chi-so=9.9&loai=x&trang=abc").status_code == 200


def test_apology_letter_and_record(loaded, login):
    client = login(loaded.people.office)
    docx = client.get("/chi-so-phuc-vu/co-quan/STP/ho-so/V2/thu-xin-loi.docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "THƯ XIN LỖI" in text and "V2" in text
    # the citizen is addressed as Ông/Bà; the agency's name keeps its capitals; a result already returned
    # is not promised again
    assert "Kính gửi: Ông/Bà Trần Thị Bình" in text and "của Ông/Bà Trần Thị Bình" in text
    assert loaded.home.name in text and loaded.home.name.lower() not in text
    assert "đến ngày 10/03/2025 mới trả kết quả" in text and "sớm nhất" not in text
    tables = Document(io.BytesIO(docx.content)).tables
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in tables[0].rows[0].cells[1].text
    before = KpiValue.objects.get(agency=loaded.home, unit=None, period="2025-03", code="XL")
    assert (before.numerator, before.denominator) == (0, 2)
    done = client.post("/chi-so-phuc-vu/co-quan/STP/ho-so/V2/thu-xin-loi/",
                       {"number": "15/TXL-STP", "sent_on": "12/03/2025"})
    assert done.status_code == 302
    assert Apology.objects.get(dossier_code="V2").sent_on == date(2025, 3, 12)
    after = KpiValue.objects.get(agency=loaded.home, unit=None, period="2025-03", code="XL")
    assert (after.numerator, after.denominator) == (1, 2)
    assert KpiValue.objects.get(agency=loaded.home, unit=loaded.civil, period="2025-03", code="XL").numerator == 1
    assert compute.compute_period([loaded.home.pk], windows.parse("2025-03"))["XL"] == (1, 2)
    again = client.post("/chi-so-phuc-vu/co-quan/STP/ho-so/V2/thu-xin-loi/", {"number": "16", "sent_on": "13/03/2025"})
    assert "đã có thư xin lỗi" in again.content.decode()
    on_time = client.post("/chi-so-phuc-vu/co-quan/STP/ho-so/V1/thu-xin-loi/", {"number": "1", "sent_on": "13/03/2025"})
    assert "không trễ hạn" in on_time.content.decode()
    assert Apology.objects.count() == 1


def test_ranking_orders_agencies_by_points(loaded, login, tmp_path):
    do_import_dossiers(None, write_rows(tmp_path / "o.csv", [
        dossier_row("O1", agency="SXD", unit="Phòng Quản lý xây dựng", received="2025-03-03", promised="2025-03-10",
                    finished="2025-03-05")]))
    page = login(loaded.people.coordinator).get("/chi-so-phuc-vu/xep-hang/?ky=2025-03")
    html = page.content.decode()
    assert html.index("Sở Xây dựng") < html.index("Sở Tư pháp")


def test_upload_runs_outside_the_form_and_reports_errors(loaded, login, settings, tmp_path):
    settings.CHISO_IMPORT_INLINE = True
    client = login(loaded.people.office)
    good = write_rows(tmp_path / "u.csv", [dossier_row("U1", received="2025-04-01", promised="2025-04-05")])
    with open(good, "rb") as fh:
        page = client.post("/chi-so-phuc-vu/nhap/", {"agency": loaded.home.pk, "file": fh})
    run = ImportRun.objects.latest("pk")
    assert page.status_code == 302 and run.status == "done" and run.created == 1
    bad = write_rows(tmp_path / "b.csv", [dossier_row("U2", received="2025-04-01", promised="2025-03-05")])
    with open(bad, "rb") as fh:
        client.post("/chi-so-phuc-vu/nhap/", {"agency": loaded.home.pk, "file": fh})
    run = ImportRun.objects.latest("pk")
    assert run.status == "rejected" and run.errors[0][0] == 2
    assert "05/03/2025" in client.get(f"/chi-so-phuc-vu/nhap/{run.pk}/").content.decode()
    with open(good, "rb") as fh:  # another agency's office cannot upload into STP
        refused = login(loaded.people.outsider).post("/chi-so-phuc-vu/nhap/", {"agency": loaded.home.pk, "file": fh})
    assert refused.status_code == 200 and ImportRun.objects.count() == 3


MATRIX = {  # person -> (dashboard, dossier list, apology letter, upload page, ranking)
    "admin": (200, 200, 200, 200, 200),
    "coordinator": (200, 200, 403, 403, 200),
    "leader": (200, 200, 403, 403, 403),
    "office": (200, 200, 200, 200, 403),
    "head": (200, 200, 403, 403, 403),
    "staff": (200, 200, 403, 403, 403),
    "viewer": (200, 200, 403, 403, 403),
    "outsider": (403, 403, 403, 200, 403),  # its own agency's upload page, never STP's data
    "far_coordinator": (403, 403, 403, 403, 200),
    "nobody": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(loaded, login, who):
    client = login(getattr(loaded.people, who))
    urls = ["/chi-so-phuc-vu/co-quan/STP/?ky=2025-03", "/chi-so-phuc-vu/co-quan/STP/ho-so/?ky=2025-03",
            "/chi-so-phuc-vu/co-quan/STP/ho-so/V2/thu-xin-loi.docx", "/chi-so-phuc-vu/nhap/",
            "/chi-so-phuc-vu/xep-hang/"]
    got = tuple(client.get(u).status_code for u in urls)
    assert got == MATRIX[who]


def test_record_apology_refused_to_the_outsider(loaded, login):
    done = login(loaded.people.outsider).post("/chi-so-phuc-vu/co-quan/STP/ho-so/V2/thu-xin-loi/",
                                              {"number": "1", "sent_on": "12/03/2025"})
    assert done.status_code == 403 and not Apology.objects.exists()


def test_task_measure_proposed_confirmed_and_measured(world, login, tmp_path):
    """“Giải quyết hồ sơ đúng hạn đạt 98%” is proposed as 2.1 ≥ 98; once confirmed it shows the value."""
    do_import_dossiers(None, write_rows(tmp_path / "t.csv", [
        dossier_row("T1", received="2026-03-02", promised="2026-03-09", finished="2026-03-05"),
        dossier_row("T2", received="2026-03-02", promised="2026-03-04", finished="2026-03-06")]))
    url = f"/chi-so-phuc-vu/nhiem-vu/{world.civil_task.pk}/"
    shown = login(world.people.staff).get(url).content.decode()
    assert "Đề xuất" in shown and "2.1" in shown and "≥ 98%" in shown
    assert login(world.people.staff).post(url, {"quyet-dinh": "confirm"}).status_code == 403
    assert login(world.people.outsider).get(url).status_code == 403
    done = login(world.people.office).post(url, {"quyet-dinh": "confirm"}).content.decode()
    assert 'data-testid="measured-value">50,00%' in done and "Chưa đạt" in done
    assert 'value="reject" data-confirm="Không đo nhiệm vụ này bằng chỉ số?' in done  # asked before it is dropped
    page = login(world.people.office).get(f"/ke-hoach/nhiem-vu/{world.civil_task.pk}/").content.decode()
    assert f'hx-get="{url}"' in page  # the task page loads the fragment
    dashboard = login(world.people.leader).get("/chi-so-phuc-vu/co-quan/STP/?ky=2026-Y").content.decode()
    assert "Giải quyết hồ sơ đúng hạn đạt 98%" in dashboard and "Chưa đạt" in dashboard
    nothing = login(world.people.office).get(f"/chi-so-phuc-vu/nhiem-vu/{world.laws_task.pk}/").content.decode()
    assert "Không có chỉ số tương ứng" in nothing


def test_mapping_step_after_unknown_columns(loaded, login, settings, tmp_path):
    from .conftest import HEADERS

    settings.CHISO_IMPORT_INLINE = True
    client = login(loaded.people.office)
    rows = [{("So bien nhan" if k == "MaHoSo" else k): v for k, v in dossier_row(
        "M1", received="2025-04-01", promised="2025-04-05").items()}]
    path = write_rows(tmp_path / "m.csv", [{**r, "Ghi chu": "x"} for r in rows],
                      ["So bien nhan", *HEADERS[1:], "Ghi chu"])
    with open(path, "rb") as fh:
        client.post("/chi-so-phuc-vu/nhap/", {"agency": loaded.home.pk, "file": fh, "source": "mot-cua"})
    run = ImportRun.objects.latest("pk")
    page = client.get(f"/chi-so-phuc-vu/nhap/{run.pk}/").content.decode()
    assert run.status == "rejected" and 'id="mapping"' in page and "So bien nhan" in page
    done = client.post(f"/chi-so-phuc-vu/nhap/{run.pk}/", {"cot-0": "code", "cot-1": ""})
    new = ImportRun.objects.latest("pk")
    assert done.status_code == 302 and new.status == "done" and new.created == 1
    from chiso.dossiers.models import ImportSource

    assert ImportSource.objects.get(name="mot-cua").mapping == {"So bien nhan": "code", "Ghi chu": ""}


def test_a_second_remap_from_a_stale_page_is_refused(loaded, settings, tmp_path):
    """Issue 9: the remap hands the file on under a row lock; the same page sent twice queues one run."""
    from chiso.dossiers import actions
    from chiso.dossiers.actions import Refused, work

    from .conftest import HEADERS

    settings.CHISO_IMPORT_INLINE = False  # queued for `chiso jobs`: the file stays until the job runs
    rows = [{("So bien nhan" if k == "MaHoSo" else k): v for k, v in dossier_row(
        "M1", received="2025-04-01", promised="2025-04-05").items()}]
    path = write_rows(tmp_path / "m.csv", rows, ["So bien nhan", *HEADERS[1:]])
    from django.core.files.uploadedfile import SimpleUploadedFile

    run = actions.do_queue_import(loaded.people.office, loaded.home,
                                  SimpleUploadedFile("m.csv", path.read_bytes()), "mot-cua")
    work(run.pk)
    stale = ImportRun.objects.get(pk=run.pk)
    assert stale.status == "rejected" and stale.path
    runs = ImportRun.objects.count()
    actions.do_remap_import(loaded.people.office, stale, {"So bien nhan": "code"})
    with pytest.raises(Refused):
        actions.do_remap_import(loaded.people.office, stale, {"So bien nhan": "code"})
    assert ImportRun.objects.count() == runs + 1
