"""A new version of an existing plan: differences first, then changes in place that keep task ids."""

import copy
from datetime import date

import pytest

from chiso.audit.models import AuditEntry
from chiso.plans import importing as imp
from chiso.plans.models import Task

pytestmark = pytest.mark.django_db


def version(world, tasks, **plan):
    return {"plan": {"title": world.plan.title, "number": world.plan.number, "year": 2026,
                     "indices": ["PAR_INDEX"], **plan}, "tasks": tasks}


def row(ref, title, lead, due="2026-06-30", **extra):
    return {"ref": ref, "index": "PAR_INDEX", "field": "Cải cách thủ tục hành chính", "criterion": None,
            "title": title, "activity": None, "output": None, "lead": lead, "support": [], "timeframe": None,
            "due": due, "recurrence": "once", "budget_million_vnd": None, "measure": None, **extra}


@pytest.fixture
def world_with_third(world):
    """The world's plan with a third task whose printed texts match what an import would store."""
    plan = world.plan
    imp.apply_new_version(world.people.office, plan, version(world, [
        row("1", world.civil_task.title, ["Phòng Hành chính tư pháp"]),
        row("2", world.laws_task.title, ["Phòng Xây dựng và kiểm tra văn bản"], due="2026-09-30"),
        row("3", "Niêm yết công khai thủ tục hành chính tại bộ phận một cửa", ["Văn phòng Sở"]),
    ]))
    return world


def current(world):
    return [row(t.ref, t.title, [t.lead_text] if t.lead_text else [], due=t.due.isoformat() if t.due else None)
            for t in world.plan.tasks.order_by("order")]


def test_it_finds_added_removed_and_changed_tasks(world_with_third):
    world = world_with_third
    rows = current(world)
    new = copy.deepcopy(rows)
    new[0]["due"] = "2026-05-31"  # changed deadline
    new[1]["title"] = "Rà soát các văn bản quy phạm pháp luật của tỉnh"  # reworded, still the same task
    del new[2]  # removed
    new.append(row("4", "Khảo sát mức độ hài lòng của người dân", ["Văn phòng Sở"]))  # added
    diff = imp.diff_import(world.plan, version(world, new))
    assert [(c.task.ref, c.fields) for c in diff.changed] == [("1", ["due"]), ("2", ["title"])]
    assert [r["ref"] for _, r in diff.added] == ["4"]
    assert [t.ref for t in diff.removed] == ["3"]
    assert diff.unchanged == []
    assert diff.changed[0].changes == [("hạn hoàn thành", "30/06/2026", "31/05/2026")]


def test_the_same_document_again_changes_nothing(world_with_third):
    diff = imp.diff_import(world_with_third.plan, version(world_with_third, current(world_with_third)))
    assert diff.is_empty and len(diff.unchanged) == 3


def test_a_new_version_keeps_the_ids_of_unchanged_and_changed_tasks(world_with_third):
    world = world_with_third
    ids = {t.ref: t.pk for t in world.plan.tasks.all()}
    new = current(world)
    new[0]["due"] = "2026-05-31"
    new[0]["lead"] = ["Phòng Hành chính tư pháp", "Văn phòng Sở"]
    del new[2]
    new.insert(1, row("1a", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", ["Phòng Hành chính tư pháp"]))
    diff = imp.apply_new_version(world.people.office, world.plan, version(world, new))
    tasks = list(world.plan.tasks.order_by("order"))
    assert [t.ref for t in tasks] == ["1", "1a", "2"]
    assert tasks[0].pk == ids["1"] and tasks[2].pk == ids["2"]  # progress recorded on them stays
    assert tasks[0].due == date(2026, 5, 31)
    assert set(tasks[0].lead_units.all()) == {world.civil, world.office_unit}
    assert not Task.objects.filter(pk=ids["3"]).exists()
    assert len(diff.changed) == 1 and len(diff.added) == 1 and len(diff.removed) == 1
    actions = AuditEntry.objects.filter(plan_id=world.plan.pk).order_by("-id").values_list("action", "object_id")[:3]
    assert set(actions) == {("delete", str(ids["3"])), ("create", str(tasks[1].pk)), ("update", str(ids["1"]))}


def test_decisions_narrow_what_is_applied(world_with_third):
    world = world_with_third
    ids = {t.ref: t.pk for t in world.plan.tasks.all()}
    new = current(world)[:2]
    new[0]["due"] = "2026-05-31"
    new.append(row("9", "Việc mới", ["Văn phòng Sở"]))
    imp.apply_new_version(world.people.office, world.plan, version(world, new),
                          {"change": [], "add": [], "remove": [ids["3"]]})
    assert sorted(world.plan.tasks.values_list("ref", flat=True)) == ["1", "2"]
    assert world.plan.tasks.get(ref="1").due == date(2026, 6, 30)


def test_a_failed_version_changes_nothing(world_with_third, monkeypatch):
    world = world_with_third
    before = list(world.plan.tasks.order_by("order").values_list("pk", "title", "due"))
    new = current(world)
    new[0]["due"] = "2026-05-31"
    del new[2]
    new.append(row("4", "", ["Văn phòng Sở"]))  # no title: skipped, not an error
    new.append(row("5", "Việc mới", ["Văn phòng Sở"]))

    def boom(*args, **kwargs):
        raise RuntimeError("stop")

    monkeypatch.setattr(imp, "_create_task", boom)
    with pytest.raises(RuntimeError):
        imp.apply_new_version(world.people.office, world.plan, version(world, new))
    assert list(world.plan.tasks.order_by("order").values_list("pk", "title", "due")) == before


def test_a_new_version_replaces_the_header_parts_and_the_document(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    world.plan.references.create(number="1/KH-UBND")
    source = tmp_path / "phien-ban-2.txt"
    source.write_text("Kế hoạch phiên bản 2", encoding="utf-8")
    new = version(world, [row("1", world.civil_task.title, ["Phòng Hành chính tư pháp"])],
                  title="Kế hoạch cải cách hành chính năm 2026 (sửa đổi)", signer="Trần Thị B",
                  references=[{"number": "2/KH-UBND", "date": "2026-01-05"}],
                  reporting=[{"from": "Văn phòng Sở", "to": "Sở Nội vụ", "due": None, "due_text": "Hằng quý",
                              "frequency": "quarterly"}])
    imp.apply_new_version(world.people.office, world.plan, new, {"remove": []}, source_file=source)
    world.plan.refresh_from_db()
    assert (world.plan.title, world.plan.signer) == ("Kế hoạch cải cách hành chính năm 2026 (sửa đổi)", "Trần Thị B")
    assert list(world.plan.references.values_list("number", flat=True)) == ["2/KH-UBND"]
    assert world.plan.reporting.get().frequency == "quarterly"
    assert world.plan.source_file.name.endswith(".txt")
    assert world.plan.tasks.count() == 2  # the laws task was kept: not chosen for removal


def test_a_field_the_new_version_does_not_print_is_kept(world_with_third):
    world = world_with_third
    new = current(world)
    for r in new:
        r["field"] = None
    diff = imp.diff_import(world.plan, version(world, new))
    assert diff.is_empty
    new[0]["due"] = "2026-05-31"
    imp.apply_new_version(world.people.office, world.plan, version(world, new))
    task = world.plan.tasks.get(ref="1")
    assert task.field_name == "Cải cách thủ tục hành chính" and task.node is not None
