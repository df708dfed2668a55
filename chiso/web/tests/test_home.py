"""The home page sends each role to what matters to it."""

import pytest

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client, db):
    body = client.get("/dang-nhap/").content.decode()
    assert 'lang="vi"' in body and "Đăng nhập" in body and "Mật khẩu" in body


def test_wrong_password_gets_a_vietnamese_message(client, world):
    r = client.post("/dang-nhap/", {"username": "staff", "password": "sai"})
    assert r.status_code == 200 and "mật khẩu chính xác" in r.content.decode()


def test_login_and_logout(client, world):
    r = client.post("/dang-nhap/", {"username": "staff", "password": "pw-test-123"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert client.post("/dang-xuat/").status_code == 302
    assert client.get("/").status_code == 302


def test_unit_staff_land_on_their_tasks(world, login):
    body = login(world.people.staff).get("/").content.decode()
    assert "Việc của tôi" in body and "Giải quyết hồ sơ đúng hạn" in body
    assert "Rà soát văn bản quy phạm" not in body  # led by another unit


def test_coordinator_lands_on_the_province(world, login):
    body = login(world.people.coordinator).get("/").content.decode()
    assert "Các cơ quan trong tỉnh" in body and "Sở Xây dựng" in body and "Sở Khác Xa" not in body


def test_office_lands_on_deadlines(world, login):
    body = login(world.people.office).get("/").content.decode()
    assert "sắp đến hạn" in body.lower() and "Việc của tôi" not in body


def test_a_person_without_a_role_is_told_so(world, login):
    body = login(world.people.nobody).get("/").content.decode()
    assert "chưa được phân quyền" in body
    assert "Kế hoạch cải cách hành chính" not in body


def test_static_files_are_served_by_the_app(client, db):
    body = client.get("/dang-nhap/").content.decode()
    assert "/static/chiso/chiso.css" in body and "htmx" in body
    assert "http://" not in body.replace("http://www.w3.org", "") and "https://" not in body


def test_an_english_browser_still_gets_vietnamese(client, db):
    body = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in body and "Mật khẩu" in body


def test_the_switch_chooses_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    body = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in body and "Password" in body
