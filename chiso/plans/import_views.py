"""Import a plan from its document: upload, review every extracted row, confirm.

Thin views: reading is `chiso.importing.import_plan`, matching and storing is `plans.importing`,
permissions are `accounts.permissions`. The parsed rows wait in an ImportSession between requests;
each row action returns the review fragment for HTMX, or redirects when JavaScript is off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from chiso.frameworks.models import FrameworkNode, IndexCode
from chiso.jobs.api import enqueue
from chiso.jobs.models import Job
from chiso.lib.numbers import id_or_none
from chiso.lib.text import squash
from chiso.lib.vndates import parse_timeframe
from chiso.org.models import Agency

from . import import_jobs, importing
from . import permissions as perms
from .models import ImportSession

log = logging.getLogger(__name__)

EXTENSIONS = (".docx", ".pdf", ".xlsx", ".txt", ".md", ".jpg", ".jpeg", ".png")
DATE_INPUT = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]


# --------------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------------

def _too_large() -> str:
    return _("Tệp lớn hơn %(mb)s MB cho phép.") % {"mb": settings.CHISO_MAX_UPLOAD_MB}


class UploadForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Cơ quan ban hành"), queryset=Agency.objects.none(),
                                    empty_label=None)
    file = forms.FileField(label=gettext_lazy("Tệp văn bản kế hoạch"),
                           error_messages={"required": gettext_lazy("Hãy chọn tệp văn bản kế hoạch."),
                                           "empty": gettext_lazy("Tệp tải lên rỗng.")})

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies.order_by("name")
        self.fields["file"].help_text = _("Word (.docx), PDF (cả bản quét), Excel (.xlsx), văn bản (.txt, .md) "
                                          "hoặc ảnh chụp một trang (.jpg, .png); tối đa %(mb)s MB.") % {
                                              "mb": settings.CHISO_MAX_UPLOAD_MB}
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(_("Chỉ nhận tệp .docx, .pdf, .xlsx, .txt, .md hoặc ảnh .jpg, .png."))
        if upload.size > settings.CHISO_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_too_large())
        if upload.size == 0:
            raise forms.ValidationError(_("Tệp tải lên rỗng."))
        return upload


class HeaderForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Tên kế hoạch"), max_length=500,
                            widget=forms.TextInput(attrs={"size": 80}))
    number = forms.CharField(label=gettext_lazy("Số, ký hiệu"), max_length=60, required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100)


class RowForm(forms.Form):
    ref = forms.CharField(label=gettext_lazy("TT"), max_length=20, required=False,
                          widget=forms.TextInput(attrs={"size": 5}))
    index = forms.ChoiceField(label=gettext_lazy("Chỉ số"), required=False,
                              choices=[("", "—"), *IndexCode.choices])
    title = forms.CharField(label=gettext_lazy("Nhiệm vụ"), widget=forms.Textarea(attrs={"rows": 3}),
                            error_messages={"required": gettext_lazy("Nhiệm vụ không được để trống.")})
    lead = forms.CharField(label=gettext_lazy("Chủ trì"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("Mỗi đơn vị một dòng, hoặc ngăn cách bằng dấu ;"))
    support = forms.CharField(label=gettext_lazy("Phối hợp"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    timeframe = forms.CharField(label=gettext_lazy("Thời gian (như in)"), max_length=300, required=False)
    due = forms.DateField(label=gettext_lazy("Hạn hoàn thành"), required=False, input_formats=DATE_INPUT,
                          widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy",
                                                                           "size": 10}),
                          error_messages={"invalid": gettext_lazy("Ngày phải theo dạng dd/mm/yyyy.")})

    node = forms.TypedChoiceField(label=gettext_lazy("Lĩnh vực, tiêu chí (theo bộ chỉ số)"), required=False,
                                  coerce=int, empty_value=None,
                                  help_text=gettext_lazy("Đặt chỉ số, lĩnh vực và tiêu chí của dòng theo bộ chỉ số."))

    def __init__(self, *args, nodes=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list] = {}
        labels = dict(IndexCode.choices)
        for node in nodes:
            indent = "— " * (node.depth - 1)
            groups.setdefault(str(labels.get(node.framework.index, node.framework.index)), []).append(
                (node.pk, f"{indent}{node.code + ' ' if node.code else ''}{node.name}"[:160]))
        self.fields["node"].choices = [("", "—"), *groups.items()]
        self.nodes = {n.pk: n for n in nodes}

    @classmethod
    def for_row(cls, row: dict, data=None, nodes=()) -> RowForm:
        initial = {"ref": row.get("ref") or "", "index": row.get("index") or "", "title": row.get("title") or "",
                   "lead": "\n".join(row.get("lead") or []), "support": "\n".join(row.get("support") or []),
                   "timeframe": row.get("timeframe") or "", "due": importing.as_date(row.get("due")),
                   "node": row.get("_node") or ""}
        return cls(data, initial=initial, prefix=f"r{row['_id']}", nodes=nodes)

    def apply(self, row: dict, year: int) -> None:
        data = self.cleaned_data
        old_timeframe = row.get("timeframe") or ""
        if "node" in self.changed_data:
            importing.apply_node(row, self.nodes.get(data["node"]) if data["node"] else None)
            if data["node"]:
                data["index"] = row["index"]
        row.update({"ref": squash(data["ref"]) or None, "index": data["index"] or None,
                    "title": squash(data["title"]), "lead": importing.split_units(data["lead"]),
                    "support": importing.split_units(data["support"]), "timeframe": squash(data["timeframe"]) or None})
        if data["due"]:
            row["due"] = data["due"].isoformat()
            if row.get("recurrence") in (None, "continuous", "on_event"):
                row["recurrence"] = "once"
        elif "due" in self.changed_data or row["timeframe"] != (old_timeframe or None):
            due, recurrence = parse_timeframe(row["timeframe"], year)
            row["due"] = due
            row["recurrence"] = recurrence


# --------------------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------------------

def _get_session(request: HttpRequest, pk: int) -> ImportSession:
    """The session, if it is the person's own and they still manage the agency's plans; else 403."""
    session = get_object_or_404(ImportSession.objects.select_related("agency", "plan"), pk=pk)
    perms.require(session.created_by_id == request.user.pk or perms.is_admin(request.user))
    perms.require(perms.can_manage_plans(request.user, session.agency))
    return session


def _locked(session: ImportSession) -> ImportSession:
    """The same session re-read under a row lock, for read-modify-write of its rows."""
    return ImportSession.objects.select_for_update().select_related("agency").get(pk=session.pk)


def _row_position(session: ImportSession, row_id: int) -> int:
    for pos, row in enumerate(session.rows):
        if row.get("_id") == row_id:
            return pos
    raise Http404


def _preview_url(session: ImportSession, row_id: int | None = None) -> str:
    url = reverse("plan_import_preview", args=[session.pk])
    return f"{url}#row-{row_id}" if row_id else url


def _done(request: HttpRequest, session: ImportSession) -> HttpResponse | None:
    """A confirmed session is read-only: send the person to its plan."""
    if session.confirmed_at is None:
        return None
    messages.info(request, _("Văn bản này đã được nhập."))
    return redirect("plan_detail", pk=session.plan_id) if session.plan_id else redirect("plan_list")


# --------------------------------------------------------------------------------------------------
# Upload
# --------------------------------------------------------------------------------------------------

class SizeLimit(FileUploadHandler):
    """Stops storing an upload once it passes the limit, so a 200 MB file never reaches the disk whole."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit, self.seen, self.exceeded = limit, 0, False

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)  # the rest of the body is read and dropped
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) builds the file


@csrf_exempt  # CSRF is checked by _upload below, after the size limit is in place
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    limit = SizeLimit(request, settings.CHISO_MAX_UPLOAD_MB * 1024 * 1024)
    request.upload_handlers.insert(0, limit)
    return _upload(request, limit)


@csrf_protect
def _upload(request: HttpRequest, limit: SizeLimit) -> HttpResponse:
    agencies = perms.manageable_agencies(request.user)
    perms.require(agencies.exists())
    wanted = request.POST.get("agency") if request.method == "POST" else request.GET.get("agency")
    initial = {}
    if wanted:
        lookup = {"pk": pk} if (pk := id_or_none(str(wanted))) is not None else {"code": wanted}
        agency = Agency.objects.filter(**lookup).first()
        if agency is not None:
            perms.require(perms.can_manage_plans(request.user, agency))
            initial["agency"] = agency
    form = UploadForm(request.POST or None, request.FILES or None, agencies=agencies, initial=initial)
    if limit.exceeded:
        form.is_valid()
        form.errors["file"] = form.error_class([_too_large()])
    elif request.method == "POST" and form.is_valid():
        next_url = _read_upload(request, form)
        if next_url is not None:
            return redirect(next_url)
    pending = (ImportSession.objects.filter(created_by=request.user, confirmed_at__isnull=True, agency__in=agencies)
               .select_related("agency").only("pk", "filename", "created_at", "agency__name")[:10])
    return render(request, "plans/import_upload.html", {"nav": "plans", "form": form, "pending": pending})


def _read_upload(request: HttpRequest, form: UploadForm) -> str | None:
    """Parse the upload, or queue it when it needs OCR; the URL to go to next, or None with the refusal
    on the form (nothing stored). A typed document is read here within a strict time limit; a scan is
    read by `chiso jobs` so no request worker waits for OCR."""
    upload = form.cleaned_data["file"]
    filename = os.path.basename(upload.name)
    suffix = Path(upload.name).suffix.lower()
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(suffix=suffix, delete=False) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
            digest.update(chunk)
    agency = form.cleaned_data["agency"]
    try:
        if importing.needs_ocr(tmp.name, filename):
            upload.seek(0)
            stored = default_storage.save(f"imports/pending/{uuid.uuid4().hex}{suffix}", upload)
            job = enqueue(import_jobs.KIND, {"stored_name": stored, "filename": filename,
                                             "sha256": digest.hexdigest()},
                          user=request.user, agency_id=agency.pk, message=_("Đang chờ đọc bản quét"))
            return reverse("plan_import_wait", args=[job.pk])
        result = importing.import_plan(tmp.name, filename=filename, time_limit=settings.CHISO_IMPORT_INLINE_SECONDS,
                                       max_mb=settings.CHISO_MAX_UPLOAD_MB)
    except importing.ImportRejected as exc:
        form.add_error("file", str(exc))
        return None
    except Exception:  # a parser bug: the person gets one sentence, the log gets the details
        log.exception("import of %s failed", upload.name)
        form.add_error("file", _("Không đọc được văn bản này; hãy kiểm tra tệp hoặc nhập kế hoạch thủ công."))
        return None
    finally:
        os.unlink(tmp.name)
    result.setdefault("plan", {})["_sha256"] = digest.hexdigest()
    session = import_jobs.new_session(agency=agency, user=request.user, filename=filename, result=result,
                                      upload=upload)
    return _preview_url(session)


@login_required
def import_wait(request: HttpRequest, job_id: int) -> HttpResponse:
    """The page shown while a scan is read in the background: page n of N, then on to the review."""
    job = get_object_or_404(Job, pk=job_id, kind=import_jobs.KIND)
    perms.require(job.created_by_id == request.user.pk or perms.is_admin(request.user))
    url = (job.result or {}).get("url") if job.state == Job.State.DONE else None
    if url:
        return redirect(url)
    return render(request, "plans/import_wait.html", {"nav": "plans", "job": job,
                                                      "filename": (job.arguments or {}).get("filename", "")})


# --------------------------------------------------------------------------------------------------
# Review
# --------------------------------------------------------------------------------------------------

def _reviewer(session: ImportSession) -> importing.Reviewer:
    header = session.result.get("plan") or {}
    return importing.Reviewer(session.agency, importing.plan_year(session.result), header.get("_external") or ())


def _review_context(request: HttpRequest, session: ImportSession) -> dict:
    year = importing.plan_year(session.result)
    reviewer = _reviewer(session)
    reviews = [reviewer.review(row) for row in session.rows]
    existing = importing.existing_plan(session.agency, session.result)
    header = session.result.get("plan") or {}
    source = header.get("_source") or {}
    return {
        "nav": "plans",
        "session": session,
        "header": header,
        "issued_on": importing.as_date(header.get("issued_on")),
        "reporting": importing.merged_reporting(header.get("reporting") or []),
        "pages_failed": source.get("pages_failed") or [],
        "year": year,
        "reviews": reviews,
        "unmatched": importing.unmatched_names(reviews),
        "units": session.agency.units.filter(is_active=True).order_by("name").only("pk", "name"),
        "blocking": sum(len(r.unmatched_lead) for r in reviews),
        "counts": {
            "rows": len(reviews),
            "unmatched": sum(len(r.unmatched) for r in reviews),
            "no_date": sum(r.no_date for r in reviews),
            "low_confidence": sum(r.low_confidence for r in reviews),
            "no_lead": sum(r.no_lead for r in reviews),
            "uncertain": sum(len(r.uncertain) for r in reviews),
        },
        "existing": existing,
        "same_document": importing.same_document_plan(session.agency, session.result),
        "header_form": HeaderForm(initial={"title": header.get("title") or "", "number": header.get("number") or "",
                                           "year": year}),
    }


def _review_response(request: HttpRequest, session: ImportSession, row_id: int | None = None) -> HttpResponse:
    if request.htmx:
        return render(request, "plans/import_review.html", _review_context(request, session))
    return redirect(_preview_url(session, row_id))


@login_required
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    template = "plans/import_review.html" if request.htmx and not request.htmx.boosted else "plans/import_preview.html"
    return render(request, template, _review_context(request, session))


@login_required
@require_POST
def import_header(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    form = HeaderForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_preview_url(session))
    with transaction.atomic():
        session = _locked(session)
        plan = session.result.setdefault("plan", {})
        plan.update({"title": squash(form.cleaned_data["title"]), "number": squash(form.cleaned_data["number"]) or None,
                     "year": form.cleaned_data["year"]})
        session.save(update_fields=["result", "updated_at"])
    messages.success(request, _("Đã cập nhật thông tin kế hoạch."))
    return redirect(_preview_url(session))


@login_required
@require_http_methods(["GET", "POST"])
def import_row_edit(request: HttpRequest, pk: int, row_id: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    row = session.rows[_row_position(session, row_id)]
    form = RowForm.for_row(row, request.POST or None, nodes=_catalog_nodes(session))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            session = _locked(session)
            row = session.rows[_row_position(session, row_id)]
            form.apply(row, importing.plan_year(session.result))
            session.save(update_fields=["rows", "updated_at"])
        return _review_response(request, session, row_id)
    ctx = {"nav": "plans", "session": session, "form": form, "row_id": row_id,
           "units": session.agency.units.filter(is_active=True).order_by("name")}
    if request.htmx:
        response = render(request, "plans/import_row_form.html", ctx)
        if request.method == "POST":  # invalid: show the form again in place of the row
            response = reswap(retarget(response, f"#row-{row_id}"), "outerHTML")
        return response
    return render(request, "plans/import_row_edit.html", ctx)


@login_required
@require_POST
def import_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve one unknown printed unit name in every row: a unit of the agency (optionally remembered as its
    alias for the next import), or "không thuộc cơ quan" (kept as text, flagged on the plan)."""
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    printed = squash(request.POST.get("printed"))
    if not printed:
        raise Http404
    if request.POST.get("action") == "external":
        with transaction.atomic():
            session = _locked(session)
            header = session.result.setdefault("plan", {})
            keys = set(header.get("_external") or [])
            keys.add(importing.unit_key(printed))
            header["_external"] = sorted(keys)
            session.save(update_fields=["result", "updated_at"])
        messages.success(request, _("Đã đánh dấu \"%(name)s\" là đơn vị không thuộc cơ quan.") % {"name": printed})
        return _review_response(request, session)
    chosen = squash(request.POST.get("unit"))
    units = session.agency.units.filter(is_active=True)
    unit = (units.filter(pk=pk).first() if (pk := id_or_none(chosen)) is not None else None) or \
        units.filter(name=chosen).first()
    if unit is None:
        messages.error(request, _("Hãy chọn một đơn vị trong danh sách đơn vị của cơ quan."))
        return _review_response(request, session)
    with transaction.atomic():
        session = _locked(session)
        changed = importing.resolve_unit(request.user, session.rows, printed, unit,
                                         save_alias=bool(request.POST.get("alias")))
        session.save(update_fields=["rows", "updated_at"])
    messages.success(request, _("Đã gán \"%(name)s\" là %(unit)s trên %(n)s dòng.")
                     % {"name": printed, "unit": unit.name, "n": changed})
    return _review_response(request, session)


@login_required
@require_POST
def import_row_drop(request: HttpRequest, pk: int, row_id: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    with transaction.atomic():
        session = _locked(session)
        del session.rows[_row_position(session, row_id)]
        session.save(update_fields=["rows", "updated_at"])
    if not request.htmx:
        messages.success(request, _("Đã bỏ một dòng."))
    return _review_response(request, session)


def merge_rows(upper: dict, lower: dict) -> dict:
    """The lower row's text appended to the upper row (a task the parser split in two)."""
    merged = dict(upper)
    for key in ("title", "activity", "output"):
        parts = [squash(upper.get(key)), squash(lower.get(key))]
        merged[key] = " ".join(p for p in parts if p) or None
    for key in ("lead", "support"):
        merged[key] = list(dict.fromkeys([*(upper.get(key) or []), *(lower.get(key) or [])]))
    for key in ("timeframe", "due", "recurrence", "index", "field", "criterion", "measure", "budget_million_vnd"):
        if not merged.get(key):
            merged[key] = lower.get(key)
    return merged


@login_required
@require_POST
def import_row_merge(request: HttpRequest, pk: int, row_id: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    with transaction.atomic():
        session = _locked(session)
        pos = _row_position(session, row_id)
        if pos == 0:
            messages.error(request, _("Dòng đầu tiên không có dòng nào phía trên để gộp vào."))
            return redirect(_preview_url(session))
        session.rows[pos - 1] = merge_rows(session.rows[pos - 1], session.rows[pos])
        del session.rows[pos]
        session.save(update_fields=["rows", "updated_at"])
        upper_id = session.rows[pos - 1]["_id"]
    if not request.htmx:
        messages.success(request, _("Đã gộp dòng vào dòng phía trên."))
    return _review_response(request, session, upper_id)


@login_required
@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Drop the session and its uploaded file; nothing was saved as a plan."""
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    storage, name = session.source_file.storage, session.source_file.name
    session.delete()
    if name:
        storage.delete(name)
    messages.success(request, _("Đã hủy phiên nhập văn bản."))
    return redirect("plan_list")


# --------------------------------------------------------------------------------------------------
# Confirm: a new draft plan, or a new version of the existing one
# --------------------------------------------------------------------------------------------------

def _source(session: ImportSession) -> File | None:
    if not session.source_file:
        return None
    return File(session.source_file.open("rb"), name=session.filename)


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    try:
        with transaction.atomic():
            session = _locked(session)
            if session.confirmed_at is not None:  # a second click while the first was saving
                return _done(request, session)
            if not session.rows:
                raise importing.ImportSaveError(_("Không còn dòng nhiệm vụ nào để lưu."))
            reviewer = _reviewer(session)
            blocking = {m.text for row in session.rows for m in reviewer.review(row).unmatched_lead}
            if blocking:
                raise importing.ImportSaveError(
                    _("Chưa lưu được: còn %(n)s đơn vị chủ trì chưa khớp (%(names)s). Hãy chọn đơn vị tương ứng hoặc "
                      "đánh dấu \"không thuộc cơ quan\".") % {"n": len(blocking), "names": "; ".join(sorted(blocking))})
            same = importing.same_document_plan(session.agency, session.result)
            if same is not None and not request.POST.get("duplicate_ok"):
                raise importing.ImportSaveError(
                    _("Văn bản này giống hệt tệp của kế hoạch \"%(title)s\" đã nhập; hãy xác nhận nếu vẫn muốn tạo "
                      "kế hoạch thứ hai.") % {"title": same.title[:120]})
            plan = importing.save_import(request.user, session.agency, session.result,
                                         source_file=_source(session), rows=session.rows)
            session.plan, session.confirmed_at = plan, timezone.now()
            session.save(update_fields=["plan", "confirmed_at", "updated_at"])
    except importing.ImportSaveError as exc:
        messages.error(request, str(exc))
        return redirect(_preview_url(session))
    messages.success(request, _("Đã nhập kế hoạch với %(n)s nhiệm vụ (dự thảo).") % {"n": plan.tasks.count()})
    return redirect("plan_detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_version(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session(request, pk)
    if done := _done(request, session):
        return done
    plan = importing.existing_plan(session.agency, session.result)
    if plan is None:
        messages.info(request, _("Cơ quan chưa có kế hoạch cùng số và năm; văn bản sẽ được lưu thành kế hoạch mới."))
        return redirect(_preview_url(session))
    perms.require(perms.can_edit_plan(request.user, plan))
    if request.method == "POST":
        decisions = {"header": bool(request.POST.get("header")),
                     "change": _ints(request.POST.getlist("change")), "add": _ints(request.POST.getlist("add")),
                     "remove": _ints(request.POST.getlist("remove"))}
        with transaction.atomic():
            session = _locked(session)
            if session.confirmed_at is not None:
                return _done(request, session)
            diff = importing.apply_new_version(request.user, plan, session.result, decisions, rows=session.rows,
                                               source_file=_source(session) if decisions["header"] else None)
            session.plan, session.confirmed_at = plan, timezone.now()
            session.save(update_fields=["plan", "confirmed_at", "updated_at"])
        counts = {"c": sum(c.task.pk in decisions["change"] for c in diff.changed),
                  "a": sum(pos in decisions["add"] for pos, _row in diff.added),
                  "r": sum(t.pk in decisions["remove"] for t in diff.removed)}
        messages.success(request, _("Đã cập nhật kế hoạch theo phiên bản mới: %(c)s nhiệm vụ sửa, %(a)s thêm, "
                                    "%(r)s bỏ.") % counts)
        return redirect("plan_detail", pk=plan.pk)
    diff = importing.diff_import(plan, session.result, rows=session.rows)
    return render(request, "plans/import_version.html", {"nav": "plans", "session": session, "plan": plan,
                                                         "diff": diff})


def _catalog_nodes(session: ImportSession) -> list:
    """The catalog nodes a row can be set to: the frameworks the matcher prefers for this agency and year,
    one per index, in catalog order (fields first, their criteria under them)."""
    mapper = importing.NodeMapper(session.agency, importing.plan_year(session.result))
    chosen = {}
    for index, entries in mapper.nodes.items():
        best = max(entries, key=lambda e: e[0])[2].framework_id if entries else None
        chosen[index] = best
    return list(FrameworkNode.objects.filter(framework_id__in=[f for f in chosen.values() if f])
                .select_related("framework").order_by("framework__index", "order", "code"))


def _ints(values) -> list[int]:
    return [n for v in values if (n := id_or_none(str(v))) is not None]
