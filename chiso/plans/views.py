"""Plan and task pages. Thin: permissions from plans.permissions, changes from plans.actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chiso.audit import log as audit_log
from chiso.audit.log import history, snapshot
from chiso.exports.xlsx import xlsx_response
from chiso.frameworks.models import IndexCode

from . import actions, queries, task_list
from . import permissions as perms
from .forms import PlanForm, TaskForm
from .models import Plan, Task
from .status import with_status
from .task_list import TaskQuery

PAGE_SIZE = 25


def _get_plan(user, pk: int) -> Plan:
    plan = queries.plan_or_none(pk)
    if plan is None:
        raise Http404
    perms.require(perms.can_view_plan(user, plan))
    return plan


def _get_task(user, pk: int) -> Task:
    task = get_object_or_404(Task.objects.select_related("plan", "plan__agency", "node", "tracking"), pk=pk)
    perms.require(perms.can_view_plan(user, task.plan))
    return task


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    readable = perms.readable_args(perms.access_of(request.user))
    page, years = queries.plan_list_page(readable, request.GET, PAGE_SIZE)
    agencies = queries.agencies_of(readable)
    ctx = {
        "nav": "plans",
        "page": page,
        "params": request.GET,
        "querystring": _querystring(request, drop="page"),
        "agencies": agencies,
        "years": years,
        "indices": IndexCode.choices,
        "statuses": Plan.Status.choices,
        "can_create": perms.manageable_agencies(request.user).exists(),
    }
    template = "plans/_plan_results.html" if request.htmx and not request.htmx.boosted else "plans/plan_list.html"
    return render(request, template, ctx)


@login_required
def plan_list_export(request: HttpRequest) -> HttpResponse:
    """The filtered plan list as XLSX (same filters as the page)."""
    plans = queries.filter_plans(request.user, request.GET)
    headers = [_("Số, ký hiệu"), _("Tên kế hoạch"), _("Cơ quan"), _("Năm"), _("Ngày ban hành"), _("Chỉ số"),
               _("Trạng thái"), _("Nhiệm vụ"), _("Quá hạn")]
    rows = ([p.number, p.title, p.agency.name, p.year, p.issued_on, ", ".join(p.index_labels()),
             p.get_status_display(), p.task_count, p.overdue_count] for p in plans)
    return xlsx_response("ke-hoach", headers, rows)


@login_required
def plan_tasks_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Every task of a plan with its status, units and deadline, as XLSX."""
    plan = _get_plan(request.user, pk)
    tasks = with_status(queries.plan_tasks(plan), queries.today())
    headers = [_("TT"), _("Chỉ số"), _("Lĩnh vực"), _("Nhiệm vụ"), _("Kết quả / sản phẩm"), _("Chủ trì"),
               _("Phối hợp"), _("Thời gian (như văn bản)"), _("Hạn hoàn thành"), _("Trạng thái"), _("Tiến độ (%)"),
               _("Chỉ tiêu")]
    rows = ([t.ref, t.get_index_display(), t.field_name, t.title, t.output,
             "; ".join(u.name for u in t.linked_units("lead_units")) or t.lead_text,
             "; ".join(u.name for u in t.linked_units("support_units")) or t.support_text,
             t.timeframe, t.due, t.status_label, t.progress, t.measure_display] for t in tasks)
    return xlsx_response(f"nhiem-vu-ke-hoach-{plan.pk}", headers, rows)


def _querystring(request: HttpRequest, drop: str) -> str:
    params = request.GET.copy()
    params.pop(drop, None)
    return params.urlencode()


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    now = queries.today()
    tasks = with_status(queries.plan_tasks(plan), now)
    tq = TaskQuery.from_params(request.GET)
    return render(request, "plans/plan_detail.html", {
        "nav": "plans",
        "plan": plan,
        "groups": queries.group_tasks(tasks),
        "tq": tq, "results": tq.apply(tasks, now) if tq.active else None, "sorts": tq.sort_links(),
        "choices": task_list.choices(tasks),
        "task_count": len(tasks),
        **queries.plan_parts(plan),  # targets, references, reporting
        "units": queries.unit_summary(tasks),
        "can_edit": perms.can_edit_plan(request.user, plan),
    })


@login_required
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    entries = audit_log.plan_history(plan.pk)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "plans/history.html", {"nav": "plans", "plan": plan, "object": plan, "page": page})


@login_required
def plan_source(request: HttpRequest, pk: int) -> FileResponse:
    plan = _get_plan(request.user, pk)
    if not plan.source_file:
        raise Http404
    try:
        handle = plan.source_file.open("rb")
    except OSError as exc:  # the row outlived its file (a database restored without its files)
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True,
                        filename=plan.source_file.name.rsplit("/", 1)[-1])


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    agencies = perms.manageable_agencies(request.user)
    perms.require(agencies.exists())
    form = PlanForm(request.POST or None, request.FILES or None, agencies=agencies,
                    plans=perms.visible_plans(request.user))
    if request.method == "POST" and form.is_valid():
        plan = actions.do_create_plan(request.user, form.save(commit=False))
        messages.success(request, _("Đã tạo kế hoạch."))
        return redirect("plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"nav": "plans", "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    perms.require(perms.can_edit_plan(request.user, plan))
    before = snapshot(plan)
    form = PlanForm(request.POST or None, request.FILES or None, instance=plan,
                    agencies=perms.manageable_agencies(request.user), plans=perms.visible_plans(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_plan(request.user, form.save(commit=False), before, version=form.opened_version())
        except actions.StaleVersion as exc:
            form.stale(exc)
            return render(request, "plans/plan_form.html", {"nav": "plans", "form": form, "plan": plan},
                          status=409)
        messages.success(request, _("Đã lưu kế hoạch."))
        return redirect("plan_detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"nav": "plans", "form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _get_plan(request.user, pk)
    perms.require(perms.can_edit_plan(request.user, plan))
    if request.method == "POST":
        try:
            actions.do_delete_plan(request.user, plan)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("plan_detail", pk=plan.pk)
        messages.success(request, _("Đã xóa kế hoạch."))
        return redirect("plan_list")
    return render(request, "plans/confirm_delete.html", {
        "nav": "plans", "object": plan, "cancel_url": plan_url(plan),
        "warning": _("Kế hoạch và %(n)s nhiệm vụ của nó sẽ bị xóa.") % {"n": plan.tasks.count()}})


def plan_url(plan: Plan) -> str:
    return reverse("plan_detail", args=[plan.pk])


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request.user, pk)
    with_status([task], queries.today())
    return render(request, "plans/task_detail.html", {
        "nav": "plans", "task": task, "plan": task.plan,
        "lead_units": list(task.lead_units.all()), "support_units": list(task.support_units.all()),
        "entries": history(task)[:50],
        "can_edit": perms.can_edit_task(request.user, task),
        "can_delete": perms.can_delete_task(request.user, task),
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = _get_plan(request.user, plan_pk)
    perms.require(perms.can_edit_plan(request.user, plan))
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        task = form.save(commit=False)
        actions.do_save_task(request.user, task, form.cleaned_data["lead_units"],
                             form.cleaned_data["support_units"])
        messages.success(request, _("Đã thêm nhiệm vụ."))
        return redirect("task_detail", pk=task.pk)
    return render(request, "plans/task_form.html", {"nav": "plans", "form": form, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request.user, pk)
    perms.require(perms.can_edit_task(request.user, task))
    before = snapshot(task)
    form = TaskForm(request.POST or None, instance=task, plan=task.plan)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_task(request.user, form.save(commit=False), form.cleaned_data["lead_units"],
                                 form.cleaned_data["support_units"], before=before, version=form.opened_version())
        except actions.StaleVersion as exc:
            form.stale(exc)
            return render(request, "plans/task_form.html",
                          {"nav": "plans", "form": form, "plan": task.plan, "task": task}, status=409)
        messages.success(request, _("Đã lưu nhiệm vụ."))
        return redirect("task_detail", pk=task.pk)
    return render(request, "plans/task_form.html", {"nav": "plans", "form": form, "plan": task.plan, "task": task})


@login_required
@require_http_methods(["GET", "POST"])
def task_delete(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request.user, pk)
    perms.require(perms.can_delete_task(request.user, task))
    if request.method == "POST":
        plan = task.plan
        try:
            actions.do_delete_task(request.user, task)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("task_detail", pk=task.pk)
        messages.success(request, _("Đã xóa nhiệm vụ."))
        return redirect("plan_detail", pk=plan.pk)
    return render(request, "plans/confirm_delete.html", {
        "nav": "plans", "object": task, "cancel_url": reverse("task_detail", args=[task.pk]),
        "warning": _("Nhiệm vụ sẽ bị xóa khỏi kế hoạch.")})
