"""`chiso demo` ships the survey: the questionnaire in use, counters with QR codes, a year of answers whose
index the office sees, with the weak counter found at the bottom."""

from datetime import date

from django.urls import reverse

from chiso.demo.load import load_demo
from chiso.survey import actions
from chiso.survey.models import Counter, Response


def test_the_demo_survey(client, db):
    load_demo(today=date(2026, 6, 15))
    from chiso.org.models import Agency

    stp = Agency.objects.get(code="STP")
    q = actions.active_questionnaire(stp)
    assert q is not None and q.aspects.count() == 5 and q.agency is None
    assert Counter.objects.filter(agency=stp).count() == 3
    assert Response.objects.filter(agency=stp).count() > 400
    assert client.login(username="stp.vanphong", password="chiso2025")
    body = client.get(reverse("survey_dashboard", args=["STP"]) + "?ky=2026-Y").content.decode()
    assert 'data-testid="overall">' in body and "Kéo chỉ số xuống" in body
    assert "Quầy 3 – Công chứng, luật sư (" in body.split("Kéo chỉ số xuống")[1].split("</p>")[0]
    public = client.get(reverse("survey_counter", args=["STP", Counter.objects.filter(agency=stp).first().slug]))
    assert public.status_code == 200
