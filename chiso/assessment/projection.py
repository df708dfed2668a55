"""The live projection of an agency's PAR INDEX score, per sub-criterion, field and total, against its plan's
targets table and last year's published result.

Each scored sub-criterion falls in exactly one class:
- evidenced ("đã có minh chứng"): the current round's score has evidence attached; it counts its score (the
  final score once final, else the reviewed one, else the self-score);
- at risk ("có nguy cơ"): otherwise, one of the tasks mapped to it (or to its criterion) is overdue or failed;
  its maximum is at risk and is not counted;
- expected ("dự kiến"): otherwise, it has tasks and none is at risk: its maximum is expected;
- untracked ("chưa theo dõi"): no evidence and no task: nothing is counted.
Projected = evidenced + expected. The rule is written once, in `classify`, and reads only data in hand.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef

from chiso.frameworks.exchange import tree_order
from chiso.frameworks.models import Framework, FrameworkNode, PublishedResult
from chiso.lib.numbers import format_vn_decimal
from chiso.periods.calendar import today as calendar_today
from chiso.plans.models import Plan, PlanTarget, Task
from chiso.plans.status import Status

from .models import Score, ScoreEvidence, Submission
from .queries import mapped_tasks

ZERO = Decimal(0)
EVIDENCED, EXPECTED, AT_RISK, UNTRACKED = "evidenced", "expected", "at_risk", "untracked"
RISKY = {Status.OVERDUE, Status.FAILED}


@dataclass
class Leaf:
    node: FrameworkNode
    kind: str
    points: Decimal  # counted (evidenced or expected) or at risk
    tasks: list = field(default_factory=list)
    risky_tasks: list = field(default_factory=list)


@dataclass
class FieldLine:
    node: FrameworkNode
    max_score: Decimal | None
    evidenced: Decimal = ZERO
    expected: Decimal = ZERO
    at_risk: Decimal = ZERO
    target: Decimal | None = None
    target_op: str = ""
    last_year: Decimal | None = None
    leaves: list = field(default_factory=list)

    @property
    def projected(self) -> Decimal:
        return self.evidenced + self.expected

    @property
    def gap(self) -> Decimal | None:
        """How far the projection falls short of the target (None when it reaches it or there is none)."""
        if self.target is None or self.projected >= self.target:
            return None
        return self.target - self.projected


@dataclass
class Projection:
    agency: object
    year: int
    framework: Framework | None
    plan: Plan | None
    submission: Submission | None
    fields: list = field(default_factory=list)
    risky_task_ids: set = field(default_factory=set)

    def _sum(self, name):
        return sum((getattr(f, name) for f in self.fields), ZERO)

    @property
    def evidenced(self):
        return self._sum("evidenced")

    @property
    def expected(self):
        return self._sum("expected")

    @property
    def at_risk(self):
        return self._sum("at_risk")

    @property
    def projected(self):
        return self.evidenced + self.expected

    @property
    def max_score(self):
        return sum((f.max_score or ZERO for f in self.fields), ZERO)

    @property
    def target(self) -> Decimal | None:
        targets = [f.target for f in self.fields if f.target is not None]
        return sum(targets, ZERO) if targets else None

    @property
    def last_year(self) -> Decimal | None:
        values = [f.last_year for f in self.fields if f.last_year is not None]
        return sum(values, ZERO) if values else None

    @property
    def gap(self) -> Decimal | None:
        target = self.target
        if target is None or self.projected >= target:
            return None
        return target - self.projected

    @property
    def risky_count(self) -> int:
        return len(self.risky_task_ids)

    def sentence(self) -> str:
        """"dự kiến 14,2 / mục tiêu ≥ 14,5 — thiếu 0,3; 1,5 điểm đang có nguy cơ vì 3 nhiệm vụ quá hạn"."""
        parts = [f"dự kiến {format_vn_decimal(self.projected)}"]
        if self.target is not None:
            parts[0] += f" / mục tiêu ≥ {format_vn_decimal(self.target)}"
            parts[0] += f" — thiếu {format_vn_decimal(self.gap)}" if self.gap else " — đạt"
        if self.at_risk:
            parts.append(f"{format_vn_decimal(self.at_risk)} điểm đang có nguy cơ vì {self.risky_count} nhiệm vụ "
                         "quá hạn hoặc không thực hiện được")
        return "; ".join(parts)


def classify(max_score: Decimal, counted: Decimal | None, has_evidence: bool, statuses: list[str]) -> tuple:
    """(class, points) of one sub-criterion; see the module's docstring."""
    if has_evidence and counted is not None:
        return EVIDENCED, counted
    if any(s in RISKY for s in statuses):
        return AT_RISK, max_score
    if statuses:
        return EXPECTED, max_score
    return UNTRACKED, ZERO


def _frameworks_for(agencies, year: int) -> dict:
    """{agency id: (framework, submission)}: the round's framework when the agency is in a round of the year,
    else the PAR INDEX catalog its tasks of the year point to most (two queries for all agencies)."""
    found = {}
    for sub in (Submission.objects.filter(agency__in=agencies, round__year=year)
                .select_related("round__framework").order_by("round__pk")):
        found[sub.agency_id] = (sub.round.framework, sub)
    missing = [a.pk for a in agencies if a.pk not in found]
    if missing:
        counts = (Task.objects.filter(plan__agency_id__in=missing, plan__year=year, node__isnull=False,
                                      node__framework__index="PAR_INDEX")
                  .values_list("plan__agency_id", "node__framework").annotate(n=Count("id")).order_by("-n"))
        frameworks = {}
        for agency_id, framework_id, _n in counts:
            frameworks.setdefault(agency_id, framework_id)
        objects = Framework.objects.in_bulk(set(frameworks.values()))
        for agency_id, framework_id in frameworks.items():
            found[agency_id] = (objects[framework_id], None)
    return found


def last_year_fields(agency, year: int) -> dict[str, Decimal]:
    """{field code: score} published for the agency the year before (its predecessors' when it has none)."""
    return _last_years([agency], year).get(agency.pk, {})


def _last_years(agencies, year: int) -> dict[int, dict[str, Decimal]]:
    rows = PublishedResult.objects.filter(year=year - 1, framework__index="PAR_INDEX", node__isnull=False,
                                          node__depth=1)
    found: dict[int, dict] = defaultdict(dict)
    for agency_id, code, score in rows.filter(agency__in=agencies).values_list("agency_id", "node__code", "score"):
        found[agency_id][code] = score
    orphans = [a.pk for a in agencies if a.pk not in found]
    if orphans:
        inherited = (rows.filter(agency__successors__in=orphans).order_by("agency_id")
                     .values_list("agency__successors", "node__code", "score"))
        for successor, code, score in inherited:
            if successor in orphans:
                found[successor].setdefault(code, score)
    return found


def projection_for(agency, year: int | None = None) -> Projection:
    return projections_for([agency], year)[0]


def projections_for(agencies, year: int | None = None) -> list[Projection]:
    """The projection of each agency, loaded together: a fixed number of queries per catalog, not per agency."""
    agencies = list(agencies)
    year = year or calendar_today().year
    today = calendar_today()
    chosen = _frameworks_for(agencies, year)
    by_framework = defaultdict(list)
    for agency in agencies:
        if agency.pk in chosen:
            by_framework[chosen[agency.pk][0].pk].append(agency)
    subs = [sub for _f, sub in chosen.values() if sub is not None]
    scores = defaultdict(dict)
    rows = (Score.objects.filter(submission__in=subs).order_by()
            .annotate(has_evidence=Exists(ScoreEvidence.objects.filter(score=OuterRef("pk"))))
            .values_list("submission_id", "node_id", "submission__state", "final_score", "review",
                         "reviewed_score", "self_score", "has_evidence"))
    for sub_id, node_id, state, final, review, reviewed, own, has_evidence in rows:  # rows, not 4,000 models
        if state == Submission.State.FINAL:
            counted = final
        else:
            counted = reviewed if review == Score.Review.ADJUSTED else own  # Score.reviewed_value
        scores[sub_id][node_id] = (counted, bool(has_evidence))
    plans = {}
    for plan in Plan.objects.filter(agency__in=[a for a in agencies if a.pk in chosen], year=year).order_by(
            "-status", "-pk"):
        if "PAR_INDEX" in (plan.indices or []):
            plans.setdefault(plan.agency_id, plan)
    targets = defaultdict(dict)
    for t in PlanTarget.objects.filter(plan__in=list(plans.values()), index="PAR_INDEX").select_related("node"):
        targets[t.plan_id].setdefault(t.node.code if t.node_id else t.field_name, t)
    last = _last_years([a for a in agencies if a.pk in chosen], year)
    results = {}
    for framework_id, group in by_framework.items():
        framework = chosen[group[0].pk][0]
        nodes = tree_order(FrameworkNode.objects.filter(framework_id=framework_id))
        mapped = mapped_tasks(framework_id, [a.pk for a in group], year, today)
        for agency in group:
            sub = chosen[agency.pk][1]
            plan = plans.get(agency.pk)
            results[agency.pk] = _compute(agency, year, framework, plan, sub, nodes,
                                          scores.get(sub.pk, {}) if sub else {}, mapped.get(agency.pk, {}),
                                          targets.get(plan.pk, {}) if plan else {}, last.get(agency.pk, {}))
    return [results.get(a.pk) or Projection(agency=a, year=year, framework=None, plan=None, submission=None)
            for a in agencies]


def _compute(agency, year, framework, plan, sub, nodes, scores, mapped, targets, last) -> Projection:
    result = Projection(agency=agency, year=year, framework=framework, plan=plan, submission=sub)
    parents = {n.parent_id for n in nodes if n.parent_id}
    by_id = {n.pk: n for n in nodes}
    lines: dict[int, FieldLine] = {}
    for node in nodes:
        if node.parent_id is None:
            target = targets.get(node.code) or targets.get(node.name)
            lines[node.pk] = FieldLine(node, node.max_score, target=target.target_score if target else None,
                                       target_op=target.get_target_op_display() if target else "",
                                       last_year=last.get(node.code))
    result.fields = list(lines.values())
    for node in nodes:
        if node.pk in parents or node.method == FrameworkNode.Method.SURVEY or node.max_score is None:
            continue
        top = node
        while top.parent_id:
            top = by_id[top.parent_id]
        tasks = mapped.get(node.pk, [])
        counted, has_evidence = scores.get(node.pk, (None, False))
        kind, points = classify(node.max_score, counted, has_evidence, [t.status for t in tasks])
        risky = [t for t in tasks if t.status in RISKY]
        line = lines[top.pk]
        line.leaves.append(Leaf(node, kind, points, tasks, risky))
        if kind == EVIDENCED:
            line.evidenced += points
        elif kind == EXPECTED:
            line.expected += points
        elif kind == AT_RISK:
            line.at_risk += points
            result.risky_task_ids.update(t.pk for t in risky)
    return result


def field_counts(projection: Projection) -> dict:
    counts = defaultdict(int)
    for line in projection.fields:
        for leaf in line.leaves:
            counts[leaf.kind] += 1
    return dict(counts)
