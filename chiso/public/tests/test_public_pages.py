"""The public transparency page: off until the leader turns it on; counts only; a walk over every public URL
finds no private field (draft plans, internal comments, causes, evidence, unit reports, staff names, citizens'
comments and receipt codes); turning it off takes effect at once, cache or not."""

from datetime import date, datetime

import pytest
from django.core.cache import cache
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from chiso.accounts.models import User
from chiso.org.models import Agency, Province, Unit
from chiso.plans import actions as plan_actions
from chiso.plans.models import Plan, Task
from chiso.public import actions
from chiso.survey import actions as survey_actions
from chiso.survey.models import Counter
from chiso.survey.tests.helpers import open_survey
from chiso.tracking import actions as tracking
from chiso.tracking.models import Comment, Evidence, ProgressUpdate
from chiso.tracking.tests.helpers import pdf, report

TODAY = date(2026, 4, 20)


@pytest.fixture(autouse=True)
def _clear_cache():
    from chiso.survey import memo

    cache.clear()
    memo.forget()
    yield
    cache.clear()
    memo.forget()


@pytest.fixture
def secrets_world(world, monkeypatch):
    """The world with something private in every place a public page must not reach."""
    for i, user in enumerate(User.objects.all()):
        user.full_name = f"Cán bộ Bí Mật {i} Ẩn Danh"
        user.save()
    draft = plan_actions.do_create_plan(world.people.office, Plan(
        agency=world.home, title="Dự thảo kế hoạch DUTHAO-KIN", number="99/KH-DUTHAO", year=2026))
    plan_actions.do_save_task(world.people.office, Task(plan=draft, title="Nhiệm vụ trong dự thảo NVDUTHAO",
                                                        due=date(2026, 5, 1)), [world.civil], [])
    done = tracking.do_post_update(world.people.staff, world.civil_task, report(
        100, "done", date(2026, 4, 2), files=[pdf("minh-chung-MCKIN.pdf")], narrative="Tường thuật TTNOIBO"),
        today=TODAY)
    tracking.do_confirm_update(world.people.office, done, "Ý kiến xác nhận YKNOIBO", today=TODAY)
    failed = tracking.do_post_update(world.people.laws_staff, world.laws_task, report(
        0, "failed", cause="Nguyên nhân NNNOIBO", remedy="Giải pháp GPNOIBO", narrative="Báo cáo BCDONVI"),
        today=TODAY)
    tracking.do_confirm_update(world.people.office, failed, "Đồng ý LDNOIBO", today=TODAY)
    tracking.do_comment(world.people.leader, world.laws_task, "Chỉ đạo CDNOIBO")
    q, (counter,) = open_survey(world)
    survey_actions.do_submit(survey_actions.Submission(
        questionnaire=q, agency=world.home, counter=counter, channel="qr",
        values={x.pk: 4 for x in q.questions.all()}, comment="Góp ý riêng GYRIENG", receipt_code="HSRIENG-0001",
        procedure="Cấp Phiếu lý lịch tư pháp", when=timezone.make_aware(datetime(2026, 4, 1, 9))))
    monkeypatch.setattr("chiso.public.views.timezone.localdate", lambda: TODAY)
    return world


def private_values() -> set[str]:
    values = set()
    for user in User.objects.all():
        values |= {user.full_name, user.email}
    values |= {u.name for u in Unit.objects.all()}
    for p in Plan.objects.filter(status=Plan.Status.DRAFT):
        values |= {p.title, p.number} | {t.title for t in p.tasks.all()}
    for u in ProgressUpdate.objects.all():
        values |= {u.narrative, u.cause, u.remedy, u.review_comment}
    values |= {e.original_name for e in Evidence.objects.all()} | {c.text for c in Comment.objects.all()}
    values |= {"GYRIENG", "HSRIENG-0001"}
    return {v for v in values if v and len(v) > 3}


def public_urls() -> list[str]:
    """Every URL under /cong-khai/, with every agency, province and counter it can take."""
    names = set()

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("cong-khai/"):
                names.add(p.name)

    walk(get_resolver().url_patterns, "")
    urls, covered = [], set()
    for a in Agency.objects.all():
        for name in ("public_agency", "survey_agency", "survey_thanks"):
            urls.append(reverse(name, args=[a.code]))
            covered.add(name)
    for c in Counter.objects.select_related("agency"):
        urls.append(reverse("survey_counter", args=[c.agency.code, c.slug]))
        covered.add("survey_counter")
    for p in Province.objects.all():
        urls.append(reverse("public_province", args=[p.code]))
        covered.add("public_province")
    urls.append(reverse("public_home"))
    covered.add("public_home")
    assert names == covered, f"a public URL is not walked: {names - covered}"
    return urls


def walk(client) -> dict[str, tuple[int, str]]:
    return {url: (r.status_code, r.content.decode()) for url in public_urls() for r in [client.get(url)]}


def test_nothing_is_public_before_the_leader_turns_it_on(secrets_world, client):
    pages = walk(client)
    assert pages[reverse("public_agency", args=["STP"])][0] == 404
    assert "Sở Tư pháp" not in pages[reverse("public_home")][1]
    assert "12/KH-STP" not in "".join(body for _c, body in pages.values())


def test_every_public_url_is_free_of_private_fields(secrets_world, client):
    world = secrets_world
    actions.do_set_public_page(world.people.leader, world.home, enabled=True, show_survey=True, show_services=True)
    pages = walk(client)
    body = pages[reverse("public_agency", args=["STP"])][1]
    assert pages[reverse("public_agency", args=["STP"])][0] == 200
    # what is published: the plan, counts by index and field, the completed task's product, the index
    assert "12/KH-STP" in body and "Kế hoạch cải cách hành chính năm 2026" in body
    assert "<strong>1</strong> đã hoàn thành" in body and "<strong>1</strong> chậm" in body
    assert "Giải quyết hồ sơ đúng hạn đạt 98%" in body and "02/04/2026" in body and "PAR INDEX" in body
    assert "100,00%" in body  # satisfaction: every answer "hài lòng"
    assert "Sở Tư pháp" in pages[reverse("public_home")][1]
    assert "Sở Xây dựng" not in pages[reverse("public_home")][1]
    assert pages[reverse("public_agency", args=["SXD"])][0] == 404
    for url, (code, html) in pages.items():
        assert code < 500, url
        leaked = [v for v in private_values() if v in html]
        assert not leaked, (url, leaked)
        assert "sessionid" not in str(client.cookies)


def test_turning_it_off_takes_effect_at_once(secrets_world, client):
    world = secrets_world
    page = actions.do_set_public_page(world.people.leader, world.home, enabled=True, show_survey=False,
                                      show_services=False)
    url = reverse("public_agency", args=["STP"])
    first = client.get(url)
    assert first.status_code == 200 and "hài lòng của người dân" not in first.content.decode()
    assert client.get(url).content == first.content  # from the cache
    actions.do_set_public_page(world.people.leader, world.home, enabled=False, show_survey=False,
                               show_services=False, version=page.version)
    assert client.get(url).status_code == 404
    assert "Sở Tư pháp" not in client.get(reverse("public_home")).content.decode()


def test_the_public_page_reads_without_writing(secrets_world, client, django_assert_max_num_queries):
    world = secrets_world
    actions.do_set_public_page(world.people.leader, world.home, enabled=True, show_survey=True, show_services=True)
    url = reverse("public_agency", args=["STP"])
    client.get(url)
    with django_assert_max_num_queries(2):  # cached: the switch, nothing else
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who,allowed", [("admin", True), ("leader", True), ("office", False), ("coordinator", False),
                                         ("viewer", False), ("outsider", False), ("nobody", False)])
def test_only_the_leader_turns_it_on(world, client, who, allowed):
    client.force_login(getattr(world.people, who))
    url = reverse("public_manage", args=["STP"])
    assert client.get(url).status_code == (200 if allowed else 403)
    client.post(url, {"enabled": "1", "show_survey": "1"})
    from chiso.public.models import PublicPage

    assert PublicPage.objects.filter(agency=world.home, enabled=True).exists() == allowed


def test_a_stale_switch_form_is_refused(world, login):
    client = login(world.people.leader)
    url = reverse("public_manage", args=["STP"])
    client.post(url, {"enabled": "1"})
    client.post(url, {"version": "1"})  # turned off with the current version -> version 2
    stale = client.post(url, {"enabled": "1", "version": "1"}, follow=True)
    assert "vừa được người khác thay đổi" in stale.content.decode()
    from chiso.public.models import PublicPage

    assert PublicPage.objects.get().enabled is False


def test_public_only_mode_hides_the_intranet(world, client, settings):
    settings.CHISO_PUBLIC_ONLY = True
    assert client.get(reverse("login")).status_code == 404
    assert client.get("/quan-tri/").status_code == 404
    assert client.get(reverse("public_home")).status_code == 200


def test_the_leader_finds_the_switch_on_the_home_page(world, login):
    body = login(world.people.leader).get(reverse("home")).content.decode()
    assert reverse("public_manage", args=["STP"]) in body and "chưa công khai" in body
    office_home = login(world.people.office).get(reverse("home")).content.decode()
    assert reverse("public_manage", args=["STP"]) not in office_home


def test_a_missing_public_page_keeps_the_public_layout(world, client):
    for url in (reverse("public_agency", args=["STP"]), reverse("public_province", args=["khong-co"]),
                reverse("survey_counter", args=["STP", "khong-co"]), reverse("survey_agency", args=["KHONG"])):
        resp = client.get(url)
        body = resp.content.decode()
        assert resp.status_code == 404 and 'class="pub"' in body and "Không tìm thấy trang" in body, url
        assert "mainnav" not in body and "dang-nhap" not in body


def test_service_indicators_appear_when_dossier_data_exists(secrets_world, client, tmp_path):
    from chiso.dossiers.actions import do_import_dossiers
    from chiso.dossiers.tests.conftest import dossier_row, write_rows

    world = secrets_world
    actions.do_set_public_page(world.people.leader, world.home, enabled=True, show_survey=True, show_services=True)
    url = reverse("public_agency", args=["STP"])
    assert "Chỉ số phục vụ người dân" not in client.get(url).content.decode()
    do_import_dossiers(None, write_rows(tmp_path / "hs.csv", [
        dossier_row("HS-A", received="2026-03-02", promised="2026-03-12", finished="2026-03-05",
                    applicant="Lê Thị Riêng Tư"),
        dossier_row("HS-B", received="2026-03-02", promised="2026-03-06", finished="2026-03-20")]))
    cache.clear()
    body = client.get(url).content.decode()
    services = body.split("Chỉ số phục vụ người dân năm 2026")[1].split("</section>")[0]
    assert "2.1. Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn</td><td class=\"num\">50,00%" in services
    assert "Lê Thị Riêng Tư" not in body and "HS-A" not in body  # rates only, never a dossier
