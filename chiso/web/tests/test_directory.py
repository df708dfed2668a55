import pytest

pytestmark = pytest.mark.django_db


def test_directory_lists_visible_agencies(world, login):
    body = login(world.people.staff).get("/to-chuc/").content.decode()
    assert "Sở Tư pháp" in body and "Sở Xây dựng" not in body


def test_directory_search_ignores_accents(world, login):
    body = login(world.people.coordinator).get("/to-chuc/", {"q": "xay dung"}).content.decode()
    assert "Sở Xây dựng" in body and "Sở Tư pháp" not in body


def test_agency_page_shows_units_and_people(world, login):
    body = login(world.people.viewer).get("/to-chuc/STP/").content.decode()
    assert "Phòng Hành chính tư pháp" in body and "Staff" in body


def test_outsider_is_refused_another_agency(world, login):
    r = login(world.people.outsider).get("/to-chuc/STP/")
    assert r.status_code == 403


def test_unknown_agency_is_404(world, login):
    assert login(world.people.admin).get("/to-chuc/KHONGCO/").status_code == 404


def test_agency_page_shows_its_own_and_its_predecessors_results(world, login):
    from chiso.frameworks.models import Framework, PublishedResult
    from chiso.org.models import Agency, Province

    old = Province.objects.create(code="cu", name="Tỉnh Cũ", is_current=False, merged_into=world.province)
    before = Agency.objects.create(province=old, code="STP-CU", name="Sở Tư pháp tỉnh Cũ")
    world.home.predecessors.add(before)
    par = Framework.objects.filter(index="PAR_INDEX").first()
    PublishedResult.objects.create(framework=par, agency=before, year=2024, score="81.25", rank=7, rank_of=20)
    body = login(world.people.viewer).get("/to-chuc/STP/").content.decode()
    assert "Sở Tư pháp tỉnh Cũ" in body and "07/20" in body and "81,25" in body
