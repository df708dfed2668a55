"""The assessment pages run a fixed number of queries: the same count for a catalog of 2 sub-criteria and of
12 (with a task, a task report with a file and an evidence item each), and a small one."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chiso.assessment import actions
from chiso.frameworks.actions import NodeSpec, do_create_catalog
from chiso.periods.calendar import today
from chiso.plans import actions as plan_actions
from chiso.plans.models import Plan, Task
from chiso.tracking.actions import do_post_update
from chiso.tracking.tests.helpers import pdf, report

pytestmark = pytest.mark.django_db

MOST = 20  # queries a page may run, whatever the size (session, user, grants and the bell included)


def province_of_size(world, year: int, size: int):
    """A catalog of `size` sub-criteria (two fields), a plan of the year with a task on each, a confirmed-or-not
    report with a PDF on each task, and a round where the office declared and evidenced every sub-criterion."""
    rules = [{"kind": "yes_no"}, {"kind": "count", "per": "0.5"}, None]
    specs = [NodeSpec("1", "Lĩnh vực một", max_score=Decimal(size), order=1),
             NodeSpec("2", "Lĩnh vực hai", max_score=Decimal(size), order=2)]
    for f in ("1", "2"):
        specs.append(NodeSpec(f"{f}.1", f"Tiêu chí {f}.1", f, Decimal(size), order=1))
        specs += [NodeSpec(f"{f}.1.{i}", f"Tiêu chí thành phần {f}.1.{i}", f"{f}.1", Decimal(1),
                           rule=rules[i % 3], order=i) for i in range(1, size // 2 + 1)]
    catalog = do_create_catalog(None, {"index": "PAR_INDEX", "year": year, "level": "department",
                                       "province": world.province, "name": f"Bộ {size} tiêu chí"}, specs)
    plan = plan_actions.do_create_plan(world.people.office, Plan(
        agency=world.home, title=f"Kế hoạch năm {year}", number=f"{year}/KH", year=year,
        period_start=date(year, 1, 1), period_end=date(year, 12, 31), indices=["PAR_INDEX"],
        status=Plan.Status.IN_FORCE))
    for i, node in enumerate(catalog.nodes.filter(depth=3).order_by("code")):
        task = plan_actions.do_save_task(world.people.office, Task(
            plan=plan, index="PAR_INDEX", node=node, ref=str(i + 1), title=f"Nhiệm vụ {node.code}",
            due=today() + timedelta(days=-5 if i % 2 else 30)), [world.civil], [])
        do_post_update(world.people.staff, task, report(files=[pdf(f"{node.code}.pdf")], cause="Chậm",
                                                        remedy="Đôn đốc"))
    now = today()
    rnd = actions.do_open_round(world.people.coordinator, world.province, catalog, actions.Deadlines(
        now + timedelta(days=5), now + timedelta(days=10), now + timedelta(days=15), now + timedelta(days=20)))
    sub = rnd.submissions.get(agency=world.home)
    for score in sub.scores.select_related("node"):
        kind = score.node.scoring_rule.value_kind if score.node.rule else ""
        value = (actions.Declared(yes=True) if kind == "yes_no" else actions.Declared(count=1) if kind == "count"
                 else actions.Declared(score=Decimal("0.5")))
        actions.do_save_score(world.people.office, score, value)
        actions.do_add_evidence(world.people.office, score, doc_number=f"{score.node.code}/BC", doc_summary="Báo cáo")
    return rnd, sub


def counts(client, world, rnd, sub) -> dict[str, int]:
    pages = {
        "office: agency page": (world.people.office, f"/danh-gia/ho-so/{sub.pk}/"),
        "coordinator: agency page": (world.people.coordinator, f"/danh-gia/ho-so/{sub.pk}/"),
        "coordinator: round page": (world.people.coordinator, f"/danh-gia/dot/{rnd.pk}/"),
        "coordinator: ranking": (world.people.coordinator, f"/danh-gia/xep-hang/?nam={rnd.year}"),
        "coordinator: ranking of a field": (world.people.coordinator,
                                            f"/danh-gia/xep-hang/?nam={rnd.year}&linh-vuc=2"),
        "office: projection": (world.people.office, f"/danh-gia/du-bao/STP/?nam={rnd.year}"),
    }
    found = {}
    for name, (user, url) in pages.items():
        client.force_login(user)
        client.get(url)  # the session and caches settle
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        found[name] = len(queries)
    return found


def test_the_pages_run_the_same_queries_for_2_and_12_sub_criteria(world, client):
    small = counts(client, world, *province_of_size(world, 2030, 2))
    large = counts(client, world, *province_of_size(world, 2031, 12))
    assert large == small
    assert max(small.values()) <= MOST, small
