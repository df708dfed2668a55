"""From an imported plan document (the plan-import contract object) to a stored plan.

The parser (`chiso.importing`) knows documents and nothing of the database; this module knows the
database: it matches printed unit names to the agency's units, maps tasks to framework catalog nodes,
stores a draft plan in one transaction through `plans.actions`, and applies a new version of a plan
in place so the progress recorded on its tasks stays.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.frameworks.models import Framework, FrameworkNode, IndexCode
from chiso.importing import ImportRejected, import_plan
from chiso.lib.text import fold, squash
from chiso.org.models import Agency, Unit

from . import actions
from .models import Operator, Plan, PlanReference, PlanTarget, Recurrence, ReportingObligation, Task

__all__ = ["Diff", "ImportRejected", "ImportSaveError", "Match", "apply_new_version", "diff_import",
           "import_plan", "match_units", "save_cli", "save_import"]

log = logging.getLogger(__name__)

NODE_CONFIDENCE = 0.8  # a task gets a catalog node only at or above this confidence
UNIT_FUZZY_MIN = 85  # rapidfuzz score (0-100) for a typo-tolerant unit match


class ImportSaveError(Exception):
    """The import cannot be stored (duplicate plan number, invalid data); str() is one Vietnamese sentence."""


# --------------------------------------------------------------------------------------------------
# Text normalisation shared by unit matching and catalog mapping
# --------------------------------------------------------------------------------------------------

# Abbreviations found in plans, folded, with their folded expansion. Longer keys first when applied.
ABBREVIATIONS: dict[str, str] = {
    "vp": "van phong",
    "kh&cn": "khoa hoc va cong nghe", "khcn": "khoa hoc va cong nghe",
    "tt&tt": "thong tin va truyen thong", "tttt": "thong tin va truyen thong",
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan",
    "vhttdl": "van hoa the thao va du lich", "vh,tt&dl": "van hoa the thao va du lich",
    "vhtt&dl": "van hoa the thao va du lich",
    "tthc": "thu tuc hanh chinh", "cchc": "cai cach hanh chinh",
    "tn&mt": "tai nguyen va moi truong", "tnmt": "tai nguyen va moi truong",
    "nn&ptnt": "nong nghiep va phat trien nong thon", "nnptnt": "nong nghiep va phat trien nong thon",
    "gd&dt": "giao duc va dao tao", "gddt": "giao duc va dao tao",
    "ld-tb&xh": "lao dong thuong binh va xa hoi", "ldtbxh": "lao dong thuong binh va xa hoi",
    "kh&dt": "ke hoach va dau tu", "khdt": "ke hoach va dau tu",
    "kh-tc": "ke hoach tai chinh", "khtc": "ke hoach tai chinh",
    "tc-kh": "tai chinh ke hoach", "tckh": "tai chinh ke hoach",
    "tccb": "to chuc can bo", "tc-cb": "to chuc can bo",
    "hc-th": "hanh chinh tong hop", "hcth": "hanh chinh tong hop",
    "cntt": "cong nghe thong tin", "dvc": "dich vu cong", "bpmc": "bo phan mot cua",
    "tgpl": "tro giup phap ly", "pbgdpl": "pho bien giao duc phap luat",
    "ctdt": "cong tac dan toc", "ttr": "thanh tra", "ttra": "thanh tra",
    "qlnn": "quan ly nha nuoc", "vbqppl": "van ban quy pham phap luat", "csdl": "co so du lieu",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong", "tt": "trung tam",
}
_ABBREV_RE = re.compile(
    r"(?<![\w&])(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w&])")
_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^\w]+")
_LEADING_NUMBER = re.compile(r"^\s*(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])\s*[.)/-]\s+")
# Words a document adds around a unit name that do not tell units apart.
_UNIT_TAIL = re.compile(r"\s+(?:thuoc so|cua so|truc thuoc so|so)$")
_COLLECTIVE_START = re.compile(r"^(?:cac|tat ca|toan bo|toan the|nhung|moi|mot so)\b")
_GENERIC_WORDS = {
    "phong", "chuyen", "mon", "don", "vi", "co", "lien", "quan", "thuoc", "truc", "so", "su", "nghiep",
    "trung", "tam", "bo", "phan", "ban", "nganh", "cac", "va", "cua", "thu", "tuc", "hanh", "chinh",
    "vu", "khac", "duoc", "giao", "la", "cung", "cap",
}


def normalize(text: str | None) -> str:
    """Folded, abbreviation-expanded, punctuation-free text ("VP Sở" -> "van phong so")."""
    folded = squash(fold(text))
    folded = _ABBREV_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], folded)
    return squash(_NON_WORD.sub(" ", folded).replace("_", " "))


def _unit_key(text: str | None) -> str:
    return _UNIT_TAIL.sub("", normalize(text))


_UNIT_PREFIXES = ("van phong", "phong", "trung tam", "thanh tra", "ban", "chi cuc", "bo phan", "to")


def _acronym_key(name: str) -> str | None:
    """"Phòng Hành chính tư pháp" -> "phong hctp": how documents shorten unit names."""
    key = _unit_key(name)
    for prefix in _UNIT_PREFIXES:
        if key.startswith(prefix + " "):
            rest = key[len(prefix) + 1:].split()
            letters = "".join(w[0] for w in rest if w != "va")
            return f"{prefix} {letters}" if len(letters) >= 2 else None
    return None


# --------------------------------------------------------------------------------------------------
# Unit matching
# --------------------------------------------------------------------------------------------------

@dataclass
class Match:
    """How one printed unit name was understood."""

    EXACT = "exact"  # the unit's name, an alias or a known abbreviation of it
    FUZZY = "fuzzy"  # close enough despite typos or OCR damage
    COLLECTIVE = "collective"  # "Các phòng, đơn vị thuộc Sở": kept as text, not a unit
    UNKNOWN = "unknown"  # no unit of the agency: flagged for review, never created

    text: str
    unit: Unit | None = None
    kind: str = UNKNOWN
    score: float = 0.0  # 0-100

    @property
    def flagged(self) -> bool:
        return self.kind == self.UNKNOWN

    @property
    def matched(self) -> bool:
        return self.unit is not None


class UnitMatcher:
    """The agency's units and aliases, loaded once, matched against many printed names."""

    def __init__(self, agency: Agency):
        self.agency = agency
        self.units: list[Unit] = list(Unit.objects.filter(agency=agency, is_active=True)
                                      .prefetch_related("aliases").order_by("name"))
        self.exact: dict[str, Unit] = {}
        self.compact: dict[str, Unit] = {}
        self.candidates: list[tuple[str, Unit]] = []
        for unit in self.units:
            keys = [_unit_key(unit.name)]
            keys += [_unit_key(a.alias) for a in unit.aliases.all()]
            if unit.short_name:
                keys.append(_unit_key(unit.short_name))
            acronym = _acronym_key(unit.name)
            for key in filter(None, keys):
                self.exact.setdefault(key, unit)
                self.candidates.append((key, unit))
            if acronym:
                self.compact.setdefault(acronym.replace(" ", ""), unit)

    def match(self, text: str) -> Match:
        printed = squash(text)
        found = self._match(printed, _unit_key(printed))
        if found.kind == Match.UNKNOWN and _PARENS.search(printed):  # "Văn phòng Sở (Bộ phận Một cửa)"
            bare = self._match(printed, _unit_key(_PARENS.sub(" ", printed)))
            if bare.unit is not None:
                return bare
        return found

    def _match(self, printed: str, key: str) -> Match:
        if not key:
            return Match(printed)
        if key in self.exact:
            return Match(printed, self.exact[key], Match.EXACT, 100.0)
        if key.replace(" ", "") in self.compact:
            return Match(printed, self.compact[key.replace(" ", "")], Match.EXACT, 100.0)
        if _COLLECTIVE_START.match(key):
            return Match(printed, None, Match.COLLECTIVE, 0.0)
        scores: dict[int, tuple[float, Unit]] = {}
        for cand, unit in self.candidates:
            score = max(fuzz.ratio(key, cand), fuzz.token_sort_ratio(key, cand))
            if score > scores.get(unit.pk, (0.0, unit))[0]:
                scores[unit.pk] = (score, unit)
        ranked = sorted(scores.values(), key=lambda s: s[0], reverse=True)
        best_score, best = ranked[0] if ranked else (0.0, None)
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best is not None and best_score >= UNIT_FUZZY_MIN and runner_up < best_score - 3:
            return Match(printed, best, Match.FUZZY, best_score)  # close to one unit, not to two
        if set(key.split()) <= _GENERIC_WORDS:
            return Match(printed, None, Match.COLLECTIVE, 0.0)
        return Match(printed, None, Match.UNKNOWN, best_score)

    def match_all(self, names) -> list[Match]:
        return [self.match(n) for n in names or [] if squash(n)]


def match_units(agency: Agency, names) -> list[Match]:
    """Match printed unit names to the agency's units; unknown names are flagged, never created."""
    return UnitMatcher(agency).match_all(names)


# --------------------------------------------------------------------------------------------------
# Framework catalog mapping
# --------------------------------------------------------------------------------------------------

_FIELD_NOISE = re.compile(
    r"\b(?:cai thien|nang cao|muc do hai long (?:cua nguoi dan )?(?:ve )?|chi so (?:thanh phan )?|"
    r"linh vuc|noi dung|tieu chi (?:thanh phan )?)\b")


def _field_key(text: str | None) -> str:
    folded = _PARENS.sub(" ", squash(fold(text)))
    folded = _LEADING_NUMBER.sub("", folded)
    return squash(_FIELD_NOISE.sub(" ", normalize(folded)))


def _similarity(a: str, b: str) -> float:
    """0-1: whole-string likeness, or containment when the shorter text is a real part of the longer."""
    if not a or not b:
        return 0.0
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    ta, tb = a.split(), b.split()
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) >= 3:
        coverage = len(short) / len(long_)
        score = max(score, fuzz.token_set_ratio(a, b) * (0.85 + 0.15 * coverage))
    return score / 100


_LEVEL_OF_KIND = {Agency.Kind.DEPARTMENT: Framework.Level.DEPARTMENT, Agency.Kind.PROVINCE: Framework.Level.PROVINCE,
                  Agency.Kind.COMMUNE: Framework.Level.DEPARTMENT}


class NodeMapper:
    """Catalog nodes of every index, loaded once; the agency's level and the plan's year come first."""

    def __init__(self, agency: Agency | None = None, year: int | None = None):
        level = _LEVEL_OF_KIND.get(agency.kind) if agency else None
        frameworks = list(Framework.objects.all())
        if agency is not None:
            frameworks = [f for f in frameworks if f.province_id in (None, agency.province_id)]

        def preference(f: Framework):
            return (f.level != level, f.province_id is None, abs((year or f.year) - f.year), -f.year)

        frameworks.sort(key=preference)
        rank = {f.pk: i for i, f in enumerate(frameworks)}
        self.nodes: dict[str, list[tuple[float, str, FrameworkNode]]] = {}
        for node in FrameworkNode.objects.filter(framework__in=frameworks).select_related("framework"):
            penalty = 0.99 ** rank[node.framework_id]  # the preferred catalog wins ties
            self.nodes.setdefault(node.framework.index, []).append((penalty, _field_key(node.name), node))

    def map(self, index: str | None, field_name: str | None, criterion: str | None = None
            ) -> tuple[FrameworkNode | None, float]:
        """The best node for a task's printed field/criterion, with a 0-1 confidence."""
        pools = [self.nodes.get(index, [])] if index else list(self.nodes.values())
        scored: list[tuple[float, str, FrameworkNode]] = []
        for text, depths in ((field_name, None), (criterion, (2, 3))):
            key = _field_key(text)
            if not key:
                continue
            for pool in pools:
                for penalty, node_key, node in pool:
                    if depths and node.depth not in depths:
                        continue
                    scored.append((_similarity(key, node_key) * penalty, node_key, node))
        if not scored:
            return None, 0.0
        scored.sort(key=lambda s: s[0], reverse=True)
        best_score, best_key, best = scored[0]
        rival = next((s for s, k, n in scored[1:] if k != best_key and n.depth == best.depth), 0.0)
        confidence = best_score
        if rival >= best_score - 0.03:  # two different nodes fit as well: not sure
            confidence *= 0.75
        if not index:
            confidence *= 0.9
        return best, round(min(confidence, 1.0), 3)


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
    def has_issue(self) -> bool:
        return bool(self.unmatched) or self.no_date or self.low_confidence or self.no_lead


class Reviewer:
    """Unit matching and catalog mapping for the rows of one import, with lookups loaded once."""

    def __init__(self, agency: Agency, year: int | None):
        self.units = UnitMatcher(agency)
        self.nodes = NodeMapper(agency, year)

    def review(self, row: dict) -> RowReview:
        node, confidence = self.nodes.map(row.get("index"), row.get("field"), row.get("criterion"))
        return RowReview(row, self.units.match_all(row.get("lead")), self.units.match_all(row.get("support")),
                         node, confidence)


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
    plan = Plan(agency=agency, number=number, status=Plan.Status.DRAFT)
    _plan_header(plan, data, year)
    reviewer = Reviewer(agency, year)
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
    for rep in data.get("reporting") or []:
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
    return actions.do_save_task(actor, task, _units(review.lead), _units(review.support))


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
            Task.objects.filter(pk=change.task.pk).update(order=change.row_no + 1)
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

USAGE = "Cách dùng: chiso plan import TỆP --agency MÃ_CƠ_QUAN --save"


def save_cli(args: list[str]) -> int:
    """Import FILE as a draft plan of the agency; print its id. Errors: one Vietnamese line, exit 1."""
    path, code, rest = None, None, list(args)
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
        result = import_plan(path, filename=os.path.basename(path))
        plan = save_import(None, agency, result, source_file=path)
    except (ImportRejected, ImportSaveError) as exc:
        return _fail(str(exc))
    except Exception as exc:  # a parser bug must still end in one line, and nothing saved
        log.debug("plan import failed", exc_info=True)  # the console gets one line, no traceback
        return _fail(f"Không nhập được kế hoạch do lỗi không mong đợi ({exc.__class__.__name__}).")
    print(plan.pk)
    return 0


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code
