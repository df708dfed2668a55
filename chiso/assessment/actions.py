"""Every change of an assessment round, each in one transaction under a row lock, with its audit record and
its notices: open a round, draft a score and its evidence, submit, approve, review, answer, finalize,
survey points, publish. Views, commands, the demo and tests call these and nothing else."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.access import coordinates, leader_people, office_people, people
from chiso.accounts.models import Role
from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.files.checks import check_upload
from chiso.files.storage import remove_stored
from chiso.frameworks.exchange import tree_order
from chiso.frameworks.models import FrameworkNode
from chiso.frameworks.rules import quantize
from chiso.language import in_vietnamese
from chiso.lib.numbers import format_vn_decimal
from chiso.notifications.service import notify
from chiso.org.models import Agency
from chiso.periods.calendar import today as calendar_today
from chiso.tracking.models import Evidence

from . import permissions as perms
from .models import Round, Score, ScoreEvidence, Submission

Action = AuditEntry.Action
State = Submission.State


class AssessmentError(Exception):
    """A change refused; str() is one Vietnamese sentence (or several, joined)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


def vi(make) -> str:
    """Stored text (notices, round names) is Vietnamese whatever the actor's language."""
    return in_vietnamese(make)()


def _deny(allowed: bool) -> None:
    if not allowed:
        raise AssessmentError(_("Bạn không có quyền thực hiện việc này."))


def scored_nodes(framework) -> list[FrameworkNode]:
    """The nodes an agency scores itself: leaves of the tree that are not survey-only."""
    nodes = list(framework.nodes.all())
    parents = {n.parent_id for n in nodes if n.parent_id}
    return [n for n in nodes if n.pk not in parents and n.method != FrameworkNode.Method.SURVEY]


def round_agencies(province) -> list[Agency]:
    """The agencies a round covers: the province's active departments, the coordinator itself excluded."""
    return list(Agency.objects.filter(province=province, is_active=True, kind=Agency.Kind.DEPARTMENT,
                                      is_coordinator=False).order_by("name"))


# --- rounds -------------------------------------------------------------------------------------------

@dataclass
class Deadlines:
    self_due: date
    review_due: date
    explain_due: date
    final_due: date

    def problems(self) -> list[str]:
        order = [self.self_due, self.review_due, self.explain_due, self.final_due]
        if any(d is None for d in order):
            return [_("Cần đủ bốn hạn: tự đánh giá, thẩm định, giải trình, công bố.")]
        if order != sorted(order):
            return [_("Các hạn phải theo thứ tự: tự đánh giá, thẩm định, giải trình, công bố.")]
        return []


@transaction.atomic
def do_open_round(actor, province, framework, deadlines: Deadlines, *, name: str = "",
                  survey_max: Decimal | None = None, agencies=None) -> Round:
    """Open a round of `framework` for the province's agencies: one submission per agency with a row per
    scored sub-criterion; the offices are told."""
    _deny(perms.can_manage_rounds(actor, province))
    problems = deadlines.problems()
    if framework.province_id not in (None, province.pk):
        problems.append(_("Bộ chỉ số này là của tỉnh khác."))
    if survey_max is not None and survey_max < 0:
        problems.append(_("Điểm tối đa điều tra xã hội học không được âm."))
    if Round.objects.filter(province=province, framework=framework).exists():
        problems.append(_("Tỉnh đã có đợt đánh giá cho bộ chỉ số này."))
    nodes = scored_nodes(framework)
    if not nodes:
        problems.append(_("Bộ chỉ số chưa có tiêu chí nào để tự đánh giá."))
    if problems:
        raise AssessmentError(" ".join(problems), problems)
    rnd = Round.objects.create(
        province=province, framework=framework, year=framework.year, created_by=actor,
        name=name or vi(lambda: _("Đánh giá %(name)s năm %(year)d") % {
            "name": framework.get_index_display(), "year": framework.year}),
        self_due=deadlines.self_due, review_due=deadlines.review_due, explain_due=deadlines.explain_due,
        final_due=deadlines.final_due, survey_max=survey_max)
    record(actor, Action.CREATE, rnd, None, snapshot(rnd))
    agencies = list(agencies) if agencies is not None else round_agencies(province)
    subs = Submission.objects.bulk_create([Submission(round=rnd, agency=a) for a in agencies])
    Score.objects.bulk_create([Score(submission=s, node=n) for s in subs for n in nodes])
    for sub in Submission.objects.filter(round=rnd).select_related("agency"):
        record(actor, Action.CREATE, sub, None, snapshot(sub), agency=sub.agency)
        notify(office_people(sub.agency), "assessment_open",
               vi(lambda rnd=rnd: _("Mở đợt %(round)s: tự đánh giá trước ngày %(due)s.") % {
                   "round": rnd.name, "due": rnd.self_due.strftime("%d/%m/%Y")}),
               reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return rnd


def _locked_submission(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("round", "round__province", "agency").get(
        pk=submission.pk)


def _today(today: date | None = None) -> date:
    """The day deadlines are judged on: the calendar's today, or the day given (the demo loads as of a day)."""
    return today or calendar_today()


# --- the agency's self-assessment ------------------------------------------------------------------------

@dataclass
class Declared:
    """What the form sends for one sub-criterion (already parsed; None for a blank)."""

    yes: bool | None = None
    rate: Decimal | None = None
    count: int | None = None
    score: Decimal | None = None  # entered by hand (used when the node has no rule)
    explanation: str = ""


def check_declared(node: FrameworkNode, value: Declared) -> tuple[Decimal | None, list[str]]:
    """The self-score of a declared value (computed by the node's rule, else the entered one), and every
    problem in Vietnamese."""
    problems = []
    if value.rate is not None and not 0 <= value.rate <= 100:
        problems.append(_("Tỷ lệ phải từ 0 đến 100%."))
    if value.count is not None and value.count < 0:
        problems.append(_("Số lượng không được âm."))
    if value.score is not None:
        if value.score < 0:
            problems.append(_("Điểm tự chấm không được âm."))
        elif node.max_score is not None and value.score > node.max_score:
            problems.append(_("Điểm tự chấm %(score)s vượt điểm tối đa %(max)s.") % {
                "score": format_vn_decimal(value.score), "max": format_vn_decimal(node.max_score)})
    if problems:
        return None, problems
    rule = node.scoring_rule
    if rule is not None and node.max_score is not None:
        computed = rule.score(node.max_score, yes=value.yes, rate=value.rate, count=value.count)
        if computed is not None:
            return computed, []
    if value.score is None:
        return None, []
    return quantize(value.score), []


@transaction.atomic
def do_save_score(actor, score: Score, value: Declared, version: int | None = None,
                  today: date | None = None) -> Score:
    """Save an agency's declared value, self-score and explanation for one sub-criterion."""
    sub = _locked_submission(score.submission)
    score = Score.objects.select_for_update().select_related("node").get(pk=score.pk)
    score.submission = sub
    _deny(perms.can_edit_score(actor, score))
    _same_version(score, sub)
    if _today(today) > sub.round.self_due:
        raise AssessmentError(_("Đã quá hạn tự đánh giá (%(due)s).") % {
            "due": sub.round.self_due.strftime("%d/%m/%Y")})
    if version is not None and version != score.version:
        raise AssessmentError(_("Tiêu chí này vừa được người khác sửa; hãy tải lại trang rồi nhập lại."))
    computed, problems = check_declared(score.node, value)
    if problems:
        raise AssessmentError(" ".join(problems), problems)
    before = snapshot(score)
    score.declared_yes, score.declared_rate, score.declared_count = value.yes, value.rate, value.count
    score.self_score = computed
    score.explanation = value.explanation.strip()
    score.updated_by, score.updated_at = actor, timezone.now()
    score.version += 1
    score.save()
    record(actor, Action.UPDATE, score, before, snapshot(score), agency=sub.agency,
           summary=f"{score.node.code} {score.node.name}"[:300])
    return score


def _same_version(score: Score, sub: Submission) -> None:
    if score.node.framework_id != sub.round.framework_id:
        raise AssessmentError(_("Tiêu chí %(code)s thuộc phiên bản bộ chỉ số khác với đợt đánh giá này.")
                              % {"code": score.node.code})


def _check_evidence_stage(actor, score: Score, sub: Submission, today: date | None = None) -> str:
    """Evidence is added while drafting (by whoever may edit the score) or while answering the review."""
    if sub.state == State.DRAFT:
        _deny(perms.can_edit_score(actor, score))
        if _today(today) > sub.round.self_due:
            raise AssessmentError(_("Đã quá hạn tự đánh giá (%(due)s).") % {
                "due": sub.round.self_due.strftime("%d/%m/%Y")})
        return ScoreEvidence.Stage.SELF
    if sub.state == State.REVIEWED:
        _deny(perms.can_answer(actor, sub))
        if _today(today) > sub.round.explain_due:
            raise AssessmentError(_("Đã quá hạn giải trình (%(due)s).") % {
                "due": sub.round.explain_due.strftime("%d/%m/%Y")})
        return ScoreEvidence.Stage.ANSWER
    raise AssessmentError(_("Hồ sơ đang ở bước “%(state)s”: không thêm tài liệu được.") % {
        "state": sub.get_state_display()})


@transaction.atomic
def do_pick_evidence(actor, score: Score, source: Evidence) -> ScoreEvidence:
    """Attach evidence already filed on one of the agency's tasks (the file stays tracking's)."""
    sub = _locked_submission(score.submission)
    score = Score.objects.select_for_update().select_related("node").get(pk=score.pk)
    score.submission = sub
    stage = _check_evidence_stage(actor, score, sub)
    source = Evidence.objects.select_related("update__task__plan").get(pk=source.pk)
    if source.update.task.plan.agency_id != sub.agency_id:
        raise AssessmentError(_("Tài liệu này thuộc cơ quan khác."))
    if ScoreEvidence.objects.filter(score=score, source=source).exists():
        raise AssessmentError(_("Tài liệu này đã được gắn vào tiêu chí."))
    item = ScoreEvidence.objects.create(score=score, source=source, stage=stage, added_by=actor,
                                        doc_number=source.doc_number, doc_date=source.doc_date,
                                        doc_summary=source.doc_summary or source.update.task.title[:500])
    record(actor, Action.CREATE, item, None, snapshot(item), agency=sub.agency,
           summary=_("Tài liệu cho %(code)s: %(doc)s") % {"code": score.node.code, "doc": item})
    return item


def do_add_evidence(actor, score: Score, *, upload=None, doc_number: str = "", doc_date: date | None = None,
                    doc_summary: str = "", today: date | None = None) -> ScoreEvidence:
    """Upload a file and/or reference a document (số, ngày, trích yếu) for a sub-criterion."""
    doc_number, doc_summary = doc_number.strip()[:80], doc_summary.strip()[:500]
    if upload is None and not doc_number and not doc_summary:
        raise AssessmentError(_("Cần tệp, số hiệu hoặc trích yếu của tài liệu."))
    checked = None
    if upload is not None:
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            raise AssessmentError(" ".join(exc.messages)) from exc
    stored: list[str] = []
    try:
        with transaction.atomic():
            sub = _locked_submission(score.submission)
            score = Score.objects.select_for_update().select_related("node").get(pk=score.pk)
            score.submission = sub
            stage = _check_evidence_stage(actor, score, sub, today)
            item = ScoreEvidence(score=score, stage=stage, added_by=actor, doc_number=doc_number,
                                 doc_date=doc_date, doc_summary=doc_summary)
            if checked is not None:
                stored.append(item.store(checked))
            item.save()
            record(actor, Action.CREATE, item, None, snapshot(item), agency=sub.agency,
                   summary=_("Tài liệu cho %(code)s: %(doc)s") % {"code": score.node.code, "doc": item})
    except BaseException:
        remove_stored(stored)
        raise
    return item


def do_remove_evidence(actor, item: ScoreEvidence) -> None:
    stored = ""
    with transaction.atomic():
        item = ScoreEvidence.objects.select_related("score__node").get(pk=item.pk)
        sub = _locked_submission(item.score.submission)
        item.score.submission = sub
        stage = _check_evidence_stage(actor, item.score, sub)
        if stage != item.stage:
            raise AssessmentError(_("Tài liệu đã gửi kèm hồ sơ thì không gỡ được."))
        record(actor, Action.DELETE, item, snapshot(item), None, agency=sub.agency,
               summary=_("Gỡ tài liệu của %(code)s: %(doc)s") % {"code": item.score.node.code, "doc": item})
        stored = item.file.name if item.file else ""
        item.delete()
    if stored and not ScoreEvidence.objects.filter(file=stored).exists():
        remove_stored([stored])


# --- submission and approval ---------------------------------------------------------------------------

def flags(submission: Submission) -> list[Score]:
    """Sub-criteria with points but neither evidence nor an explanation: refused at submission."""
    found = list(submission.scores.filter(self_score__gt=0, explanation="", evidence__isnull=True)
                 .select_related("node"))
    position = {n.pk: i for i, n in enumerate(tree_order(FrameworkNode.objects.filter(
        framework_id=submission.round.framework_id)))}
    return sorted(found, key=lambda s: position.get(s.node_id, 0))


def _flag_problems(flagged: list[Score]) -> list[str]:
    return [_("%(code)s %(name)s: có điểm nhưng chưa có tài liệu kiểm chứng hoặc giải trình.")
            % {"code": s.node.code, "name": s.node.name} for s in flagged]


@transaction.atomic
def do_submit(actor, submission: Submission, today: date | None = None) -> Submission:
    """The office sends the self-assessment to its leader for approval."""
    sub = _locked_submission(submission)
    _deny(perms.can_submit(actor, sub))
    if _today(today) > sub.round.self_due:
        raise AssessmentError(_("Đã quá hạn tự đánh giá (%(due)s).") % {
            "due": sub.round.self_due.strftime("%d/%m/%Y")})
    flagged = flags(sub)
    if flagged:
        problems = _flag_problems(flagged)
        raise AssessmentError(_("Chưa gửi được: %(n)d tiêu chí có điểm nhưng thiếu tài liệu kiểm chứng hoặc "
                                "giải trình.") % {"n": len(flagged)}, problems)
    before = snapshot(sub)
    sub.state, sub.submitted_by, sub.submitted_at = State.AWAITING, actor, timezone.now()
    sub.save()
    record(actor, Action.UPDATE, sub, before, snapshot(sub), agency=sub.agency,
           summary=_("Gửi lãnh đạo duyệt hồ sơ tự đánh giá"))
    notify(leader_people(sub.agency), "assessment_submitted",
           vi(lambda: _("Văn phòng đã hoàn thành tự đánh giá %(round)s; đề nghị lãnh đạo duyệt gửi.")
                         % {"round": sub.round.name}),
           reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return sub


@transaction.atomic
def do_approve(actor, submission: Submission) -> Submission:
    """The leader approves: the self-assessment goes to the coordinator."""
    sub = _locked_submission(submission)
    _deny(perms.can_approve(actor, sub))
    before = snapshot(sub)
    sub.state, sub.approved_by, sub.approved_at = State.SUBMITTED, actor, timezone.now()
    sub.save()
    record(actor, Action.UPDATE, sub, before, snapshot(sub), agency=sub.agency,
           summary=_("Lãnh đạo duyệt, gửi Sở Nội vụ thẩm định"))
    coordinators = people_coordinating(sub.round.province)
    notify(coordinators, "assessment_submitted",
           vi(lambda: _("%(agency)s đã gửi hồ sơ tự đánh giá %(round)s.") % {
               "agency": sub.agency.name, "round": sub.round.name}),
           reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return sub


@transaction.atomic
def do_return(actor, submission: Submission, reason: str) -> Submission:
    """The leader sends the self-assessment back to the office with a reason."""
    sub = _locked_submission(submission)
    _deny(perms.can_approve(actor, sub))
    if not reason.strip():
        raise AssessmentError(_("Cần ghi lý do trả lại."))
    before = snapshot(sub)
    sub.state = State.DRAFT
    sub.save()
    record(actor, Action.UPDATE, sub, before, snapshot(sub), agency=sub.agency,
           summary=_("Lãnh đạo trả lại hồ sơ: %(reason)s") % {"reason": reason.strip()[:200]})
    notify(office_people(sub.agency), "assessment_submitted",
           vi(lambda: _("Lãnh đạo trả lại hồ sơ tự đánh giá: %(reason)s") % {"reason": reason.strip()}),
           reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return sub


def people_coordinating(province):
    coordinator_agencies = Agency.objects.filter(province=province, is_coordinator=True)
    found = []
    for agency in coordinator_agencies:
        found.extend(people(agency, {Role.COORDINATOR}))
    return found


# --- review, explanation, final --------------------------------------------------------------------------

@transaction.atomic
def do_review_score(actor, score: Score, *, accept: bool, reviewed_score: Decimal | None = None,
                    reason: str = "") -> Score:
    """The coordinator accepts a self-score or sets the reviewed score with a reason."""
    sub = _locked_submission(score.submission)
    score = Score.objects.select_for_update().select_related("node").get(pk=score.pk)
    score.submission = sub
    _deny(perms.can_review(actor, sub))
    _same_version(score, sub)
    if _today() > sub.round.final_due:
        raise AssessmentError(_("Đã quá hạn công bố kết quả (%(due)s).") % {
            "due": sub.round.final_due.strftime("%d/%m/%Y")})
    before = snapshot(score)
    if accept:
        score.review, score.reviewed_score, score.review_reason = Score.Review.ACCEPTED, None, reason.strip()
    else:
        problems = []
        if reviewed_score is None:
            problems.append(_("Cần nhập điểm thẩm định."))
        elif reviewed_score < 0:
            problems.append(_("Điểm thẩm định không được âm."))
        elif score.node.max_score is not None and reviewed_score > score.node.max_score:
            problems.append(_("Điểm thẩm định %(score)s vượt điểm tối đa %(max)s.") % {
                "score": format_vn_decimal(reviewed_score), "max": format_vn_decimal(score.node.max_score)})
        if not reason.strip():
            problems.append(_("Cần ghi lý do khi điều chỉnh điểm."))
        if problems:
            raise AssessmentError(" ".join(problems), problems)
        score.review, score.reviewed_score = Score.Review.ADJUSTED, quantize(reviewed_score)
        score.review_reason = reason.strip()
    score.reviewed_by, score.reviewed_at = actor, timezone.now()
    score.save()
    record(actor, Action.UPDATE, score, before, snapshot(score), agency=sub.agency,
           summary=_("Thẩm định %(code)s") % {"code": score.node.code})
    return score


@transaction.atomic
def do_accept_pending(actor, submission: Submission) -> int:
    """The coordinator accepts at once every sub-criterion not yet reviewed (after adjusting the few that need
    it): one click instead of one per row. Each score gets its own audit record, as if accepted one by one.
    Returns how many were accepted."""
    sub = _locked_submission(submission)
    _deny(perms.can_review(actor, sub))
    if _today() > sub.round.final_due:
        raise AssessmentError(_("Đã quá hạn công bố kết quả (%(due)s).") % {
            "due": sub.round.final_due.strftime("%d/%m/%Y")})
    pending = list(sub.scores.select_for_update().filter(review=Score.Review.PENDING).select_related("node"))
    now = timezone.now()
    for score in pending:
        before = snapshot(score)
        score.review, score.reviewed_score, score.review_reason = Score.Review.ACCEPTED, None, ""
        score.reviewed_by, score.reviewed_at = actor, now
        score.save(update_fields=["review", "reviewed_score", "review_reason", "reviewed_by", "reviewed_at"])
        record(actor, Action.UPDATE, score, before, snapshot(score), agency=sub.agency,
               summary=_("Thẩm định %(code)s") % {"code": score.node.code})
    return len(pending)


@transaction.atomic
def do_send_review(actor, submission: Submission) -> Submission:
    """Every sub-criterion reviewed: the agency sees the differences and may answer until the deadline."""
    sub = _locked_submission(submission)
    _deny(sub.state == State.SUBMITTED and perms.is_coordinator_of(actor, sub))
    pending = sub.scores.filter(review=Score.Review.PENDING).count()
    if pending:
        raise AssessmentError(_("Còn %(n)d tiêu chí chưa thẩm định.") % {"n": pending})
    before = snapshot(sub)
    sub.state, sub.reviewed_at = State.REVIEWED, timezone.now()
    sub.save()
    record(actor, Action.UPDATE, sub, before, snapshot(sub), agency=sub.agency,
           summary=_("Gửi kết quả thẩm định"))
    changed = sub.scores.filter(review=Score.Review.ADJUSTED).count()
    notify(office_people(sub.agency) + leader_people(sub.agency), "assessment_reviewed",
           vi(lambda: _("Sở Nội vụ đã thẩm định hồ sơ %(round)s: %(n)d tiêu chí bị điều chỉnh; giải "
                                   "trình trước ngày %(due)s.") % {
               "round": sub.round.name, "n": changed, "due": sub.round.explain_due.strftime("%d/%m/%Y")}),
           reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return sub


@transaction.atomic
def do_answer(actor, score: Score, text: str) -> Score:
    """The agency's explanation (giải trình) of a reviewed score, before the explanation deadline."""
    sub = _locked_submission(score.submission)
    score = Score.objects.select_for_update().select_related("node").get(pk=score.pk)
    _deny(perms.can_answer(actor, sub))
    if _today() > sub.round.explain_due:
        raise AssessmentError(_("Đã quá hạn giải trình (%(due)s).") % {
            "due": sub.round.explain_due.strftime("%d/%m/%Y")})
    if not text.strip():
        raise AssessmentError(_("Nội dung giải trình đang trống."))
    before = snapshot(score)
    score.answer, score.answered_at = text.strip(), timezone.now()
    score.save()
    record(actor, Action.UPDATE, score, before, snapshot(score), agency=sub.agency,
           summary=_("Giải trình %(code)s") % {"code": score.node.code})
    notify(people_coordinating(sub.round.province), "assessment_reviewed",
           vi(lambda: _("%(agency)s giải trình tiêu chí %(code)s.") % {
               "agency": sub.agency.name, "code": score.node.code}),
           reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return score


@transaction.atomic
def do_set_survey(actor, submission: Submission, value: Decimal | None) -> Submission:
    sub = _locked_submission(submission)
    _deny(perms.can_enter_survey(actor, sub))
    if value is not None:
        if value < 0:
            raise AssessmentError(_("Điểm điều tra xã hội học không được âm."))
        if sub.round.survey_max is not None and value > sub.round.survey_max:
            raise AssessmentError(_("Điểm điều tra xã hội học %(v)s vượt điểm tối đa %(max)s.") % {
                "v": format_vn_decimal(value), "max": format_vn_decimal(sub.round.survey_max)})
        value = quantize(value)
    before = snapshot(sub)
    sub.survey_score = value
    sub.save()
    record(actor, Action.UPDATE, sub, before, snapshot(sub), agency=sub.agency,
           summary=_("Điểm điều tra xã hội học"))
    return sub


@transaction.atomic
def do_finalize(actor, submission: Submission) -> Submission:
    """The coordinator closes the loop: each sub-criterion's final score is its reviewed score."""
    sub = _locked_submission(submission)
    _deny(perms.can_finalize(actor, sub))
    before = snapshot(sub)
    scores = list(sub.scores.select_for_update())
    for score in scores:
        score.final_score = score.reviewed_value if score.reviewed_value is not None else Decimal("0.000")
    Score.objects.bulk_update(scores, ["final_score"])
    sub.state, sub.finalized_at = State.FINAL, timezone.now()
    sub.save()
    total = sum((s.final_score for s in scores), Decimal(0)) + (sub.survey_score or 0)
    record(actor, Action.UPDATE, sub, before, snapshot(sub), agency=sub.agency,
           summary=_("Chốt kết quả: %(total)s điểm") % {"total": format_vn_decimal(total)})
    notify(office_people(sub.agency) + leader_people(sub.agency), "assessment_final",
           vi(lambda: _("Kết quả cuối cùng %(round)s: %(total)s điểm.") % {
               "round": sub.round.name, "total": format_vn_decimal(total)}),
           reverse("assessment_submission", args=[sub.pk]), detail=sub.agency.name)
    return sub


@transaction.atomic
def do_publish_round(actor, rnd: Round) -> Round:
    """Publish a round whose agencies all have final results: every agency of the province sees the ranking."""
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    _deny(coordinates(actor, rnd.province))
    open_ones = rnd.submissions.exclude(state=State.FINAL).count()
    if open_ones:
        raise AssessmentError(_("Còn %(n)d cơ quan chưa có kết quả cuối cùng.") % {"n": open_ones})
    before = snapshot(rnd)
    rnd.published_at = timezone.now()
    rnd.save()
    record(actor, Action.UPDATE, rnd, before, snapshot(rnd), summary=_("Công bố kết quả %(r)s") % {"r": rnd.name})
    return rnd
