"""The projection against a hand-computed example (see the numbers in the comments), and its pages."""

from datetime import timedelta
from decimal import Decimal

import pytest

from chiso.assessment import actions
from chiso.assessment.actions import Declared
from chiso.assessment.projection import AT_RISK, EVIDENCED, EXPECTED, UNTRACKED, projection_for
from chiso.frameworks.models import PublishedResult
from chiso.periods.calendar import today
from chiso.plans import actions as plan_actions
from chiso.plans.models import PlanTarget

D = Decimal


@pytest.fixture
def example(aw):
    """Catalog maxima are 2 each. The civil task (1.1 → 1.1.1–1.1.3) is overdue; the laws task (2.1.1) is
    due next month; 2.1.2 has no task.
    1.1.1: self 2 with evidence        → evidenced 2
    1.1.2: self 1, no evidence         → at risk 2 (overdue task)
    1.1.3: explanation only            → at risk 2
    2.1.1: no score, task on track     → expected 2
    2.1.2: nothing                     → untracked 0
    Field 1: projected 2, at risk 4; field 2: projected 2. Total projected 4, at risk 4, one task."""
    assert aw.civil_task.due < today()
    aw.laws_task.due = today() + timedelta(days=30)
    plan_actions.do_save_task(aw.people.office, aw.laws_task, [aw.laws], [])
    actions.do_save_score(aw.people.office, aw.scores["1.1.1"], Declared(yes=True))
    actions.do_add_evidence(aw.people.office, aw.scores["1.1.1"], doc_number="3/KH")
    actions.do_save_score(aw.people.office, aw.scores["1.1.2"], Declared(rate=D(85)))
    actions.do_save_score(aw.people.office, aw.scores["1.1.3"], Declared(score=D(1), explanation="Đang soạn"))
    PlanTarget.objects.create(plan=aw.plan, index="PAR_INDEX", node=aw.nodes["1"], field_name="Chỉ đạo",
                              target_score=D(5), max_score=D(6))
    PlanTarget.objects.create(plan=aw.plan, index="PAR_INDEX", node=aw.nodes["2"], field_name="Thể chế",
                              target_score=D("1.5"), max_score=D(4))
    PublishedResult.objects.create(framework=aw.catalog, node=aw.nodes["1"], agency=aw.home, year=2025,
                                   score=D("4.5"))
    return aw


def test_projection_matches_the_hand_computed_example(example):
    p = projection_for(example.home, 2026)
    kinds = {leaf.node.code: (leaf.kind, leaf.points) for f in p.fields for leaf in f.leaves}
    assert kinds == {"1.1.1": (EVIDENCED, D("2.000")), "1.1.2": (AT_RISK, D(2)), "1.1.3": (AT_RISK, D(2)),
                     "2.1.1": (EXPECTED, D(2)), "2.1.2": (UNTRACKED, D(0))}
    one, two = p.fields
    assert (one.evidenced, one.expected, one.at_risk, one.projected, one.target, one.gap, one.last_year) == (
        D(2), D(0), D(4), D(2), D(5), D(3), D("4.5"))
    assert (two.projected, two.target, two.gap) == (D(2), D("1.5"), None)
    assert (p.projected, p.at_risk, p.target, p.gap, p.risky_count, p.max_score) == (
        D(4), D(4), D("6.5"), D("2.5"), 1, D(10))
    assert p.sentence() == ("dự kiến 4 / mục tiêu ≥ 6,5 — thiếu 2,5; 4 điểm đang có nguy cơ vì 1 nhiệm vụ quá hạn "
                            "hoặc không thực hiện được")


def test_a_done_task_turns_risk_into_expected_points(example):
    from chiso.tracking.actions import do_confirm_update, do_post_update
    from chiso.tracking.tests.helpers import report

    update = do_post_update(example.people.staff, example.civil_task,
                            report(percent=100, status="done", done_on=example.civil_task.due))
    do_confirm_update(example.people.office, update)
    p = projection_for(example.home, 2026)
    assert (p.projected, p.at_risk) == (D(8), D(0))  # 2 evidenced + 2 + 2 (1.1.2, 1.1.3) + 2 (2.1.1)


@pytest.mark.parametrize("role, status", [("office", 200), ("viewer", 200), ("coordinator", 200),
                                          ("outsider", 403), ("far_coordinator", 403), ("nobody", 403)])
def test_projection_pages(example, client, role, status):
    client.force_login(getattr(example.people, role))
    response = client.get("/danh-gia/du-bao/STP/khung/?nam=2026")
    assert response.status_code == status
    if status == 200:
        assert "thiếu 2,5" in response.content.decode()
        page = client.get("/danh-gia/du-bao/STP/?nam=2026").content.decode()
        assert 'id="lv-1"' in page and example.civil_task.title in page


def test_the_dashboard_and_plan_page_load_the_projection(example, client):
    client.force_login(example.people.office)
    assert "/danh-gia/du-bao/STP/khung/" in client.get(f"/ke-hoach/{example.plan.pk}/").content.decode()
    assert "/danh-gia/du-bao/STP/khung/" in client.get("/theo-doi/co-quan/STP/").content.decode()
