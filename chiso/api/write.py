"""Write endpoints: each goes through the owning app's permission check and `do_*` action (the same
validation and audit record as the pages), with the token's creator as the actor and the token's name on
the audit line. An `Idempotency-Key` header makes a retried write answer the first result."""

import base64
import binascii
import contextlib
import hashlib
import json
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from ninja import Status

from chiso.audit.log import via
from chiso.dossiers import importer
from chiso.dossiers import permissions as dossier_perms
from chiso.dossiers.actions import do_import_dossiers
from chiso.org.models import Agency
from chiso.tracking import permissions as tracking_perms
from chiso.tracking.actions import DocumentRef, UpdateData, do_post_update
from chiso.tracking.models import ProgressUpdate

from . import schemas as s
from .api import api
from .core import ApiError, agency_ids, need, not_found
from .models import IdempotentWrite
from .read import ERRORS, _tasks, _updates, update_row

WRITE_ERRORS = {**ERRORS, 409: s.Error, 413: s.Error}


def _channel(request) -> str:
    return f"API: {request.auth.name}"


@contextlib.contextmanager
def _once(request: HttpRequest, body: dict):
    """Claim the request's Idempotency-Key (if any) inside the write's transaction. Yields a holder whose
    `.replay` is the first answer when the key was used before; set `.answer` to record this one."""

    class Holder:
        replay = None
        answer = None
        status = 200

    holder = Holder()
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        with transaction.atomic():
            yield holder
        return
    if len(key) > 100:
        raise ApiError(400, "invalid", "Idempotency-Key dài quá 100 ký tự.")
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
    earlier = IdempotentWrite.objects.filter(token=request.auth, key=key).first()
    if earlier is None:
        try:
            with transaction.atomic():
                claim = IdempotentWrite.objects.create(token=request.auth, key=key, request_hash=digest)
                yield holder
                claim.status, claim.response = holder.status, holder.answer
                claim.save(update_fields=["status", "response"])
            return
        except IntegrityError:  # another call with the same key committed first
            earlier = IdempotentWrite.objects.filter(token=request.auth, key=key).first()
            if earlier is None:
                raise
    if earlier.request_hash != digest:
        raise ApiError(409, "idempotency_conflict",
                       "Idempotency-Key này đã dùng cho một yêu cầu khác; hãy dùng khóa mới cho yêu cầu mới.")
    holder.replay = (earlier.status, earlier.response)
    yield holder


def _files(items: list[s.FileIn]) -> list[SimpleUploadedFile]:
    out = []
    for i, item in enumerate(items, 1):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError(400, "invalid", f"Tệp thứ {i} ({item.name}): content_base64 không phải base64 hợp lệ.",
                           [{"field": f"files.{i - 1}.content_base64", "location": "nội dung",
                             "message": "không phải base64 hợp lệ"}]) from exc
        out.append(SimpleUploadedFile(item.name, content))
    return out


@api.post("/tasks/{task_id}/updates", response={201: s.Update, 200: s.Update, **WRITE_ERRORS},
          tags=["Báo cáo tiến độ"], summary="Gửi báo cáo tiến độ kèm tài liệu kiểm chứng")
def post_update(request, task_id: int, payload: s.UpdateIn):
    """The same report as the task page's form: the creator of the token must be able to report on the task
    (a person of its lead unit, or of a support unit for `kind=contribution`, or an administrator). The
    report waits for the office's confirmation like any other. Answers 201, or 200 with the first answer
    when the `Idempotency-Key` was used before."""
    token = need(request, "updates", "write")
    task = _tasks(request).filter(pk=task_id).first()
    if task is None:
        raise not_found("nhiệm vụ")
    user = token.user
    if payload.kind not in ProgressUpdate.Kind.values:
        raise ApiError(400, "invalid", "kind phải là update hoặc contribution.")
    allowed = (tracking_perms.can_contribute(user, task) if payload.kind == ProgressUpdate.Kind.CONTRIBUTION
               else tracking_perms.can_update_task(user, task))
    if not allowed:
        raise ApiError(403, "forbidden", f"{user} không được gửi báo cáo cho nhiệm vụ này (chỉ đơn vị "
                                         "chủ trì, đơn vị phối hợp với đóng góp, hoặc quản trị hệ thống).")
    data = UpdateData(narrative=payload.narrative, percent=payload.percent,
                      proposed_status=payload.proposed_status, done_on=payload.done_on, cause=payload.cause,
                      remedy=payload.remedy, files=_files(payload.files),
                      documents=[DocumentRef(d.number, d.date, d.summary, d.link) for d in payload.documents])
    with _once(request, payload.dict()) as once:
        if once.replay:
            return Status(200, once.replay[1])
        with via(_channel(request)):
            update = do_post_update(user, task, data, kind=payload.kind)
        row = update_row(_updates(request).get(pk=update.pk))
        once.status, once.answer = 201, json.loads(json.dumps(row, default=str))
    return Status(201, row)


@api.post("/dossiers", response={200: s.DossierResult, **WRITE_ERRORS}, tags=["Chỉ số phục vụ"],
          summary="Đẩy hồ sơ TTHC hoặc phản ánh, kiến nghị (theo lô, cập nhật theo mã)")
def push_dossiers(request, payload: s.DossierPush):
    """The same import as the office's file upload (same checks, all or nothing, the same run record):
    a record whose code is already stored replaces it, so pushing a batch again changes nothing. Refused
    batches answer 400 with every bad record (`details[].field` = `records.N`, N from 1)."""
    token = need(request, "dossiers", "write")
    if payload.kind not in ("dossier", "pakn"):
        raise ApiError(400, "invalid", "kind phải là dossier hoặc pakn.")
    allowed = set(agency_ids(request)) & set(dossier_perms.import_agencies(token.user).values_list("pk", flat=True))
    agency = None
    if payload.agency:
        agency = Agency.objects.filter(code=payload.agency).first()
        if agency is None or agency.pk not in agency_ids(request):
            raise not_found("cơ quan")
        if agency.pk not in allowed:
            raise ApiError(403, "forbidden", f"{token.user} không được nhập hồ sơ của {agency.code} (cần Văn phòng "
                                             "cơ quan hoặc quản trị hệ thống).")
    if not allowed:
        raise ApiError(403, "forbidden", f"{token.user} không được nhập hồ sơ của cơ quan nào.")
    with tempfile.TemporaryDirectory(prefix="chiso-push-") as folder:
        path = Path(folder) / f"api-{request.auth.name[:40]}.json".replace("/", "-")
        path.write_text(json.dumps(payload.records, ensure_ascii=False, default=str), encoding="utf-8")
        try:
            with via(_channel(request)):
                run = do_import_dossiers(token.user, path, agency=agency, kind=payload.kind,
                                         allowed_agency_ids=allowed, defer_kpis=True)
        except importer.ImportRejected as exc:
            details = [{"field": f"records.{line}" if line else "", "location": "nội dung", "message": msg}
                       for line, msg in exc.errors[:1000]]
            raise ApiError(400, "refused", exc.one_line(5), details) from exc
    return {"run_id": run.pk, "kind": run.kind, "rows": run.rows, "created": run.created, "updated": run.updated}
