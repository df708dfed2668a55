"""Report pages: calendar, unit report, the office's overview and compile, the agency report with its
three downloads, the coordinator's roll-up. Thin: permissions from reports.permissions, changes from
reports.actions, reads from reports.queries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from chiso.files.serving import inline_or_attachment
from chiso.jobs.api import enqueue
from chiso.jobs.models import Job
from chiso.org.models import Agency, Unit
from chiso.periods.calendar import periods_of_year, periods_of_year_many, resolve
from chiso.periods.codes import Kind, Period, PeriodError
from chiso.periods.models import KIND_CHOICES, ReportingRule
from chiso.plans.models import ReportingObligation

from . import actions, file_jobs, queries
from . import permissions as perms
from .documents import CONTENT_TYPES, filename, issued_file, stored_file
from .documents import render as render_file
from .forms import AdHocForm, AgencyReportForm, RuleForm, StepForm, UnitReportForm
from .models import AgencyReport, UnitReport


def _agency(user, code: str) -> Agency:
    agency = get_object_or_404(Agency.objects.select_related("province"), code=code)
    perms.require(perms.can_view_reports(user, agency))
    return agency


def _period(agency, code: str) -> Period:
    try:
        return resolve(agency, code)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc


def _current_period(agency, today, periods: list[Period] | None = None) -> Period | None:
    """The nearest period whose agency deadline is still ahead (else the last one of the year)."""
    periods = periods_of_year(agency, today.year) if periods is None else periods
    ahead = [p for p in periods if p.agency_due >= today]
    return ahead[0] if ahead else (periods[-1] if periods else None)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    agencies = list(perms.visible_agencies(request.user).filter(is_active=True).order_by("name"))
    today = queries.today()
    calendars = periods_of_year_many(agencies, today.year)  # a fixed number of queries however many agencies
    rows = [{"agency": a, "period": _current_period(a, today, calendars.get(a.pk, []))}
            for a in agencies if not a.is_coordinator]
    if len(rows) == 1 and not perms.sees_province(request.user):
        return redirect("reports:calendar", rows[0]["agency"].code)
    return render(request, "reports/index.html", {"nav": "reports", "rows": rows,
                                                  "can_rollup": perms.sees_province(request.user)})


@login_required
def calendar(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(request.user, code)
    today = queries.today()
    try:
        year = int(request.GET.get("nam") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= 2100:
        return render(request, "400.html", {"message": _("Năm %(y)s không hợp lệ: hãy chọn một năm từ 2000 đến 2100.")
                                            % {"y": request.GET.get("nam")}}, status=400)
    periods = periods_of_year(agency, year, monthly=request.GET.get("thang") == "1")
    reports = {}
    for r in AgencyReport.objects.filter(agency=agency, period_code__in=[p.code for p in periods]).order_by("version"):
        reports[r.period_code] = r
    sent = {}
    for code_, _unit in UnitReport.objects.filter(agency=agency, submitted_at__isnull=False, version=1).values_list(
            "period_code", "unit_id"):
        sent[code_] = sent.get(code_, 0) + 1
    rows = [{"p": p, "report": reports.get(p.code), "sent": sent.get(p.code, 0)} for p in periods]
    obligations = ReportingObligation.objects.filter(plan__agency=agency, plan__year=year).select_related("plan")
    rules = ReportingRule.rules_for(agency)
    labels = dict(KIND_CHOICES)
    rule_rows = [{"kind": k, "label": labels[k], "rule": rules.get(k), "own": bool(rules.get(k) and
                                                                              rules[k].agency_id)}
                 for k in (Kind.MONTH, Kind.Q1, Kind.H1, Kind.Q3, Kind.YEAR)]
    my_unit = request.user.unit if request.user.unit_id and request.user.unit.agency_id == agency.pk else None
    return render(request, "reports/calendar.html", {
        "nav": "reports", "agency": agency, "year": year, "rows": rows, "obligations": obligations,
        "today": today, "my_unit": my_unit, "rule_rows": rule_rows,
        "can_compile": perms.can_compile_report(request.user, agency)})


@login_required
def period(request: HttpRequest, code: str, period: str) -> HttpResponse:
    agency = _agency(request.user, code)
    p = _period(agency, period)
    subs = queries.submissions(agency, p)
    user = request.user
    for row in subs["rows"]:
        row["can_edit"] = perms.can_edit_unit_report(user, agency, row["unit"])
    versions = list(AgencyReport.objects.filter(agency=agency, period_code=p.code).order_by("-version"))
    return render(request, "reports/period.html", {
        "nav": "reports", "agency": agency, "p": p, "subs": subs, "versions": versions,
        "can_compile": perms.can_compile_report(user, agency)})


@login_required
@require_POST
def compile_report(request: HttpRequest, code: str, period: str) -> HttpResponse:
    agency = _agency(request.user, code)
    perms.require(perms.can_compile_report(request.user, agency))
    p = _period(agency, period)
    report = actions.do_compile_agency_report(request.user, agency, p, redraft=bool(request.POST.get("redraft")))
    messages.success(request, _("Đã tổng hợp báo cáo %(label)s từ báo cáo của các đơn vị và số liệu nhiệm vụ.")
                     % {"label": p.label})
    return redirect("reports:agency_report", report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def unit_report(request: HttpRequest, code: str, period: str, unit_id: int) -> HttpResponse:
    agency = _agency(request.user, code)
    unit = get_object_or_404(Unit, pk=unit_id, agency=agency)
    p = _period(agency, period)
    can_edit = perms.can_edit_unit_report(request.user, agency, unit)
    report = actions.current_unit_report(unit, p.code)
    form = None
    if request.method == "POST":
        perms.require(can_edit)
        action = request.POST.get("action", "save")
        try:
            if action == "draft" or report is None:
                report = actions.do_draft_unit_report(request.user, agency, unit, p)
                if action == "draft":
                    messages.success(request, _("Đã lập dự thảo từ báo cáo tiến độ của đơn vị."))
                    return redirect(request.path)
            if action == "correct":
                report = actions.do_correct_unit_report(request.user, report)
                messages.success(request, _("Đã tạo bản sửa; bản đã gửi vẫn được giữ."))
                return redirect(request.path)
            if action == "redraft":
                actions.do_redraft_unit_report(request.user, report, texts=True)
                messages.success(request, _("Đã lập lại dự thảo từ số liệu mới nhất."))
                return redirect(request.path)
            form = UnitReportForm(request.POST, instance=report)
            if form.is_valid() and _saved(form, lambda: actions.do_save_unit_report(
                    request.user, report, form.cleaned_data, form.opened_stamp())):
                if action == "submit":
                    report = actions.do_submit_unit_report(request.user, report)
                    messages.success(request, _("Đã gửi báo cáo đến Văn phòng (%(when)s).") % {
                        "when": _("đúng hạn") if report.on_time else _("chậm hạn")})
                else:
                    messages.success(request, _("Đã lưu dự thảo."))
                return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
    if form is None and report is not None and not report.is_frozen:
        form = UnitReportForm(instance=report)
    versions = list(UnitReport.objects.filter(unit=unit, period_code=p.code).order_by("-version"))
    return render(request, "reports/unit_report.html", {
        "nav": "reports", "agency": agency, "unit": unit, "p": p, "report": report, "form": form,
        "can_edit": can_edit, "versions": versions, "fig": report.figures if report else None})


def _saved(form, save) -> bool:
    """Run the save; a stale form keeps what was typed, says who changed the texts and takes the new stamp."""
    try:
        save()
    except actions.StaleTexts as exc:
        form.stale(exc)
        return False
    return True


def _agency_report(user, pk: int) -> AgencyReport:
    report = get_object_or_404(AgencyReport.objects.select_related("agency", "agency__province"), pk=pk)
    perms.require(perms.can_view_reports(user, report.agency))
    return report


@login_required
@require_http_methods(["GET", "POST"])
def agency_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _agency_report(request.user, pk)
    can_compile = perms.can_compile_report(request.user, report.agency)
    form = None
    if request.method == "POST":
        perms.require(can_compile)
        action = request.POST.get("action", "save")
        try:
            if action == "correct":
                new = actions.do_correct_agency_report(request.user, report)
                messages.success(request, _("Đã tạo bản đính chính (lần %(n)s); bản đã ban hành vẫn được giữ.")
                                 % {"n": new.version})
                return redirect("reports:agency_report", new.pk)
            if action == "recompile":
                p = _period(report.agency, report.period_code)
                actions.do_compile_agency_report(request.user, report.agency, p)
                messages.success(request, _("Đã cập nhật số liệu."))
                return redirect(request.path)
            form = AgencyReportForm(request.POST, instance=report)
            if form.is_valid() and _saved(form, lambda: actions.do_save_agency_report(
                    request.user, report, form.cleaned_data, form.opened_stamp())):
                messages.success(request, _("Đã lưu."))
                return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(request.path)
    if form is None and can_compile and not report.is_frozen:
        form = AgencyReportForm(instance=report)
    versions = list(AgencyReport.objects.filter(agency=report.agency, period_code=report.period_code)
                    .order_by("-version"))
    return render(request, "reports/agency_report.html", {
        "nav": "reports", "report": report, "agency": report.agency, "form": form, "fig": report.figures,
        "can_compile": can_compile, "versions": versions,
        "steps": [(slug, step) for slug, step in STEPS.items() if report.state in step.states
                  and step.allowed(request.user, report.agency)],
        "scan": getattr(report, "signed_copy", None) if report.is_numbered else None})


# --- the sign-off (issue 10): every step has its own confirmation page --------------------------------

class Step:
    def __init__(self, label, question, states, allowed, act, done, needs=None, danger=False):
        self.label, self.question, self.states, self.allowed = label, question, states, allowed
        self.act, self.done, self.needs, self.danger = act, done, needs, danger


S = AgencyReport.State
STEPS = {
    "trinh": Step(gettext_lazy("Trình lãnh đạo duyệt"),
                  gettext_lazy("Trình báo cáo này để lãnh đạo duyệt? Số liệu được chốt tại thời điểm trình."),
                  (S.DRAFT,), perms.can_compile_report,
                  lambda u, r, d: actions.do_submit_agency_report(u, r),
                  gettext_lazy("Đã trình lãnh đạo duyệt.")),
    "duyet": Step(gettext_lazy("Duyệt báo cáo"), gettext_lazy("Duyệt báo cáo để Văn phòng cấp số và trình ký?"),
                  (S.SUBMITTED,), perms.can_sign_off,
                  lambda u, r, d: actions.do_approve_agency_report(u, r, d.get("comment", "")),
                  gettext_lazy("Đã duyệt báo cáo."), needs="comment?"),
    "tra-lai": Step(gettext_lazy("Trả lại để sửa"), gettext_lazy("Trả báo cáo về Văn phòng để sửa?"),
                    (S.SUBMITTED,), perms.can_sign_off,
                    lambda u, r, d: actions.do_return_agency_report(u, r, d["comment"]),
                    gettext_lazy("Đã trả lại báo cáo cho Văn phòng."), needs="comment"),
    "cap-so": Step(gettext_lazy("Cấp số"), gettext_lazy("Cấp số văn bản cho báo cáo đã duyệt? Số đã cấp không "
                                                        "thu hồi được."),
                   (S.APPROVED,), perms.can_compile_report,
                   lambda u, r, d: actions.do_issue_agency_report(u, r),
                   gettext_lazy("Đã cấp số.")),
    "ban-ky": Step(gettext_lazy("Đính kèm bản ký"), gettext_lazy("Đính kèm bản quét (PDF) của văn bản đã ký, "
                                                                 "đóng dấu."),
                   (S.ISSUED, S.SIGNED), perms.can_compile_report,
                   lambda u, r, d: actions.do_attach_signed_copy(u, r, d["scan"]),
                   gettext_lazy("Đã đính kèm bản ký."), needs="scan"),
    "gui": Step(gettext_lazy("Gửi Sở Nội vụ"), gettext_lazy("Gửi báo cáo đã ký? Ngày gửi quyết định báo cáo đúng "
                                                            "hạn hay chậm hạn."),
                (S.SIGNED,), perms.can_compile_report,
                lambda u, r, d: actions.do_send_agency_report(u, r),
                gettext_lazy("Đã gửi báo cáo.")),
    "rut": Step(gettext_lazy("Rút báo cáo"), gettext_lazy("Rút báo cáo này? Bản đã cấp số được giữ lại với lý do "
                                                          "rút; một bản dự thảo mới được lập để sửa và trình lại."),
                (S.ISSUED, S.SIGNED, S.SENT), perms.can_compile_report,
                lambda u, r, d: actions.do_withdraw_agency_report(u, r, d["reason"]),
                gettext_lazy("Đã rút báo cáo; bản dự thảo mới đã được lập."), needs="reason", danger=True),
}


@login_required
@require_http_methods(["GET", "POST"])
def report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Confirm one step of the sign-off (GET shows what will happen, POST does it)."""
    report = _agency_report(request.user, pk)
    chosen = STEPS.get(step)
    if chosen is None:
        raise Http404
    perms.require(chosen.allowed(request.user, report.agency))
    if report.state not in chosen.states:
        messages.error(request, _("Báo cáo đang ở bước “%(state)s”; thao tác này không còn thực hiện được.")
                       % {"state": report.get_state_display()})
        return redirect("reports:agency_report", report.pk)
    posted = request.method == "POST"
    form = StepForm(request.POST if posted else None, request.FILES if posted else None, needs=chosen.needs)
    if request.method == "POST" and form.is_valid():
        try:
            result = chosen.act(request.user, report, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, chosen.done)
            return redirect("reports:agency_report", result.pk)
    return render(request, "reports/report_step.html", {
        "nav": "reports", "report": report, "agency": report.agency, "step": chosen, "slug": step,
        "form": form, "missing": actions.missing_units(report) if step in ("trinh", "duyet") else []})


@login_required
def signed_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed scan of a report, for whoever reads the agency's reports (the coordinator included)."""
    report = _agency_report(request.user, pk)
    copy = getattr(report, "signed_copy", None)
    if copy is None:
        raise Http404
    return inline_or_attachment(copy)


@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A report file: served from storage when kept (an issued report's files are rendered once; a draft's
    file is kept under the moment of its last change); a short DOCX or XLSX is rendered in the request; a
    PDF or the file of a long report is made by a background job (the page that starts and follows it)."""
    report = _agency_report(request.user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    path = stored_file(report, fmt)
    if path is not None:
        response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[fmt])
    elif file_jobs.in_background(report, fmt):
        return redirect("reports:build_file", report.pk, fmt)
    elif report.is_numbered:  # rendered once, then served from storage
        response = FileResponse(issued_file(report, fmt).open("rb"), content_type=CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(render_file(fmt, report), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(report, fmt)}"'
    return response


def _file_job(user, report, fmt: str) -> Job | None:
    """This person's job making this file of the report as it is now (the newest one)."""
    args = file_jobs.arguments(report, fmt)
    return (Job.objects.filter(kind=file_jobs.KIND, created_by=user, arguments__report=args["report"],
                               arguments__fmt=fmt, arguments__stamp=args["stamp"]).order_by("-pk").first())


@login_required
@require_http_methods(["GET", "POST"])
def build_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Make a report file in the background: GET shows the button, or the progress of the job already asked
    for; POST queues the job (once) and comes back here. When the file is kept, the download serves it."""
    report = _agency_report(request.user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    if stored_file(report, fmt) is not None:
        return redirect("reports:download", report.pk, fmt)
    job = _file_job(request.user, report, fmt)
    if request.method == "POST":
        if job is None or job.state == Job.State.FAILED:
            enqueue(file_jobs.KIND, file_jobs.arguments(report, fmt), user=request.user,
                    agency_id=report.agency_id, total=1, message=_("Đang chờ tạo tệp"))
        return redirect("reports:build_file", report.pk, fmt)
    return render(request, "reports/file_build.html", {
        "nav": "reports", "report": report, "agency": report.agency, "fmt": fmt, "job": job,
        "download_url": reverse("reports:download", args=[report.pk, fmt])})


ROLLUP_LIST = 10  # overdue tasks listed per agency on the roll-up page


@login_required
def rollup(request: HttpRequest, period: str | None = None) -> HttpResponse:
    coordinator = perms.rollup_coordinator(request.user)
    perms.require(coordinator is not None)
    today = queries.today()
    if period is None:  # the latest cycle whose deadline has passed, else the next one
        periods = periods_of_year(coordinator, today.year)
        past = [p for p in periods if p.agency_due <= today]
        current = past[-1] if past else _current_period(coordinator, today)
        return redirect("reports:rollup", current.code if current else f"{today.year}-Y")
    fmt = request.GET.get("tai")
    if fmt in file_jobs.ROLLUP_FORMATS:  # an old link to a download: the files are made in the background now
        return redirect("reports:rollup_file", period, fmt)
    try:
        # the page lists each agency's most late overdue tasks; the DOCX and XLSX (a job) list them all
        data = queries.province_rollup(coordinator.province, period, today, overdue_limit=ROLLUP_LIST)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc
    periods = periods_of_year(coordinator, int(period[:4]))
    return render(request, "reports/rollup.html", {"nav": "reports", "data": data, "period": period,
                                                   "periods": periods, "coordinator": coordinator,
                                                   "base": reverse("reports:rollup", args=[period])})


def _rollup_coordinator(user, period: str, fmt: str) -> Agency:
    coordinator = perms.rollup_coordinator(user)
    perms.require(perms.can_make_rollup_file(user, coordinator))
    if fmt not in file_jobs.ROLLUP_FORMATS:
        raise Http404
    try:
        resolve(coordinator, period)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc
    return coordinator


@login_required
@require_http_methods(["GET", "POST"])
def rollup_file(request: HttpRequest, period: str, fmt: str) -> HttpResponse:
    """The roll-up's DOCX or XLSX, made by a background job: GET shows this person's latest file or the job's
    progress (never writes); POST queues a job (one at a time) and comes back here."""
    coordinator = _rollup_coordinator(request.user, period, fmt)
    args = file_jobs.rollup_arguments(coordinator, period, fmt)
    job = Job.objects.filter(kind=file_jobs.ROLLUP_KIND, created_by=request.user, arguments__coordinator=coordinator.pk,
                             arguments__period=period, arguments__fmt=fmt).order_by("-pk").first()
    if request.method == "POST":
        if job is None or job.finished:
            enqueue(file_jobs.ROLLUP_KIND, args, user=request.user, agency_id=coordinator.pk, total=1,
                    message=_("Đang chờ tạo tệp"))
        return redirect("reports:rollup_file", period, fmt)
    ready = job is not None and job.state == Job.State.DONE and \
        file_jobs.rollup_path(coordinator.code, period, fmt, job.pk).exists()
    return render(request, "reports/rollup_file.html", {
        "nav": "reports", "period": period, "fmt": fmt, "job": job, "ready": ready,
        "download_url": reverse("reports:rollup_download", args=[period, fmt, job.pk]) if job else ""})


@login_required
def rollup_download(request: HttpRequest, period: str, fmt: str, job: int) -> HttpResponse:
    """A roll-up file made by a job: only for the person who asked for it; gone (a newer one replaced it) ->
    back to the page that makes one."""
    coordinator = _rollup_coordinator(request.user, period, fmt)
    made = get_object_or_404(Job, pk=job, kind=file_jobs.ROLLUP_KIND, arguments__period=period, arguments__fmt=fmt)
    if not perms.can_take_rollup_file(request.user, made, coordinator):
        raise Http404  # someone else's job: not even a hint that it exists
    path = file_jobs.rollup_path(coordinator.code, period, fmt, made.pk)
    if made.state != Job.State.DONE or not path.exists():
        return redirect("reports:rollup_file", period, fmt)
    return FileResponse(path.open("rb"), content_type=CONTENT_TYPES[fmt], as_attachment=True,
                        filename=file_jobs.rollup_filename(period, fmt))


@login_required
@require_http_methods(["GET", "POST"])
def edit_rule(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    agency = _agency(request.user, code)
    perms.require(perms.can_compile_report(request.user, agency))
    labels = dict(KIND_CHOICES)
    if kind not in labels or kind == Kind.ADHOC:
        raise Http404
    current = ReportingRule.for_agency(agency, kind)
    form = RuleForm(request.POST or None, initial={k: getattr(current, k) for k in actions.RULE_FIELDS}
                    if current else None)
    if request.method == "POST":
        if request.POST.get("action") == "reset":
            actions.do_reset_rule(request.user, agency, kind)
            messages.success(request, _("Đã dùng lại lịch mặc định."))
            return redirect("reports:calendar", agency.code)
        if form.is_valid():
            try:
                actions.do_save_rule(request.user, agency, kind, form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu lịch báo cáo."))
                return redirect("reports:calendar", agency.code)
    return render(request, "reports/rule_form.html", {"nav": "reports", "agency": agency, "form": form,
                                                      "label": labels[kind], "own": bool(current and
                                                                                         current.agency_id)})


@login_required
@require_http_methods(["GET", "POST"])
def new_adhoc(request: HttpRequest, code: str) -> HttpResponse:
    agency = _agency(request.user, code)
    perms.require(perms.can_compile_report(request.user, agency))
    form = AdHocForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adhoc = actions.do_create_adhoc(request.user, agency, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã tạo báo cáo đột xuất %(code)s.") % {"code": adhoc.as_period().code})
            return redirect("reports:period", agency.code, adhoc.as_period().code)
    return render(request, "reports/adhoc_form.html", {"nav": "reports", "agency": agency, "form": form})
