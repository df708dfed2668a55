"""Changes of the dossier app, each in one transaction with its audit record: imports, apologies,
measured targets. Views, commands, the demo loader and tests all call these."""

from datetime import date
from pathlib import Path

from django.db import models, transaction
from django.utils import timezone

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry

from . import importer
from .models import ImportRun, ImportSource


def do_import_dossiers(actor, path: str | Path, *, agency=None, source: ImportSource | None = None,
                       kind: str | None = None, mapping: dict | None = None, allowed_agency_ids=None,
                       run: ImportRun | None = None, as_of: date | None = None,
                       defer_kpis: bool = False) -> ImportRun:
    """Import one file (all or nothing); the run records the outcome either way. A mapping given here is
    remembered on the source when the import succeeds. Raises importer.ImportRejected when refused.
    With `defer_kpis` (batches pushed through the API) the indicators are recomputed by a background job
    queued in the same transaction as the run's record (refresh.py), not inside this call."""
    path = Path(path)
    effective = {**(source.mapping if source else {}), **(mapping or {})}
    if run is None:
        run = ImportRun.objects.create(kind=kind or (source.kind if source else "dossier"), agency=agency,
                                       source=source, filename=path.name[:255], created_by=actor,
                                       size=path.stat().st_size if path.exists() else 0)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress=1)

    def progress(pct: int, stage: str):
        ImportRun.objects.filter(pk=run.pk).update(progress=pct, stage=stage[:200])

    def published(result: importer.ImportResult):
        # Runs inside the store's write lock, before the manifest is swapped: the run is marked done in
        # the same breath as the files become visible.
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.DONE, kind=result.kind, rows=result.rows, created=result.created,
                updated=result.updated, progress=100, finished_at=timezone.now(), errors=[], error_count=0,
                message="")
            if source is not None and mapping:
                before = snapshot(source)
                source.mapping = effective
                source.kind = result.kind
                source.save()
                record(actor, AuditEntry.Action.UPDATE, source, before, snapshot(source))
            run.refresh_from_db()
            record(actor, AuditEntry.Action.CREATE, run, None, snapshot(run, exclude=("errors", "path")))
            if defer_kpis:
                from .refresh import request_refresh

                request_refresh(result.agencies, user=actor, as_of=as_of)

    plan = importer.Plan(kind=kind or (source.kind if source and source.mapping else None), mapping=effective,
                         agency_id=agency.pk if agency else None, allowed_agency_ids=allowed_agency_ids)
    try:
        importer.run_import(path, plan, progress=progress, as_of=as_of, on_published=published,
                            defer_kpis=defer_kpis)
    except importer.ImportRejected as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.REJECTED, progress=100, finished_at=timezone.now(), message=exc.message,
            errors=[[line, msg] for line, msg in exc.errors[:1000]], error_count=exc.total)
        raise
    except Exception as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.REJECTED, progress=100, finished_at=timezone.now(),
            message=f"Lỗi khi nhập: {exc.__class__.__name__}")
        raise
    run.refresh_from_db()
    return run


def source_named(name: str, agency=None) -> ImportSource:
    source, _created = ImportSource.objects.get_or_create(name=name.strip()[:100], defaults={"agency": agency})
    return source


class Refused(Exception):
    """An action refused for a reason the person can fix; the message is Vietnamese."""


def do_queue_import(actor, agency, upload, source_name: str = "", mapping: dict | None = None) -> ImportRun:
    """Keep the uploaded file and import it outside the request (a background job); the page follows the
    run's progress."""
    import uuid

    from . import store

    folder = store.root() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with open(target, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    source = source_named(source_name, agency) if source_name else None
    run = ImportRun.objects.create(agency=agency, source=source, filename=Path(upload.name).name[:255],
                                   path=str(target), size=target.stat().st_size, created_by=actor,
                                   stage=str(_pending_label()), mapping=mapping or {})
    _start_worker(run)
    return run


def do_remap_import(actor, run: ImportRun, mapping: dict) -> ImportRun:
    """Queue the file of a run refused for unknown columns again, with the office's column mapping
    (remembered on the source when it succeeds)."""
    with transaction.atomic():
        # the run as stored now, locked: a second click (or a stale page) finds its file handed on already
        run = ImportRun.objects.select_for_update(of=("self",)).select_related("agency", "source").get(pk=run.pk)
        if not run.path or not Path(run.path).exists():
            raise Refused("Tệp của lượt nhập này không còn; hãy tải lên lại.")
        source = run.source or source_named(f"{run.agency.code.lower()}-{Path(run.filename).stem}"[:100],
                                            run.agency)
        new = ImportRun.objects.create(agency=run.agency, source=source, filename=run.filename, path=run.path,
                                       size=run.size, created_by=actor, stage=str(_pending_label()),
                                       mapping={**(run.mapping or {}), **mapping})
        ImportRun.objects.filter(pk=run.pk).update(path="")
    _start_worker(new)
    return new


def _start_worker(run: ImportRun) -> None:
    """Hand the run to the background jobs (`chiso jobs --loop`); tests may run it inline."""
    from django.conf import settings

    from chiso.jobs.api import enqueue

    if getattr(settings, "CHISO_IMPORT_INLINE", False):
        work(run.pk)
        return
    enqueue("dossier_import", {"run": run.pk}, user=run.created_by, agency_id=run.agency_id,
            message=str(_pending_label()))


def run_import_job(job, progress):
    """The job handler: import the queued run; its page shows the run's own progress and errors."""
    from django.urls import reverse

    run_id = int(job.arguments["run"])
    progress(0, 100, str(_pending_label()))
    work(run_id)
    run = ImportRun.objects.get(pk=run_id)
    progress(100, 100, run.get_status_display())
    return {"url": reverse("kpi_upload_run", args=[run_id])}


def _pending_label():
    from django.utils.translation import gettext as _

    return _("Chờ xử lý")


def work(run_id: int | None = None) -> int:
    """Run queued imports (one, or every queued one), each claimed atomically so two workers never take
    the same run. Returns how many ran."""
    done = 0
    while True:
        qs = ImportRun.objects.filter(status=ImportRun.Status.QUEUED)
        if run_id is not None:
            qs = qs.filter(pk=run_id)
        run = qs.order_by("created_at").first()
        if run is None:
            return done
        if not ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
                status=ImportRun.Status.RUNNING):
            continue  # another worker took it
        run.refresh_from_db()
        mapping = run.mapping or {}
        allowed = {run.agency_id} if run.agency_id else None
        keep = False
        try:
            do_import_dossiers(run.created_by, run.path, agency=run.agency, source=run.source, mapping=mapping,
                               allowed_agency_ids=allowed, run=run)
        except importer.ImportRejected as exc:
            keep = bool(exc.unknown)  # the office maps the columns on the run's page and runs it again
        finally:
            if not keep:
                Path(run.path).unlink(missing_ok=True)
        done += 1
        if run_id is not None:
            return done


def do_record_apology(actor, agency, dossier: dict, data: dict):
    """Record the apology sent for a late dossier (number, date, signed file)."""
    from .models import Apology
    from .queries import drill_is_late

    if not drill_is_late(agency.pk, dossier):
        raise Refused("Hồ sơ này không trễ hạn: không cần thư xin lỗi.")
    with transaction.atomic():
        if Apology.objects.select_for_update().filter(agency=agency, dossier_code=dossier["code"]).exists():
            raise Refused("Hồ sơ này đã có thư xin lỗi.")
        apology = Apology(agency=agency, unit_id=dossier.get("unit_id"), dossier_code=dossier["code"],
                          number=data["number"], sent_on=data["sent_on"], note=data.get("note") or "",
                          created_by=actor)
        if data.get("file"):
            apology.file = data["file"]
        apology.save()
        record(actor, AuditEntry.Action.CREATE, apology, None, snapshot(apology))
    _apology_counts(agency.pk, dossier["code"], +1)
    return apology


def _apology_counts(agency_id: int, code: str, delta: int) -> None:
    """Add the new letter to the stored apology coverage (XL) of every period the dossier is late in,
    without recomputing the agency: the same engine query restricted to this one dossier."""
    from . import compute, store
    from .models import KpiValue

    files = store.files("dossier", [agency_id])
    if not files:
        return
    con = store.connect(memory_limit="256MB")
    try:
        from . import engine

        engine.prepare_apologies(con, rows=[])
        compute.build_cube(con, {"dossier": files}, timezone.localdate(), levels=("agency", "unit"),
                           where=f"agency_id = {int(agency_id)} AND code = '{code.replace(chr(39), chr(39) * 2)}'")
        rows = [r for r in compute.stored_rows(con) if r[4] == "XL"]
    finally:
        con.close()
    with transaction.atomic():
        for a, unit, period, _start, _code, _n, d in rows:
            if d:
                KpiValue.objects.filter(agency_id=a, unit_id=unit, period=period, code="XL").update(
                    numerator=models.F("numerator") + delta)


def do_decide_measure(actor, task, proposal, confirm: bool):
    """Store the office's decision on a proposed link between a task and an indicator."""
    from .models import TaskMeasure

    with transaction.atomic():
        m = TaskMeasure.objects.select_for_update().filter(task=task).first()
        before = snapshot(m) if m else None
        m = m or TaskMeasure(task=task)
        m.code, m.op, m.target = proposal.code, proposal.op, proposal.target
        m.reason = proposal.reason[:200]
        m.state = TaskMeasure.State.CONFIRMED if confirm else TaskMeasure.State.REJECTED
        m.confirmed_by, m.confirmed_at = actor, timezone.now()
        m.save()
        record(actor, AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, m, before, snapshot(m),
               plan=task.plan)
    return m
