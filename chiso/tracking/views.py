"""Tracking pages: the task panel and its actions, "Việc của tôi", dashboards, notifications.
Thin: permissions from tracking.permissions, changes from tracking.actions, reads from tracking.queries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chiso.exports.xlsx import xlsx_response
from chiso.files.serving import inline_or_attachment
from chiso.lib.numbers import id_or_none
from chiso.org.models import Agency
from chiso.plans import task_list
from chiso.plans.figures import tally
from chiso.plans.models import Task
from chiso.plans.status import Status, loaded_state
from chiso.plans.task_list import TaskQuery

from . import actions, queries
from . import permissions as perms
from .forms import ClosePeriodsForm, CommentForm, EventPeriodForm, ReviewForm, UpdateForm
from .models import Evidence, Period, ProgressUpdate

# --- the task panel ---------------------------------------------------------------------------------


def _task(user, pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("plan", "plan__agency"), pk=pk)
    perms.require(perms.can_view_task(user, task))
    return task


def _update(user, pk: int) -> ProgressUpdate:
    update = get_object_or_404(ProgressUpdate.objects.select_related("task", "task__plan", "task__plan__agency",
                                                                      "period"), pk=pk)
    perms.require(perms.can_view_task(user, update.task))
    return update


def panel_context(request: HttpRequest, task: Task, form: UpdateForm | None = None) -> dict:
    user = request.user
    lead_ids = set(task.lead_units.values_list("pk", flat=True))
    support_ids = set(task.support_units.values_list("pk", flat=True))
    now = queries.today()
    periods = actions.task_periods(task)  # a page never writes: periods are stored by actions and the loop
    status = actions.current_status(task, now)
    state = loaded_state(task)
    can_update = perms.can_update_task(user, task, lead_ids)
    can_contribute = not can_update and perms.can_contribute(user, task, support_ids)
    updates = list(task.updates.select_related("author", "unit", "period", "reviewed_by")
                   .prefetch_related("evidence", "comments__author"))
    for u in updates:
        u.can_revise = u.review != ProgressUpdate.Review.SUPERSEDED and perms.can_revise_update(
            user, u, lead_ids, support_ids) and not any(
            r.supersedes_id == u.pk and r.review == ProgressUpdate.Review.SUBMITTED for r in updates)
        u.can_delete = u.review == ProgressUpdate.Review.SUBMITTED and perms.can_delete_update(
            user, u, lead_ids, support_ids)
    if form is None and (can_update or can_contribute):
        default = actions.choose_period([p for p in periods if p.pk], now)
        form = UpdateForm(periods=[p for p in periods if p.pk], initial={"period": str(default.pk) if default else "",
                                                    "percent": state.progress if state else 0})
    for period in periods:
        mine = [u for u in updates if period.pk is not None and u.period_id == period.pk
                and u.kind == ProgressUpdate.Kind.UPDATE and u.review != ProgressUpdate.Review.SUPERSEDED]
        reviews = {u.review for u in mine}
        period.report_state = (
            _("Đã xác nhận") if ProgressUpdate.Review.CONFIRMED in reviews else
            _("Chờ xác nhận") if ProgressUpdate.Review.SUBMITTED in reviews else
            _("Bị trả lại") if ProgressUpdate.Review.RETURNED in reviews else
            _("Chưa báo cáo, quá hạn") if period.due < now else _("Chưa báo cáo"))
        period.report_late = not mine and period.due < now
    return {
        "task": task, "status": status, "status_label": queries.STATUS_LABELS[status],
        "progress": state.progress if state else 0, "state": state,
        "periods": periods, "updates": updates,
        "comments": list(task.tracking_comments.filter(update__isnull=True).select_related("author")),
        "can_update": can_update, "can_contribute": can_contribute,
        "can_confirm": perms.can_confirm(user, task), "can_comment": perms.can_comment(user, task),
        "is_on_event": task.recurrence == "on_event",
        "form": form, "comment_form": CommentForm(), "review_form": ReviewForm(),
        "event_form": EventPeriodForm(), "request": request, "user": user,
    }


def _say(request: HttpRequest, level: str, text: str) -> None:
    """Feedback: inside the panel for an htmx swap, as a page message otherwise."""
    if request.htmx:
        request.panel_messages = [*getattr(request, "panel_messages", []), (level, text)]
    else:
        getattr(messages, level)(request, text)


def _panel_or_back(request: HttpRequest, task: Task) -> HttpResponse:
    if request.htmx:
        ctx = panel_context(request, task)
        ctx["panel_messages"] = getattr(request, "panel_messages", [])
        return HttpResponse(render_to_string("tracking/_panel.html", ctx, request=request))
    return redirect(reverse("task_detail", args=[task.pk]) + "#theo-doi")


@login_required
def task_panel(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request.user, pk)
    return render(request, "tracking/_panel.html", panel_context(request, task))


@login_required
@require_POST
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request.user, pk)
    lead = perms.can_update_task(request.user, task)
    perms.require(lead or perms.can_contribute(request.user, task))
    periods = [p for p in actions.task_periods(task) if p.pk]  # none stored yet: the action picks the default
    form = UpdateForm(request.POST, request.FILES, periods=periods)
    if form.is_valid():
        period = next((p for p in periods if str(p.pk) == form.cleaned_data.get("period")), None)
        try:
            actions.do_post_update(request.user, task, form.data_object(), period=period,
                                   kind=ProgressUpdate.Kind.UPDATE if lead else ProgressUpdate.Kind.CONTRIBUTION)
        except ValidationError as exc:
            form.add_action_errors(exc)
        else:
            messages.success(request, _("Đã gửi báo cáo tiến độ; chờ Văn phòng xác nhận."))
            return redirect(reverse("task_detail", args=[task.pk]) + "#theo-doi")
    return render(request, "tracking/update_form.html", {"task": task, "form": form, "nav": "plans"}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def revise_update(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request.user, pk)
    task = update.task
    perms.require(perms.can_revise_update(request.user, update))
    if request.method == "POST":
        form = UpdateForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.do_revise_update(request.user, update, form.data_object())
            except ValidationError as exc:
                form.add_action_errors(exc)
            else:
                messages.success(request, _("Đã gửi bản sửa của báo cáo; chờ Văn phòng xác nhận."))
                return redirect(reverse("task_detail", args=[task.pk]) + "#theo-doi")
    else:
        form = UpdateForm(initial={
            "narrative": update.narrative, "percent": update.percent, "proposed_status": update.proposed_status,
            "done_on": update.done_on, "cause": update.cause, "remedy": update.remedy})
    return render(request, "tracking/update_form.html",
                  {"task": task, "form": form, "update": update, "nav": "plans"},
                  status=400 if request.method == "POST" else 200)


def _review(request: HttpRequest, pk: int, act, done: str) -> HttpResponse:
    """Confirm or return an update (the office), then show the panel again."""
    update = _update(request.user, pk)
    perms.require(perms.can_confirm(request.user, update.task))
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        act(request.user, update, form.cleaned_data.get("comment", ""))
        _say(request, "success", done)
    except ValidationError as exc:
        _say(request, "error", " ".join(exc.messages))
    return _panel_or_back(request, update.task)


@login_required
@require_POST
def confirm_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, actions.do_confirm_update, _("Đã xác nhận báo cáo."))


@login_required
@require_POST
def return_update(request: HttpRequest, pk: int) -> HttpResponse:
    return _review(request, pk, actions.do_return_update, _("Đã trả lại báo cáo."))


@login_required
@require_POST
def delete_update(request: HttpRequest, pk: int) -> HttpResponse:
    update = _update(request.user, pk)
    perms.require(perms.can_delete_update(request.user, update))
    task = update.task
    try:
        actions.do_delete_update(request.user, update)
        _say(request, "success", _("Đã rút báo cáo."))
    except ValidationError as exc:
        _say(request, "error", " ".join(exc.messages))
    return _panel_or_back(request, task)


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request.user, pk)
    perms.require(perms.can_comment(request.user, task))
    form = CommentForm(request.POST)
    update_id = request.POST.get("update") or ""
    update = get_object_or_404(ProgressUpdate, pk=uid, task=task) if (uid := id_or_none(update_id)) else None
    if form.is_valid():
        actions.do_comment(request.user, task, form.cleaned_data["text"], update=update)
        _say(request, "success", _("Đã ghi ý kiến."))
    else:
        _say(request, "error", _("Hãy nhập ý kiến."))
    return _panel_or_back(request, task)


@login_required
@require_POST
def close_period(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(Period.objects.select_related("task", "task__plan", "task__plan__agency"), pk=pk)
    perms.require(perms.can_view_task(request.user, period.task))
    perms.require(perms.can_confirm(request.user, period.task))
    actions.do_close_period(request.user, period)
    _say(request, "success", _("Đã khóa kỳ báo cáo %(label)s.") % {"label": period.label})
    return _panel_or_back(request, period.task)


@login_required
@require_POST
def open_period(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request.user, pk)
    perms.require(perms.can_confirm(request.user, task))
    form = EventPeriodForm(request.POST)
    if form.is_valid():
        try:
            actions.do_open_event_period(request.user, task, form.cleaned_data["label"],
                                         form.cleaned_data["start"], form.cleaned_data["due"])
            _say(request, "success", _("Đã mở kỳ báo cáo."))
        except ValidationError as exc:
            _say(request, "error", " ".join(exc.messages))
    else:
        _say(request, "error", _("Hãy nhập tên kỳ, ngày bắt đầu và hạn báo cáo."))
    return _panel_or_back(request, task)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("update__task__plan__agency"), pk=pk)
    perms.require(perms.can_view_task(request.user, evidence.update.task))
    return inline_or_attachment(evidence)


# --- lists and dashboards ----------------------------------------------------------------------------

TASK_COLUMNS = [_("Cơ quan"), _("Kế hoạch"), _("STT"), _("Nhiệm vụ"), _("Chỉ số"), _("Lĩnh vực"), _("Chủ trì"),
                _("Hạn"), _("Trạng thái"), _("Tiến độ (%)"), _("Chờ xác nhận")]


def _task_export_rows(rows):
    for t in rows:
        yield [t.plan.agency.name, t.plan.number or t.plan.title, t.ref, t.title, t.get_index_display(),
               t.field_name, "; ".join(u.name for u in t.leads), t.due, str(t.status_label),
               t.progress, t.pending]


MY_PAGE = 50  # rows of "Việc của tôi" per page; the XLSX has them all


class _Paged:
    """The ids of "Việc của tôi" in the order of urgency, whose number is already known (from the status counts
    of the same tasks): the paginator asks it for one page's ids, with no COUNT query of its own."""

    def __init__(self, mine: queries.UnitTasks, n: int):
        self.mine, self.n = mine, n

    def count(self) -> int:
        return self.n

    def __getitem__(self, key: slice):
        return self.mine.page_ids(key.start, key.stop)


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """Tasks of active plans the person's unit leads or supports, the most urgent first, a page at a time;
    the counts of all of them from one grouped query. Search, filters and sort (kept in the URL) work on the
    unit's whole list; the XLSX holds every row the filters keep."""
    user = request.user
    unit_id = perms.access_of(user).unit_id
    now = queries.today()
    tq = TaskQuery.from_params(request.GET)
    rows, page, counts, total, choices = [], None, tally({}), 0, task_list.choices([])
    export = request.GET.get("xuat") == "xlsx"
    if unit_id:
        readable = perms.readable_args(perms.access_of(user))
        mine = queries.UnitTasks(unit_id, readable, now)
        counts = mine.counts()
        total = counts["total"]
        choices = mine.choices()
        if export or tq.active:  # the whole list: filtered in Python (one unit's tasks), paged after
            every = queries.unit_tasks(unit_id, **readable)
            rows = queries.rows_of(every.order_by(*queries.urgency_order(now)), now)
            if tq.active:
                rows = tq.apply(rows, now)
            if not export:
                page = Paginator(rows, MY_PAGE).get_page(request.GET.get("page"))
                rows = list(page.object_list)
        else:
            page = Paginator(_Paged(mine, total), MY_PAGE).get_page(request.GET.get("page"))
            rows = sorted(queries.rows_by_ids(page.object_list, now), key=queries.urgency_key)
        lead_ids = mine.led(t.pk for t in rows)
        rows = [t if t.pk in lead_ids else _mark_support(t) for t in rows]
    if export:
        return xlsx_response("viec-cua-toi", [str(c) for c in TASK_COLUMNS], _task_export_rows(rows))
    return render(request, "tracking/my_tasks.html", {
        "nav": "mine", "rows": rows, "page": page, "total": total, "counts": counts,
        "shown": page.paginator.count if page is not None else 0,
        "statuses": queries.STATUS_ORDER, "labels": queries.status_labels(), "unit": user.unit if unit_id else None,
        "tq": tq, "sorts": tq.sort_links(), "choices": choices, "export_qs": tq.querystring()})


def _mark_support(task):
    task.is_support = True
    return task


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator lands on the province; everybody else on their agency."""
    if perms.can_view_province(request.user):
        return redirect("province_dashboard")
    agency = perms.visible_agencies(request.user).order_by("name").first()
    perms.require(agency is not None)
    return redirect("agency_dashboard", code=agency.code)


LIST_LIMIT = 25  # rows of the overdue and near-due lists on the page; the XLSX has them all
EXPORTS = {"nhiem-vu", "qua-han", "sap-den-han", "don-vi", "linh-vuc"}


@login_required
def agency_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    perms.require(perms.can_view_dashboard(request.user, agency))
    now = queries.today()
    year = request.GET.get("nam")
    year = y if (y := id_or_none(year or "")) and 2000 <= y <= 2100 else None  # else: every year
    groups = queries.field_counts(agency.pk, year, now)  # every count of the page: one grouped query
    counts = queries.add(groups.values())
    lines = queries.by_index_and_field(groups)
    units = queries.unit_table(agency.pk, year, now)
    export = request.GET.get("xuat")
    if export in EXPORTS:
        name = f"{agency.code}-{export}"
        if export == "don-vi":
            return xlsx_response(name, [_("Đơn vị"), _("Nhiệm vụ chủ trì"), _("Hoàn thành đúng hạn"),
                                        _("Hoàn thành quá hạn"), _("Quá hạn"), _("Không thực hiện được"),
                                        _("Đang thực hiện, chưa đến hạn"), _("Tỷ lệ đúng hạn (%)")],
                                 ([u.unit.name, u.tasks, u.done_on_time, u.done_late, u.overdue, u.failed, u.open,
                                   u.on_time_rate] for u in units))
        if export == "linh-vuc":
            return xlsx_response(name, [_("Chỉ số"), _("Lĩnh vực"), _("Tổng"),
                                        *[queries.STATUS_LABELS[s] for s in queries.STATUS_ORDER]],
                                 ([ln.label, ln.sub, ln.total, *[ln.counts[s] for s in queries.STATUS_ORDER]]
                                  for ln in lines))
        tasks = queries.agency_tasks(agency, year)
        chosen = {"nhiem-vu": tasks.order_by("plan_id", "order", "id"),
                  "qua-han": queries.overdue_tasks(tasks, now), "sap-den-han": queries.near_due_tasks(tasks, now)
                  }[export]
        return xlsx_response(name, [str(c) for c in TASK_COLUMNS], _task_export_rows(
            queries.rows_of(chosen, now, urgent=export != "nhiem-vu")))
    pending, latest_year = queries.totals(agency.pk, year)
    overdue, near, near_count = queries.late_and_near(agency.pk, year, now, LIST_LIMIT)
    plan_year = year or latest_year or now.year  # the months chart: the latest plan year shown
    return render(request, "tracking/agency_dashboard.html", {
        "nav": "dashboard", "agency": agency, "year": year, "counts": counts,
        "total_line": queries.Line(agency.name, "", counts),
        "lines": lines, "units": units, "overdue": overdue, "near": near,
        "overdue_count": counts[Status.OVERDUE], "near_count": near_count, "list_limit": LIST_LIMIT,
        "months": queries.completion_by_month(agency.pk, year, plan_year, now), "statuses": queries.STATUS_ORDER,
        "labels": queries.status_labels(), "Status": Status,
        "pending": pending,
        "can_province": perms.can_view_province(request.user),
        "can_close": perms.can_close_periods(request.user, agency), "close_form": ClosePeriodsForm(),
        "waiting": queries.waiting_updates(agency.pk, LIST_LIMIT),
    })


@login_required
@require_POST
def close_agency_periods(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency, code=code)
    perms.require(perms.can_close_periods(request.user, agency))
    form = ClosePeriodsForm(request.POST)
    if form.is_valid() and not request.POST.get("confirmed"):  # irreversible: say what it will close first
        periods = actions.periods_to_close(agency, form.cleaned_data["until"])
        return render(request, "tracking/confirm_close.html", {
            "nav": "dashboard", "agency": agency, "until": form.cleaned_data["until"], "count": len(periods),
            "tasks": len({p.task_id for p in periods})})
    if form.is_valid():
        n = actions.do_close_periods(request.user, agency, form.cleaned_data["until"])
        messages.success(request, _("Đã khóa %(n)s kỳ báo cáo kết thúc đến ngày %(d)s.")
                         % {"n": n, "d": form.cleaned_data["until"].strftime("%d/%m/%Y")})
    else:
        messages.error(request, _("Hãy chọn ngày."))
    return redirect("agency_dashboard", code=agency.code)


@login_required
def province_dashboard(request: HttpRequest) -> HttpResponse:
    perms.require(perms.can_view_province(request.user))
    agencies = list(perms.visible_agencies(request.user).filter(is_active=True).order_by("name"))
    lines = queries.province_lines(agencies)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response("toan-tinh", [_("Cơ quan"), _("Tổng"),
                                           *[queries.STATUS_LABELS[s] for s in queries.STATUS_ORDER],
                                           _("Chờ xác nhận"), _("Tỷ lệ đúng hạn (%)")],
                             ([ln["agency"].name, ln["counts"]["total"],
                               *[ln["counts"][s] for s in queries.STATUS_ORDER], ln["pending"], ln["rate"]]
                              for ln in lines))
    return render(request, "tracking/province_dashboard.html", {
        "nav": "dashboard", "lines": lines, "statuses": queries.STATUS_ORDER, "labels": queries.status_labels()})
