"""From an imported plan document (the plan-import contract object) to a stored plan.

The parser (`chiso.importing`) knows documents and nothing of the database; this module knows the
database: with `plans.matching` it matches printed unit names to the agency's units and maps tasks to
framework catalog nodes, stores a draft plan in one transaction through `plans.actions`, and applies a
new version of a plan in place so the progress recorded on its tasks stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.frameworks.models import FrameworkNode, IndexCode
from chiso.importing import ImportRejected, import_plan, needs_ocr
from chiso.lib.text import squash
from chiso.org.models import Agency, Unit

from . import actions
from .matching import ABBREVIATIONS, Match, NodeMapper, UnitMatcher, match_units, normalize
from .models import Operator, Plan, PlanReference, PlanTarget, Recurrence, ReportingObligation, Task

__all__ = ["ABBREVIATIONS", "Diff", "ImportRejected", "ImportSaveError", "Match", "NodeMapper", "UnitMatcher",
           "needs_ocr",
           "apply_new_version", "diff_import", "import_plan", "match_units", "normalize", "save_cli", "save_import"]

log = logging.getLogger(__name__)

NODE_CONFIDENCE = 0.8  # a task gets a catalog node only at or above this confidence


class ImportSaveError(Exception):
    """The import cannot be stored (duplicate plan number, invalid data); str() is one Vietnamese sentence."""


# --------------------------------------------------------------------------------------------------
# Contract row -> model values
# --------------------------------------------------------------------------------------------------

def as_date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _decimal(value, max_digits: int, places: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError):
        return None
    if len(number.as_tuple().digits) > max_digits:
        return None
    return number


def _clip(model, name: str, value) -> str:
    text = squash(str(value)) if value is not None else ""
    limit = model._meta.get_field(name).max_length
    return text[: limit - 1] + "…" if limit and len(text) > limit else text


def _choice(value, choices, default: str = "") -> str:
    return value if value in {c for c, _label in choices} else default


def split_units(text: str | None) -> list[str]:
    """Units typed in the review form: one per line or separated by ';'."""
    return [squash(p) for p in re.split(r"[;\n]+", text or "") if squash(p)]


def task_values(row: dict) -> dict:
    """The Task field values of one contract row (units aside)."""
    measure = row.get("measure") or {}
    measure_value = _decimal(measure.get("value"), 12, 3)
    return {
        "ref": _clip(Task, "ref", row.get("ref")),
        "index": _choice(row.get("index"), IndexCode.choices),
        "field_name": _clip(Task, "field_name", row.get("field")),
        "criterion": _clip(Task, "criterion", row.get("criterion")),
        "title": squash(row.get("title") or ""),
        "activity": squash(row.get("activity") or ""),
        "output": squash(row.get("output") or ""),
        "lead_text": _clip(Task, "lead_text", "; ".join(row.get("lead") or [])),
        "support_text": _clip(Task, "support_text", "; ".join(row.get("support") or [])),
        "timeframe": _clip(Task, "timeframe", row.get("timeframe")),
        "due": as_date(row.get("due")),
        "recurrence": _choice(row.get("recurrence"), Recurrence.choices, Recurrence.ONCE),
        "budget_million_vnd": _nonnegative(_decimal(row.get("budget_million_vnd"), 14, 3)),
        "measure_op": _choice(measure.get("op"), Operator.choices, Operator.GE) if measure_value is not None else "",
        "measure_value": measure_value,
        "measure_unit": _clip(Task, "measure_unit", measure.get("unit")) if measure_value is not None else "",
    }


def _nonnegative(value: Decimal | None) -> Decimal | None:
    return value if value is None or value >= 0 else None


def _units(matches: list[Match]) -> list[Unit]:
    seen: dict[int, Unit] = {}
    for m in matches:
        if m.unit is not None:
            seen.setdefault(m.unit.pk, m.unit)
    return list(seen.values())


@dataclass
class RowReview:
    """One row as the review page shows it: matched units, catalog node and what needs a look."""

    row: dict
    lead: list[Match]
    support: list[Match]
    node: FrameworkNode | None
    confidence: float

    @property
    def id(self) -> int | None:
        return self.row.get("_id")

    @property
    def due(self) -> dt.date | None:
        return as_date(self.row.get("due"))

    @property
    def index_label(self) -> str:
        return dict(IndexCode.choices).get(self.row.get("index"), "")

    @property
    def recurrence_label(self) -> str:
        return dict(Recurrence.choices).get(self.row.get("recurrence"), "")

    @property
    def confidence_percent(self) -> int:
        return round(self.confidence * 100)

    @property
    def unmatched(self) -> list[Match]:
        return [m for m in self.lead + self.support if m.flagged]

    @property
    def no_date(self) -> bool:
        return not self.row.get("due") and self.row.get("recurrence") not in (
            Recurrence.CONTINUOUS, Recurrence.ON_EVENT, Recurrence.MONTHLY, Recurrence.QUARTERLY,
            Recurrence.SEMIANNUAL, Recurrence.ANNUAL)

    @property
    def low_confidence(self) -> bool:
        return self.node is None or self.confidence < NODE_CONFIDENCE

    @property
    def no_lead(self) -> bool:
        return not self.lead

    @property
    def unmatched_lead(self) -> list[Match]:
        """Lead units that fit no unit of the agency and are not marked as outside it: confirm waits."""
        return [m for m in self.lead if m.flagged]

    @property
    def uncertain(self) -> set[str]:
        """Cells the importer doubts (OCR confidence, shifted columns, unknown unit): highlighted in the review."""
        marks = set(self.row.get("_uncertain") or [])
        if any(m.flagged for m in self.lead):
            marks.add("lead")
        if any(m.flagged for m in self.support):
            marks.add("support")
        if self.no_date:
            marks.add("timeframe")
        return marks

    @property
    def has_issue(self) -> bool:
        return bool(self.unmatched) or self.no_date or self.low_confidence or self.no_lead


EXTERNAL_MARK = " (không thuộc cơ quan)"  # how a unit marked outside the agency is kept on the plan


def unit_key(text: str | None) -> str:
    """The key under which a printed unit name is resolved in the review (folded, abbreviations expanded)."""
    return normalize(text)


class Reviewer:
    """Unit matching and catalog mapping for the rows of one import, with lookups loaded once.

    `external` holds the keys of printed names the office marked "không thuộc cơ quan"."""

    def __init__(self, agency: Agency, year: int | None, external=()):
        self.units = UnitMatcher(agency)
        self.nodes = NodeMapper(agency, year)
        self.external = set(external)
        self._chosen: dict[int, FrameworkNode | None] = {}

    def _units(self, names) -> list[Match]:
        matches = self.units.match_all(names)
        for m in matches:
            if m.kind == Match.UNKNOWN and unit_key(m.text) in self.external:
                m.kind = Match.EXTERNAL
        return matches

    def review(self, row: dict) -> RowReview:
        node_id = row.get("_node")
        if node_id:  # chosen from the catalog in the row editor
            if node_id not in self._chosen:
                self._chosen[node_id] = FrameworkNode.objects.filter(pk=node_id).first()
            node, confidence = self._chosen[node_id], 1.0
        else:
            node, confidence = self.nodes.map(row.get("index"), row.get("field"), row.get("criterion"))
        return RowReview(row, self._units(row.get("lead")), self._units(row.get("support")), node, confidence)


def plan_year(result: dict) -> int:
    plan = result.get("plan") or {}
    year = plan.get("year")
    if isinstance(year, int) and 2000 <= year <= 2100:
        return year
    for key in ("issued_on", "period_end", "period_start"):
        if d := as_date(plan.get(key)):
            return d.year
    return timezone.localdate().year  # the year the plan is imported in


def plan_number(result: dict) -> str:
    return _clip(Plan, "number", (result.get("plan") or {}).get("number"))


def same_document_plan(agency: Agency, result: dict) -> Plan | None:
    """The agency's plan imported from a file with exactly this content (SHA-256), if any."""
    digest = (result.get("plan") or {}).get("_sha256")
    if not digest:
        return None
    return Plan.objects.filter(agency=agency, source_sha256=digest).order_by("pk").first()


def existing_plan(agency: Agency, result: dict) -> Plan | None:
    """The agency's plan with the same number and year, which this import would be a new version of."""
    number = plan_number(result)
    if not number:
        return None
    return Plan.objects.filter(agency=agency, year=plan_year(result), number=number).first()


def _plan_header(plan: Plan, data: dict, year: int) -> None:
    plan.title = _clip(Plan, "title", data.get("title")) or _("Kế hoạch nhập từ văn bản")
    plan.year = year
    plan.issued_on = as_date(data.get("issued_on"))
    plan.place = _clip(Plan, "place", data.get("place"))
    plan.issuer = _clip(Plan, "issuer", data.get("issuer"))
    plan.signer = _clip(Plan, "signer", data.get("signer"))
    plan.signer_title = _clip(Plan, "signer_title", data.get("signer_title"))
    plan.period_start = as_date(data.get("period_start"))
    plan.period_end = as_date(data.get("period_end"))
    if plan.period_start and plan.period_end and plan.period_start > plan.period_end:
        plan.period_start = None
    plan.indices = [i for i in data.get("indices") or [] if i in IndexCode.values]


def _message(exc: ValidationError) -> str:
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    return _("Dữ liệu nhập không hợp lệ: %(errors)s") % {"errors": " ".join(messages)}


# --------------------------------------------------------------------------------------------------
# Review actions on the rows of a session
# --------------------------------------------------------------------------------------------------

def unmatched_names(reviews: list[RowReview]) -> list[dict]:
    """Each printed unit name no unit of the agency fits, once, with the rows that print it."""
    seen: dict[str, dict] = {}
    for r in reviews:
        for role, matches in (("lead", r.lead), ("support", r.support)):
            for m in matches:
                if m.flagged:
                    entry = seen.setdefault(unit_key(m.text), {"text": m.text, "key": unit_key(m.text),
                                                               "rows": [], "lead": False})
                    if r.id not in entry["rows"]:
                        entry["rows"].append(r.id)
                    entry["lead"] = entry["lead"] or role == "lead"
    return sorted(seen.values(), key=lambda e: (not e["lead"], -len(e["rows"]), e["text"]))


def resolve_unit(actor, rows: list[dict], printed: str, unit: Unit, save_alias: bool) -> int:
    """Replace `printed` by the unit's name in every row that prints it; optionally remember it as an alias
    of the unit (audited) so the next import matches it. Returns how many rows changed."""
    key = unit_key(printed)
    changed = 0
    for row in rows:
        hit = False
        for role in ("lead", "support"):
            names = row.get(role) or []
            new = [unit.name if unit_key(n) == key else n for n in names]
            if new != names:
                row[role] = list(dict.fromkeys(new))
                hit = True
        changed += hit
    if save_alias:
        add_unit_alias(actor, unit, printed)
    return changed


def add_unit_alias(actor, unit: Unit, alias: str):
    """Remember another printed name of a unit (nothing when it is already known)."""
    from chiso.lib.text import search_key
    from chiso.org.models import UnitAlias

    alias = _clip(UnitAlias, "alias", alias)
    if not alias or search_key(alias) == search_key(unit.name) or \
            unit.aliases.filter(folded=search_key(alias)).exists():
        return None
    with transaction.atomic():
        obj = UnitAlias.objects.create(unit=unit, alias=alias)
        record(actor, AuditEntry.Action.CREATE, obj, None, snapshot(obj))
    return obj


def apply_node(row: dict, node: FrameworkNode | None) -> None:
    """Set a row's index, field and criterion from a catalog node chosen in the row editor."""
    if node is None:
        row.pop("_node", None)
        return
    chain = [node]
    while chain[0].parent_id:
        chain.insert(0, chain[0].parent)
    row["_node"] = node.pk
    row["index"] = node.framework.index
    row["field"] = chain[0].name
    row["criterion"] = node.name if len(chain) > 1 else None


def merged_reporting(reporting: list[dict]) -> list[dict]:
    """Reporting duties with repeats (the same sender, recipient, frequency and deadline) printed once."""
    out, seen = [], set()
    for rep in reporting or []:
        key = tuple(squash(str(rep.get(k) or "")).lower() for k in ("from", "to", "frequency", "due", "due_text"))
        if key not in seen:
            seen.add(key)
            out.append(rep)
    return out


# --------------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------------

def save_import(actor, agency: Agency, result: dict, *, source_file=None, rows: list[dict] | None = None) -> Plan:
    """Store the import as a DRAFT plan of `agency` in one transaction, audited; raise ImportSaveError.

    `rows` are the task rows after review (contract shape), by default the parsed `result["tasks"]`.
    `source_file` is a django File (or a path) kept as the plan's original document.
    """
    data = result.get("plan") or {}
    rows = (result.get("tasks") or []) if rows is None else rows
    year = plan_year(result)
    number = plan_number(result)
    if number and Plan.objects.filter(agency=agency, year=year, number=number).exists():
        raise ImportSaveError(_("%(agency)s đã có kế hoạch số %(number)s năm %(year)s; hãy nhập phiên bản mới "
                                "của kế hoạch đó thay vì tạo kế hoạch trùng.")
                              % {"agency": agency.name, "number": number, "year": year})
    plan = Plan(agency=agency, number=number, status=Plan.Status.DRAFT,
                source_sha256=_clip(Plan, "source_sha256", data.get("_sha256") or ""))
    _plan_header(plan, data, year)
    reviewer = Reviewer(agency, year, data.get("_external") or ())
    stored_name = None
    try:
        with transaction.atomic():
            if source_file is not None:
                _attach(plan, source_file)
            actions.do_create_plan(actor, plan)
            stored_name = plan.source_file.name or None
            _save_parts(actor, plan, data, reviewer)
            for order, row in enumerate(rows, start=1):
                _create_task(actor, plan, row, order, reviewer)
    except ValidationError as exc:
        _forget_file(plan, stored_name)
        raise ImportSaveError(_message(exc)) from exc
    except BaseException:
        _forget_file(plan, stored_name)
        raise
    return plan


def _attach(plan: Plan, source_file) -> None:
    if isinstance(source_file, str | os.PathLike):
        path = os.fspath(source_file)
        with open(path, "rb") as fh:
            plan.source_file.save(os.path.basename(path), File(fh), save=False)
        return
    name = os.path.basename(getattr(source_file, "name", "") or "van-ban")
    source_file.open("rb")
    try:
        plan.source_file.save(name, File(source_file), save=False)
    finally:
        source_file.close()


def _forget_file(plan: Plan, name: str | None) -> None:
    """Nothing stays behind when the transaction is rolled back, not even the copied document."""
    name = name or plan.source_file.name
    if name:
        try:
            plan.source_file.storage.delete(name)
        except OSError:
            log.warning("could not delete %s after a failed import", name)


def _save_parts(actor, plan: Plan, data: dict, reviewer: Reviewer) -> None:
    """References, score targets and reporting obligations of the plan, each with its audit record."""
    created = []
    for ref in data.get("references") or []:
        if squash(ref.get("number")) and squash(ref.get("number")) != plan.number:  # not the plan itself
            created.append(PlanReference(plan=plan, number=_clip(PlanReference, "number", ref.get("number")),
                                         date=as_date(ref.get("date")),
                                         summary=_clip(PlanReference, "summary", ref.get("summary"))))
    for order, tgt in enumerate(data.get("targets") or [], start=1):
        index = tgt.get("index") or (plan.indices[0] if len(plan.indices) == 1 else None)
        if index not in IndexCode.values or not squash(tgt.get("field")):
            continue
        node, confidence = reviewer.nodes.map(index, tgt.get("field"))
        created.append(PlanTarget(
            plan=plan, index=index, node=node if confidence >= NODE_CONFIDENCE else None,
            field_name=_clip(PlanTarget, "field_name", tgt.get("field")),
            scope=_clip(PlanTarget, "scope", tgt.get("scope")),
            prev_rank=_clip(PlanTarget, "prev_rank", tgt.get("prev_rank")),
            prev_score=_decimal(tgt.get("prev_score"), 8, 4), max_score=_decimal(tgt.get("max_score"), 8, 4),
            expected_increase=_decimal(tgt.get("expected_increase"), 8, 4),
            target_op=_choice(tgt.get("target_op"), Operator.choices, Operator.GE),
            target_score=_decimal(tgt.get("target_score"), 8, 4), order=order))
    for rep in merged_reporting(data.get("reporting") or []):
        created.append(ReportingObligation(
            plan=plan, from_party=_clip(ReportingObligation, "from_party", rep.get("from")) or plan.agency.name,
            to_party=_clip(ReportingObligation, "to_party", rep.get("to")),
            frequency=_choice(rep.get("frequency"), Recurrence.choices, Recurrence.ONCE),
            due=as_date(rep.get("due")), due_text=_clip(ReportingObligation, "due_text", rep.get("due_text"))))
    for obj in created:
        obj.save()
        record(actor, AuditEntry.Action.CREATE, obj, None, snapshot(obj), plan=plan)


# Descriptive fields a new version may simply not print (another layout): an empty value keeps the old one.
KEPT_WHEN_MISSING = ("index", "field_name", "criterion", "activity", "output")


def _fill_task(task: Task, row: dict, review: RowReview, *, updating: bool = False) -> None:
    for name, value in task_values(row).items():
        if updating and name in KEPT_WHEN_MISSING and not value:
            continue
        setattr(task, name, value)
    if updating and review.node is None:
        return  # nothing new to say about the catalog node
    task.node = review.node if review.confidence >= NODE_CONFIDENCE else None
    task.node_confidence = review.confidence if review.node is not None else None


def _create_task(actor, plan: Plan, row: dict, order: int, reviewer: Reviewer) -> Task | None:
    if not squash(row.get("title")):
        return None
    review = reviewer.review(row)
    task = Task(plan=plan, order=order)
    _fill_task(task, row, review)
    _flag_external(task, review)
    return actions.do_save_task(actor, task, _units(review.lead), _units(review.support))


def _flag_external(task: Task, review: RowReview) -> None:
    """Units marked outside the agency stay as printed text, visibly flagged ("... (không thuộc cơ quan)")."""
    for name, matches in (("lead_text", review.lead), ("support_text", review.support)):
        outside = [m.text for m in matches if m.kind == Match.EXTERNAL]
        if outside:
            parts = [p + EXTERNAL_MARK if p in outside else p for p in (getattr(task, name) or "").split("; ")]
            setattr(task, name, _clip(Task, name, "; ".join(parts)))


# --------------------------------------------------------------------------------------------------
# A new version of an existing plan
# --------------------------------------------------------------------------------------------------

COMPARED = ("ref", "index", "field_name", "criterion", "title", "activity", "output", "lead_text",
            "support_text", "timeframe", "due", "recurrence", "budget_million_vnd", "measure_op",
            "measure_value", "measure_unit")
MATCH_MIN = 0.6  # title likeness (0-1) for an old task and a new row to be the same task


@dataclass
class TaskChange:
    task: Task
    row_no: int  # position of the row in the new version
    row: dict
    fields: list[str] = field(default_factory=list)  # names of the fields that differ

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field label, old value, new value) for display."""
        values = task_values(self.row)
        return [(str(Task._meta.get_field(f).verbose_name), _shown(getattr(self.task, f)), _shown(values[f]))
                for f in self.fields]


def _shown(value) -> str:
    """A task value as the difference page prints it (dates dd/mm/yyyy, numbers without trailing zeros)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


@dataclass
class Diff:
    """What a new version of a plan changes: tasks added, removed, changed and left as they were."""

    plan: Plan
    unchanged: list[TaskChange] = field(default_factory=list)
    changed: list[TaskChange] = field(default_factory=list)
    added: list[tuple[int, dict]] = field(default_factory=list)  # (row position, row)
    removed: list[Task] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


def _pair_score(task: Task, row: dict) -> float:
    a, b = normalize(task.title), normalize(row.get("title"))
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100 if a and b else 0.0
    if task.ref and squash(row.get("ref")) == task.ref:
        score += 0.15
    return score


def diff_import(plan: Plan, result: dict, rows: list[dict] | None = None) -> Diff:
    """Pair the plan's tasks with the rows of the new version by numbering and title likeness."""
    rows = [r for r in ((result.get("tasks") or []) if rows is None else rows) if squash(r.get("title"))]
    tasks = list(plan.tasks.all())
    pairs = sorted(((_pair_score(t, r), ti, ri) for ti, t in enumerate(tasks) for ri, r in enumerate(rows)),
                   reverse=True)
    used_t, used_r = set(), set()
    diff = Diff(plan)
    for score, ti, ri in pairs:
        if score < MATCH_MIN or ti in used_t or ri in used_r:
            continue
        used_t.add(ti)
        used_r.add(ri)
        task, row = tasks[ti], rows[ri]
        values = task_values(row)
        changed = [f for f in COMPARED if _differs(getattr(task, f), values[f])
                   and not (f in KEPT_WHEN_MISSING and not values[f])]
        (diff.changed if changed else diff.unchanged).append(TaskChange(task, ri, row, changed))
    diff.added = [(ri, r) for ri, r in enumerate(rows) if ri not in used_r]
    diff.removed = [t for ti, t in enumerate(tasks) if ti not in used_t]
    diff.changed.sort(key=lambda c: c.row_no)
    return diff


def _differs(old, new) -> bool:
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return (Decimal(old) if old is not None else None) != (Decimal(new) if new is not None else None)
    return (old or "") != (new or "") if isinstance(old, str) or isinstance(new, str) else old != new


def apply_new_version(actor, plan: Plan, result: dict, decisions: dict | None = None,
                      rows: list[dict] | None = None, source_file=None) -> Diff:
    """Apply a new version in one transaction: changed tasks are updated in place (same id, so their
    recorded progress stays), new rows are added, tasks missing from the new version are deleted.

    `decisions` may narrow what is applied: {"change": task ids, "add": row positions, "remove": task ids,
    "header": bool}; by default everything is applied. With the header, the plan's references, score
    targets and reporting obligations are replaced by the new version's, and `source_file` (if given)
    becomes the plan's original document.
    """
    decisions = decisions or {}
    rows = [r for r in ((result.get("tasks") or []) if rows is None else rows) if squash(r.get("title"))]
    plan = Plan.objects.select_related("agency").get(pk=plan.pk)
    old_file = plan.source_file.name
    try:
        with transaction.atomic():
            Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one version applied at a time
            diff = _apply_version(actor, plan, result, decisions, rows, source_file)
    except BaseException:
        if plan.source_file.name != old_file:
            _forget_file(plan, plan.source_file.name)
        raise
    return diff


def _apply_version(actor, plan: Plan, result: dict, decisions: dict, rows: list[dict], source_file) -> Diff:
    diff = diff_import(plan, result, rows)
    reviewer = Reviewer(plan.agency, plan.year)
    if decisions.get("header", True):
        before = snapshot(plan)
        _plan_header(plan, result.get("plan") or {}, plan.year)
        if source_file is not None:
            _attach(plan, source_file)
        actions.do_update_plan(actor, plan, before)
        for part in [*plan.references.all(), *plan.targets.all(), *plan.reporting.all()]:
            record(actor, AuditEntry.Action.DELETE, part, snapshot(part), None, plan=plan)
            part.delete()
        _save_parts(actor, plan, result.get("plan") or {}, reviewer)
    accept_change = _chooser(decisions.get("change"))
    accept_add = _chooser(decisions.get("add"))
    accept_remove = _chooser(decisions.get("remove"))
    for change in diff.changed:
        task = change.task
        if not accept_change(task.pk):
            continue
        before = snapshot(task)
        review = reviewer.review(change.row)
        _fill_task(task, change.row, review, updating=True)
        task.order = change.row_no + 1
        actions.do_save_task(actor, task, _units(review.lead), _units(review.support), before=before)
    for change in diff.unchanged:
        if change.task.order != change.row_no + 1:
            actions.do_reorder_task(actor, change.task, change.row_no + 1)
    for row_no, row in diff.added:
        if accept_add(row_no):
            _create_task(actor, plan, row, row_no + 1, reviewer)
    for task in diff.removed:
        if accept_remove(task.pk):
            actions.do_delete_task(actor, task)
    return diff


def _chooser(chosen):
    if chosen is None:
        return lambda key: True
    chosen = {int(c) for c in chosen}
    return lambda key: key in chosen


# --------------------------------------------------------------------------------------------------
# Command line: chiso plan import FILE --agency CODE --save
# --------------------------------------------------------------------------------------------------

USAGE = "Cách dùng: chiso plan import TỆP --agency MÃ_CƠ_QUAN --save [--duplicate]"


def save_cli(args: list[str]) -> int:
    """Import FILE as a draft plan of the agency; print its id. Errors: one Vietnamese line, exit 1."""
    path, code, rest = None, None, list(args)
    allow_duplicate = "--duplicate" in rest
    rest = [a for a in rest if a != "--duplicate"]
    if rest and rest[0] == "import":
        rest = rest[1:]
    while rest:
        arg = rest.pop(0)
        if arg == "--save":
            continue
        if arg == "--agency" and rest:
            code = rest.pop(0)
        elif arg.startswith("--agency="):
            code = arg.split("=", 1)[1]
        elif not arg.startswith("-") and path is None:
            path = arg
        else:
            return _fail(USAGE, 2)
    if not path or not code:
        return _fail(USAGE, 2)
    agency = Agency.objects.filter(code__iexact=code.strip()).first()
    if agency is None:
        return _fail(f"Không có cơ quan mang mã {code}; xem danh sách bằng `chiso agencies`.")
    if not os.path.isfile(path):
        return _fail(f"Không tìm thấy tệp {path}.")
    try:
        result = import_plan(path, filename=os.path.basename(path), max_mb=settings.CHISO_MAX_UPLOAD_MB,
                             time_limit=settings.CHISO_IMPORT_SECONDS, progress=_stderr_progress)
        with open(path, "rb") as fh:
            result["plan"]["_sha256"] = hashlib.sha256(fh.read()).hexdigest()
        if not allow_duplicate and (same := same_document_plan(agency, result)):
            return _fail(f"Tệp này giống hệt văn bản của kế hoạch đã nhập (mã {same.pk}: {same.title[:80]}); "
                         "thêm --duplicate nếu vẫn muốn tạo kế hoạch thứ hai.")
        plan = save_import(None, agency, result, source_file=path)
    except (ImportRejected, ImportSaveError) as exc:
        return _fail(str(exc))
    except Exception as exc:  # a parser bug must still end in one line, and nothing saved
        log.debug("plan import failed", exc_info=True)  # the console gets one line, no traceback
        return _fail(f"Không nhập được kế hoạch do lỗi không mong đợi ({exc.__class__.__name__}).")
    print(plan.pk)
    return 0


def _stderr_progress(done: int, total: int, message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code
