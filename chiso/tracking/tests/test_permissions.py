"""Every role against every tracking action: the decision functions, then the pages (403 when refused)."""

from datetime import date

import pytest
from django.urls import reverse

from chiso.tracking import actions
from chiso.tracking import permissions as perms
from chiso.tracking.models import ProgressUpdate

from .helpers import pdf, report

ROLES = ["admin", "coordinator", "leader", "office", "head", "staff", "laws_staff", "viewer", "outsider",
         "far_coordinator", "nobody"]
ACTIONS = ["view", "update", "contribute", "confirm", "comment", "dashboard", "province"]
# On the civil task of Sở Tư pháp (led by the civil unit, supported by the laws unit).
EXPECTED = {
    "admin":           (True, True, False, True, True, True, True),
    "coordinator":     (True, False, False, False, False, True, True),
    "leader":          (True, False, False, False, True, True, False),
    "office":          (True, False, False, True, True, True, False),
    "head":            (True, True, False, False, False, True, False),
    "staff":           (True, True, False, False, False, True, False),
    "laws_staff":      (True, False, True, False, False, True, False),
    "viewer":          (True, False, False, False, False, True, False),
    "outsider":        (False, False, False, False, False, False, False),
    "far_coordinator": (False, False, False, False, False, False, True),  # its own province only
    "nobody":          (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_it_decides_each_role_and_action(world, role):
    user, task = getattr(world.people, role), world.civil_task
    got = (perms.can_view_task(user, task), perms.can_update_task(user, task), perms.can_contribute(user, task),
           perms.can_confirm(user, task), perms.can_comment(user, task),
           perms.can_view_dashboard(user, world.home), perms.can_view_province(user))
    assert dict(zip(ACTIONS, got, strict=True)) == dict(zip(ACTIONS, EXPECTED[role], strict=True))


def test_laws_unit_reports_on_its_own_task_only(world):
    p = world.people
    assert perms.can_update_task(p.laws_staff, world.laws_task)
    assert not perms.can_update_task(p.staff, world.laws_task)
    assert not perms.can_contribute(p.staff, world.laws_task)


# Pages: (panel, post update, confirm, return, comment, evidence, close period, agency dashboard, province)
PAGES = {
    "admin":           (1, 1, 1, 1, 1, 1, 1, 1, 1),
    "coordinator":     (1, 0, 0, 0, 0, 1, 0, 1, 1),
    "leader":          (1, 0, 0, 0, 1, 1, 0, 1, 0),
    "office":          (1, 0, 1, 1, 1, 1, 1, 1, 0),
    "head":            (1, 1, 0, 0, 0, 1, 0, 1, 0),
    "staff":           (1, 1, 0, 0, 0, 1, 0, 1, 0),
    "laws_staff":      (1, 1, 0, 0, 0, 1, 0, 1, 0),  # posts a contribution
    "viewer":          (1, 0, 0, 0, 0, 1, 0, 1, 0),
    "outsider":        (0, 0, 0, 0, 0, 0, 0, 0, 0),
    "far_coordinator": (0, 0, 0, 0, 0, 0, 0, 0, 1),
    "nobody":          (0, 0, 0, 0, 0, 0, 0, 0, 0),
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_refuse_with_403(world, login, role):
    p, task = world.people, world.civil_task
    first = actions.do_post_update(p.staff, task, report(files=[pdf()]), today=date(2026, 3, 1))
    second = actions.do_post_update(p.staff, task, report(20), today=date(2026, 3, 1))
    client = login(getattr(p, role))
    period = first.period
    calls = [
        client.get(reverse("tracking_panel", args=[task.pk])),
        client.post(reverse("tracking_post_update", args=[task.pk]),
                    {"narrative": "Đã làm", "percent": "30", "proposed_status": "in_progress",
                     "cause": "Chậm", "remedy": "Bổ sung", "period": str(period.pk)}),
        client.post(reverse("tracking_confirm", args=[first.pk]), {"comment": ""}),
        client.post(reverse("tracking_return", args=[second.pk]), {"comment": "Bổ sung"}),
        client.post(reverse("tracking_comment", args=[task.pk]), {"text": "Đẩy nhanh"}),
        client.get(reverse("tracking_evidence", args=[first.evidence.get().pk])),
        client.post(reverse("tracking_close_period", args=[period.pk])),
        client.get(reverse("agency_dashboard", args=[world.home.code])),
        client.get(reverse("province_dashboard")),
    ]
    got = tuple(0 if r.status_code == 403 else 1 for r in calls)
    assert got == PAGES[role], [r.status_code for r in calls]
    for r in calls:
        assert r.status_code in (200, 302, 403)
        if r.status_code == 403:
            assert "Bạn không có quyền" in r.content.decode()
    if PAGES[role][1]:
        kind = "contribution" if role == "laws_staff" else "update"
        assert ProgressUpdate.objects.filter(author=getattr(p, role), kind=kind).exists()


def test_the_coordinator_sees_only_its_province(world, login):
    page = login(world.people.far_coordinator).get(reverse("province_dashboard")).content.decode()
    assert world.far.name in page and world.home.name not in page
    page = login(world.people.coordinator).get(reverse("province_dashboard")).content.decode()
    assert world.home.name in page and world.other.name in page and world.far.name not in page


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_closes_the_agency_periods(world, role):
    assert perms.can_close_periods(getattr(world.people, role), world.home) == (role in {"admin", "office"})
