"""Rankings: the agencies of a round by self, reviewed and final points (in total and per field), and the
province view over past years' published results with the change of rank. Aggregated in the database: a
fixed number of queries whatever the number of agencies and sub-criteria."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Sum, When
from django.db.models.functions import Coalesce

from chiso.frameworks.models import Framework, FrameworkNode, PublishedResult
from chiso.org.models import Agency

from .models import Round, Score, Submission

ZERO = Decimal(0)


def rank(values: dict, key=None) -> dict:
    """{id: rank} for {id: value}, highest first; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda vk: -vk[0])
    ranks, previous, position = {}, None, 0
    for index, (value, k) in enumerate(ordered, start=1):
        if value != previous:
            position, previous = index, value
        ranks[k] = position
    return ranks


@dataclass
class RoundRow:
    submission: Submission
    agency: Agency
    self_total: Decimal = ZERO
    reviewed_total: Decimal = ZERO
    final_total: Decimal = ZERO
    survey: Decimal | None = None
    fields: dict = field(default_factory=dict)  # field node id -> (self, reviewed, final)
    rank_self: int | None = None
    rank_reviewed: int | None = None
    rank_final: int | None = None
    hidden: bool = False

    @property
    def final_index(self) -> Decimal | None:
        if self.submission.state != Submission.State.FINAL:
            return None
        return self.final_total + (self.survey or ZERO)


def _field_of(framework_id: int) -> tuple[int, list]:
    """The most ancestors a node of the catalog has, and the fields in order."""
    nodes = list(FrameworkNode.objects.filter(framework_id=framework_id).values("pk", "parent_id", "depth",
                                                                               "code", "name", "order"))
    parent = {n["pk"]: n["parent_id"] for n in nodes}

    def ancestors(pk):
        seen = 0
        while parent.get(pk) and seen < 10:
            pk, seen = parent[pk], seen + 1
        return seen

    fields = sorted((n for n in nodes if n["parent_id"] is None), key=lambda n: (n["order"], n["code"]))
    return max((ancestors(n["pk"]) for n in nodes), default=0), fields


def _field_expression(levels: int):
    """The id of a score's field in SQL: its node's farthest ancestor, else the node itself (a field scored
    directly). Coalesce tries the farthest level first; for a shallower node that join finds nothing."""
    paths = ["node__" + "parent__" * (k - 1) + "parent_id" for k in range(levels, 0, -1)]
    return Coalesce(*paths, "node_id") if paths else F("node_id")


def round_ranking(rnd: Round, visible_ids: set[int] | None = None) -> dict:
    """Every agency of the round with its totals and ranks; rows the viewer may not see are marked hidden.
    Summed in the database per agency and field (40 agencies × 10 fields = 400 rows to read, not the 4,000
    scores: reading those was most of the round and ranking pages' time)."""
    levels, fields = _field_of(rnd.framework_id)
    total = DecimalField(max_digits=12, decimal_places=3)
    reviewed = Case(When(review=Score.Review.ADJUSTED, then=F("reviewed_score")), default=F("self_score"),
                    output_field=total)
    sums = (Score.objects.filter(submission__round=rnd).order_by().annotate(field_id=_field_expression(levels))
            .values("submission_id", "field_id")
            .annotate(s=Sum("self_score", output_field=total), r=Sum(reviewed, output_field=total),
                      f=Sum("final_score", output_field=total)))
    subs = {s.pk: s for s in rnd.submissions.select_related("agency")}
    rows = {pk: RoundRow(submission=s, agency=s.agency, survey=s.survey_score) for pk, s in subs.items()}
    for item in sums:
        row = rows[item["submission_id"]]
        values = (item["s"] or ZERO, item["r"] or ZERO, item["f"] or ZERO)
        row.self_total += values[0]
        row.reviewed_total += values[1]
        row.final_total += values[2]
        old = row.fields.get(item["field_id"], (ZERO, ZERO, ZERO))
        row.fields[item["field_id"]] = tuple(a + b for a, b in zip(old, values, strict=True))
    submitted = {Submission.State.SUBMITTED, Submission.State.REVIEWED, Submission.State.FINAL}
    r_self = rank({pk: r.self_total for pk, r in rows.items() if r.submission.state in submitted})
    r_rev = rank({pk: r.reviewed_total + (r.survey or ZERO) for pk, r in rows.items()
                  if r.submission.state in {Submission.State.REVIEWED, Submission.State.FINAL}})
    r_fin = rank({pk: r.final_index for pk, r in rows.items() if r.final_index is not None})
    for pk, row in rows.items():
        row.rank_self, row.rank_reviewed, row.rank_final = r_self.get(pk), r_rev.get(pk), r_fin.get(pk)
        row.hidden = visible_ids is not None and pk not in visible_ids
        row.field_list = [row.fields.get(f["pk"], (ZERO, ZERO, ZERO)) for f in fields]
    ordered = sorted(rows.values(), key=lambda r: (r.rank_final or r.rank_reviewed or r.rank_self or 10**6,
                                                   r.agency.name))
    return {"rows": ordered, "fields": fields, "count": len(ordered)}


# --- the province view over years ----------------------------------------------------------------------

@dataclass
class YearRow:
    agency: Agency
    score: Decimal | None
    rank: int | None
    previous_rank: int | None
    highlighted: bool = False
    hidden: bool = False

    @property
    def change(self) -> int | None:
        """Places gained (+) or lost (−) since the year before."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def _results(province, year: int, field_code: str | None) -> dict[int, tuple]:
    """{agency id: (score, rank)} of the PAR INDEX results published for the province's agencies in a year;
    a merged agency without its own result takes its predecessors' best as its baseline."""
    qs = PublishedResult.objects.filter(agency__province=province, year=year,
                                        framework__index="PAR_INDEX")
    qs = qs.filter(node__code=field_code) if field_code else qs.filter(node__isnull=True)
    found = {r.agency_id: (r.score, r.rank) for r in qs}
    qs_old = PublishedResult.objects.filter(agency__successors__province=province, year=year,
                                            framework__index="PAR_INDEX")
    qs_old = qs_old.filter(node__code=field_code) if field_code else qs_old.filter(node__isnull=True)
    for result in qs_old.prefetch_related("agency__successors"):
        for successor in result.agency.successors.all():
            if successor.pk in found:
                continue
            found[successor.pk] = (result.score, result.rank)
    return found


STAGES = ("self", "reviewed", "final")
_REACHED = {
    "self": {Submission.State.SUBMITTED, Submission.State.REVIEWED, Submission.State.FINAL},
    "reviewed": {Submission.State.REVIEWED, Submission.State.FINAL},
    "final": {Submission.State.FINAL},
}


def _stage_value(row: RoundRow, stage: str, field_pk: int | None) -> Decimal | None:
    """The row's points at a stage (self, reviewed, final; "" takes the furthest stage it has reached), in
    total (with survey points from the reviewed stage on) or for one field; None before it got there."""
    state = row.submission.state
    if not stage:
        stage = next((s for s in reversed(STAGES) if state in _REACHED[s]), "")
    if not stage or state not in _REACHED[stage]:
        return None
    position = STAGES.index(stage)
    if field_pk is not None:
        return row.fields.get(field_pk, (ZERO, ZERO, ZERO))[position]
    total = (row.self_total, row.reviewed_total, row.final_total)[position]
    return total if stage == "self" else total + (row.survey or ZERO)


def province_ranking(province, year: int | None, highlight: str = "", field_code: str = "",
                     stage: str = "") -> dict:
    """Ranking of a past year (published results) or of the current round, in total or for one field."""
    agencies = {a.pk: a for a in Agency.objects.filter(province=province, is_active=True, is_coordinator=False)}
    years = sorted(set(PublishedResult.objects.filter(agency__province=province, framework__index="PAR_INDEX")
                       .values_list("year", flat=True)), reverse=True)
    rounds = list(Round.objects.filter(province=province).select_related("framework").order_by("-year"))
    if year is None:
        year = max([r.year for r in rounds] + years) if (rounds or years) else None
    rnd = next((r for r in rounds if r.year == year), None)
    fields = []
    framework = rnd.framework if rnd else Framework.objects.filter(
        index="PAR_INDEX", level="department", year__lte=year or 0).order_by("-year", "-province_id").first()
    if framework is not None:
        fields = list(framework.nodes.filter(parent__isnull=True).order_by("order", "code"))
    previous = _results(province, year - 1, field_code or None) if year else {}
    rows = []
    source = "none"
    if rnd is not None:
        source = "round"
        table = round_ranking(rnd)
        code_to_pk = {f["code"]: f["pk"] for f in table["fields"]}
        values = {}
        for r in table["rows"]:
            value = _stage_value(r, stage, code_to_pk.get(field_code) if field_code else None)
            if value is not None:
                values[r.agency.pk] = value
        ranks = rank(values)
        for r in table["rows"]:
            rows.append(YearRow(r.agency, values.get(r.agency.pk), ranks.get(r.agency.pk),
                                previous.get(r.agency.pk, (None, None))[1], r.agency.code == highlight))
    elif year is not None:
        source = "published"
        current = _results(province, year, field_code or None)
        for agency_id, (score, rk) in current.items():
            agency = agencies.get(agency_id)
            if agency is None:
                continue
            rows.append(YearRow(agency, score, rk, previous.get(agency_id, (None, None))[1],
                                agency.code == highlight))
    rows.sort(key=lambda r: (r.rank or 10**6, r.agency.name))
    return {"year": year, "years": sorted(set(years) | {r.year for r in rounds}, reverse=True), "round": rnd,
            "rows": rows, "fields": fields, "field_code": field_code, "source": source, "highlight": highlight,
            "stage": stage}


def field_scores_by_agency(agency_ids, year) -> dict:
    """{(agency id, field code): score} of published PAR INDEX results (for charts and projections)."""
    found = defaultdict(dict)
    for r in PublishedResult.objects.filter(agency_id__in=agency_ids, year=year, framework__index="PAR_INDEX",
                                            node__isnull=False).select_related("node"):
        found[r.agency_id][r.node.code] = r.score
    return found
