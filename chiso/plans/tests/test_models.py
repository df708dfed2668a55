"""Database constraints hold even when a form is bypassed."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chiso.plans import actions
from chiso.plans.models import Plan, Task

pytestmark = pytest.mark.django_db


def test_duplicate_plan_number_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(agency=world.home, title="Trùng số", number="12/KH-STP", year=2026)


def test_plans_without_a_number_may_repeat(world):
    Plan.objects.create(agency=world.home, title="A", number="", year=2026)
    Plan.objects.create(agency=world.home, title="B", number="", year=2026)
    assert Plan.objects.filter(number="").count() == 2


def test_negative_budget_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(plan=world.plan, title="x", budget_million_vnd=-1)


def test_an_action_that_fails_validation_saves_nothing(world):
    before = Plan.objects.count()
    with pytest.raises(ValidationError):
        actions.do_create_plan(world.people.office, Plan(agency=world.home, title="Sai kỳ", year=2026,
                                                         period_start=date(2026, 5, 1), period_end=date(2026, 1, 1)))
    assert Plan.objects.count() == before


def test_deleting_a_plan_keeps_its_history(world):
    from chiso.audit.models import AuditEntry

    pk = world.plan.pk
    actions.do_delete_plan(world.people.office, world.plan)
    deleted = AuditEntry.objects.filter(action="delete").values_list("model", flat=True)
    assert sorted(deleted) == ["plans.plan", "plans.task", "plans.task"]
    assert not Plan.objects.filter(pk=pk).exists()


def test_measure_display_uses_the_vietnamese_decimal_comma(world):
    task = Task(plan=world.plan, title="x", measure_op=">=", measure_value=Decimal("98.5"), measure_unit="%")
    assert task.measure_display == "≥ 98,5%"


def test_measure_display_puts_a_space_before_a_word_unit(world):
    task = Task(plan=world.plan, title="x", measure_op=">=", measure_value=Decimal("3"), measure_unit="thủ tục")
    assert task.measure_display == "≥ 3 thủ tục"
