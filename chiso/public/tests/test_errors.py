"""Errors under /cong-khai/ keep the public layout and say what happened; the 500 page fits a phone and links
nowhere that asks for a login."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from chiso.survey.models import Response
from chiso.survey.tests.helpers import all_answers, form_token, open_survey


@pytest.fixture
def survey(world):
    from chiso.survey import memo

    memo.forget()
    q, (counter,) = open_survey(world)
    yield q, reverse("survey_counter", args=[world.home.code, counter.slug])
    memo.forget()


def test_a_form_without_its_csrf_cookie_says_so_in_the_public_layout(survey):
    q, url = survey
    strict = Client(enforce_csrf_checks=True)
    data = form_token(strict, url)
    strict.cookies.pop("csrftoken")
    resp = strict.post(url, {**data, **all_answers(q)})
    body = resp.content.decode()
    assert resp.status_code == 403 and 'class="pub"' in body
    assert "Không tìm thấy trang" not in body and "Phiếu chưa gửi được" in body and "hết hạn" in body
    assert f'href="{url}"' in body  # back to a fresh form
    assert Response.objects.count() == 0


def test_a_public_post_over_the_upload_limit_gets_the_public_layout(survey, client, settings):
    q, url = survey
    data = {**form_token(client, url), **all_answers(q), "comment": "x" * 5000}
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    resp = client.post(url, data)
    body = resp.content.decode()
    assert resp.status_code == 400 and 'class="pub"' in body and "quá lớn" in body
    assert "Về trang chủ" not in body and f'href="{reverse("home")}"' not in body
    assert Response.objects.count() == 0


def test_an_unknown_public_address_gets_the_public_layout_and_staff_pages_keep_theirs(world, client):
    resp = client.get("/cong-khai/khong/co/trang/nay/")
    assert resp.status_code == 404 and 'class="pub"' in resp.content.decode()
    staff = client.get("/khong-co-trang-nay/")
    assert staff.status_code == 404 and 'class="pub"' not in staff.content.decode()


def test_the_500_page_fits_a_phone_and_links_to_no_login_page():
    html = render_to_string("500.html")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'href="/"' not in html and "Về trang chủ" not in html


def test_a_number_too_large_for_the_database_keeps_the_public_layout(rf):
    """BadValueMiddleware answers 400 for an OverflowError or DataError: under /cong-khai/ in the public
    layout (the staff page links to a login-only home), elsewhere the staff page as before."""
    from chiso.public.middleware import PUBLIC_PREFIX
    from chiso.web.middleware import BadValueMiddleware

    middleware = BadValueMiddleware(lambda request: None)
    public = middleware.process_exception(rf.get(f"{PUBLIC_PREFIX}khao-sat/X/"), OverflowError())
    assert public.status_code == 400 and 'class="pub"' in public.content.decode()
    staff = rf.get("/ke-hoach/")
    staff.user = None
    staff = middleware.process_exception(staff, OverflowError())
    assert staff.status_code == 400 and 'class="pub"' not in staff.content.decode()
    assert middleware.process_exception(rf.get("/ke-hoach/"), ValueError()) is None
