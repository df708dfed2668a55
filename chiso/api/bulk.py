"""Bulk exchange in NDJSON (one JSON object a line): any collection streamed out in id order (memory flat:
500 rows at a time, each batch read with the same query as the list endpoint; `rows_of` takes the batch's
queryset and returns the rows, each with its "id"), and dossiers taken in the
same format, streamed to a file and imported like a pushed batch."""

import json
import tempfile
from pathlib import Path

from django.http import StreamingHttpResponse
from ninja.responses import NinjaJSONEncoder

from chiso.audit.log import via
from chiso.dossiers import importer
from chiso.dossiers import permissions as dossier_perms
from chiso.dossiers.actions import do_import_dossiers
from chiso.dossiers.models import KpiValue
from chiso.org.models import Agency, Unit

from . import read
from . import schemas as s
from .api import api
from .core import ApiError, agency_ids, need, not_found
from .read import ERRORS
from .write import _channel

BATCH = 500
CHUNK = 1024 * 1024


def _collections(request) -> dict:
    ids = agency_ids(request)
    return {
        "agencies": ("agencies", lambda: Agency.objects.filter(pk__in=ids).select_related("province"),
                     lambda rows: [read.agency_row(a) for a in rows]),
        "units": ("agencies", lambda: Unit.objects.filter(agency_id__in=ids),
                  lambda rows: [read.unit_row(u) for u in rows]),
        "plans": ("plans", lambda: read._plans(request), lambda rows: [read.plan_row(p) for p in rows]),
        "tasks": ("tasks", lambda: read._tasks(request), read.task_rows),
        "updates": ("updates", lambda: read._updates(request), lambda rows: [read.update_row(u) for u in rows]),
        "reports": ("reports", lambda: read._reports(request), lambda rows: [read.report_row(r) for r in rows]),
        "indicators": ("dossiers", lambda: KpiValue.objects.filter(agency_id__in=ids),
                       lambda rows: [read.indicator_row(v) for v in rows]),
    }


def _lines(queryset_of, rows_of):
    after = 0
    while True:
        rows = rows_of(queryset_of().filter(pk__gt=after).order_by("pk")[:BATCH])
        if not rows:
            return
        yield "".join(json.dumps(row, cls=NinjaJSONEncoder, ensure_ascii=False) + "\n" for row in rows)
        after = rows[-1]["id"]


@api.get("/export/{resource}", response={200: None, **ERRORS}, tags=["Trao đổi hàng loạt"],
         summary="Xuất cả một tập dữ liệu dạng NDJSON (mỗi dòng một đối tượng)")
def export(request, resource: str, agency: str | None = None):
    """`resource`: agencies, units, plans, tasks, updates, reports, indicators. Each line has the same shape as
    an item of the matching list. Streamed: any size, constant memory."""
    collections = _collections(request)
    if resource not in collections:
        raise not_found(f"tập dữ liệu “{resource}” (có: {', '.join(collections)})")
    scope, queryset_of, rows_of = collections[resource]
    need(request, scope)
    base = queryset_of
    if agency:
        only = read._agencies(request, agency)[0]
        field = {"agencies": "pk", "units": "agency_id", "plans": "agency_id", "tasks": "plan__agency_id",
                 "updates": "task__plan__agency_id", "reports": "agency_id", "indicators": "agency_id"}[resource]

        def queryset_of():
            return base().filter(**{field: only})
    response = StreamingHttpResponse(_lines(queryset_of, rows_of), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chiso-{resource}.ndjson"'
    return response


@api.post("/import/dossiers", response={200: s.DossierResult, 413: s.Error, **ERRORS}, tags=["Trao đổi hàng loạt"],
          summary="Nhập hồ sơ TTHC hoặc PAKN dạng NDJSON (mỗi dòng một bản ghi)")
def import_dossiers(request, kind: str = "dossier", agency: str | None = None):
    """The body is NDJSON (`Content-Type: application/x-ndjson`), read in chunks to a file, then imported
    exactly like `POST /dossiers` (all or nothing, idempotent by code); `details[].field` = `records.LINE`."""
    token = need(request, "dossiers", "write")
    if kind not in ("dossier", "pakn"):
        raise ApiError(400, "invalid", "kind phải là dossier hoặc pakn.")
    allowed = set(agency_ids(request)) & set(dossier_perms.import_agencies(token.user).values_list("pk", flat=True))
    target = None
    if agency:
        target = Agency.objects.filter(code=agency).first()
        if target is None or target.pk not in agency_ids(request):
            raise not_found("cơ quan")
    if not allowed or (target is not None and target.pk not in allowed):
        raise ApiError(403, "forbidden", f"{token.user} không được nhập hồ sơ (cần Văn phòng cơ quan hoặc quản trị).")
    limit = importer.max_bytes()
    with tempfile.TemporaryDirectory(prefix="chiso-ndjson-") as folder:
        path = Path(folder) / "api.ndjson"
        size = 0
        with open(path, "wb") as fh:
            while chunk := request.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ApiError(413, "too_large", f"Tệp quá lớn (tối đa {limit // (1024 * 1024)} MB).")
                fh.write(chunk)
        if size == 0:
            raise ApiError(400, "invalid", "Nội dung trống: gửi mỗi dòng một bản ghi JSON.")
        try:
            with via(_channel(request)):
                run = do_import_dossiers(token.user, path, agency=target, kind=kind, allowed_agency_ids=allowed,
                                         defer_kpis=True)
        except importer.ImportRejected as exc:
            details = [{"field": f"records.{line}" if line else "", "location": "nội dung", "message": msg}
                       for line, msg in exc.errors[:1000]]
            raise ApiError(400, "refused", exc.one_line(5), details) from exc
    return {"run_id": run.pk, "kind": run.kind, "rows": run.rows, "created": run.created, "updated": run.updated}

