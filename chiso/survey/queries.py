"""Reads of the survey: the live index by month and year, per agency, counter, procedure, aspect and
question; trends; comments. One grouped scan of Answer per figure set, the formula applied on counts."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from . import formula
from .actions import active_questionnaire
from .models import Answer, Aspect, Question, Questionnaire, Response, procedure_key


def month_index(day) -> int:
    return day.year * 12 + day.month - 1


@dataclass
class Meta:
    """Codes and labels of questions and aspects (by code, across versions; the newest wording wins)."""

    question_code: dict[int, str] = field(default_factory=dict)     # question id -> code
    aspect_of: dict[str, str] = field(default_factory=dict)         # question code -> aspect code
    question_text: dict[str, str] = field(default_factory=dict)
    aspect_name: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    question_order: list[str] = field(default_factory=list)
    aspect_order: list[str] = field(default_factory=list)
    target: float = 90.0


def meta_for(agency=None) -> Meta:
    m = Meta()
    rows = Question.objects.values_list("pk", "code", "text", "aspect__code", "questionnaire__version",
                                        "order").order_by("questionnaire__version", "order")
    for pk, code, text, aspect, _v, _o in rows:
        m.question_code[pk] = code
        m.aspect_of[code] = aspect
        m.question_text[code] = text
    for code, name in Aspect.objects.values_list("code", "name").order_by("questionnaire__version", "order"):
        m.aspect_name[code] = name
    q = active_questionnaire(agency) if agency is not None else Questionnaire.objects.filter(
        agency__isnull=True, status=Questionnaire.Status.ACTIVE).first()
    if q is not None:
        m.weights = {a.code: float(a.weight) for a in q.aspects.all()}
        m.question_order = list(q.questions.order_by("aspect__order", "order").values_list("code", flat=True))
        m.aspect_order = [a.code for a in q.aspects.all()]
        m.target = float(q.target)
    m.question_order += sorted(set(m.question_text) - set(m.question_order))
    m.aspect_order += sorted(set(m.aspect_name) - set(m.aspect_order))
    return m


def _answers(agency_ids, first: int, last: int, counter_id=None, procedure: str = ""):
    qs = Answer.objects.filter(agency_id__in=list(agency_ids), month__gte=first, month__lte=last)
    if counter_id:
        qs = qs.filter(counter_id=counter_id)
    if procedure:
        qs = qs.filter(procedure_key=procedure_key(procedure))
    return qs


def grouped(agency_ids, first: int, last: int, by: str | None = None, counter_id=None, procedure: str = "",
            meta: Meta | None = None) -> dict:
    """{group value: formula.Score} over months first..last (month indexes), grouped by `by`
    ("agency_id", "counter_id", "month", "procedure_key" or None for one group keyed None)."""
    meta = meta or meta_for()
    return {key: formula.score(c, meta.aspect_of, meta.weights)
            for key, c in counts(agency_ids, first, last, by, counter_id, procedure, meta).items()}


def counts(agency_ids, first: int, last: int, by: str | None = None, counter_id=None, procedure: str = "",
           meta: Meta | None = None) -> dict:
    """{group value: {question code: (satisfied, valid)}}: one grouped scan of the covering index."""
    meta = meta or meta_for()
    fields = ["question_id"] + ([by] if by else [])
    rows = (_answers(agency_ids, first, last, counter_id, procedure).values(*fields)
            .annotate(valid=Count("id"), sat=Count("id", filter=Q(satisfied=True))).order_by())
    out: dict = {}
    for r in rows:
        code = meta.question_code.get(r["question_id"])
        if code is None:
            continue
        key = r[by] if by else None
        cell = out.setdefault(key, {})
        s, v = cell.get(code, (0, 0))
        cell[code] = (s + r["sat"], v + r["valid"])
    return out


def merged(cells) -> dict:
    """The sum of several {question code: (satisfied, valid)} cells (months into a year)."""
    out: dict = {}
    for cell in cells:
        for code, (s, v) in cell.items():
            a, b = out.get(code, (0, 0))
            out[code] = (a + s, b + v)
    return out


def responses_count(agency_ids, first: int, last: int, by: str | None = None, counter_id=None,
                    procedure: str = "") -> dict:
    qs = Response.objects.filter(agency_id__in=list(agency_ids), month__gte=first, month__lte=last)
    if counter_id:
        qs = qs.filter(counter_id=counter_id)
    if procedure:
        qs = qs.filter(procedure=procedure)
    if by == "procedure_key":  # the names, keyed as answers are
        out: dict = {}
        for r in qs.values("procedure").annotate(n=Count("id")).order_by():
            key = procedure_key(r["procedure"])
            out[key] = out.get(key, 0) + r["n"]
        return out
    if not by:
        return {None: qs.count()}
    return {r[by]: r["n"] for r in qs.values(by).annotate(n=Count("id")).order_by()}


def procedure_names(agency_ids, first: int, last: int) -> dict[int, str]:
    return {procedure_key(p): p for p in Response.objects.filter(
        agency_id__in=list(agency_ids), month__gte=first, month__lte=last).values_list("procedure", flat=True)
        .distinct().order_by()}


def comments(agency_id: int, first: int, last: int, counter_id=None, search: str = "", low_only: bool = False):
    qs = (Response.objects.filter(agency_id=agency_id, month__gte=first, month__lte=last)
          .exclude(comment="").select_related("counter").order_by("-submitted_at"))
    if counter_id:
        qs = qs.filter(counter_id=counter_id)
    if search:
        qs = qs.filter(Q(comment__icontains=search) | Q(procedure__icontains=search))
    if low_only:
        qs = qs.filter(answers__satisfied=False).distinct()
    return qs
