"""Issue 14, item 4 (part): an issued report's files are rendered once, stored and served from storage; a
draft is rendered afresh on each download (its figures and texts still change)."""

from datetime import date

import pytest
from django.urls import reverse

from chiso.periods.calendar import resolve
from chiso.reports import actions, documents, views

pytestmark = pytest.mark.django_db


def issued_report(world, submitted, day):
    approved = actions.do_approve_agency_report(world.people.leader, submitted, now=day)
    return actions.do_issue_agency_report(world.people.office, approved, day)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_issued_files_are_rendered_once_and_served_from_storage(world, login, monkeypatch, media_in_tmp):
    period = resolve(world.home, "2026-Y")
    report = actions.do_compile_agency_report(world.people.office, world.home, period, date(2026, 12, 16))
    client = login(world.people.leader)
    rendered = []
    real = documents.render

    def counting(fmt, r):
        rendered.append(fmt)
        return real(fmt, r)

    monkeypatch.setattr(documents, "render", counting)  # what issued_file renders with
    monkeypatch.setattr(views, "render_file", counting)  # what a draft's download renders with
    draft_url = reverse("reports:download", args=[report.pk, "xlsx"])
    for _ in range(2):
        assert client.get(draft_url).status_code == 200
    assert rendered == ["xlsx", "xlsx"]  # a draft: every time

    submitted = actions.do_submit_agency_report(world.people.office, report, date(2026, 12, 17))
    for _ in range(2):  # submitted, not yet numbered: its files still say "Số:      " and are not kept
        assert client.get(draft_url).status_code == 200
    assert rendered == ["xlsx"] * 4
    issued = issued_report(world, submitted, date(2026, 12, 17))
    rendered.clear()
    for fmt in ("docx", "xlsx", "docx", "xlsx"):
        response = client.get(reverse("reports:download", args=[issued.pk, fmt]))
        assert response.status_code == 200 and response["Content-Type"] == documents.CONTENT_TYPES[fmt]
        assert "attachment" in response["Content-Disposition"]
        body = _body(response)
        assert body[:2] == b"PK"  # a zip container (DOCX, XLSX)
    assert rendered == ["docx", "xlsx"]  # once each
    stored = sorted(p.name for p in (media_in_tmp / "reports" / world.home.code).iterdir())
    name = f"{issued.pk}-v{issued.version}-n{issued.number}"
    assert stored == [f"{name}.docx", f"{name}.xlsx"]
    # the outsider still gets nothing
    assert login(world.people.outsider).get(reverse("reports:download", args=[issued.pk, "docx"])).status_code == 403
