"""Changes of the dossier app, each in one transaction with its audit record: imports, apologies,
measured targets. Views, commands, the demo loader and tests all call these."""

from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry

from . import importer
from .models import ImportRun, ImportSource


def do_import_dossiers(actor, path: str | Path, *, agency=None, source: ImportSource | None = None,
                       kind: str | None = None, mapping: dict | None = None, allowed_agency_ids=None,
                       run: ImportRun | None = None, as_of: date | None = None) -> ImportRun:
    """Import one file (all or nothing); the run records the outcome either way. A mapping given here is
    remembered on the source when the import succeeds. Raises importer.ImportRejected when refused."""
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

    plan = importer.Plan(kind=kind or (source.kind if source and source.mapping else None), mapping=effective,
                         agency_id=agency.pk if agency else None, allowed_agency_ids=allowed_agency_ids)
    try:
        importer.run_import(path, plan, progress=progress, as_of=as_of, on_published=published)
    except importer.ImportRejected as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.REJECTED, progress=100, finished_at=timezone.now(), message=exc.message,
            errors=[[line, msg] for line, msg in exc.errors], error_count=exc.total)
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
