"""Pages of the service KPIs: agency dashboard, province ranking, drill-down lists with XLSX export,
apology letters, the upload page with progress. Thin: reads in queries.py, changes in actions.py,
every object checked in permissions.py."""

import math
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.access import require
from chiso.exports.xlsx import xlsx_response
from chiso.lib.numbers import id_or_none
from chiso.org.models import Agency, Unit
from chiso.periods import windows

from . import actions, charts, queries, refresh
from . import permissions as perms
from .forms import ApologyForm, UploadForm
from .indicators import BY_CODE, INDICATORS
from .models import ImportRun, TaskMeasure

WHICH = {"den": _("Tất cả hồ sơ được tính"), "num": _("Hồ sơ đạt"), "miss": _("Hồ sơ không đạt")}


def _period(request, default_kind: str = "year") -> windows.KpiPeriod:
    raw = request.GET.get("ky", "")
    if raw:
        try:
            return windows.parse(raw)
        except windows.PeriodError:
            messages.error(request, _("Kỳ “%(code)s” không hợp lệ; đang xem kỳ mặc định.") % {"code": raw})
    return windows.containing(default_kind, timezone.localdate())


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The coordinator lands on the ranking; everybody else on their agency's dashboard."""
    if perms.can_view_ranking(request.user):
        return redirect("kpi_ranking")
    agency = None
    unit = getattr(request.user, "unit", None)
    if unit is not None and perms.can_view_kpis(request.user, unit.agency):
        agency = unit.agency
    agency = agency or perms.kpi_agencies(request.user).order_by("name").first()
    require(agency is not None)
    return redirect("kpi_dashboard", code=agency.code)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_view_kpis(request.user, agency))
    period = _period(request)
    data = queries.dashboard(agency, period)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(f"chi-so-{agency.code}-{period.code}",
                             [_("Mã"), _("Chỉ số"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ (%)"), _("Điểm"),
                              _("Điểm tối đa")],
                             ([f.code, f.name, f.numerator, f.denominator, f.rate, f.points, f.max_points]
                              for f in data["figures"]))
    trend_points = [(f"{t['period'].start.month:02d}", t["rate"]) for t in data["trend"]]
    measured = _measured(agency, period)
    return render(request, "dossiers/dashboard.html", {
        "nav": "kpis", "agency": agency, "period": period, **data,
        "trend_svg": charts.trend_svg(trend_points, 98, label=_("Tỷ lệ hồ sơ đúng hạn theo tháng")),
        "unit_svg": charts.bars_svg([(u["name"], u["rate"]) for u in data["units"]],
                                    label=_("Tỷ lệ đúng hạn theo đơn vị")),
        "periods": windows.of_year(period.start.year), "year": period.start.year, "years": _years(),
        "can_import": perms.can_import(request.user, agency), "can_rank": perms.can_view_ranking(request.user),
        "agencies": perms.kpi_agencies(request.user).order_by("name"), "measured": measured,
        "can_confirm": perms.can_confirm_measures(request.user, agency),
        "has_data": any(f.denominator for f in data["figures"]),
        "kpi_pending": bool(refresh.pending([agency.pk])),
    })


def _measured(agency, period):
    """Tasks of the agency's plans in force whose target an indicator measures (stored or proposed)."""
    from chiso.plans.figures import active_tasks
    from chiso.plans.models import Task

    from . import compute, measures

    tasks = list(active_tasks(Task.objects.filter(plan__agency=agency))
                 .select_related("plan").order_by("plan__year", "order")[:300])
    links = {m.task_id: m for m in TaskMeasure.objects.filter(task__in=tasks)}
    counts = {None: compute.stored(agency.pk, [period.code]).get(period.code, {})}
    out = []
    for task in tasks:
        task._kpi_measure = links.get(task.pk)
        unit_id = task._kpi_measure.unit_id if task._kpi_measure else None
        if unit_id not in counts:
            counts[unit_id] = compute.stored(agency.pk, [period.code], unit_id).get(period.code, {})
        m = measures.measured(task, period.code, unit_id, counts[unit_id])
        if m is not None:
            out.append(m)
    return out[:50]


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    require(perms.can_view_ranking(request.user))
    period = _period(request)
    agencies = list(perms.kpi_agencies(request.user).filter(is_active=True, is_coordinator=False).order_by("name"))
    rows = queries.ranking(agencies, period)
    waiting = refresh.pending([a.pk for a in agencies])
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(f"xep-hang-{period.code}",
                             [_("Hạng"), _("Cơ quan"), _("Điểm"), _("Điểm tối đa"), _("Quy ra 100"), _("Xếp loại"),
                              _("Tỷ lệ đúng hạn (%)"), _("Số hồ sơ")],
                             ([r["rank"], r["agency"].name, r["points"], r["available"], r["score"], r["band"],
                               r["on_time"], r["dossiers"]] for r in rows))
    return render(request, "dossiers/ranking.html", {
        "nav": "kpis", "rows": rows, "period": period, "periods": windows.of_year(period.start.year),
        "year": period.start.year, "years": _years(),
        "pending": [a for a in agencies if a.pk in waiting],
        "svg": charts.bars_svg([(r["agency"].name, r["score"]) for r in rows], label=_("Điểm quy ra 100"), suffix=""),
    })


@login_required
def dossier_list(request: HttpRequest, code: str) -> HttpResponse:
    """The dossiers behind one figure (the drill-down), or the open dossiers of an alert."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_view_dossiers(request.user, agency))
    period = _period(request, "month")
    indicator = request.GET.get("chi-so", "2.1")
    if indicator not in BY_CODE or BY_CODE[indicator].average and False:
        indicator = "2.1"
    which = request.GET.get("loai", "miss")
    which = which if which in WHICH else "miss"
    units = list(Unit.objects.filter(agency=agency).order_by("name"))
    unit_raw = request.GET.get("don-vi", "")
    unit_id = id_or_none(unit_raw) if any(u.pk == id_or_none(unit_raw) for u in units) else None
    alert = request.GET.get("canh-bao", "")
    try:
        page = max(1, int(request.GET.get("trang", "1")))
    except ValueError:
        page = 1
    export = request.GET.get("xuat") == "xlsx"
    limit = None if export else queries.PAGE_SIZE
    if alert in ("near_due", "overdue"):
        rows, total = queries.open_dossiers(agency.pk, alert, unit_id, page, limit)
    else:
        alert = ""
        f = queries.DrillFilter(agency_id=agency.pk, period=period, code=indicator, which=which, unit_id=unit_id,
                                procedure=request.GET.get("thu-tuc", "").strip()[:60],
                                search=request.GET.get("q", "").strip()[:60],
                                sort=request.GET.get("sap-xep", "received"))
        rows, total = queries.drill(f, page, limit)
    names = {u.pk: u.name for u in units}
    for r in rows:
        r["unit"] = names.get(r.get("unit_id"), "")
    if export:
        pakn = BY_CODE[indicator].source == "pakn" and not alert
        headers = ([_("Mã"), _("Đơn vị"), _("Nội dung"), _("Người phản ánh"), _("Ngày tiếp nhận"), _("Ngày xử lý"),
                    _("Đúng hạn")] if pakn else
                   [_("Mã hồ sơ"), _("Đơn vị"), _("Mã TTHC"), _("Tên TTHC"), _("Chủ hồ sơ"), _("Ngày tiếp nhận"),
                    _("Ngày hẹn trả"), _("Ngày kết thúc"), _("Số lần bổ sung"), _("Đúng hạn")])
        keys = (["code", "unit", "title", "sender", "received", "handled", "ot"] if pakn else
                ["code", "unit", "procedure", "procedure_name", "applicant", "received", "promised", "finished",
                 "sup_count", "ot"])
        return xlsx_response(f"ho-so-{agency.code}-{indicator}-{period.code}", headers,
                             ([_yes_no(r.get(k)) if k == "ot" else r.get(k) for k in keys] for r in rows))
    apologies = queries.apologies_of(agency.pk, [r["code"] for r in rows])
    for r in rows:
        r["apology"] = apologies.get(r["code"])
    context = {
        "nav": "kpis", "agency": agency, "period": period, "indicator": BY_CODE[indicator], "which": which,
        "which_labels": WHICH, "which_label": WHICH[which], "rows": rows, "total": total, "page": page,
        "pages": max(1, math.ceil(total / queries.PAGE_SIZE)), "units": units, "unit_id": unit_id,
        "indicators": INDICATORS, "periods": windows.of_year(period.start.year), "alert": alert,
        "q": request.GET.get("q", ""), "procedure": request.GET.get("thu-tuc", ""),
        "can_apologise": perms.can_manage_apologies(request.user, agency),
        "is_pakn": BY_CODE[indicator].source == "pakn" and not alert,
        "query": request.GET.urlencode(),
    }
    template = "dossiers/_dossier_rows.html" if request.htmx else "dossiers/dossier_list.html"
    return render(request, template, context)


def _years() -> list[int]:
    this = today().year
    return list(range(this, this - 6, -1))


def _yes_no(value):
    return "" if value is None else (_("Có") if value else _("Không"))


@login_required
def apology_letter(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    """The draft apology letter (DOCX, official layout) of one dossier. Reads only."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_manage_apologies(request.user, agency))
    row = queries.dossier(agency.pk, dossier)
    if row is None:
        raise Http404
    from .letters import apology_docx

    content = apology_docx(agency, row, request.user)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                  "wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="thu-xin-loi-{dossier}.docx"'
    return response


@login_required
def apology_record(request: HttpRequest, code: str, dossier: str) -> HttpResponse:
    """Record that the letter was sent (number, date, signed file)."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_manage_apologies(request.user, agency))
    row = queries.dossier(agency.pk, dossier)
    if row is None:
        raise Http404
    form = ApologyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_record_apology(request.user, agency, row, form.cleaned_data)
        except actions.Refused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận thư xin lỗi số %(n)s.") % {"n": form.cleaned_data["number"]})
            return redirect(request.POST.get("next") or reverse("kpi_dossiers", args=[agency.code]))
    return render(request, "dossiers/apology_form.html", {
        "nav": "kpis", "agency": agency, "dossier": row, "form": form, "next": request.GET.get("next", "")})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    agencies = perms.import_agencies(request.user).order_by("name")
    require(agencies.exists())
    form = UploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        require(perms.can_import(request.user, agency))
        run = actions.do_queue_import(request.user, agency, form.cleaned_data["file"],
                                      source_name=form.cleaned_data.get("source") or "",
                                      mapping=form.cleaned_data.get("mapping") or {})
        return redirect("kpi_upload_run", pk=run.pk)
    runs = ImportRun.objects.filter(agency__in=agencies).select_related("agency", "created_by")[:20]
    return render(request, "dossiers/upload.html", {"nav": "kpis", "form": form, "runs": runs})


@login_required
def upload_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.select_related("agency"), pk=pk)
    require(run.agency is not None and perms.can_import(request.user, run.agency))
    from .fields import FIELDS

    unknown = [msg.split(": ", 1)[1] for line, msg in (run.errors or []) if line == 0 and ": " in msg]
    can_map = run.status == ImportRun.Status.REJECTED and bool(unknown) and bool(run.path)
    if request.method == "POST" and can_map:
        mapping = {h: request.POST.get(f"cot-{i}", "") for i, h in enumerate(unknown)}
        try:
            new = actions.do_remap_import(request.user, run, mapping)
        except actions.Refused as exc:
            messages.error(request, str(exc))
        else:
            return redirect("kpi_upload_run", pk=new.pk)
    template = "dossiers/_run.html" if request.htmx else "dossiers/upload_run.html"
    fields = FIELDS.get(run.kind, FIELDS["dossier"])
    return render(request, template, {"nav": "kpis", "run": run, "errors": run.errors[:200],
                                      "unknown": list(enumerate(unknown)) if can_map else [], "fields": fields})


@login_required
def task_measure(request: HttpRequest, pk: int) -> HttpResponse:
    """The task panel's measured target (an HTMX fragment); the office confirms or refuses a proposal."""
    from chiso.plans.models import Task
    from chiso.plans.permissions import can_view_task

    from . import measures

    task = get_object_or_404(Task.objects.select_related("plan__agency"), pk=pk)
    require(can_view_task(request.user, task))
    agency = task.plan.agency
    can_confirm = perms.can_confirm_measures(request.user, agency)
    if request.method == "POST":
        require(can_confirm)
        decision = request.POST.get("quyet-dinh")
        proposal = measures.propose(task)
        if decision in ("confirm", "reject") and proposal is not None:
            actions.do_decide_measure(request.user, task, proposal, decision == "confirm")
    year = windows.parse(f"{task.plan.year}-Y") if task.plan.year else windows.containing("year", today())
    m = measures.measured(task, year.code)
    trend = []
    if m is not None and m.state == "confirmed":
        from . import compute
        from .indicators import rate_of

        months = [windows.from_index("month", year.start.year * 12 + i) for i in range(12)]
        stored = compute.stored(agency.pk, [p.code for p in months], m.measure.unit_id if m.measure else None)
        for p in months:
            n, d = stored.get(p.code, {}).get(m.code, (0, 0))
            trend.append((p.start.strftime("%m"), rate_of(n, d)))
    return render(request, "dossiers/_task_measure.html", {
        "task": task, "m": m, "year": year, "can_confirm": can_confirm, "agency": agency,
        "indicator": BY_CODE.get(m.code) if m else None,
        "trend_svg": charts.trend_svg(trend, float(m.target), height=120, label=_("Diễn biến theo tháng"))
        if trend else "",
        "trend": trend})


def today() -> date:
    return timezone.localdate()
