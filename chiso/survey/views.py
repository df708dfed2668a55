"""The office's pages of the survey: the live index, comments, the province ranking, counters with their
QR posters and kiosk links, the questionnaires. Thin: reads in queries.py, changes in actions.py, every
object checked in permissions.py."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts.access import require
from chiso.dossiers import charts
from chiso.exports.xlsx import xlsx_response
from chiso.lib.numbers import id_or_none
from chiso.org.models import Agency
from chiso.periods import windows as periods

from . import actions, formula, measures, poster, queries
from . import permissions as perms
from .forms import QuestionnaireForm
from .models import Channel, Counter, Questionnaire, SurveyTarget
from .public_views import kiosk_token

PAGE_SIZE = 50


def _period(request) -> periods.KpiPeriod:
    raw = request.GET.get("ky", "")
    if raw:
        try:
            return periods.parse(raw)
        except periods.PeriodError as exc:
            messages.error(request, str(exc))
    return periods.containing("year", timezone.localdate())


def _span(period) -> tuple[int, int]:
    return queries.month_index(period.start), queries.month_index(period.end)


def _years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))


def _pct(value):
    return None if value is None else round(value, 2)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if perms.can_view_ranking(request.user):
        return redirect("survey_ranking")
    unit = getattr(request.user, "unit", None)
    agency = unit.agency if unit is not None and perms.can_view_index(request.user, unit.agency) else None
    agency = agency or perms.index_agencies(request.user).order_by("name").first()
    require(agency is not None)
    return redirect("survey_dashboard", code=agency.code)


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """The live index of one agency: overall, aspects, questions, counters, procedures, trends, targets."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_view_index(request.user, agency))
    period = _period(request)
    first, last = _span(period)
    counters = list(Counter.objects.filter(agency=agency).order_by("name"))
    names = {c.pk: c.name for c in counters}
    raw = request.GET.get("quay", "")
    counter_id = id_or_none(raw) if id_or_none(raw) in names else None
    procedure = request.GET.get("thu-tuc", "").strip()[:200]
    meta = queries.meta_for(agency)
    ids = [agency.pk]
    # one scan by counter (for every counter); the overall figure is the sum of the chosen counters' cells
    counter_cells = queries.counts(ids, first, last, "counter_id", None, procedure, meta)
    by_counter = {k: formula.score(c, meta.aspect_of, meta.weights) for k, c in counter_cells.items()}
    chosen = [c for k, c in counter_cells.items() if counter_id is None or k == counter_id]
    overall = formula.score(queries.merged(chosen), meta.aspect_of, meta.weights)
    n_responses = queries.responses_count(ids, first, last, None, counter_id, procedure)[None]
    aspects = [{"code": a, "name": meta.aspect_name.get(a, a), "value": _pct(overall.aspects.get(a))}
               for a in meta.aspect_order if a in overall.aspects]
    questions = [{"code": c, "text": meta.question_text.get(c, c), "aspect": meta.aspect_of.get(c),
                  "sat": overall.counts[c][0], "valid": overall.counts[c][1], "value": _pct(overall.questions[c])}
                 for c in meta.question_order if c in overall.counts]
    counter_n = queries.responses_count(ids, first, last, "counter_id", None, procedure)
    counter_rows = sorted(({"pk": k, "name": names.get(k, _("(không theo quầy)")), "value": _pct(s.overall),
                            "responses": counter_n.get(k, 0)} for k, s in by_counter.items()),
                          key=lambda r: (r["value"] is None, r["value"] or 0))
    by_proc = queries.grouped(ids, first, last, "procedure_key", counter_id, None, meta)
    proc_n = queries.responses_count(ids, first, last, "procedure_key", counter_id)
    proc_names = queries.procedure_names(ids, first, last)
    proc_rows = sorted(({"name": proc_names.get(k) or _("(không ghi thủ tục)"), "key": proc_names.get(k, ""),
                         "value": _pct(s.overall), "responses": proc_n.get(k, 0)} for k, s in by_proc.items()),
                       key=lambda r: -r["responses"])[:20]
    proc_rows.sort(key=lambda r: (r["value"] is None, r["value"] or 0))
    year = period.start.year
    # one scan for the months of the last five years: the year's months and each year's figure
    by_month = queries.counts(ids, (year - 4) * 12, year * 12 + 11, "month", counter_id, procedure, meta)
    month_n = queries.responses_count(ids, year * 12, year * 12 + 11, "month", counter_id, procedure)

    def score_of(cells):
        cell = queries.merged(cells)
        return _pct(formula.score(cell, meta.aspect_of, meta.weights).overall) if cell else None

    trend = [{"period": periods.from_index("month", year * 12 + i),
              "value": score_of([by_month[year * 12 + i]]) if year * 12 + i in by_month else None,
              "responses": month_n.get(year * 12 + i, 0)} for i in range(12)]
    years = [{"year": y, "value": score_of([by_month[m] for m in range(y * 12, y * 12 + 12) if m in by_month])}
             for y in range(year - 4, year + 1)]
    lowest_aspects = sorted((a for a in aspects if a["value"] is not None), key=lambda a: a["value"])[:2]
    lowest_counters = [r for r in counter_rows if r["value"] is not None and r["responses"]][:3]
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(f"hai-long-{agency.code}-{period.code}", [
            _("Nhóm"), _("Mã"), _("Tên"), _("Số phiếu"), _("Hài lòng / hợp lệ"), _("Tỷ lệ hài lòng (%)")],
            _export_rows(overall, n_responses, aspects, questions, counter_rows, proc_rows, trend))
    year_cache: dict = {y["year"]: y["value"] for y in years} if not counter_id and not procedure else {}

    def value_of_year(y):
        if y not in year_cache:
            s = queries.grouped(ids, y * 12, y * 12 + 11, None, None, "", meta).get(None)
            year_cache[y] = _pct(s.overall) if s else None
        return year_cache[y]

    from chiso.plans.models import Plan, Task

    tasks = (Task.objects.filter(plan__agency=agency, plan__status=Plan.Status.IN_FORCE)
             .select_related("plan").order_by("plan__year", "order")[:500])
    return render(request, "survey/dashboard.html", {
        "nav": "survey", "agency": agency, "period": period, "periods": periods.of_year(year), "year": year,
        "years": _years(), "counters": counters, "counter_id": counter_id, "procedure": procedure,
        "overall": _pct(overall.overall), "n_responses": n_responses, "n_answers": overall.answers,
        "aspects": aspects, "questions": questions, "counter_rows": counter_rows, "proc_rows": proc_rows,
        "trend": trend, "year_rows": years, "target": meta.target,
        "lowest_aspects": lowest_aspects, "lowest_counters": lowest_counters,
        "measured": measures.measured(tasks, value_of_year, {
            t.task_id: t for t in SurveyTarget.objects.filter(task__in=[t.pk for t in tasks])}),
        "trend_svg": charts.trend_svg([(f"{t['period'].start.month:02d}", t["value"]) for t in trend], meta.target,
                                      label=_("Tỷ lệ hài lòng theo tháng")),
        "aspect_svg": charts.bars_svg([(a["name"], a["value"]) for a in aspects],
                                      label=_("Tỷ lệ hài lòng theo yếu tố")),
        "counter_svg": charts.bars_svg([(r["name"], r["value"]) for r in counter_rows],
                                       label=_("Tỷ lệ hài lòng theo quầy")),
        "agencies": perms.index_agencies(request.user).order_by("name"),
        "can_manage": perms.can_manage_counters(request.user, agency),
        "can_rank": perms.can_view_ranking(request.user),
        "keep": {k: v for k, v in (("quay", counter_id or ""), ("thu-tuc", procedure)) if v},
    })


def _export_rows(overall, n, aspects, questions, counters, procs, trend):
    yield [_("Chung"), "", _("Chỉ số hài lòng chung"), n, "", _pct(overall.overall)]
    for a in aspects:
        yield [_("Yếu tố"), a["code"], a["name"], "", "", a["value"]]
    for q in questions:
        yield [_("Nhận định"), q["code"], q["text"], "", f"{q['sat']} / {q['valid']}", q["value"]]
    for c in counters:
        yield [_("Quầy"), "", c["name"], c["responses"], "", c["value"]]
    for p in procs:
        yield [_("Thủ tục"), "", p["name"], p["responses"], "", p["value"]]
    for t in trend:
        yield [_("Tháng"), t["period"].code, t["period"].label, t["responses"], "", t["value"]]


@login_required
def comments(request: HttpRequest, code: str) -> HttpResponse:
    """Free comments, filterable by period, counter, words and unhappy answers; XLSX export."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_view_index(request.user, agency))
    period = _period(request)
    first, last = _span(period)
    counters = list(Counter.objects.filter(agency=agency).order_by("name"))
    raw = request.GET.get("quay", "")
    counter_id = id_or_none(raw) if any(c.pk == id_or_none(raw) for c in counters) else None
    search = request.GET.get("q", "").strip()[:100]
    low = request.GET.get("chua-hai-long") == "1"
    qs = queries.comments(agency.pk, first, last, counter_id, search, low)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(f"gop-y-{agency.code}-{period.code}",
                             [_("Thời điểm"), _("Quầy"), _("Kênh"), _("Thủ tục"), _("Góp ý")],
                             ([r.submitted_at, r.counter.name if r.counter else "", r.get_channel_display(),
                               r.procedure, r.comment] for r in qs.iterator()))
    total = qs.count()
    try:
        page = max(1, min(id_or_none(request.GET.get("trang", "1")) or 1, math.ceil(total / PAGE_SIZE) or 1))
    except ValueError:
        page = 1
    rows = list(qs[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
    keep = request.GET.copy()
    keep.pop("trang", None)
    return render(request, "survey/comments.html", {
        "nav": "survey", "agency": agency, "period": period, "periods": periods.of_year(period.start.year),
        "year": period.start.year, "years": _years(), "counters": counters, "counter_id": counter_id,
        "search": search, "low": low, "rows": rows, "total": total, "page": page,
        "pages": max(1, math.ceil(total / PAGE_SIZE)), "query": keep.urlencode(),
        "keep": {k: v for k, v in (("quay", counter_id or ""), ("q", search), ("chua-hai-long", "1" if low else ""))
                 if v}})


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """Every agency the coordinator sees, ranked by its satisfaction index in the period."""
    require(perms.can_view_ranking(request.user))
    period = _period(request)
    first, last = _span(period)
    agencies = {a.pk: a for a in perms.index_agencies(request.user).filter(is_active=True, is_coordinator=False)}
    meta = queries.meta_for()
    scores = queries.grouped(list(agencies), first, last, "agency_id", meta=meta)
    counts = queries.responses_count(list(agencies), first, last, "agency_id")
    rows = [{"agency": a, "value": _pct(scores[pk].overall) if pk in scores else None, "responses": counts.get(pk, 0),
             "aspects": {c: _pct(v) for c, v in scores[pk].aspects.items()} if pk in scores else {}}
            for pk, a in agencies.items()]
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["agency"].name))
    rank = 0
    for i, r in enumerate(rows):
        if r["value"] is not None:
            rank = i + 1 if i == 0 or rows[i - 1]["value"] != r["value"] else rank
            r["rank"] = rank
        r["aspect_list"] = [r["aspects"].get(c) for c in meta.aspect_order]
        r["met"] = None if r["value"] is None else r["value"] >= meta.target
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(f"xep-hang-hai-long-{period.code}",
                             [_("Hạng"), _("Cơ quan"), _("Số phiếu"), _("Tỷ lệ hài lòng (%)"),
                              *[meta.aspect_name.get(c, c) for c in meta.aspect_order]],
                             ([r.get("rank", ""), r["agency"].name, r["responses"], r["value"], *r["aspect_list"]]
                              for r in rows))
    return render(request, "survey/ranking.html", {
        "nav": "survey", "rows": rows, "period": period, "periods": periods.of_year(period.start.year),
        "year": period.start.year, "years": _years(), "target": meta.target,
        "aspect_heads": [(c, meta.aspect_name.get(c, c)) for c in meta.aspect_order], "keep": {},
        "svg": charts.bars_svg([(r["agency"].name, r["value"]) for r in rows], label=_("Tỷ lệ hài lòng"))})


@login_required
def counters(request: HttpRequest, code: str) -> HttpResponse:
    """The agency's service counters: add, rename, switch off; each with its link, poster and kiosk link."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_manage_counters(request.user, agency))
    if request.method == "POST":
        pk = request.POST.get("pk", "")
        try:
            actions.do_save_counter(request.user, agency, request.POST.get("name", ""),
                                    is_active=request.POST.get("is_active") == "1" if pk else True,
                                    pk=id_or_none(pk),
                                    version=id_or_none(request.POST.get("version", "")))
        except actions.Refused as exc:
            messages.error(request, str(exc))
        except Counter.DoesNotExist:
            messages.error(request, _("Không có quầy này."))
        else:
            messages.success(request, _("Đã lưu quầy."))
        return redirect("survey_counters", code=agency.code)
    rows = [{"counter": c, "url": poster.survey_url(agency, c), "kiosk": f"{poster.survey_url(agency, c)}?kiosk="
             f"{kiosk_token(c)}"} for c in Counter.objects.filter(agency=agency).order_by("-is_active", "name")]
    return render(request, "survey/counters.html", {
        "nav": "survey", "agency": agency, "rows": rows, "agency_url": poster.survey_url(agency, None),
        "questionnaire": actions.active_questionnaire(agency)})


@login_required
def poster_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The QR poster of one counter (?quay=<id>) or of every active counter. Reads only."""
    agency = get_object_or_404(Agency, code=code)
    require(perms.can_manage_counters(request.user, agency))
    raw = request.GET.get("quay", "")
    counter = Counter.objects.filter(agency=agency, pk=id_or_none(raw)).first() if id_or_none(raw) else None
    content = poster.poster_pdf(agency, [counter] if counter else None)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"ma-qr-{agency.code}{'-' + counter.slug if counter else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- questionnaires (administrators) ------------------------------------------------------------------

@login_required
def questionnaires(request: HttpRequest) -> HttpResponse:
    require(perms.can_edit_questionnaires(request.user))
    if request.method == "POST":
        agency = None
        if id_or_none(request.POST.get("agency", "")):
            agency = Agency.objects.filter(pk=id_or_none(request.POST["agency"])).first()
        q = actions.do_create_questionnaire(request.user, agency)
        messages.success(request, _("Đã tạo bản nháp %(q)s.") % {"q": q})
        return redirect("survey_questionnaire", pk=q.pk)
    rows = Questionnaire.objects.select_related("agency").order_by("agency__name", "-version")
    return render(request, "survey/questionnaires.html", {
        "nav": "survey", "rows": rows, "agencies": Agency.objects.filter(is_active=True).order_by("name")})


@login_required
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    require(perms.can_edit_questionnaires(request.user))
    q = get_object_or_404(Questionnaire.objects.select_related("agency"), pk=pk)
    form = QuestionnaireForm(request.POST or None, instance=q)
    if request.method == "POST":
        if q.status != Questionnaire.Status.DRAFT:
            messages.error(request, _("Chỉ sửa được bản nháp; hãy tạo phiên bản mới từ phiếu đang dùng."))
        elif form.is_valid():
            try:
                actions.do_save_questionnaire(request.user, q.pk, form.cleaned_data["revision"], form.changes(),
                                              form.specs)
            except actions.Refused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("survey_questionnaire", pk=q.pk)
    return render(request, "survey/questionnaire.html", {
        "nav": "survey", "q": q, "form": form, "editable": q.status == Questionnaire.Status.DRAFT,
        "aspects": q.aspects.prefetch_related("questions"), "answered": q.responses.exists()})


@login_required
@require_POST
def questionnaire_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    require(perms.can_edit_questionnaires(request.user))
    q = get_object_or_404(Questionnaire, pk=pk)
    try:
        if verb == "phien-ban-moi":
            q = actions.do_new_version(request.user, q.pk)
            messages.success(request, _("Đã tạo bản nháp phiên bản %(v)s.") % {"v": q.version})
        elif verb == "ap-dung":
            actions.do_activate(request.user, q.pk)
            messages.success(request, _("Đã áp dụng phiên bản %(v)s; phiên bản trước được thay thế.") % {
                "v": q.version})
        else:
            require(False)
    except actions.Refused as exc:
        messages.error(request, str(exc))
    return redirect("survey_questionnaire", pk=q.pk)


# --- paper forms and spreadsheets (the office) -----------------------------------------------------------

@login_required
def paper_entry(request: HttpRequest, code: str) -> HttpResponse:
    """Typing paper forms, keyboard only: one string of digits per sheet, Enter saves, the next sheet starts
    with the same counter and date."""
    import secrets

    from . import paper
    from .forms import questions_of, read_sheet, reshown

    agency = get_object_or_404(Agency, code=code)
    require(perms.can_enter_answers(request.user, agency))
    q = actions.active_questionnaire(agency)
    counters = list(Counter.objects.filter(agency=agency, is_active=True).order_by("name"))
    errors: list[str] = []
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" and q is not None:
        raw = data.get("quay", "")
        counter = next((c for c in counters if str(c.pk) == raw), None)
        if raw and counter is None:
            errors.append(_("Không có quầy này."))
        day = paper.parse_day(data.get("ngay"))
        if (msg := paper.check_day(day)) is not None:
            errors.append(msg)
        values, msg = paper.digits_to_data(q, data.get("day-tra-loi", ""))
        if msg:
            errors.append(msg)
        sheet = read_sheet(q, {**values, **{k: data.get(k, "") for k in ("receipt_code", "procedure", "comment",
                                                                           "applied_via", "age_group")}})
        if not msg:
            errors += list(sheet.errors.values())
        if not errors:
            try:
                actions.do_submit(actions.Submission(
                    questionnaire=q, agency=agency, counter=counter, channel=Channel.PAPER, values=sheet.values,
                    procedure=sheet.procedure, applied_via=sheet.applied_via, age_group=sheet.age_group,
                    comment=sheet.comment, receipt_code=sheet.receipt_code, entered_by=request.user,
                    when=paper.when_of(day), nonce=actions.salted("paper", data.get("nonce", ""))))
            except actions.Duplicate as exc:
                errors.append(str(exc))
            else:
                messages.success(request, _("Đã ghi phiếu giấy (%(d)s%(c)s).") % {
                    "d": day.strftime("%d/%m/%Y"), "c": f", {counter.name}" if counter else ""})
                return redirect(f"{request.path}?quay={counter.pk if counter else ''}&ngay={data.get('ngay', '')}")
    today = timezone.localdate()
    if errors and q is not None:
        data = reshown(q, data)  # a refused sheet comes back with each field cut to its limit
    return render(request, "survey/paper.html", {
        "nav": "survey", "agency": agency, "q": q, "counters": counters, "errors": errors, "data": data,
        "questions": questions_of(q) if q else [], "nonce": secrets.token_hex(16),
        "digits": data.get("day-tra-loi", "") if errors else "",
        "day": data.get("ngay") or today.strftime("%d/%m/%Y"), "counter_id": data.get("quay", ""),
        "n": sum(1 for _x in questions_of(q)) if q else 0}, status=400 if errors else 200)


@login_required
def import_answers(request: HttpRequest, code: str) -> HttpResponse:
    """Answers from a spreadsheet (one row per sheet); every bad row listed, nothing stored unless all are good."""
    from . import paper

    agency = get_object_or_404(Agency, code=code)
    require(perms.can_enter_answers(request.user, agency))
    q = actions.active_questionnaire(agency)
    if q is not None and request.GET.get("mau") == "xlsx":
        return xlsx_response(f"mau-phieu-khao-sat-{agency.code}", paper.template_headers(q), [])
    errors: list[str] = []
    if request.method == "POST" and q is not None:
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("Hãy chọn tệp XLSX."))
        elif upload.size > 20 * 1024 * 1024:
            errors.append(_("Tệp lớn hơn 20 MB; hãy chia nhỏ."))
        else:
            rows, errors = paper.read_xlsx(upload, agency, q, request.user)
            if not errors:
                try:
                    n = paper.do_import_answers(rows)
                except actions.Refused as exc:
                    errors.append(str(exc))
                else:
                    messages.success(request, _("Đã nhập %(n)s phiếu.") % {"n": n})
                    return redirect("survey_dashboard", code=agency.code)
    return render(request, "survey/import.html", {"nav": "survey", "agency": agency, "q": q,
                                                  "errors": errors[:200], "more": max(0, len(errors) - 200)},
                  status=400 if errors else 200)


@login_required
@require_POST
def decide_target(request: HttpRequest, pk: int) -> HttpResponse:
    """The office confirms or refuses a task target found in the wording ("trên 90% … hài lòng")."""
    from chiso.plans.models import Task

    task = get_object_or_404(Task.objects.select_related("plan__agency"), pk=pk)
    agency = task.plan.agency
    require(perms.can_confirm_targets(request.user, agency))
    try:
        actions.do_decide_target(request.user, task, request.POST.get("quyet-dinh") == "confirm")
    except actions.Refused as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('survey_dashboard', args=[agency.code])}#measures")
