"""The public survey page: no login, one answer per dossier / device and day / form, rate limit per address,
honeypot, forged and replayed forms, bad values, huge and scripted comments. Every refusal is a page in
Vietnamese and leaves the index unchanged."""

import pytest
from django.urls import reverse

from chiso.audit.models import AuditEntry
from chiso.survey.models import Answer, RateBucket, Response

from .helpers import all_answers, form_token, open_survey


@pytest.fixture
def survey(world):
    q, (counter,) = open_survey(world)
    url = reverse("survey_counter", args=[world.home.code, counter.slug])
    return world, q, counter, url


def post(client, url, q, **extra):
    data = {**form_token(client, url), **all_answers(q), **extra}
    return client.post(url, data, REMOTE_ADDR=extra.pop("REMOTE_ADDR", "203.0.113.9"))


def test_it_shows_the_form_without_login_and_stays_small(client, survey):
    world, q, counter, url = survey
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert counter.name in body and "Tiếp cận dịch vụ" in body and 'name="csrfmiddlewaretoken"' in body
    assert len(page.content) < 50 * 1024
    # nothing from elsewhere: no external script, style, font or image
    assert "http://" not in body.replace(q.intro, "") and "https://" not in body and "<script" not in body
    assert "chiso_thiet_bi" in page.cookies and "sessionid" not in page.cookies
    assert Response.objects.count() == 0  # GET writes nothing


def test_it_stores_an_answer_and_thanks(client, survey):
    world, q, counter, url = survey
    resp = post(client, url, q, comment="Cán bộ nhiệt tình", receipt_code="000.00.12.H01-260301-0001")
    assert resp.status_code == 302 and "cam-on" in resp["Location"]
    assert "Cảm ơn" in client.get(resp["Location"]).content.decode()
    r = Response.objects.get()
    assert (r.agency, r.counter, r.channel, r.comment) == (world.home, counter, "qr", "Cán bộ nhiệt tình")
    assert r.receipt_code == "000.00.12.H01-260301-0001" and len(r.device_hash) == 64
    assert Answer.objects.filter(response=r).count() == q.questions.count()
    assert AuditEntry.objects.filter(model="survey.response", object_id=str(r.pk)).exists()


def test_one_answer_per_device_per_day_per_counter(client, survey, world):
    world, q, counter, url = survey
    assert post(client, url, q).status_code == 302
    again = post(client, url, q)
    assert again.status_code == 409 and "đã đánh giá quầy này" in again.content.decode()
    assert Response.objects.count() == 1
    # another counter is another question
    from chiso.survey import actions

    second = actions.do_save_counter(world.people.office, world.home, "Quầy 2")
    url2 = reverse("survey_counter", args=[world.home.code, second.slug])
    assert post(client, url2, q).status_code == 302
    assert Response.objects.count() == 2


def test_one_answer_per_dossier_code(client, survey):
    world, q, counter, url = survey
    assert post(client, url, q, receipt_code="HS-0001").status_code == 302
    client.cookies.clear()  # another phone, same dossier
    again = post(client, url, q, receipt_code="hs-0001")
    assert again.status_code == 409 and "HS-0001 đã được đánh giá" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_replayed_form_is_stored_once(client, survey):
    world, q, counter, url = survey
    data = {**form_token(client, url), **all_answers(q)}
    assert client.post(url, data).status_code == 302
    client.cookies.pop("chiso_thiet_bi")  # a replay from a cleared browser still carries the form's nonce
    client.get(url)
    replay = client.post(url, data)
    assert replay.status_code == 409
    assert Response.objects.count() == 1


def test_forged_or_foreign_tokens_are_refused(client, survey, world):
    world, q, counter, url = survey
    forged = client.post(url, {"token": "abc:def", **all_answers(q)})
    assert forged.status_code == 400 and "không hợp lệ" in forged.content.decode()
    # a token made for the agency-wide page is refused on a counter's page
    agency_url = reverse("survey_agency", args=[world.home.code])
    other = client.post(url, {**form_token(client, agency_url), **all_answers(q)})
    assert other.status_code == 400
    assert Response.objects.count() == 0


def test_missing_values_and_values_outside_the_scale(client, survey):
    world, q, counter, url = survey
    answers = all_answers(q)
    first, second = list(q.questions.filter(required=True))[:2]
    answers.pop(f"q{first.pk}")
    answers[f"q{second.pk}"] = "9"
    resp = client.post(url, {**form_token(client, url), **answers})
    body = resp.content.decode()
    assert resp.status_code == 400
    assert f"nhận định {first.code}" in body and "nằm ngoài thang 1–5" in body and 'role="alert"' in body
    assert Response.objects.count() == 0 and Answer.objects.count() == 0
    # the person's other choices are kept on the page
    assert body.count("checked") >= q.questions.count() - 2


@pytest.mark.parametrize("value", ["²", "5" * 5000, "٣", "５", "+5", " 5 5", "5.0"],
                         ids=["superscript", "5000-digits", "arabic-indic", "fullwidth", "plus", "spaced", "decimal"])
def test_odd_digits_are_outside_the_scale(client, survey, value):
    """Only ASCII digits are a level: "²" passed str.isdigit() then failed int() (a 500), 5000 digits hit
    Python's int conversion limit, "٣" and "５" were read as 3 and 5."""
    world, q, counter, url = survey
    first = q.questions.filter(required=True).first()
    resp = client.post(url, {**form_token(client, url), **all_answers(q), f"q{first.pk}": value})
    assert resp.status_code == 400
    assert f"của nhận định {first.code} nằm ngoài thang 1–5" in resp.content.decode()
    assert Response.objects.count() == 0 and Answer.objects.count() == 0


def test_optional_statements_may_be_left_blank(client, survey):
    world, q, counter, url = survey
    resp = client.post(url, {**form_token(client, url), **all_answers(q, skip_optional=True)})
    assert resp.status_code == 302
    assert Answer.objects.count() == q.questions.filter(required=True).count()


def test_a_huge_comment_is_refused_and_script_is_kept_as_text(client, survey, world):
    world, q, counter, url = survey
    huge = client.post(url, {**form_token(client, url), **all_answers(q), "comment": "x" * 1_000_000})
    assert huge.status_code == 400 and "quá giới hạn 1000 ký tự" in huge.content.decode()
    assert Response.objects.count() == 0
    # the refused comment comes back cut to the limit, not as the megabyte sent
    assert len(huge.content) < 50 * 1024 and ">" + "x" * 1000 + "</textarea>" in huge.content.decode()
    script = "<script>alert('x')</script> chờ lâu"
    assert client.post(url, {**form_token(client, url), **all_answers(q), "comment": script}).status_code == 302
    assert Response.objects.get().comment == script
    client.force_login(world.people.office)
    page = client.get(reverse("survey_comments", args=[world.home.code]) + "?ky=" + Response.objects.get()
                      .day.strftime("%Y-Y")).content.decode()
    assert "&lt;script&gt;alert" in page and "<script>alert('x')" not in page


def test_the_honeypot_refuses_robots(client, survey):
    world, q, counter, url = survey
    resp = client.post(url, {**form_token(client, url), **all_answers(q), "website": "http://spam.example"})
    assert resp.status_code == 400 and Response.objects.count() == 0


def test_the_rate_limit_per_address(client, survey, settings, monkeypatch):
    from django.utils import timezone

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # all in one 10-minute window
    world, q, counter, url = survey
    settings.CHISO_SURVEY_RATE_LIMIT = 3
    codes = []
    for i in range(5):
        client.cookies.clear()
        codes.append(client.post(url, {**form_token(client, url), **all_answers(q), "receipt_code": f"HS-{i:04d}"},
                                 REMOTE_ADDR="198.51.100.7").status_code)
    assert codes == [302, 302, 302, 429, 429]
    assert Response.objects.count() == 3
    # another address is not limited, and no address is stored in clear
    client.cookies.clear()
    resp = client.post(url, {**form_token(client, url), **all_answers(q)}, REMOTE_ADDR="198.51.100.8")
    assert resp.status_code == 302
    assert not RateBucket.objects.filter(key__contains="198.51").exists()
    assert all(len(k) == 64 for k in RateBucket.objects.values_list("key", flat=True))


def test_an_unknown_counter_or_agency_is_not_found(client, survey, world):
    world, q, counter, url = survey
    assert client.get(reverse("survey_counter", args=[world.home.code, "khong-co"])).status_code == 404
    assert client.get(reverse("survey_agency", args=["KHONG"])).status_code == 404
    assert client.post(reverse("survey_counter", args=[world.home.code, "khong-co"]), all_answers(q)).status_code == 404


def test_csrf_is_enforced(survey):
    from django.test import Client

    world, q, counter, url = survey
    strict = Client(enforce_csrf_checks=True)
    data = form_token(strict, url)
    strict.cookies.pop("csrftoken")
    refused = strict.post(url, {**data, **all_answers(q)})
    assert refused.status_code == 403 and "mở lại trang khảo sát" in refused.content.decode()
    assert 'class="pub"' in refused.content.decode()
    assert Response.objects.count() == 0


def test_kiosk_mode_resets_and_skips_the_device_rule(client, survey, world):
    world, q, counter, url = survey
    from chiso.survey.public_views import kiosk_token

    kiosk_url = f"{url}?kiosk={kiosk_token(counter)}"
    for _ in range(3):
        data = {**form_token(client, kiosk_url), **all_answers(q)}
        resp = client.post(url, data)
        assert resp.status_code == 302
        thanks = client.get(resp["Location"]).content.decode()
        assert 'http-equiv="refresh"' in thanks and "kiosk=" in thanks
    assert Response.objects.filter(channel="kiosk", device_hash__isnull=True).count() == 3
    # a forged kiosk key is an ordinary phone
    fake = f"{url}?kiosk=gia-mao"
    assert 'name="kiosk"' not in client.get(fake).content.decode()


def test_no_questionnaire_in_use_is_a_friendly_page(client, world):
    resp = client.get(reverse("survey_agency", args=[world.home.code]))
    assert resp.status_code == 404 and "chưa mở khảo sát" in resp.content.decode()


def test_receipt_codes_are_checked_against_imported_dossiers(client, survey, tmp_path):
    """With dossiers imported for the agency, an unknown code is refused and a known one names its procedure."""
    from chiso.dossiers.actions import do_import_dossiers
    from chiso.dossiers.tests.conftest import dossier_row, write_rows

    world, q, counter, url = survey
    do_import_dossiers(None, write_rows(tmp_path / "hs.csv", [
        dossier_row("000.12.H01-250301-0007", procedure="1.001", received="2025-03-01", promised="2025-03-10",
                    finished="2025-03-05")]))
    wrong = post(client, url, q, receipt_code="000.12.H01-250301-9999")
    assert wrong.status_code == 400 and "Không tìm thấy hồ sơ mã 000.12.H01-250301-9999" in wrong.content.decode()
    assert Response.objects.count() == 0
    assert post(client, url, q, receipt_code="000.12.h01-250301-0007").status_code == 302
    assert Response.objects.get().procedure == "Thủ tục 1.001"
    # a checked code is the rule: the same phone answers for its second dossier, not twice for one
    do_import_dossiers(None, write_rows(tmp_path / "hs2.csv", [
        dossier_row("000.12.H01-250301-0008", procedure="1.002", received="2025-03-01", promised="2025-03-10")]))
    assert post(client, url, q, receipt_code="000.12.H01-250301-0008").status_code == 302
    assert post(client, url, q, receipt_code="000.12.H01-250301-0008").status_code == 409
    assert post(client, url, q).status_code == 302  # no code: the device rule, first time today
    assert post(client, url, q).status_code == 409
    assert Response.objects.count() == 3
    # another agency without dossier data takes any well-formed code
    from chiso.survey import receipts

    assert receipts.has_dossiers(world.home) and not receipts.has_dossiers(world.other)


def test_a_thousand_submissions_from_one_address_in_a_minute(client, survey, settings, monkeypatch):
    """Forged or not, the 61st submission of the window and every later one is refused, and a real answer from
    that address then too; another address is served; nothing was stored from the flood."""
    from django.utils import timezone

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # "in a minute": a slow machine must not cross a window
    world, q, counter, url = survey
    assert settings.CHISO_SURVEY_RATE_LIMIT == 60
    form = {**form_token(client, url), **all_answers(q)}
    codes = [client.post(url, {**form, "token": f"gia-{i}"}, REMOTE_ADDR="192.0.2.66").status_code
             for i in range(1000)]
    assert codes[:60] == [400] * 60 and set(codes[60:]) == {429}
    assert client.post(url, form, REMOTE_ADDR="192.0.2.66").status_code == 429
    assert Response.objects.count() == 0
    assert client.post(url, form, REMOTE_ADDR="192.0.2.67").status_code == 302
    assert Response.objects.count() == 1


def test_old_rate_windows_are_forgotten_once_per_window_not_per_address(db, monkeypatch):
    """Every new address starts a bucket; only the first of a window deletes the buckets older than an hour
    (a DELETE per new address would scan the hour's buckets on every answer)."""
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from chiso.survey import actions

    monkeypatch.setattr(actions, "_purged", {}, raising=False)
    now = timezone.now()
    actions.do_count_hit("198.51.100.1", now - timedelta(hours=2))
    assert RateBucket.objects.count() == 1
    actions.do_count_hit("198.51.100.2", now)
    assert RateBucket.objects.count() == 1  # the two-hour-old bucket is gone
    with CaptureQueriesContext(connection) as seen:
        assert actions.do_count_hit("198.51.100.3", now) == 1
    assert not [x for x in seen.captured_queries if x["sql"].upper().startswith("DELETE")]
    assert actions.do_count_hit("198.51.100.3", now) == 2 and RateBucket.objects.count() == 2


def test_a_blank_form_is_served_without_a_query_once_the_link_is_known(client, survey, django_assert_num_queries):
    """The counter of the link, the questionnaire in use and the blank statements are kept 30 s per process
    (survey.memo): every phone of a queue opens the same page."""
    world, q, counter, url = survey
    first = client.get(url)
    client.cookies.clear()
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200 and again.content.count(b'type="radio"') == first.content.count(b'type="radio"')
    assert again.content.count(b'type="radio"') == q.questions.count() * len(q.scale)


def test_a_counter_switched_off_stops_taking_answers_at_once(client, survey):
    from chiso.survey import actions

    world, q, counter, url = survey
    data = {**form_token(client, url), **all_answers(q)}
    actions.do_save_counter(world.people.office, world.home, counter.name, is_active=False, pk=counter.pk,
                            version=counter.version)
    assert client.get(url).status_code == 404
    assert client.post(url, data, REMOTE_ADDR="203.0.113.9").status_code == 404
    assert Response.objects.count() == 0


def test_the_pre_rendered_blank_form_carries_each_visitors_own_tokens(survey):
    """The blank form is rendered once per process (public_views._blank_form); each visitor still gets their
    own CSRF token and form token in it, and a form sent back with them (CSRF enforced) is accepted."""
    import re

    from django.test import Client

    from chiso.survey.public_views import CSRF_MARK, TOKEN_MARK

    world, q, counter, url = survey
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [v.get(url) for v in visitors]
    bodies = [p.content.decode() for p in pages]
    csrf = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', b).group(1) for b in bodies]
    tokens = [re.search(r'name="token" value="([^"]+)"', b).group(1) for b in bodies]
    assert csrf[0] != csrf[1] and tokens[0] != tokens[1]
    assert all(CSRF_MARK not in b and TOKEN_MARK not in b for b in bodies)
    assert all(v.cookies["csrftoken"].value for v in visitors)
    # the two pages are the same but for the tokens
    blanks = [b.replace(c, "").replace(t, "") for b, c, t in zip(bodies, csrf, tokens, strict=True)]
    assert blanks[0] == blanks[1]
    for n, (visitor, token, masked) in enumerate(zip(visitors, tokens, csrf, strict=True)):
        sent = visitor.post(url, {"csrfmiddlewaretoken": masked, "token": token, **all_answers(q)},
                            REMOTE_ADDR=f"203.0.113.{n + 20}")
        assert sent.status_code == 302
    assert Response.objects.count() == 2 and Answer.objects.count() == 2 * q.questions.count()
    # one visitor's CSRF token does not pass with the other's cookie, and a form token is used once
    third = Client(enforce_csrf_checks=True)
    third.get(url)
    refused = third.post(url, {"csrfmiddlewaretoken": "x" * 64, "token": tokens[0], **all_answers(q)})
    assert refused.status_code == 403
    replay = visitors[0].post(url, {"csrfmiddlewaretoken": csrf[0], "token": tokens[0], **all_answers(q)},
                              REMOTE_ADDR="203.0.113.20")
    assert replay.status_code == 409 and Response.objects.count() == 2


def test_a_renamed_counter_shows_its_new_name_on_the_blank_form_at_once(client, survey):
    from chiso.survey import actions

    world, q, counter, url = survey
    assert counter.name in client.get(url).content.decode()
    actions.do_save_counter(world.people.office, world.home, "Quầy Tư pháp", pk=counter.pk, version=counter.version)
    page = client.get(url).content.decode()
    assert "Quầy Tư pháp" in page and counter.name not in page
