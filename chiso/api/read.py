"""Read endpoints of /api/v1/: collections at plain plural paths, items at /{collection}/{id}. Each restricts
its queryset to the agencies the token reads (permissions.agency_ids) before anything else, so another
agency's object answers 404 exactly like a missing one."""

from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from chiso.dossiers import compute, refresh
from chiso.dossiers.indicators import BY_CODE, rate_of
from chiso.dossiers.models import KpiValue, TaskMeasure
from chiso.files.serving import attachment
from chiso.frameworks.models import Framework, FrameworkNode
from chiso.lib.numbers import id_or_none
from chiso.org.models import Agency, Unit
from chiso.periods.calendar import periods_of_year
from chiso.plans.models import Plan, PlanTarget, Task
from chiso.plans.status import STATUS_LABELS, derive, status_q
from chiso.reports.models import AgencyReport
from chiso.statements import Statement
from chiso.tracking.models import Evidence, ProgressUpdate

from . import schemas as s
from .api import api
from .core import (
    ApiError,
    after_cursor,
    agency_ids,
    json_answer,
    json_time,
    need,
    next_cursor,
    not_found,
    page,
    page_limit,
)

ERRORS = {400: s.Error, 401: s.Error, 403: s.Error, 404: s.Error, 429: s.Error}


def _num(value) -> float | None:
    return None if value is None else float(value)


def _since(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _agencies(request: HttpRequest, agency: str | None) -> list[int]:
    """The agencies a list covers: the token's, or the one asked for (by code or id) when the token reads it."""
    ids = agency_ids(request)
    if agency is None or agency == "":
        return ids
    pk = id_or_none(agency)
    match = Agency.objects.filter(pk=pk) if pk is not None else Agency.objects.filter(code=agency)
    found = match.values_list("pk", flat=True).first()
    if found is None or found not in ids:
        raise not_found("cơ quan")
    return [found]


def _today() -> date:
    return timezone.localdate()


# --- agencies and units ------------------------------------------------------------------------------

def agency_row(a: Agency) -> dict:
    return {"id": a.pk, "code": a.code, "name": a.name, "kind": a.kind, "province": a.province.code,
            "is_coordinator": a.is_coordinator, "is_active": a.is_active}


@api.get("/agencies", response={200: s.AgencyPage, **ERRORS}, tags=["Cơ quan"], summary="Danh sách cơ quan")
def agencies(request, cursor: str | None = None, limit: int | None = None):
    need(request, "agencies")
    rows, nxt = page(Agency.objects.filter(pk__in=agency_ids(request)).select_related("province"), cursor, limit)
    return {"items": [agency_row(a) for a in rows], "next_cursor": nxt}


@api.get("/agencies/{agency_id}", response={200: s.Agency, **ERRORS}, tags=["Cơ quan"], summary="Một cơ quan")
def agency(request, agency_id: int):
    need(request, "agencies")
    a = Agency.objects.filter(pk=agency_id, pk__in=agency_ids(request)).select_related("province").first()
    if a is None:
        raise not_found("cơ quan")
    return agency_row(a)


def unit_row(u: Unit) -> dict:
    return {"id": u.pk, "agency_id": u.agency_id, "name": u.name, "short_name": u.short_name, "kind": u.kind,
            "is_active": u.is_active}


@api.get("/units", response={200: s.UnitPage, **ERRORS}, tags=["Cơ quan"], summary="Danh sách đơn vị")
def units(request, agency: str | None = None, cursor: str | None = None, limit: int | None = None):
    need(request, "agencies")
    rows, nxt = page(Unit.objects.filter(agency_id__in=_agencies(request, agency)), cursor, limit)
    return {"items": [unit_row(u) for u in rows], "next_cursor": nxt}


@api.get("/units/{unit_id}", response={200: s.Unit, **ERRORS}, tags=["Cơ quan"], summary="Một đơn vị")
def unit(request, unit_id: int):
    need(request, "agencies")
    u = Unit.objects.filter(pk=unit_id, agency_id__in=agency_ids(request)).first()
    if u is None:
        raise not_found("đơn vị")
    return unit_row(u)


# --- frameworks and nodes (catalogs: the national ones, and those of the provinces the token reads) ---

def _frameworks(request):
    provinces = Agency.objects.filter(pk__in=agency_ids(request)).values("province_id")
    return Framework.objects.filter(Q(province__isnull=True) | Q(province_id__in=provinces))


def framework_row(f: Framework) -> dict:
    return {"id": f.pk, "index": f.index, "year": f.year, "level": f.level, "name": f.name, "issuer": f.issuer,
            "province_id": f.province_id}


@api.get("/frameworks", response={200: s.FrameworkPage, **ERRORS}, tags=["Bộ chỉ số"], summary="Bộ chỉ số")
def frameworks(request, index: str | None = None, year: int | None = None, cursor: str | None = None,
               limit: int | None = None):
    need(request, "frameworks")
    qs = _frameworks(request)
    if index:
        qs = qs.filter(index=index)
    if year:
        qs = qs.filter(year=year)
    rows, nxt = page(qs, cursor, limit)
    return {"items": [framework_row(f) for f in rows], "next_cursor": nxt}


@api.get("/frameworks/{framework_id}", response={200: s.Framework, **ERRORS}, tags=["Bộ chỉ số"],
         summary="Một bộ chỉ số")
def framework(request, framework_id: int):
    need(request, "frameworks")
    f = _frameworks(request).filter(pk=framework_id).first()
    if f is None:
        raise not_found("bộ chỉ số")
    return framework_row(f)


def node_row(n: FrameworkNode) -> dict:
    return {"id": n.pk, "framework_id": n.framework_id, "parent_id": n.parent_id, "depth": n.depth, "code": n.code,
            "name": n.name, "max_score": _num(n.max_score), "method": n.method}


@api.get("/nodes", response={200: s.NodePage, **ERRORS}, tags=["Bộ chỉ số"], summary="Lĩnh vực, tiêu chí")
def nodes(request, framework: int | None = None, cursor: str | None = None, limit: int | None = None):
    need(request, "frameworks")
    qs = FrameworkNode.objects.filter(framework__in=_frameworks(request))
    if framework:
        qs = qs.filter(framework_id=framework)
    rows, nxt = page(qs, cursor, limit)
    return {"items": [node_row(n) for n in rows], "next_cursor": nxt}


@api.get("/nodes/{node_id}", response={200: s.Node, **ERRORS}, tags=["Bộ chỉ số"], summary="Một tiêu chí")
def node(request, node_id: int):
    need(request, "frameworks")
    n = FrameworkNode.objects.filter(pk=node_id, framework__in=_frameworks(request)).first()
    if n is None:
        raise not_found("tiêu chí")
    return node_row(n)


# --- plans with targets ------------------------------------------------------------------------------

def plan_row(p: Plan) -> dict:
    return {"id": p.pk, "agency_id": p.agency_id, "agency_code": p.agency.code, "title": p.title, "number": p.number,
            "year": p.year, "issued_on": p.issued_on, "status": p.status, "period_start": p.period_start,
            "period_end": p.period_end, "indices": list(p.indices or []), "parent_id": p.parent_id,
            "updated_at": p.updated_at,
            "targets": [{"id": t.pk, "index": t.index, "node_id": t.node_id, "field_name": t.field_name,
                         "scope": t.scope, "prev_rank": t.prev_rank, "prev_score": _num(t.prev_score),
                         "max_score": _num(t.max_score), "expected_increase": _num(t.expected_increase),
                         "target_op": t.target_op, "target_score": _num(t.target_score)}
                        for t in p.targets.all()]}


def _plans(request):
    return Plan.objects.filter(agency_id__in=agency_ids(request)).select_related("agency").prefetch_related(
        Prefetch("targets", queryset=PlanTarget.objects.order_by("order", "id")))


@api.get("/plans", response={200: s.PlanPage, **ERRORS}, tags=["Kế hoạch"], summary="Kế hoạch và mục tiêu")
def plans(request, agency: str | None = None, year: int | None = None, status: str | None = None,
          changed_since: datetime | None = None, cursor: str | None = None, limit: int | None = None):
    need(request, "plans")
    qs = _plans(request).filter(agency_id__in=_agencies(request, agency))
    if year:
        qs = qs.filter(year=year)
    if status:
        if status not in Plan.Status.values:
            raise ApiError(400, "invalid", f"Trạng thái kế hoạch phải là một trong {', '.join(Plan.Status.values)}.")
        qs = qs.filter(status=status)
    if changed_since:
        qs = qs.filter(updated_at__gte=_since(changed_since))
    rows, nxt = page(qs, cursor, limit)
    return {"items": [plan_row(p) for p in rows], "next_cursor": nxt}


@api.get("/plans/{plan_id}", response={200: s.Plan, **ERRORS}, tags=["Kế hoạch"], summary="Một kế hoạch")
def plan(request, plan_id: int):
    need(request, "plans")
    p = _plans(request).filter(pk=plan_id).first()
    if p is None:
        raise not_found("kế hoạch")
    return plan_row(p)


# --- tasks with status and measure ------------------------------------------------------------------

def _tasks(request):
    return Task.objects.filter(plan__agency_id__in=agency_ids(request))


# The columns a task row is made of, read as plain tuples: building 1,000 Task, Plan, TaskState and
# TaskMeasure objects cost more than the query itself (bench/api_bench.py).
TASK_COLUMNS = (
    "id", "plan_id", "plan__agency_id", "plan__year", "ref", "index", "node_id", "field_name", "criterion",
    "title", "output", "due", "recurrence", "measure_op", "measure_value", "measure_unit", "updated_at",
    "tracking__reported", "tracking__done_on", "tracking__has_updates", "tracking__progress",
    "tracking__pending", "tracking__last_update_at", "kpi_measure__state", "kpi_measure__unit_id",
    "kpi_measure__code")


def _unit_ids(ids: list[int]) -> tuple[dict, dict]:
    """Lead and support unit ids of the tasks: one plain query on both link tables (no model objects)."""
    lead: dict[int, list[int]] = {}
    support: dict[int, list[int]] = {}
    if ids:
        for is_lead, task_id, unit_id in sorted(_UNIT_LINKS.rows(ids=ids)):
            (lead if is_lead else support).setdefault(task_id, []).append(unit_id)
    return lead, support


def _unit_links(ids: list[int]):
    links = [through.objects.filter(task_id__in=ids).annotate(lead=Value(n)).values_list("lead", "task_id", "unit_id")
             for n, through in ((1, Task.lead_units.through), (0, Task.support_units.through))]
    return links[0].union(links[1], all=True)


_UNIT_LINKS = Statement("api.unit_links", _unit_links)


def _measured_values(rows: list[dict]) -> dict[int, tuple]:
    """{task id: (value, period, indicator)} for tasks with a confirmed indicator link, measured over the plan's
    year; one query per distinct (agency, unit, year) in the page."""
    counts: dict[tuple, dict] = {}
    out = {}
    for r in rows:
        code = r["kpi_measure__code"]
        if code is None or r["kpi_measure__state"] != TaskMeasure.State.CONFIRMED:
            continue
        period = f"{r['plan__year']}-Y"
        agency_id, unit_id = r["plan__agency_id"], r["kpi_measure__unit_id"]
        key = (agency_id, unit_id, period)
        if key not in counts:
            counts[key] = compute.stored(agency_id, [period], unit_id).get(period, {})
        n, d = counts[key].get(code, (0, 0))
        value = rate_of(n, d, BY_CODE[code].average) if code in BY_CODE else None
        out[r["id"]] = (_num(value), period, code)
    return out


def _measure_display(op: str, value, unit: str) -> str:
    # Task.measure_display reads only these three attributes: one wording for the pages and the API.
    if value is None:
        return ""
    return Task.measure_display.fget(SimpleNamespace(measure_op=op, measure_value=value, measure_unit=unit))


def task_rows(qs) -> list[dict]:
    """The API's rows of the tasks of `qs` (a queryset of Task, already ordered and sliced)."""
    return rows_of_values(list(qs.values_list(*TASK_COLUMNS)))


def rows_of_values(values: list[tuple]) -> list[dict]:
    """The API's rows of tasks read as tuples of TASK_COLUMNS."""
    rows = [dict(zip(TASK_COLUMNS, v, strict=True)) for v in values]
    today = _today()
    measured = _measured_values(rows)
    lead, support = _unit_ids([r["id"] for r in rows])
    labels = {k: str(v) for k, v in STATUS_LABELS.items()}
    displays: dict[tuple, str] = {}  # a plan's tasks share a few measures
    out = []
    for r in rows:
        tid = r["id"]
        has_state = r["tracking__progress"] is not None  # a NOT NULL column: None means no TaskState
        status = derive(r["tracking__reported"] or "", r["tracking__done_on"], r["due"],
                        bool(r["tracking__has_updates"]), today) if has_state else derive("", None, r["due"], False,
                                                                                             today)
        value, period, code = measured.get(tid, (None, None, None))
        measure = (r["measure_op"], r["measure_value"], r["measure_unit"])
        if measure not in displays:
            displays[measure] = _measure_display(*measure)
        out.append({
            "id": tid, "plan_id": r["plan_id"], "agency_id": r["plan__agency_id"], "ref": r["ref"],
            "index": r["index"], "node_id": r["node_id"], "field_name": r["field_name"],
            "criterion": r["criterion"], "title": r["title"], "output": r["output"],
            "lead_unit_ids": lead.get(tid, []), "support_unit_ids": support.get(tid, []),
            "due": r["due"].isoformat() if r["due"] else None,
            "recurrence": r["recurrence"], "status": status, "status_label": labels[status],
            "progress": r["tracking__progress"] if has_state else 0,
            "pending_updates": r["tracking__pending"] if has_state else 0,
            "last_update_at": json_time(r["tracking__last_update_at"]),
            "measure": {"op": r["measure_op"], "value": _num(r["measure_value"]), "unit": r["measure_unit"],
                        "display": displays[measure], "measured_value": value, "measured_period": period,
                        "indicator": code},
            "updated_at": json_time(r["updated_at"])})
    return out


@api.get("/tasks", response={200: s.TaskPage, **ERRORS}, tags=["Nhiệm vụ"],
         summary="Nhiệm vụ với trạng thái, chỉ tiêu và giá trị đo được")
def tasks(request, agency: str | None = None, plan: int | None = None, year: int | None = None,
          status: str | None = None, unit: int | None = None, changed_since: datetime | None = None,
          cursor: str | None = None, limit: int | None = None):
    """`changed_since`: tasks edited, reported on or reviewed since then (a status that changes only because
    a due date passed is not a change; filter by `status=overdue` for those)."""
    need(request, "tasks")
    if status and status not in STATUS_LABELS:
        raise ApiError(400, "invalid", f"Trạng thái nhiệm vụ phải là một trong {', '.join(STATUS_LABELS)}.")
    # the same filters, as parameters of one statement compiled once (chiso.statements); absent filters are
    # not passed, so each combination has its own SQL
    given = {"plan": plan, "year": year, "unit": unit, "after": after_cursor(cursor),
             "since": _since(changed_since) if changed_since else None,
             "today": _today() if status else None}
    limit = page_limit(limit)
    values = _TASK_PAGE.rows({"limit": limit, "status": status or ""}, agencies=_agencies(request, agency),
                             **{k: v for k, v in given.items() if v is not None})
    rows = rows_of_values(values[:limit])
    nxt = next_cursor(rows[-1]["id"]) if len(values) > limit else None
    # Already in the documented shape (the contract test validates it): rendered without a second pass
    # through the schema, which costs more than the query for a page of 1,000.
    return json_answer({"items": rows, "next_cursor": nxt})


def _task_page(limit: int, status: str, agencies: list[int], plan=None, year=None, unit=None, after=None,
               since=None, today=None):
    """One page of the task list (limit + 1 rows, to know whether another follows), as TASK_COLUMNS tuples."""
    qs = Task.objects.filter(plan__agency_id__in=agencies)
    if plan is not None:
        qs = qs.filter(plan_id=plan)
    if year is not None:
        qs = qs.filter(plan__year=year)
    if unit is not None:
        qs = qs.filter(Q(lead_units=unit) | Q(support_units=unit)).distinct()
    if status:
        qs = qs.filter(status_q(status, today))
    if since is not None:
        reviewed = ProgressUpdate.objects.filter(task=OuterRef("pk"), reviewed_at__gte=since)
        qs = qs.filter(Q(updated_at__gte=since) | Q(tracking__last_update_at__gte=since) | Exists(reviewed))
    if after is not None:
        qs = qs.filter(pk__gt=after)
    return qs.order_by("pk").values_list(*TASK_COLUMNS)[:limit + 1]


_TASK_PAGE = Statement("api.task_page", _task_page)


@api.get("/tasks/{task_id}", response={200: s.Task, **ERRORS}, tags=["Nhiệm vụ"], summary="Một nhiệm vụ")
def task(request, task_id: int):
    need(request, "tasks")
    rows = task_rows(_tasks(request).filter(pk=task_id))
    if not rows:
        raise not_found("nhiệm vụ")
    return rows[0]


# --- progress updates and evidence -------------------------------------------------------------------

def evidence_row(e: Evidence) -> dict:
    return {"id": e.pk, "original_name": e.original_name, "content_type": e.content_type, "size": e.size,
            "sha256": e.sha256, "doc_number": e.doc_number, "doc_date": e.doc_date, "doc_summary": e.doc_summary,
            "link": e.link,
            "download": reverse("api:evidence_file", args=[e.pk]) if e.file else None}


def update_row(u: ProgressUpdate) -> dict:
    return {"id": u.pk, "task_id": u.task_id, "agency_id": u.task.plan.agency_id,
            "period": u.period.label if u.period_id else None, "kind": u.kind,
            "author": u.author.display_name if u.author_id else "", "unit_id": u.unit_id,
            "narrative": u.narrative, "percent": u.percent, "proposed_status": u.proposed_status,
            "done_on": u.done_on, "cause": u.cause, "remedy": u.remedy, "review": u.review,
            "reviewed_at": u.reviewed_at, "review_comment": u.review_comment, "revision": u.revision,
            "supersedes_id": u.supersedes_id, "created_at": u.created_at,
            "evidence": [evidence_row(e) for e in u.evidence.all()]}


def _updates(request):
    return (ProgressUpdate.objects.filter(task__plan__agency_id__in=agency_ids(request))
            .select_related("task__plan", "period", "author").prefetch_related("evidence"))


@api.get("/updates", response={200: s.UpdatePage, **ERRORS}, tags=["Báo cáo tiến độ"],
         summary="Báo cáo tiến độ và tài liệu kiểm chứng")
def updates(request, agency: str | None = None, task: int | None = None, year: int | None = None,
            review: str | None = None, changed_since: datetime | None = None, cursor: str | None = None,
            limit: int | None = None):
    """`changed_since`: updates sent or reviewed since then."""
    need(request, "updates")
    qs = _updates(request).filter(task__plan__agency_id__in=_agencies(request, agency))
    if task:
        qs = qs.filter(task_id=task)
    if year:
        qs = qs.filter(task__plan__year=year)
    if review:
        if review not in ProgressUpdate.Review.values:
            raise ApiError(400, "invalid",
                           f"Trạng thái xác nhận phải là một trong {', '.join(ProgressUpdate.Review.values)}.")
        qs = qs.filter(review=review)
    if changed_since:
        since = _since(changed_since)
        qs = qs.filter(Q(created_at__gte=since) | Q(reviewed_at__gte=since))
    rows, nxt = page(qs, cursor, limit)
    return {"items": [update_row(u) for u in rows], "next_cursor": nxt}


@api.get("/updates/{update_id}", response={200: s.Update, **ERRORS}, tags=["Báo cáo tiến độ"],
         summary="Một báo cáo tiến độ")
def update(request, update_id: int):
    need(request, "updates")
    u = _updates(request).filter(pk=update_id).first()
    if u is None:
        raise not_found("báo cáo tiến độ")
    return update_row(u)


@api.get("/evidence/{evidence_id}/file", response={200: None, **ERRORS}, tags=["Báo cáo tiến độ"],
         summary="Tải tệp kiểm chứng", url_name="evidence_file")
def evidence_file(request, evidence_id: int):
    need(request, "evidence")
    e = Evidence.objects.filter(pk=evidence_id, update__task__plan__agency_id__in=agency_ids(request)).first()
    if e is None or not e.file:
        raise not_found("tệp kiểm chứng")
    return attachment(e)


# --- reporting periods and issued reports -------------------------------------------------------------

@api.get("/periods", response={200: list[s.ReportingPeriod], **ERRORS}, tags=["Báo cáo"],
         summary="Kỳ báo cáo của một cơ quan trong năm")
def periods(request, agency: str, year: int | None = None):
    need(request, "periods")
    [agency_id] = _agencies(request, agency)
    the_agency = Agency.objects.get(pk=agency_id)
    year = year or _today().year
    if not 2000 <= year <= 2100:
        raise ApiError(400, "invalid", "Năm phải từ 2000 đến 2100.")
    return [{"code": p.code, "kind": p.kind, "year": p.year, "label": p.label, "start": p.start, "end": p.end,
             "unit_due": p.unit_due, "office_due": p.office_due, "agency_due": p.agency_due,
             "province_due": p.province_due} for p in periods_of_year(the_agency, year)]


def report_row(r: AgencyReport) -> dict:
    return {"id": r.pk, "agency_id": r.agency_id, "period_code": r.period_code, "period_label": r.period_label,
            "start": r.start, "end": r.end, "due": r.due, "version": r.version, "state": r.state,
            "number": r.number_symbol.strip(), "issued_on": r.issued_on, "on_time": r.on_time,
            "figures": r.figures or {},
            "files": {fmt: reverse("api:report_file", args=[r.pk, fmt]) for fmt in ("docx", "xlsx", "pdf")}}


def _reports(request):
    # numbered reports only: one still in the sign-off (submitted, approved) is not issued yet
    return AgencyReport.objects.filter(agency_id__in=agency_ids(request)).exclude(
        state__in=AgencyReport.UNNUMBERED).select_related("agency")


@api.get("/reports", response={200: s.ReportPage, **ERRORS}, tags=["Báo cáo"],
         summary="Báo cáo đã ban hành (số liệu đã chốt)")
def reports(request, agency: str | None = None, year: int | None = None, period: str | None = None,
            changed_since: datetime | None = None, cursor: str | None = None, limit: int | None = None):
    need(request, "reports")
    qs = _reports(request).filter(agency_id__in=_agencies(request, agency))
    if year:
        qs = qs.filter(period_code__startswith=f"{year}-")
    if period:
        qs = qs.filter(period_code=period)
    if changed_since:
        qs = qs.filter(updated_at__gte=_since(changed_since))
    rows, nxt = page(qs, cursor, limit)
    return {"items": [report_row(r) for r in rows], "next_cursor": nxt}


@api.get("/reports/{report_id}", response={200: s.Report, **ERRORS}, tags=["Báo cáo"], summary="Một báo cáo")
def report(request, report_id: int):
    need(request, "reports")
    r = _reports(request).filter(pk=report_id).first()
    if r is None:
        raise not_found("báo cáo")
    return report_row(r)


@api.get("/reports/{report_id}/file/{fmt}", response={200: None, **ERRORS}, tags=["Báo cáo"],
         summary="Tải văn bản báo cáo (docx, xlsx, pdf)", url_name="report_file")
def report_file(request, report_id: int, fmt: str):
    from django.http import HttpResponse

    from chiso.reports.documents import CONTENT_TYPES, filename
    from chiso.reports.documents import render as render_file

    need(request, "reports")
    r = _reports(request).filter(pk=report_id).first()
    if r is None or fmt not in CONTENT_TYPES:
        raise not_found("văn bản báo cáo")
    response = HttpResponse(render_file(fmt, r), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(r, fmt)}"'
    return response


# --- service indicators from dossiers -----------------------------------------------------------------

def indicator_row(v: KpiValue) -> dict:
    average = BY_CODE[v.code].average if v.code in BY_CODE else False
    rate: Decimal | None = rate_of(v.numerator, v.denominator, average)
    return {"id": v.pk, "agency_id": v.agency_id, "unit_id": v.unit_id, "period": v.period, "code": v.code,
            "numerator": v.numerator, "denominator": v.denominator, "rate": _num(rate), "computed_at": v.computed_at}


@api.get("/indicators", response={200: s.IndicatorPage, **ERRORS}, tags=["Chỉ số phục vụ"],
         summary="Chỉ số phục vụ tính từ hồ sơ (theo tháng, quý, 6 tháng, năm)")
def indicators(request, agency: str | None = None, period: str | None = None, year: int | None = None,
               code: str | None = None, unit: int | None = None, changed_since: datetime | None = None,
               cursor: str | None = None, limit: int | None = None):
    """`unit` omitted: the agency's own figures; `unit=ID`: that unit's."""
    need(request, "dossiers")
    covered = _agencies(request, agency)
    qs = KpiValue.objects.filter(agency_id__in=covered)
    qs = qs.filter(unit_id=unit) if unit else qs.filter(unit__isnull=True)
    if period:
        qs = qs.filter(period=period)
    if year:
        qs = qs.filter(period__startswith=f"{year}-")
    if code:
        qs = qs.filter(code=code)
    if changed_since:
        qs = qs.filter(computed_at__gte=_since(changed_since))
    rows, nxt = page(qs, cursor, limit)
    waiting = sorted(refresh.pending(covered))
    notice = (f"Chờ tính lại chỉ số: hồ sơ vừa đẩy của {len(waiting)} cơ quan chưa được tính vào các số liệu "
              "này; đọc lại sau khi việc tính lại chạy xong.") if waiting else None
    return {"items": [indicator_row(v) for v in rows], "next_cursor": nxt, "refresh_pending": waiting,
            "notice": notice}
