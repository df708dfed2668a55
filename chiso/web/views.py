"""The home page: each role lands on what matters to it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.accounts import access
from chiso.accounts.models import Role
from chiso.org.models import Agency
from chiso.plans import permissions as plan_perms
from chiso.plans import queries
from chiso.plans.figures import active_q, active_tasks, total_counts
from chiso.plans.models import Task
from chiso.plans.status import Status, open_q, overdue_q
from chiso.tracking.queries import task_rows, urgency_key, urgency_order, week_ahead


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = access.primary_role(user)
    acc = access.access_of(user)
    now = queries.today()
    ctx: dict = {"nav": "home", "role": role, "role_label": Role(role).label if role else ""}
    plans = plan_perms.visible_plans(user)
    if role in (Role.UNIT_HEAD, Role.UNIT_STAFF) and acc.unit_id:
        # "Việc của tôi": tasks the person's unit leads, the most urgent first.
        mine = active_tasks(Task.objects.filter(lead_units=acc.unit_id, plan__in=plans))
        first = list(mine.order_by(*urgency_order(now)).values_list("id", flat=True)[:30])
        ctx["my_tasks"] = sorted(task_rows(Task.objects.filter(pk__in=first), now), key=urgency_key)
        counted = total_counts(mine, now)
        ctx["my_counts"] = {"total": counted["total"], "past": counted[Status.OVERDUE]}
        ctx["unit"] = user.unit
    if role in (Role.ADMIN, Role.COORDINATOR):
        ctx["agency_rows"] = (
            access.visible_agencies(user).annotate(
                plan_count=Count("plans", filter=active_q("plans__"), distinct=True),
                task_count=Count("plans__tasks", filter=active_q("plans__"), distinct=True),
                past_count=Count("plans__tasks", filter=active_q("plans__") & overdue_q(now, "plans__tasks__"),
                                 distinct=True),
            ).order_by("name")
        )
    if role in (Role.LEADER, Role.OFFICE, Role.VIEWER, Role.ADMIN):
        # Open tasks past due or due within a week, the most urgent first.
        tasks = active_tasks(Task.objects.filter(plan__in=plans, due__isnull=False, due__lte=week_ahead(now))
                             ).filter(open_q(today=now))
        # All of these are open, so the earliest due date is the most urgent: cut in SQL, not in Python.
        first = list(tasks.order_by("due", "id").values_list("id", flat=True)[:15])
        ctx["upcoming"] = sorted(task_rows(Task.objects.filter(pk__in=first), now), key=urgency_key)
    ctx["recent_plans"] = plans.select_related("agency").order_by("-updated_at")[:8]
    if role == Role.LEADER:
        # The leader's switch of the agency's public page (issue 13).
        from chiso.public.models import PublicPage

        ids = [a for a, roles in acc.roles.items() if Role.LEADER in roles]
        on = set(PublicPage.objects.filter(agency_id__in=ids, enabled=True).values_list("agency_id", flat=True))
        ctx["public_pages"] = [(a, a.pk in on) for a in Agency.objects.filter(pk__in=ids).order_by("name")]
    return render(request, "web/home.html", ctx)
