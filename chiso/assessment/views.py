"""Pages of the assessment loop: rounds, one agency's self-assessment grid, its review, the province ranking,
the projection fragment and the evidence pack. Thin: permissions from `permissions`, changes through
`actions`, reads from `queries`, `projection` and `ranking`."""

from datetime import datetime
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chiso.accounts.access import can_view_agency, coordinates
from chiso.files.serving import attachment
from chiso.frameworks.models import Framework
from chiso.lib.numbers import id_or_none, parse_vn_decimal
from chiso.org.models import Agency, Province
from chiso.tracking.models import Evidence

from . import actions, queries
from . import permissions as perms
from .charts import field_bars
from .models import Round, Score, ScoreEvidence, Submission

NAV = "assessment"


class RoundForm(forms.Form):
    framework = forms.ModelChoiceField(label=gettext_lazy("Bộ chỉ số"), queryset=Framework.objects.none())
    name = forms.CharField(label=gettext_lazy("Tên đợt"), required=False, max_length=300)
    self_due = forms.DateField(label=gettext_lazy("Hạn tự đánh giá"))
    review_due = forms.DateField(label=gettext_lazy("Hạn thẩm định"))
    explain_due = forms.DateField(label=gettext_lazy("Hạn giải trình"))
    final_due = forms.DateField(label=gettext_lazy("Hạn công bố kết quả"))
    survey_max = forms.DecimalField(label=gettext_lazy("Điểm tối đa điều tra xã hội học"), required=False,
                                    min_value=0, max_digits=7, decimal_places=3)

    def __init__(self, province, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = Framework.objects.filter(
            Q(province=province) | Q(province__isnull=True), index="PAR_INDEX").order_by("-year", "level")


def _province_of(user) -> Province | None:
    """The province a coordinator works for (the first, for the rare person coordinating two)."""
    from chiso.accounts.access import access_of

    acc = access_of(user)
    if acc.coordinator_provinces:
        return Province.objects.filter(pk__in=acc.coordinator_provinces).order_by("pk").first()
    if acc.is_admin:
        return Province.objects.filter(is_current=True).order_by("pk").first()
    return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    province = _province_of(request.user)
    form = RoundForm(province) if province and perms.can_manage_rounds(request.user, province) else None
    return _render_index(request, province, form)


def _render_index(request, province, form, status=200):
    rounds = perms.visible_rounds(request.user).select_related("framework", "province")
    subs = (perms.visible_submissions(request.user).filter(agency__in=_own_agencies(request.user))
            .select_related("round", "agency"))
    return render(request, "assessment/index.html", {
        "nav": NAV, "rounds": rounds, "own": subs, "form": form, "province": province}, status=status)


def _own_agencies(user):
    from chiso.accounts.access import access_of

    acc = access_of(user)
    return [a for a, roles in acc.roles.items() if roles - {"coordinator"}]


@require_POST
@login_required
def open_round(request: HttpRequest) -> HttpResponse:
    province = _province_of(request.user)
    if province is None or not perms.can_manage_rounds(request.user, province):
        raise PermissionDenied
    form = RoundForm(province, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rnd = actions.do_open_round(
                request.user, province, data["framework"],
                actions.Deadlines(data["self_due"], data["review_due"], data["explain_due"], data["final_due"]),
                name=data["name"], survey_max=data["survey_max"])
        except actions.AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã mở đợt “%(name)s” cho %(n)d cơ quan.") % {
                "name": rnd.name, "n": rnd.submissions.count()})
            return redirect("assessment_round", pk=rnd.pk)
    return _render_index(request, province, form, status=400)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from .ranking import round_ranking

    rnd = get_object_or_404(Round.objects.select_related("province", "framework"), pk=pk)
    coordinator = coordinates(request.user, rnd.province)
    visible = perms.visible_submissions(request.user).filter(round=rnd)
    if not coordinator and not visible.exists():
        raise PermissionDenied
    table = round_ranking(rnd, visible_ids=set(visible.values_list("pk", flat=True)))
    return render(request, "assessment/round.html", {
        "nav": NAV, "round": rnd, "table": table, "coordinator": coordinator,
        "can_publish": coordinator and rnd.published_at is None})


@require_POST
@login_required
def import_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator imports the survey points of the round's agencies (all or nothing)."""
    from .imports import do_import_survey

    rnd = get_object_or_404(Round.objects.select_related("province"), pk=pk)
    if not coordinates(request.user, rnd.province):
        raise PermissionDenied
    upload = request.FILES.get("file")
    try:
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            raise actions.AssessmentError(_("Hãy chọn tệp .xlsx."))
        count = do_import_survey(request.user, rnd, upload.read())
        messages.success(request, _("Đã nhập điểm điều tra xã hội học của %(n)d cơ quan.") % {"n": count})
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return redirect("assessment_round", pk=rnd.pk)


@require_POST
@login_required
def publish_round(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    try:
        actions.do_publish_round(request.user, rnd)
        messages.success(request, _("Đã công bố kết quả."))
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return redirect("assessment_round", pk=rnd.pk)


def _submission(request, pk) -> Submission:
    sub = get_object_or_404(Submission.objects.select_related("round", "round__province", "round__framework",
                                                             "agency"), pk=pk)
    if not perms.can_view_submission(request.user, sub):
        raise PermissionDenied
    return sub


def _refused(request, exc: actions.AssessmentError) -> None:
    if str(exc) == _("Bạn không có quyền thực hiện việc này."):
        raise PermissionDenied
    messages.error(request, str(exc))
    if str(exc) != " ".join(exc.problems):  # the problems are not already the message: list them
        for problem in exc.problems:
            messages.error(request, problem)


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sub = _submission(request, pk)
    user = request.user
    lines = queries.grid(sub, user)
    _add_links(lines)
    totals = queries.totals_of(lines, sub)
    flagged = [ln for ln in lines if ln.flagged]
    last = _last_year_fields(sub)
    chart = field_bars([(f"{node.code}. {node.name}", reviewed if sub.state in _REVIEWED_STATES else own,
                         None, last.get(node.code), node.max_score) for node, own, reviewed, _f in totals.fields],
                       label=_("Điểm theo lĩnh vực"))
    ctx = {
        "nav": NAV, "sub": sub, "round": sub.round, "lines": lines, "totals": totals, "flagged": flagged,
        "chart": chart, "last_year": last,
        "can_submit": perms.can_submit(user, sub), "can_approve": perms.can_approve(user, sub),
        "can_review": perms.can_review(user, sub), "can_answer": perms.can_answer(user, sub),
        "can_finalize": perms.can_finalize(user, sub), "can_survey": perms.can_enter_survey(user, sub),
        "can_send_review": sub.state == Submission.State.SUBMITTED and perms.is_coordinator_of(user, sub),
        "can_pack": perms.can_export_pack(user, sub), "coordinator": perms.is_coordinator_of(user, sub),
        "pack_job": _pack_job(request, sub),
        "pending_reviews": sum(1 for ln in lines if ln.score and ln.score.review == Score.Review.PENDING),
    }
    return render(request, "assessment/submission.html", ctx)


def _linker(name: str):
    """pk -> URL of `name` without resolving the pattern again for each of hundreds of rows."""
    marker = "987654321"
    url = reverse(name, args=[marker])
    return lambda pk: url.replace(marker, str(pk))


def _add_links(lines) -> None:
    save, evidence, review = (_linker("assessment_save_score"), _linker("assessment_add_evidence"),
                              _linker("assessment_review_score"))
    answer, remove, file = (_linker("assessment_answer"), _linker("assessment_remove_evidence"),
                            _linker("assessment_evidence_file"))
    task = _linker("task_detail")
    for ln in lines:
        if ln.score is None:
            continue
        pk = ln.score.pk
        ln.url_save, ln.url_evidence, ln.url_review = save(pk), evidence(pk), review(pk)
        ln.url_answer, ln.url_remove = answer(pk), remove(pk)
        for e in ln.evidence:
            e.url = file(e.pk)
        for t in ln.tasks:
            t.url = task(t.pk)


_REVIEWED_STATES = {Submission.State.REVIEWED, Submission.State.FINAL}


def _last_year_fields(sub: Submission) -> dict:
    from .projection import last_year_fields

    return last_year_fields(sub.agency, sub.round.year)


def _pack_job(request, sub):
    """The person's latest pack job for this submission (its progress shows on the page)."""
    from chiso.jobs.models import Job

    return (Job.objects.filter(kind="assessment_pack", created_by=request.user, arguments__submission=sub.pk)
            .order_by("-pk").first())


@require_POST
@login_required
def pack_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the evidence pack; the page shows its progress and the download when it is ready."""
    from chiso.jobs.api import enqueue

    sub = _submission(request, pk)
    if not perms.can_export_pack(request.user, sub):
        raise PermissionDenied
    enqueue("assessment_pack", {"submission": sub.pk}, user=request.user, agency_id=sub.agency_id,
            message=_("Đang chờ đóng gói hồ sơ kê khai"))
    messages.success(request, _("Đang đóng gói hồ sơ kê khai; tệp sẽ sẵn sàng ở đây khi xong."))
    return _back(sub, "ho-so-ke-khai")


@login_required
def pack_download(request: HttpRequest, pk: int, job_id: int) -> HttpResponse:
    from django.http import FileResponse, Http404

    from chiso.jobs.models import Job

    from .pack import pack_filename, pack_path

    sub = _submission(request, pk)
    if not perms.can_export_pack(request.user, sub):
        raise PermissionDenied
    job = get_object_or_404(Job, pk=job_id, kind="assessment_pack", arguments__submission=sub.pk)
    if job.created_by_id != request.user.pk and not perms.access_of(request.user).is_admin:
        raise PermissionDenied
    path = pack_path(job.pk, sub)
    if job.state != "done" or not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True, filename=pack_filename(sub),
                            content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _back(sub: Submission, anchor: str = "") -> HttpResponse:
    return redirect(reverse("assessment_submission", args=[sub.pk]) + (f"#{anchor}" if anchor else ""))


def _score(request, pk) -> Score:
    score = get_object_or_404(Score.objects.select_related("node", "submission__round__province",
                                                           "submission__agency"), pk=pk)
    if not perms.can_view_submission(request.user, score.submission):
        raise PermissionDenied
    return score


class BadInput(Exception):
    pass


def _decimal(value: str, label: str) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        return None
    number = parse_vn_decimal(value.rstrip("%"))
    if number is None:
        raise BadInput(_("%(label)s “%(value)s” không phải là số.") % {"label": label, "value": value})
    return number


def _declared(post) -> actions.Declared:
    yes = {"co": True, "khong": False}.get(post.get("yes", ""), None)
    count = _decimal(post.get("count", ""), _("Số lượng"))
    if count is not None and count != count.to_integral_value():
        raise BadInput(_("Số lượng phải là số nguyên."))
    return actions.Declared(yes=yes, rate=_decimal(post.get("rate", ""), _("Tỷ lệ")),
                            count=int(count) if count is not None else None,
                            score=_decimal(post.get("score", ""), _("Điểm tự chấm")),
                            explanation=post.get("explanation", "")[:5000])


@require_POST
@login_required
def save_score(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        actions.do_save_score(request.user, score, _declared(request.POST), version)
        messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": score.node.code})
    except BadInput as exc:
        messages.error(request, str(exc))
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(score.submission, f"tc-{score.pk}")


@require_POST
@login_required
def add_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    try:
        if request.POST.get("source"):
            try:
                source = Evidence.objects.get(pk=int(request.POST["source"]))
            except (ValueError, Evidence.DoesNotExist):
                raise actions.AssessmentError(_("Không tìm thấy tài liệu đã chọn.")) from None
            actions.do_pick_evidence(request.user, score, source)
        else:
            doc_date = None
            if request.POST.get("doc_date", "").strip():
                try:
                    doc_date = datetime.strptime(request.POST["doc_date"].strip(), "%d/%m/%Y").date()  # noqa: DTZ007
                except ValueError:
                    raise actions.AssessmentError(_("Ngày văn bản phải viết dạng dd/mm/yyyy.")) from None
            actions.do_add_evidence(request.user, score, upload=request.FILES.get("file"),
                                    doc_number=request.POST.get("doc_number", ""), doc_date=doc_date,
                                    doc_summary=request.POST.get("doc_summary", ""))
        messages.success(request, _("Đã thêm tài liệu cho tiêu chí %(code)s.") % {"code": score.node.code})
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(score.submission, f"tc-{score.pk}")


@require_POST
@login_required
def remove_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one evidence item of a sub-criterion (the row's form names it in `item`)."""
    score = _score(request, pk)
    try:
        item = ScoreEvidence.objects.get(pk=int(request.POST.get("item", "")), score=score)
    except (ValueError, ScoreEvidence.DoesNotExist):
        messages.error(request, _("Không tìm thấy tài liệu cần gỡ."))
        return _back(score.submission, f"tc-{score.pk}")
    try:
        actions.do_remove_evidence(request.user, item)
        messages.success(request, _("Đã gỡ tài liệu."))
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(score.submission, f"tc-{score.pk}")


@login_required
def download_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(ScoreEvidence.objects.select_related("source", "score__submission__round__province",
                                                                  "score__submission__agency"), pk=pk)
    if not perms.can_export_pack(request.user, item.score.submission):
        raise PermissionDenied
    return attachment(item.source if item.source_id else item)


def _step(request, pk, action, done_message):
    sub = _submission(request, pk)
    try:
        action(sub)
        messages.success(request, done_message)
    except BadInput as exc:
        messages.error(request, str(exc))
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(sub)


@require_POST
@login_required
def submit(request, pk):
    return _step(request, pk, lambda s: actions.do_submit(request.user, s),
                 _("Đã gửi lãnh đạo duyệt hồ sơ tự đánh giá."))


@require_POST
@login_required
def approve(request, pk):
    return _step(request, pk, lambda s: actions.do_approve(request.user, s),
                 _("Đã duyệt và gửi Sở Nội vụ thẩm định."))


@require_POST
@login_required
def send_back(request, pk):
    return _step(request, pk, lambda s: actions.do_return(request.user, s, request.POST.get("reason", "")),
                 _("Đã trả lại Văn phòng."))


@require_POST
@login_required
def accept_pending(request, pk):
    sub = _submission(request, pk)
    try:
        count = actions.do_accept_pending(request.user, sub)
        messages.success(request, _("Đã đồng ý %(n)d tiêu chí chưa thẩm định.") % {"n": count})
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(sub)


@require_POST
@login_required
def send_review(request, pk):
    return _step(request, pk, lambda s: actions.do_send_review(request.user, s),
                 _("Đã gửi kết quả thẩm định cho cơ quan."))


@require_POST
@login_required
def finalize(request, pk):
    return _step(request, pk, lambda s: actions.do_finalize(request.user, s), _("Đã chốt kết quả cuối cùng."))


@require_POST
@login_required
def survey(request, pk):
    return _step(request, pk, lambda s: actions.do_set_survey(
        request.user, s, _decimal(request.POST.get("survey", ""), _("Điểm điều tra xã hội học"))),
        _("Đã lưu điểm điều tra xã hội học."))


@require_POST
@login_required
def review_score(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    try:
        accept = request.POST.get("decision") == "accept"
        actions.do_review_score(request.user, score, accept=accept,
                                reviewed_score=None if accept else _decimal(request.POST.get("reviewed_score", ""),
                                                                             _("Điểm thẩm định")),
                                reason=request.POST.get("reason", "")[:2000])
        messages.success(request, _("Đã thẩm định tiêu chí %(code)s.") % {"code": score.node.code})
    except BadInput as exc:
        messages.error(request, str(exc))
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(score.submission, f"tc-{score.pk}")


@require_POST
@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    score = _score(request, pk)
    try:
        actions.do_answer(request.user, score, request.POST.get("answer", "")[:5000])
        messages.success(request, _("Đã gửi giải trình tiêu chí %(code)s.") % {"code": score.node.code})
    except actions.AssessmentError as exc:
        _refused(request, exc)
    return _back(score.submission, f"tc-{score.pk}")


@login_required
def projection_fragment(request: HttpRequest, code: str) -> HttpResponse:
    """The projection box for the agency dashboard and the plan page (loaded by HTMX; GET writes nothing)."""
    from .projection import projection_for

    agency = get_object_or_404(Agency, code=code)
    if not can_view_agency(request.user, agency):
        raise PermissionDenied
    year = request.GET.get("nam", "")
    projection = projection_for(agency, id_or_none(year))
    return render(request, "assessment/_projection.html", {"p": projection, "agency": agency})


@login_required
def projection_page(request: HttpRequest, code: str) -> HttpResponse:
    from .projection import projection_for

    agency = get_object_or_404(Agency, code=code)
    if not can_view_agency(request.user, agency):
        raise PermissionDenied
    year = request.GET.get("nam", "")
    projection = projection_for(agency, id_or_none(year))
    chart = field_bars([(f"{f.node.code}. {f.node.name}", f.projected, f.target, f.last_year, f.max_score)
                        for f in projection.fields], label=_("Dự kiến điểm theo lĩnh vực"))
    return render(request, "assessment/projection.html", {"nav": NAV, "p": projection, "agency": agency,
                                                          "chart": chart})


def _ranking_province(user) -> Province | None:
    """The coordinator's province, else the province of the person's agency."""
    province = _province_of(user)
    if province is None:
        own = _own_agencies(user)
        agency = Agency.objects.filter(pk__in=own).select_related("province").first()
        province = agency.province if agency else None
    return province


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    """The province's agencies ranked per field and in total, for the current round or a past year."""
    return _render_ranking(request)


def _render_ranking(request, errors=(), status=200):
    from .charts import ranking_bars
    from .ranking import STAGES, province_ranking

    province = _ranking_province(request.user)
    if province is None:
        raise PermissionDenied
    year = request.GET.get("nam", "")
    own_codes = set(Agency.objects.filter(pk__in=_own_agencies(request.user)).values_list("code", flat=True))
    highlight = request.GET.get("co-quan", "") or next(iter(sorted(own_codes)), "")
    data = province_ranking(province, id_or_none(year), highlight=highlight,
                            field_code=request.GET.get("linh-vuc", ""),
                            stage=request.GET.get("giai-doan", "") if request.GET.get("giai-doan") in STAGES else "")
    coordinator = coordinates(request.user, province)
    if not coordinator and data["round"] is not None and data["round"].published_at is None:
        for row in data["rows"]:  # before publication an agency sees only its own row of the round
            row.hidden = row.agency.code not in own_codes
    shown = [r for r in data["rows"] if not getattr(r, "hidden", False)]
    chart = ranking_bars([(r.agency.name, r.score, r.highlighted) for r in shown if r.score is not None],
                         label=_("Xếp hạng"))
    return render(request, "assessment/ranking.html", {
        "nav": NAV, "r": data, "province": province, "chart": chart, "coordinator": coordinator,
        "can_import": coordinator, "import_errors": errors}, status=status)


@require_POST
@login_required
def import_results(request: HttpRequest) -> HttpResponse:
    """The coordinator (or an administrator) imports published results for the province's agencies."""
    from chiso.accounts.access import access_of
    from chiso.frameworks.results import ResultsRejected, do_import_results

    province = _province_of(request.user)
    if province is None or not coordinates(request.user, province):
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None or not upload.name.lower().endswith(".xlsx"):
        return _render_ranking(request, [_("Hãy chọn tệp .xlsx.")], status=400)
    acc = access_of(request.user)
    try:
        result = do_import_results(upload.read(), request.user,
                                   provinces=None if acc.is_admin else set(acc.coordinator_provinces))
    except ResultsRejected as rejected:
        return _render_ranking(request, rejected.errors, status=400)
    messages.success(request, _("Đã nhập kết quả công bố: thêm %(c)d, cập nhật %(u)d dòng.") % {
        "c": result.created, "u": result.updated})
    return redirect("assessment_ranking")
