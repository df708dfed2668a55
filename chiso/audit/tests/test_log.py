"""The change log: one writer, a generic object reference, entries scoped to an agency (and a plan)."""

from pathlib import Path

import pytest

from chiso.audit.log import Action, agency_history, history, plan_history, record, snapshot
from chiso.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_plan_data_is_scoped_to_the_plan_and_its_agency(world):
    entries = AuditEntry.objects.filter(model="plans.task", object_id=str(world.civil_task.pk))
    assert [(e.action, e.plan_id, e.agency_id) for e in entries] == [("create", world.plan.pk, world.home.pk)]
    assert set(plan_history(world.plan.pk).values_list("model", flat=True)) == {"plans.plan", "plans.task"}
    assert not plan_history(world.plan.pk).filter(agency_id=world.other.pk).exists()
    assert set(agency_history(world.other.pk).values_list("object_id", flat=True)) == {str(world.other_plan.pk)}


def test_any_record_can_have_a_history(world):
    """A unit (scoped by its own agency field) and a user (no agency) through the same writer."""
    unit, user = world.civil, world.people.staff
    before = snapshot(unit)
    unit.short_name = "HCTP"
    unit.save()
    entry = record(world.people.admin, Action.UPDATE, unit, before, snapshot(unit))
    assert (entry.model, entry.object_id, entry.agency_id, entry.plan_id) == ("org.unit", str(unit.pk),
                                                                              world.home.pk, None)
    assert entry.changes() == [("short_name", "", "HCTP")]
    record(world.people.admin, Action.UPDATE, user, {"is_active": True}, {"is_active": False},
           agency=world.home, summary="Khóa tài khoản staff")
    [line] = history(user)
    assert line.object_repr == "Khóa tài khoản staff" and line.agency_id == world.home.pk
    assert list(history(unit)) == [entry]


def test_an_update_that_changed_nothing_is_not_recorded_unless_asked(world):
    same = snapshot(world.plan)
    assert record(None, Action.UPDATE, world.plan, same, same, plan=world.plan) is None
    kept = record(None, Action.UPDATE, world.plan, same, same, plan=world.plan, keep_unchanged=True)
    assert kept is not None and kept.actor is None


def test_only_the_audit_writer_creates_entries():
    """Every app records through chiso.audit.log.record; nobody builds entries by hand."""
    root = Path(__file__).resolve().parents[2]
    writers = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.parent.name == "audit":
            continue
        text = path.read_text()
        if "AuditEntry(" in text or "AuditEntry.objects.create" in text or "AuditEntry.objects.bulk_create" in text:
            writers.append(str(path.relative_to(root)))
    assert writers == []
