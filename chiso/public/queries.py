"""What a public page shows, read from plans, tracking, survey and dossiers. Only counts and the public
products of completed tasks: never draft plans, comments, causes, evidence, unit reports or staff names."""

from django.db.models import Q
from django.utils import timezone

from chiso.frameworks.models import IndexCode
from chiso.plans.models import Plan, Task
from chiso.plans.status import Status, with_status

from .models import PublicPage

GROUPS = {  # public wording: three groups of statuses
    "done": (Status.DONE, Status.DONE_LATE),
    "on_track": (Status.NOT_STARTED, Status.IN_PROGRESS),
    "late": (Status.OVERDUE, Status.FAILED),
}


INDEX_LABELS = dict(IndexCode.choices)


def published_agencies(province=None):
    pages = PublicPage.objects.filter(enabled=True, agency__is_active=True).select_related("agency__province")
    if province is not None:
        pages = pages.filter(agency__province=province)
    return [p.agency for p in pages.order_by("agency__name")]


def page_of(code: str) -> PublicPage | None:
    return (PublicPage.objects.filter(agency__code=code, enabled=True, agency__is_active=True)
            .select_related("agency__province").first())


def plan_progress(agency, today=None) -> list[dict]:
    """Each plan in force (or closed) of the agency, newest first: number, title, year, counts by index and
    field, the recently completed tasks with their product."""
    today = today or timezone.localdate()
    out = []
    plans = Plan.objects.filter(agency=agency).filter(Q(status=Plan.Status.IN_FORCE) | Q(status=Plan.Status.CLOSED))
    for plan in plans.order_by("-year", "-pk")[:3]:
        tasks = with_status(list(Task.objects.filter(plan=plan).select_related("tracking")
                                 .only("pk", "index", "field_name", "title", "output", "due", "plan_id",
                                       "tracking__reported", "tracking__done_on", "tracking__has_updates",
                                       "tracking__progress", "tracking__pending")), today)
        rows: dict = {}
        totals = {g: 0 for g in GROUPS}
        for t in tasks:
            group = next(g for g, statuses in GROUPS.items() if t.status in statuses)
            key = (t.index or "", t.field_name or "")
            rows.setdefault(key, {g: 0 for g in GROUPS})[group] += 1
            totals[group] += 1
        done = sorted((t for t in tasks if t.status in GROUPS["done"]),
                      key=lambda t: (t.tracking.done_on if t.tracking and t.tracking.done_on else t.due or today),
                      reverse=True)[:10]
        out.append({
            "plan": plan, "total": len(tasks), "totals": totals,
            "rows": [{"index": INDEX_LABELS.get(k[0], k[0]), "field": k[1] or "—", **v, "total": sum(v.values())}
                     for k, v in sorted(rows.items())],
            "recent": [{"title": t.title, "output": t.output,
                        "done_on": t.tracking.done_on if t.tracking else None} for t in done],
        })
    return out


def satisfaction(agency, year: int) -> dict | None:
    from chiso.survey import queries as survey

    meta = survey.meta_for(agency)
    score = survey.grouped([agency.pk], year * 12, year * 12 + 11, meta=meta).get(None)
    if score is None:
        return None
    n = survey.responses_count([agency.pk], year * 12, year * 12 + 11)[None]
    return {"overall": score.overall, "responses": n, "target": meta.target,
            "aspects": [(meta.aspect_name.get(c, c), score.aspects[c]) for c in meta.aspect_order
                        if c in score.aspects]}


def services(agency, year: int) -> list[dict]:
    """The service indicators of the year, when the agency has dossier data (rates only)."""
    from chiso.dossiers import compute
    from chiso.dossiers.models import KpiValue

    counts = {code: (n, d) for code, n, d in KpiValue.objects.filter(
        agency=agency, unit__isnull=True, period=f"{year}-Y").values_list("code", "numerator", "denominator")}
    if not counts:
        return []
    return [{"code": f.code, "name": f.name, "rate": f.rate, "average": f.average}
            for f in compute.figures(counts) if f.denominator and f.rate is not None]
