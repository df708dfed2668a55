"""The assessment loop through its actions: open, draft, evidence, flags, submit, approve, review, answer,
survey, finalize, publish; bad input refused in Vietnamese; every step audited and notified."""

from datetime import timedelta
from decimal import Decimal

import pytest

from chiso.assessment import actions
from chiso.assessment.actions import AssessmentError, Declared
from chiso.assessment.models import Round, Score, ScoreEvidence, Submission
from chiso.audit.models import AuditEntry
from chiso.notifications.models import Notification
from chiso.periods.calendar import today
from chiso.tracking.actions import do_post_update
from chiso.tracking.tests.helpers import pdf, report

D = Decimal


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def fill_all(aw, who=None):
    who = who or aw.people.office
    s = aw.scores
    actions.do_save_score(who, s["1.1.1"], Declared(yes=True))
    actions.do_save_score(who, s["1.1.2"], Declared(rate=D(85)))
    actions.do_save_score(who, s["1.1.3"], Declared(score=D("1.5"), explanation="Kế hoạch có đủ nội dung"))
    actions.do_save_score(who, s["2.1.1"], Declared(count=3))
    actions.do_save_score(who, s["2.1.2"], Declared(rate=D(40), explanation="Báo cáo số 5"))


def test_opening_a_round_makes_a_submission_per_agency_with_every_sub_criterion(aw):
    assert {s.agency.code for s in aw.round.submissions.all()} == {"STP", "SXD"}  # not SNV, not other province
    assert sorted(aw.scores) == ["1.1.1", "1.1.2", "1.1.3", "2.1.1", "2.1.2"]
    assert Notification.objects.filter(user=aw.people.office, kind="assessment_open").count() == 1
    assert AuditEntry.objects.filter(model="assessment.round", object_id=str(aw.round.pk)).exists()


def test_rules_compute_the_self_score_and_hand_scores_are_capped(aw):
    fill_all(aw)
    got = {code: reload(s).self_score for code, s in aw.scores.items()}
    assert got == {"1.1.1": D("2.000"), "1.1.2": D("1.000"), "1.1.3": D("1.500"), "2.1.1": D("1.500"),
                   "2.1.2": D("1.600")}
    with pytest.raises(AssessmentError, match="vượt điểm tối đa 2"):
        actions.do_save_score(aw.people.office, aw.scores["1.1.3"], Declared(score=D("2.5")))
    assert reload(aw.scores["1.1.3"]).self_score == D("1.500")


@pytest.mark.parametrize("value, message", [
    (Declared(score=D(-1)), "không được âm"),
    (Declared(rate=D(101)), "từ 0 đến 100"),
    (Declared(rate=D(-5)), "từ 0 đến 100"),
    (Declared(count=-1), "không được âm"),
])
def test_bad_values_are_refused_in_vietnamese(aw, value, message):
    code = "2.1.2" if value.rate is not None else "2.1.1" if value.count is not None else "1.1.3"
    with pytest.raises(AssessmentError, match=message):
        actions.do_save_score(aw.people.office, aw.scores[code], value)


def test_a_stale_form_cannot_overwrite_a_newer_change(aw):
    score = aw.scores["1.1.3"]
    actions.do_save_score(aw.people.office, score, Declared(score=D(1)), version=0)
    with pytest.raises(AssessmentError, match="vừa được người khác sửa"):
        actions.do_save_score(aw.people.office, score, Declared(score=D(2)), version=0)
    assert reload(score).self_score == D("1.000")


def test_units_draft_only_the_sub_criteria_of_their_tasks(aw):
    actions.do_save_score(aw.people.staff, aw.scores["1.1.1"], Declared(yes=True))  # civil leads the 1.1 task
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_save_score(aw.people.staff, aw.scores["2.1.1"], Declared(count=1))
    actions.do_save_score(aw.people.laws_staff, aw.scores["2.1.1"], Declared(count=1))
    for outsider in (aw.people.coordinator, aw.people.leader, aw.people.viewer, aw.people.outsider):
        with pytest.raises(AssessmentError, match="không có quyền"):
            actions.do_save_score(outsider, aw.scores["1.1.3"], Declared(score=D(1)))


def test_the_deadline_closes_drafting(aw):
    Round.objects.filter(pk=aw.round.pk).update(self_due=today() - timedelta(days=1))
    with pytest.raises(AssessmentError, match="quá hạn tự đánh giá"):
        actions.do_save_score(aw.people.office, aw.scores["1.1.1"], Declared(yes=True))


def test_evidence_is_picked_from_the_agencys_task_and_never_another_agencys(aw, media):
    update = do_post_update(aw.people.staff, aw.civil_task,
                            report(files=[pdf("ke-hoach.pdf")], cause="Chậm", remedy="Làm bù"))
    evidence = update.evidence.get()
    item = actions.do_pick_evidence(aw.people.staff, aw.scores["1.1.1"], evidence)
    assert item.source == evidence and item.stage == "self"
    with pytest.raises(AssessmentError, match="đã được gắn"):
        actions.do_pick_evidence(aw.people.office, aw.scores["1.1.1"], evidence)
    other_scores = {s.node.code: s for s in aw.other_sub.scores.select_related("node")}
    with pytest.raises(AssessmentError):
        actions.do_pick_evidence(aw.people.outsider, other_scores["1.1.1"], evidence)
    assert not ScoreEvidence.objects.filter(score__submission=aw.other_sub).exists()


def test_uploaded_and_referenced_evidence(aw, media):
    item = actions.do_add_evidence(aw.people.office, aw.scores["1.1.3"], upload=pdf("qd.pdf"), doc_number="12/QĐ",
                                   doc_summary="Quyết định ban hành kế hoạch")
    assert item.file and item.sha256 and item.original_name == "qd.pdf"
    with pytest.raises(AssessmentError, match="Cần tệp, số hiệu hoặc trích yếu"):
        actions.do_add_evidence(aw.people.office, aw.scores["1.1.3"])
    with pytest.raises(AssessmentError, match="không phải PDF"):
        actions.do_add_evidence(aw.people.office, aw.scores["1.1.3"], upload=pdf("x.pdf", b"not a pdf at all"))
    actions.do_remove_evidence(aw.people.office, item)
    assert not ScoreEvidence.objects.filter(pk=item.pk).exists()


def test_points_without_evidence_or_explanation_block_submission(aw):
    fill_all(aw)
    with pytest.raises(AssessmentError, match="3 tiêu chí có điểm") as refused:
        actions.do_submit(aw.people.office, aw.sub)
    assert [p.split(" ")[0] for p in refused.value.problems] == ["1.1.1", "1.1.2", "2.1.1"]
    assert reload(aw.sub).state == Submission.State.DRAFT


def submitted(aw):
    fill_all(aw)
    for code in ("1.1.1", "1.1.2", "2.1.1"):
        actions.do_add_evidence(aw.people.office, aw.scores[code], doc_number=f"{code}/BC", doc_summary="Báo cáo")
    actions.do_submit(aw.people.office, aw.sub)
    actions.do_approve(aw.people.leader, aw.sub)
    return reload(aw.sub)


def test_the_whole_loop_to_the_final_index(aw):
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_submit(aw.people.staff, aw.sub)
    fill_all(aw)
    for code in ("1.1.1", "1.1.2", "2.1.1"):
        actions.do_add_evidence(aw.people.office, aw.scores[code], doc_number=f"{code}/BC", doc_summary="Báo cáo")
    actions.do_submit(aw.people.office, aw.sub)
    assert reload(aw.sub).state == Submission.State.AWAITING
    assert Notification.objects.filter(user=aw.people.leader, kind="assessment_submitted").exists()
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_approve(aw.people.office, aw.sub)
    actions.do_approve(aw.people.leader, aw.sub)
    assert reload(aw.sub).state == Submission.State.SUBMITTED
    assert Notification.objects.filter(user=aw.people.coordinator, kind="assessment_submitted").exists()
    # the coordinator reviews but never changes the self-score
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_save_score(aw.people.coordinator, aw.scores["1.1.1"], Declared(yes=False))
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_review_score(aw.people.outsider, aw.scores["1.1.1"], accept=True)
    with pytest.raises(AssessmentError, match="Cần ghi lý do"):
        actions.do_review_score(aw.people.coordinator, aw.scores["1.1.1"], accept=False, reviewed_score=D(1))
    with pytest.raises(AssessmentError, match="vượt điểm tối đa"):
        actions.do_review_score(aw.people.coordinator, aw.scores["1.1.1"], accept=False, reviewed_score=D(3),
                                reason="x")
    actions.do_review_score(aw.people.coordinator, aw.scores["1.1.1"], accept=False, reviewed_score=D(1),
                            reason="Ban hành chậm 5 ngày")
    with pytest.raises(AssessmentError, match="Còn 4 tiêu chí chưa thẩm định"):
        actions.do_send_review(aw.people.coordinator, aw.sub)
    for code in ("1.1.2", "1.1.3", "2.1.1", "2.1.2"):
        actions.do_review_score(aw.people.coordinator, aw.scores[code], accept=True)
    actions.do_send_review(aw.people.coordinator, aw.sub)
    assert reload(aw.sub).state == Submission.State.REVIEWED
    assert Notification.objects.filter(user=aw.people.office, kind="assessment_reviewed").exists()
    # the agency answers with more evidence; the coordinator accepts the explanation
    actions.do_answer(aw.people.office, aw.scores["1.1.1"], "Kế hoạch ký ngày 30/01, văn thư vào sổ chậm")
    item = actions.do_add_evidence(aw.people.office, aw.scores["1.1.1"], doc_number="7/VP",
                                   doc_summary="Sổ văn bản đi")
    assert item.stage == "answer"
    actions.do_review_score(aw.people.coordinator, aw.scores["1.1.1"], accept=True, reason="Chấp nhận giải trình")
    with pytest.raises(AssessmentError, match="vượt điểm tối đa 10"):
        actions.do_set_survey(aw.people.coordinator, aw.sub, D(11))
    actions.do_set_survey(aw.people.coordinator, aw.sub, D("7.25"))
    actions.do_finalize(aw.people.coordinator, aw.sub)
    sub = reload(aw.sub)
    assert sub.state == Submission.State.FINAL
    finals = dict(Score.objects.filter(submission=sub).values_list("node__code", "final_score"))
    assert finals == {"1.1.1": D("2.000"), "1.1.2": D("1.000"), "1.1.3": D("1.500"), "2.1.1": D("1.500"),
                      "2.1.2": D("1.600")}
    assert Notification.objects.filter(user=aw.people.leader, kind="assessment_final",
                                       text__contains="14,85").exists()  # 7,6 + 7,25
    kinds = set(AuditEntry.objects.filter(agency=aw.home, model__startswith="assessment.")
                .values_list("model", flat=True))
    assert kinds == {"assessment.submission", "assessment.score", "assessment.scoreevidence"}


def test_answers_close_at_the_explanation_deadline(aw):
    submitted(aw)
    for code in aw.scores:
        actions.do_review_score(aw.people.coordinator, aw.scores[code], accept=True)
    actions.do_send_review(aw.people.coordinator, aw.sub)
    Round.objects.filter(pk=aw.round.pk).update(explain_due=today() - timedelta(days=1),
                                                review_due=today() - timedelta(days=2),
                                                self_due=today() - timedelta(days=3))
    with pytest.raises(AssessmentError, match="quá hạn giải trình"):
        actions.do_answer(aw.people.office, aw.scores["1.1.1"], "muộn")


def test_round_deadlines_and_framework_are_checked(aw):
    now = today()
    with pytest.raises(AssessmentError, match="theo thứ tự"):
        actions.do_open_round(aw.people.coordinator, aw.province, aw.catalog,
                              actions.Deadlines(now, now - timedelta(days=1), now, now))
    with pytest.raises(AssessmentError, match="đã có đợt"):
        actions.do_open_round(aw.people.coordinator, aw.province, aw.catalog, aw.deadlines)
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_open_round(aw.people.office, aw.province, aw.catalog, aw.deadlines)
    with pytest.raises(AssessmentError, match="không có quyền"):
        actions.do_open_round(aw.people.far_coordinator, aw.province, aw.catalog, aw.deadlines)


def test_publishing_needs_every_agency_final(aw):
    with pytest.raises(AssessmentError, match="Còn 2 cơ quan"):
        actions.do_publish_round(aw.people.coordinator, aw.round)


def test_a_sub_criterion_of_another_framework_version_is_refused(aw):
    from chiso.frameworks.actions import do_copy_framework

    next_year = do_copy_framework(aw.people.admin, aw.catalog, 2027)
    stray = Score.objects.create(submission=aw.sub, node=next_year.nodes.get(code="1.1.3"))
    with pytest.raises(AssessmentError, match="phiên bản bộ chỉ số khác"):
        actions.do_save_score(aw.people.office, stray, Declared(score=D(1)))
    assert reload(stray).self_score is None
