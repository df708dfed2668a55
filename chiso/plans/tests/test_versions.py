"""Lost updates (issue 9): a task or plan edit carries the version it was opened on. A stale form is refused
with a Vietnamese message naming what changed, and nothing is overwritten; two editors saving at once
(threads against the real database, 20 tries, counts printed) never both win."""

import pytest

from chiso.audit.models import AuditEntry
from chiso.plans import actions
from chiso.plans.models import Plan, Task
from chiso.tests.races import backend, race

from .test_forms import plan_data, task_data

TRIES = 20


def _task_form(world, task, **extra):
    return task_data(world, **{"ref": task.ref, "title": task.title, "due": "30/06/2026", **extra})


@pytest.mark.django_db
def test_a_stale_task_form_is_refused_with_what_changed(world, login):
    task = world.civil_task
    first, second = login(world.people.office), None
    # both editors open the form on version 1
    assert 'name="version" value="1"' in first.get(f"/ke-hoach/nhiem-vu/{task.pk}/sua/").content.decode()
    r = first.post(f"/ke-hoach/nhiem-vu/{task.pk}/sua/", _task_form(world, task, title="Tên của Văn phòng",
                                                                      version="1"))
    assert r.status_code == 302
    from django.test import Client

    second = Client()
    second.force_login(world.people.leader)  # staff no longer edit a task (issue 10)
    r = second.post(f"/ke-hoach/nhiem-vu/{task.pk}/sua/", _task_form(world, task, title="Tên của phòng",
                                                                       version="1"))
    page = r.content.decode()
    assert r.status_code == 409
    assert "Thay đổi của bạn CHƯA được lưu" in page
    assert "Giải quyết hồ sơ đúng hạn đạt 98%” → “Tên của Văn phòng" in page and "Office" in page
    assert 'name="version" value="2"' in page  # saving again is a deliberate overwrite
    task.refresh_from_db()
    assert task.title == "Tên của Văn phòng" and task.version == 2
    assert AuditEntry.objects.filter(model="plans.task", object_id=str(task.pk), action="update").count() == 1
    # saving again from the refreshed form overwrites on purpose, and is recorded
    r = second.post(f"/ke-hoach/nhiem-vu/{task.pk}/sua/", _task_form(world, task, title="Tên của phòng",
                                                                       version="2"))
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.title == "Tên của phòng" and task.version == 3


@pytest.mark.django_db
def test_an_edit_without_a_version_is_refused(world, login):
    task = world.civil_task
    r = login(world.people.office).post(f"/ke-hoach/nhiem-vu/{task.pk}/sua/", _task_form(world, task, title="X"))
    assert r.status_code == 409
    task.refresh_from_db()
    assert task.title == "Giải quyết hồ sơ đúng hạn đạt 98%"


@pytest.mark.django_db
def test_a_stale_plan_form_is_refused(world, login):
    plan = world.plan
    client = login(world.people.office)
    data = plan_data(world, number=plan.number, title="Tên mới của kế hoạch", status="in_force", version="1")
    assert client.post(f"/ke-hoach/{plan.pk}/sua/", data).status_code == 302
    r = client.post(f"/ke-hoach/{plan.pk}/sua/", {**data, "title": "Tên cũ ghi đè"})
    assert r.status_code == 409 and "Tên mới của kế hoạch" in r.content.decode()
    plan.refresh_from_db()
    assert plan.title == "Tên mới của kế hoạch" and plan.version == 2


@pytest.mark.django_db
def test_a_reorder_raises_the_version(world):
    task = world.civil_task
    actions.do_reorder_task(world.people.office, task, 7)
    assert Task.objects.get(pk=task.pk).version == 2
    task.title = "Ghi đè từ một biểu mẫu cũ"
    with pytest.raises(actions.StaleVersion):
        actions.do_save_task(world.people.office, task, before={}, version=1)
    assert Task.objects.get(pk=task.pk).order == 7


@pytest.fixture
def tworld(transactional_db):
    from conftest import make_world

    return make_world()


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_once_never_both_win(tworld):
    p = tworld.people
    failures = 0
    for n in range(TRIES):
        pk = tworld.civil_task.pk
        opened = Task.objects.get(pk=pk).version
        copies = [Task.objects.get(pk=pk) for _ in range(2)]
        for k, copy in enumerate(copies):
            copy.title = f"Bản {n}-{k}"
        outcomes = race(*[lambda c=c, who=who, v=opened: actions.do_save_task(who, c, before={}, version=v)
                          for c, who in zip(copies, (p.office, p.staff), strict=True)])
        won = [o for o in outcomes if isinstance(o, Task)]
        stale = [o for o in outcomes if isinstance(o, actions.StaleVersion)]
        stored = Task.objects.get(pk=pk)
        failures += not (len(won) == 1 and len(stale) == 1 and stored.title == won[0].title
                         and stored.version == opened + 1)
    print(f"\n[{backend()}] task edits at once: {TRIES} tries, {failures} lost updates")
    assert failures == 0


@pytest.mark.django_db(transaction=True)
def test_two_plan_editors_saving_at_once_never_both_win(tworld):
    p = tworld.people
    failures = 0
    for n in range(TRIES):
        pk = tworld.plan.pk
        opened = Plan.objects.get(pk=pk).version
        copies = [Plan.objects.get(pk=pk) for _ in range(2)]
        for k, copy in enumerate(copies):
            copy.title = f"Kế hoạch {n}-{k}"
        outcomes = race(*[lambda c=c, v=opened: actions.do_update_plan(p.office, c, {}, version=v) for c in copies])
        won = [o for o in outcomes if isinstance(o, Plan)]
        stored = Plan.objects.get(pk=pk)
        failures += not (len(won) == 1 and stored.title == won[0].title and stored.version == opened + 1)
    print(f"\n[{backend()}] plan edits at once: {TRIES} tries, {failures} lost updates")
    assert failures == 0
