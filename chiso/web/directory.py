"""The directory of agencies: their units and people, plans and published results. It composes org,
accounts and frameworks, so it lives in the web shell, above all of them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from chiso.accounts import access as perms
from chiso.frameworks.models import PublishedResult
from chiso.lib.text import fold, squash
from chiso.org.models import Agency, Unit


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = (perms.visible_agencies(request.user).select_related("province")
                .annotate(unit_count=Count("units", distinct=True), plan_count=Count("plans", distinct=True))
                .order_by("province__name", "name"))
    q = squash(request.GET.get("q"))
    if q:
        key = fold(q)
        agencies = [a for a in agencies if key in fold(f"{a.code} {a.name}")]
    return render(request, "org/agency_list.html", {"nav": "org", "agencies": agencies, "q": q})


@login_required
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("province").prefetch_related("predecessors"),
                               code=code)
    perms.require(perms.can_view_agency(request.user, agency))
    units = (Unit.objects.filter(agency=agency)
             .annotate(lead_count=Count("led_tasks", distinct=True))
             .prefetch_related(Prefetch("people"), "aliases").order_by("kind", "name"))
    plans = agency.plans.order_by("-year", "-issued_on")[:20]
    # Published results of the agency and of its predecessors (the baseline after a 2025 merger).
    results = (PublishedResult.objects.filter(agency__in=[agency, *agency.predecessors.all()])
               .select_related("agency", "framework", "node").order_by("-year", "framework__index", "agency_id",
                                                                       "node__order"))
    return render(request, "org/agency_detail.html", {"nav": "org", "agency": agency, "units": units,
                                                      "plans": plans, "results": results})
