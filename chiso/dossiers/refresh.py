"""Deferred KPI recompute: a pushed batch of dossiers (API) is written to the store at once, and the agency's
indicators (cube file, drill-down rows, KpiValue) are recomputed by one background job of kind
`dossier_kpi_refresh` (`chiso jobs --loop`). Batches pushed while a refresh is still queued share it: one
queued refresh per agency at most. Pages and the API say "Chờ tính lại chỉ số" while one is queued or running.

A file imported from the page or the command still recomputes at once (importer.run_import without
`defer_kpis`)."""

from datetime import date

from django.utils.translation import gettext as _

from chiso.jobs.api import enqueue
from chiso.jobs.models import Job

KIND = "dossier_kpi_refresh"


def pending_label() -> str:
    return _("Chờ tính lại chỉ số")


def request_refresh(agency_ids, user=None, as_of: date | None = None) -> list[Job]:
    """Queue one refresh for each agency that has none queued yet (call it under the store's write lock, so
    two writers never both find none). A queued job picks up every batch published before it runs: it reads
    the store's manifest under the same lock. Returns the jobs queued now."""
    out = []
    for agency_id in sorted({int(a) for a in agency_ids}):
        queued = Job.objects.filter(kind=KIND, state=Job.State.QUEUED, agency_id=agency_id).order_by("id").first()
        if queued is not None:
            if as_of is not None and queued.arguments.get("as_of") != as_of.isoformat():
                Job.objects.filter(pk=queued.pk).update(arguments={**queued.arguments, "as_of": as_of.isoformat()})
            continue
        arguments = {"agency": agency_id, **({"as_of": as_of.isoformat()} if as_of else {})}
        out.append(enqueue(KIND, arguments, user=user, agency_id=agency_id, message=pending_label()))
    return out


def pending(agency_ids) -> set[int]:
    """The agencies among `agency_ids` whose indicators wait for a queued or running refresh (one query)."""
    ids = [int(a) for a in agency_ids]
    if not ids:
        return set()
    return set(Job.objects.filter(kind=KIND, state__in=(Job.State.QUEUED, Job.State.RUNNING),
                                  agency_id__in=ids).values_list("agency_id", flat=True).distinct())


def run_refresh_job(job, progress):
    """The job handler: recompute one agency from the store's current files, under its write lock."""
    from . import compute, store

    agency_id = int(job.arguments["agency"])
    as_of = date.fromisoformat(job.arguments["as_of"]) if job.arguments.get("as_of") else None
    progress(0, 1, _("Đang tính lại chỉ số"))
    con = store.connect(memory_limit="512MB")
    try:
        with store.writing() as tx:
            count = compute.refresh(con, tx, [agency_id], as_of=as_of)
            tx.commit()
    finally:
        con.close()
    progress(1, 1, _("Đã tính lại chỉ số"))
    return {"agency": agency_id, "values": count}
