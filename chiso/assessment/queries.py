"""Reads for the assessment pages: one agency's grid (fields → criteria → sub-criteria with scores, evidence
and the task evidence proposed for each), and the totals per field. A fixed number of queries whatever the
number of sub-criteria."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from chiso.frameworks.exchange import tree_order
from chiso.frameworks.models import FrameworkNode
from chiso.plans.models import Task
from chiso.plans.status import derive
from chiso.tracking.models import Evidence, ProgressUpdate

from . import permissions as perms
from .models import Score, ScoreEvidence, Submission

ZERO = Decimal(0)


@dataclass
class Line:
    """One row of the grid: a field or criterion header (score None), or a scored sub-criterion."""

    node: FrameworkNode
    score: Score | None = None
    evidence: list = field(default_factory=list)
    proposals: list = field(default_factory=list)  # ProposalRow: task evidence mapped here, not yet picked
    tasks: list = field(default_factory=list)
    editable: bool = False
    flagged: bool = False
    self_total: Decimal = ZERO
    reviewed_total: Decimal = ZERO
    final_total: Decimal = ZERO


@dataclass
class TaskRow:
    """What the assessment pages need of a task (a light row, not a model instance)."""

    pk: int
    agency_id: int
    node_id: int
    ref: str
    title: str
    due: object
    status: str = ""

    def __str__(self) -> str:
        return f"{self.ref} {self.title}".strip()


def mapped_tasks(framework_id: int, agency_ids, year: int, today=None) -> dict:
    """{agency id: {scored node id: [TaskRow]}}: the tasks of the agencies' plans of the year mapped to a node
    of the framework; a task on a criterion counts for its sub-criteria too (as in permissions.unit_node_ids;
    a task on a whole field proposes nothing and puts nothing at risk). One query for the
    tasks and their state (the status rule's inputs), one for the tree. With `today`, each row has its
    status (plans.status.derive)."""
    children = defaultdict(list)
    for node_id, parent_id in (FrameworkNode.objects.filter(framework_id=framework_id).order_by()
                               .values_list("pk", "parent_id")):
        if parent_id:
            children[parent_id].append(node_id)

    def below(node_id):
        return [node_id, *children.get(node_id, [])]

    found: dict = defaultdict(lambda: defaultdict(list))
    rows = (Task.objects.filter(plan__agency_id__in=list(agency_ids), plan__year=year,
                                node__framework_id=framework_id)
            .order_by("plan_id", "order", "pk")
            .values_list("pk", "plan__agency_id", "node_id", "ref", "title", "due", "tracking__reported",
                         "tracking__done_on", "tracking__has_updates"))
    for pk, agency_id, node_id, ref, title, due, reported, done_on, has_updates in rows:
        task = TaskRow(pk, agency_id, node_id, ref, title, due)
        if today is not None:
            task.status = derive(reported or "", done_on, due, bool(has_updates), today)
        for target in below(node_id):
            found[agency_id][target].append(task)
    return found


def task_nodes(framework_id: int, agency_id: int, year: int) -> dict:
    """{scored node id: [TaskRow]} of one agency."""
    return mapped_tasks(framework_id, [agency_id], year).get(agency_id, {})


@dataclass
class EvidenceRow:
    """An evidence item as the grid shows it (a light row: a page holds hundreds)."""

    pk: int
    label: str
    file_name: str
    doc_number: str
    doc_date: object
    stage: str
    source_id: int | None
    url: str = ""

    def __str__(self) -> str:
        return self.label


def evidence_rows(submission: Submission) -> dict[int, list[EvidenceRow]]:
    """{score id: [EvidenceRow]} of a submission, in the order they were added (one query)."""
    found = defaultdict(list)
    rows = (ScoreEvidence.objects.filter(score__submission=submission).order_by("score_id", "id")
            .values_list("pk", "score_id", "doc_summary", "original_name", "doc_number", "doc_date", "stage",
                         "source_id", "file", "source__original_name", "source__file", "source__doc_summary"))
    for pk, score_id, summary, name, number, day, stage, source, file, s_name, s_file, s_summary in rows:
        file_name = (s_name if s_file else "") if source else (name if file else "")
        label = summary or name or number or s_summary or s_name or ""
        found[score_id].append(EvidenceRow(pk, label, file_name, number, day, stage, source))
    return found


@dataclass
class ProposalRow:
    """A task's evidence file the grid proposes (a light row: tracking.Evidence has it all)."""

    pk: int
    label: str
    file: str


def task_evidence(task_ids) -> dict[int, list[ProposalRow]]:
    """{task id: [ProposalRow]} of the tasks' reports not superseded, newest report first (one query)."""
    by_task = defaultdict(list)
    rows = (Evidence.objects.filter(update__task_id__in=task_ids)
            .exclude(update__review=ProgressUpdate.Review.SUPERSEDED).order_by("-update__created_at", "id")
            .values_list("pk", "update__task_id", "doc_summary", "original_name", "doc_number", "file"))
    for pk, task_id, summary, name, number, file in rows:
        by_task[task_id].append(ProposalRow(pk, summary or name or number or "", file or ""))
    return by_task


def grid(submission: Submission, user) -> list[Line]:
    """The submission's tree with every scored row filled in; headers carry their subtotals."""
    framework_id = submission.round.framework_id
    nodes = tree_order(FrameworkNode.objects.filter(framework_id=framework_id))
    scores = {s.node_id: s for s in Score.objects.filter(submission=submission).order_by()}
    evidence = evidence_rows(submission)
    mapped = task_nodes(framework_id, submission.agency_id, submission.round.year)
    task_ids = {t.pk for tasks in mapped.values() for t in tasks}
    by_task = task_evidence(task_ids)
    unit_nodes = perms.unit_node_ids(user, submission) if submission.state == Submission.State.DRAFT else set()
    office = perms.is_office(user, submission.agency_id)
    lines, by_id = [], {}
    for node in nodes:
        line = Line(node=node)
        by_id[node.pk] = line
        score = scores.get(node.pk)
        if score is not None:
            score.submission = submission
            line.score = score
            score.node = node
            line.evidence = evidence.get(score.pk, [])
            picked = {e.source_id for e in line.evidence if e.source_id}
            line.tasks = mapped.get(node.pk, [])
            line.proposals = [ev for t in line.tasks for ev in by_task.get(t.pk, []) if ev.pk not in picked]
            line.editable = submission.state == Submission.State.DRAFT and (office or node.pk in unit_nodes)
            line.flagged = bool(score.self_score and not line.evidence and not score.explanation)
            line.self_total = score.self_score or ZERO
            line.reviewed_total = score.reviewed_value or ZERO
            line.final_total = score.final_score or ZERO
        lines.append(line)
    for line in reversed(lines):  # children come after their parents: add each row into its ancestors
        parent = by_id.get(line.node.parent_id)
        if parent is not None:
            parent.self_total += line.self_total
            parent.reviewed_total += line.reviewed_total
            parent.final_total += line.final_total
    return lines


@dataclass
class Totals:
    self_total: Decimal
    reviewed_total: Decimal
    final_total: Decimal
    survey: Decimal | None
    fields: list  # [(node, self, reviewed, final)]

    @property
    def final_index(self) -> Decimal:
        return self.final_total + (self.survey or ZERO)

    @property
    def reviewed_index(self) -> Decimal:
        return self.reviewed_total + (self.survey or ZERO)


def totals_of(lines: list[Line], submission: Submission) -> Totals:
    fields = [(ln.node, ln.self_total, ln.reviewed_total, ln.final_total) for ln in lines if ln.node.depth == 1]
    top = [ln for ln in lines if ln.node.parent_id is None]
    return Totals(sum((ln.self_total for ln in top), ZERO), sum((ln.reviewed_total for ln in top), ZERO),
                  sum((ln.final_total for ln in top), ZERO), submission.survey_score, fields)
