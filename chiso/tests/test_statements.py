"""chiso.statements: a queryset compiled once answers, with fresh parameters, exactly what the ORM answers —
ints, strings, dates, datetimes, lists (empty too), select_related objects, a union — and a build that
derives a value from a parameter (today + 7 days) or drops it is refused rather than silently wrong."""

from datetime import date, timedelta

import pytest
from django.db.models import Q, Value
from django.utils import timezone

from chiso.accounts.models import RoleGrant
from chiso.plans.models import Task
from chiso.statements import Statement

pytestmark = pytest.mark.django_db


def _tasks(agencies, due_from, title):
    return (Task.objects.filter(plan__agency_id__in=agencies, due__gte=due_from)
            .exclude(Q(title=title) | Q(ref=title)).order_by("pk")
            .values_list("pk", "title", "due", "plan__year", "updated_at"))


def test_rows_match_the_orm_for_every_parameter_kind(world):
    statement = Statement("test.tasks", _tasks)
    agency = world.plan.agency_id
    for agencies, due_from, title in (([agency], date(2020, 1, 1), ""), ([agency, 999], date(2026, 3, 1), "a"),
                                      ([agency], date(2030, 1, 1), ""), ([], date(2020, 1, 1), ""),
                                      ([agency], date(2020, 1, 1), "không có")):
        expected = list(_tasks(agencies, due_from, title))
        got = statement.rows(agencies=agencies, due_from=due_from, title=title)
        assert got == expected
    assert statement.rows(agencies=[agency], due_from=date(2020, 1, 1), title="")  # the world has tasks


def test_datetimes_and_shapes(world):
    def since(limit, after):
        return Task.objects.filter(updated_at__gte=after).order_by("pk").values_list("pk")[:limit]

    statement = Statement("test.since", since)
    for limit, after in ((5, timezone.now() - timedelta(days=1)), (1, timezone.now() - timedelta(days=1)),
                         (5, timezone.now() + timedelta(days=1))):
        assert statement.rows({"limit": limit}, after=after) == list(since(limit, after))
    assert len(statement.rows({"limit": 1}, after=timezone.now() - timedelta(days=1))) == 1


def test_objects_with_select_related_match_the_orm(world):
    statement = Statement("test.grants", lambda user_id: RoleGrant.objects.filter(user_id=user_id)
                          .select_related("agency").order_by("pk"))
    for person in (world.people.leader, world.people.office, world.people.staff):
        expected = list(RoleGrant.objects.filter(user_id=person.pk).select_related("agency").order_by("pk"))
        got = statement.objects(user_id=person.pk)
        assert [(g.pk, g.role, g.agency.code if g.agency else None) for g in got] == \
               [(g.pk, g.role, g.agency.code if g.agency else None) for g in expected]
        assert got and all("agency" in g._state.fields_cache for g in got)  # no query per row afterwards


def test_a_union(world):
    def links(ids):
        parts = [through.objects.filter(task_id__in=ids).annotate(lead=Value(n))
                 .values_list("lead", "task_id", "unit_id")
                 for n, through in ((1, Task.lead_units.through), (0, Task.support_units.through))]
        return parts[0].union(parts[1], all=True)

    ids = list(Task.objects.values_list("pk", flat=True))
    assert sorted(Statement("test.union", links).rows(ids=ids)) == sorted(links(ids)) != []


def test_a_value_derived_from_a_parameter_is_refused(world):
    week = Statement("test.week", lambda today: Task.objects.filter(due__lte=today + timedelta(days=7))
                     .values_list("pk"))
    with pytest.raises(TypeError):
        week.rows(today=date(2026, 3, 1))
    contains = Statement("test.contains", lambda title: Task.objects.filter(title__contains=title).values_list("pk"))
    with pytest.raises(TypeError):  # the ORM writes %title%: a value made from the parameter
        contains.rows(title="a")
    unused = Statement("test.unused", lambda agency: Task.objects.values_list("pk"))
    with pytest.raises(TypeError):
        unused.rows(agency=1)


def test_lists_as_arrays_match_the_orm(world):
    """On PostgreSQL a list parameter travels as one array (`= ANY(%s)`); the answers stay the ORM's, with
    duplicates, an exclude of a list, and a list of one."""
    def build(ids, skip):
        return Task.objects.filter(pk__in=ids).exclude(pk__in=skip).order_by("pk").values_list("pk", "title")

    statement = Statement("test.arrays", build)
    pks = list(Task.objects.order_by("pk").values_list("pk", flat=True))
    assert len(pks) >= 2
    for ids, skip in ((pks, [pks[0], 10**9]), (pks + pks, [10**9, 10**9 + 1]), (pks + [10**9], [pks[-1]]),
                      ([pks[0], 10**9], [10**9, pks[0]])):
        assert statement.rows(ids=ids, skip=skip) == list(build(ids, skip))


def test_as_arrays_rewrites_only_a_plain_in_list():
    from chiso.statements import _WHOLE, _as_arrays, _identity

    slots = [("a", 0, _identity), ("a", 1, _identity), ("b", None, _identity), ("c", 0, _identity),
             ("c", 1, _identity)]
    sql, new = _as_arrays('SELECT 1 WHERE "x" IN (%s, %s) AND "y" = %s AND NOT ("z" IN (%s, %s))', slots)
    assert sql == 'SELECT 1 WHERE "x" = ANY(%s) AND "y" = %s AND NOT ("z" = ANY(%s))'
    assert [s[:2] for s in new] == [("a", _WHOLE), ("b", None), ("c", _WHOLE)]
    kept = 'SELECT 1 WHERE "x" NOT IN (%s, %s)'
    assert _as_arrays(kept, slots[:2]) == (kept, slots[:2])  # never a NOT = ANY
    one = 'SELECT 1 WHERE "x" IN (%s)'
    assert _as_arrays(one, slots[:1]) == (one, slots[:1])
    mixed = 'SELECT 1 WHERE "x" IN (%s, %s, %s)'  # a constant inside the list: left alone
    mixed_slots = slots[:2] + [(None, 7, None)]
    assert _as_arrays(mixed, mixed_slots) == (mixed, mixed_slots)
