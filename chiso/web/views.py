"""The home page: each role lands on what matters to it."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.accounts import access
from chiso.accounts.models import Role
from chiso.org.models import Agency
from chiso.plans import queries
from chiso.plans.figures import active_q
from chiso.plans.status import Status, overdue_q
from chiso.tracking.queries import home_unit_tasks, home_upcoming


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    role = access.primary_role(user)
    acc = access.access_of(user)
    now = queries.today()
    ctx: dict = {"nav": "home", "role": role, "role_label": Role(role).label if role else ""}
    readable = access.readable_args(acc)
    if role in (Role.UNIT_HEAD, Role.UNIT_STAFF) and acc.unit_id:
        # "Việc của tôi": tasks the person's unit leads, the most urgent first.
        ctx["my_tasks"], counted = home_unit_tasks(acc.unit_id, readable, now, 30)
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
        ctx["upcoming"] = home_upcoming(readable, now, 15)
    ctx["recent_plans"] = queries.recent_plans(readable, 8)
    if role == Role.LEADER:
        # The leader's switch of the agency's public page (issue 13).
        from chiso.public.models import PublicPage

        ids = [a for a, roles in acc.roles.items() if Role.LEADER in roles]
        on = set(PublicPage.objects.filter(agency_id__in=ids, enabled=True).values_list("agency_id", flat=True))
        ctx["public_pages"] = [(a, a.pk in on) for a in Agency.objects.filter(pk__in=ids).order_by("name")]
    return render(request, "web/home.html", ctx)
