"""Reading an uploaded plan document in the background (`chiso jobs`): scans need OCR, which takes tens of
seconds, so the upload only stores the file and queues this job; the page polls its progress."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from chiso.importing import ImportRejected, import_plan
from chiso.jobs.api import JobFailed
from chiso.org.models import Agency

from .models import ImportSession

KIND = "plan_import"


def file_digest(fh) -> str:
    """SHA-256 of a file's content (chunked: a 50 MB scan never sits in memory whole)."""
    digest = hashlib.sha256()
    for chunk in iter(lambda: fh.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def new_session(*, agency: Agency, user, filename: str, result: dict, stored_name: str | None = None,
                upload=None) -> ImportSession:
    """The review session of a parsed document; the file is either already stored or saved now."""
    rows = [{**row, "_id": n} for n, row in enumerate(result.get("tasks") or [], start=1)]
    session = ImportSession(agency=agency, created_by=user, filename=filename[:255], result=result, rows=rows)
    with transaction.atomic():
        if stored_name:
            session.source_file.name = stored_name
        else:
            upload.seek(0)
            session.source_file.save(session.filename, upload, save=False)
        session.save()
    return session


def read_upload(job, progress) -> dict:
    """Job handler: parse the stored upload (OCR with page progress) into a review session."""
    args = job.arguments
    stored = args["stored_name"]
    agency = Agency.objects.filter(pk=job.agency_id).first()
    if agency is None or job.created_by is None:
        default_storage.delete(stored)
        raise JobFailed(_("Cơ quan hoặc người tải lên không còn tồn tại."))
    suffix = Path(args["filename"]).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp, default_storage.open(stored, "rb") as src:
        for chunk in iter(lambda: src.read(1024 * 1024), b""):
            tmp.write(chunk)
    try:
        result = import_plan(tmp.name, filename=args["filename"], time_limit=settings.CHISO_IMPORT_SECONDS,
                             progress=progress, max_mb=settings.CHISO_MAX_UPLOAD_MB)
    except ImportRejected as exc:
        default_storage.delete(stored)
        raise JobFailed(str(exc)) from exc
    finally:
        os.unlink(tmp.name)
    result.setdefault("plan", {})["_sha256"] = args.get("sha256")
    session = new_session(agency=agency, user=job.created_by, filename=args["filename"], result=result,
                          stored_name=stored)
    return {"url": reverse("plan_import_preview", args=[session.pk]), "session": session.pk}
