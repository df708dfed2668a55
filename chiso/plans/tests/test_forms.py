"""Bad input on the plan and task forms: a Vietnamese message next to the field, nothing saved."""

from datetime import date

import pytest

from chiso.audit.models import AuditEntry
from chiso.plans.models import Plan, Task

pytestmark = pytest.mark.django_db


def plan_data(world, **extra):
    data = {"agency": world.home.pk, "title": "Kế hoạch mới", "number": "99/KH-STP", "year": "2026",
            "issued_on": "15/02/2026", "period_start": "01/01/2026", "period_end": "31/12/2026",
            "status": "draft", "indices": ["PAR_INDEX"]}
    data.update(extra)
    return data


def task_data(world, **extra):
    data = {"ref": "3", "index": "PAR_INDEX", "title": "Nhiệm vụ mới", "due": "30/06/2026",
            "recurrence": "once", "lead_units": [world.civil.pk]}
    data.update(extra)
    return data


def test_it_creates_a_plan_with_dd_mm_yyyy_dates(world, login):
    client = login(world.people.office)
    r = client.post("/ke-hoach/them/", plan_data(world))
    plan = Plan.objects.get(number="99/KH-STP")
    assert r.status_code == 302 and r["Location"] == f"/ke-hoach/{plan.pk}/"
    assert plan.issued_on == date(2026, 2, 15) and plan.indices == ["PAR_INDEX"]
    assert AuditEntry.objects.filter(model="plans.plan", object_id=str(plan.pk), action="create").exists()


def test_it_rejects_an_impossible_date(world, login):
    client = login(world.people.office)
    r = client.post("/ke-hoach/them/", plan_data(world, issued_on="31/02/2026"))
    assert r.status_code == 200
    assert "Nhập một ngày hợp lệ" in r.content.decode()
    assert not Plan.objects.filter(number="99/KH-STP").exists()


def test_it_rejects_a_period_that_ends_before_it_starts(world, login):
    r = login(world.people.office).post("/ke-hoach/them/", plan_data(world, period_end="01/01/2025"))
    assert "Ngày kết thúc phải sau ngày bắt đầu" in r.content.decode()
    assert not Plan.objects.filter(number="99/KH-STP").exists()


def test_it_rejects_a_duplicate_number_in_the_same_agency_and_year(world, login):
    r = login(world.people.office).post("/ke-hoach/them/", plan_data(world, number="12/KH-STP"))
    assert r.status_code == 200
    assert "Cơ quan đã có kế hoạch mang số này trong năm" in r.content.decode()
    assert Plan.objects.filter(number="12/KH-STP").count() == 1


def test_the_same_number_in_another_year_is_fine(world, login):
    login(world.people.office).post("/ke-hoach/them/", plan_data(world, number="12/KH-STP", year="2027",
                                                                 issued_on="15/02/2027",
                                                                 period_start="", period_end=""))
    assert Plan.objects.filter(number="12/KH-STP").count() == 2


def test_office_cannot_create_a_plan_for_another_agency(world, login):
    r = login(world.people.office).post("/ke-hoach/them/", plan_data(world, agency=world.other.pk))
    assert r.status_code == 200 and "field-error" in r.content.decode()
    assert not Plan.objects.filter(number="99/KH-STP").exists()


def test_it_adds_a_task_with_units_and_history(world, login):
    client = login(world.people.office)
    r = client.post(f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/",
                    task_data(world, support_units=[world.laws.pk], budget_million_vnd="12,5"))
    task = Task.objects.get(title="Nhiệm vụ mới")
    assert r.status_code == 302
    assert list(task.lead_units.all()) == [world.civil] and list(task.support_units.all()) == [world.laws]
    assert str(task.budget_million_vnd) == "12.500"
    entry = AuditEntry.objects.get(model="plans.task", object_id=str(task.pk))
    assert entry.after["lead_units"] == [world.civil.pk] and entry.actor == world.people.office


def test_it_rejects_a_negative_budget(world, login):
    r = login(world.people.office).post(f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/",
                                        task_data(world, budget_million_vnd="-5"))
    assert "Kinh phí không được âm" in r.content.decode()
    assert not Task.objects.filter(title="Nhiệm vụ mới").exists()


def test_it_rejects_a_unit_of_another_agency(world, login):
    r = login(world.people.office).post(f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/",
                                        task_data(world, lead_units=[world.other_unit.pk]))
    assert "không thuộc cơ quan ban hành kế hoạch" in r.content.decode()
    assert not Task.objects.filter(title="Nhiệm vụ mới").exists()


def test_a_due_date_outside_the_period_needs_confirmation(world, login):
    client = login(world.people.office)
    url = f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/"
    r = client.post(url, task_data(world, due="15/01/2027"))
    assert "nằm ngoài thời gian thực hiện kế hoạch" in r.content.decode()
    assert not Task.objects.filter(title="Nhiệm vụ mới").exists()
    r = client.post(url, task_data(world, due="15/01/2027", confirm_outside_period="on"))
    assert r.status_code == 302
    assert Task.objects.get(title="Nhiệm vụ mới").due == date(2027, 1, 15)


def test_editing_a_task_records_before_and_after(world, login):
    client = login(world.people.office)
    task = world.civil_task
    r = client.post(f"/ke-hoach/nhiem-vu/{task.pk}/sua/", task_data(world, title="Tên mới", ref="1", version="1"))
    assert r.status_code == 302
    entry = AuditEntry.objects.filter(model="plans.task", object_id=str(task.pk), action="update").get()
    assert entry.before["title"] == "Giải quyết hồ sơ đúng hạn đạt 98%" and entry.after["title"] == "Tên mới"
    assert entry.actor == world.people.office


@pytest.mark.parametrize("typed,stored", [("1.250", "1250.000"), ("12,5", "12.500"), ("1.250,5", "1250.500")])
def test_budgets_are_typed_the_vietnamese_way(world, login, typed, stored):
    r = login(world.people.office).post(f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/",
                                        task_data(world, budget_million_vnd=typed))
    assert r.status_code == 302
    assert str(Task.objects.get(title="Nhiệm vụ mới").budget_million_vnd) == stored


def test_a_budget_that_is_not_a_number_is_refused(world, login):
    r = login(world.people.office).post(f"/ke-hoach/{world.plan.pk}/nhiem-vu/them/",
                                        task_data(world, budget_million_vnd="mười"))
    assert "Nhập một số" in r.content.decode()
