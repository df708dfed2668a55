"""The assessment world: the shared test world (conftest.make_world) plus a small department catalog of the
province with rules of every kind, tasks mapped to its sub-criteria, and an open round.

Catalog (max): 1 (6) → 1.1 (6) → 1.1.1 yes/no (2), 1.1.2 tiers 100→2; 80→1 (2), 1.1.3 by hand (2);
               2 (4) → 2.1 (4) → 2.1.1 count 0,5 (2), 2.1.2 proportional 50% (2).
The civil unit's task is mapped to 1.1 (covers 1.1.1–1.1.3); the laws unit's task to 2.1.1."""

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from chiso.frameworks.actions import NodeSpec, do_create_catalog
from chiso.periods.calendar import today


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_catalog(province, year=2026, actor=None):
    specs = [
        NodeSpec("1", "Chỉ đạo, điều hành", max_score=Decimal(6), order=1),
        NodeSpec("1.1", "Kế hoạch CCHC", "1", Decimal(6), order=1),
        NodeSpec("1.1.1", "Ban hành kế hoạch đúng hạn", "1.1", Decimal(2), rule={"kind": "yes_no"}, order=1,
                 evidence="Kế hoạch"),
        NodeSpec("1.1.2", "Hoàn thành kế hoạch", "1.1", Decimal(2),
                 rule={"kind": "tiers", "tiers": [["100", "2"], ["80", "1"]]}, order=2),
        NodeSpec("1.1.3", "Chất lượng kế hoạch", "1.1", Decimal(2), order=3),
        NodeSpec("2", "Cải cách thể chế", max_score=Decimal(4), order=2),
        NodeSpec("2.1", "Văn bản", "2", Decimal(4), order=1),
        NodeSpec("2.1.1", "Số văn bản rà soát", "2.1", Decimal(2), rule={"kind": "count", "per": "0.5"}, order=1),
        NodeSpec("2.1.2", "Tỷ lệ kiến nghị xử lý", "2.1", Decimal(2),
                 rule={"kind": "proportional", "threshold": "50"}, order=2),
    ]
    return do_create_catalog(actor, {"index": "PAR_INDEX", "year": year, "level": "department",
                                     "province": province, "name": f"Bộ tiêu chí thử {year}"}, specs)


@pytest.fixture
def aw(world):
    from chiso.assessment import actions
    from chiso.plans import actions as plan_actions

    catalog = make_catalog(world.province)
    nodes = {n.code: n for n in catalog.nodes.all()}
    world.civil_task.node = nodes["1.1"]
    plan_actions.do_save_task(world.people.office, world.civil_task, [world.civil], [world.laws])
    world.laws_task.node = nodes["2.1.1"]
    plan_actions.do_save_task(world.people.office, world.laws_task, [world.laws], [])
    now = today()
    deadlines = actions.Deadlines(now + timedelta(days=10), now + timedelta(days=20), now + timedelta(days=30),
                                  now + timedelta(days=40))
    rnd = actions.do_open_round(world.people.coordinator, world.province, catalog, deadlines,
                                survey_max=Decimal(10))
    home = rnd.submissions.get(agency=world.home)
    other = rnd.submissions.get(agency=world.other)
    scores = {s.node.code: s for s in home.scores.select_related("node")}
    return SimpleNamespace(**vars(world), catalog=catalog, nodes=nodes, round=rnd, sub=home, other_sub=other,
                           scores=scores, deadlines=deadlines)
