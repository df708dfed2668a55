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
