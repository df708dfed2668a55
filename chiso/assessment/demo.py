"""The demo's assessment round (written for the demo): opened on the demo province's own catalog, one
department already submitted for review, the other left to its office to complete. Called by
chiso.demo.load through the same actions the pages use."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.accounts.models import Role, RoleGrant
from chiso.frameworks.models import Framework
from chiso.plans.models import Task
from chiso.tracking import actions as tracking
from chiso.tracking.demo import DEMO_PDF

from . import actions
from .models import Round


def load_assessment_demo(today: date, province, admin) -> Round | None:
    framework = Framework.objects.filter(province=province, index="PAR_INDEX", year=today.year).first()
    coordinator = RoleGrant.objects.filter(role=Role.COORDINATOR, agency__province=province).first()
    if framework is None or coordinator is None:
        return None
    rnd = actions.do_open_round(coordinator.user, province, framework, actions.Deadlines(
        today + timedelta(days=14), today + timedelta(days=28), today + timedelta(days=38),
        today + timedelta(days=50)), survey_max=Decimal(10))
    offices = {g.agency_id: g.user for g in RoleGrant.objects.filter(role=Role.OFFICE).select_related("user")}
    _file_task_reports(today, framework, offices)
    for sub in rnd.submissions.select_related("agency"):
        office = offices.get(sub.agency_id)
        if office is None or sub.agency.code != "SVHTTDL":
            continue
        for n, score in enumerate(sub.scores.select_related("node").order_by("node__code")):
            rule = score.node.scoring_rule
            kind = rule.value_kind if rule else ""
            value = actions.Declared(yes=n % 5 != 0) if kind == "yes_no" else \
                actions.Declared(rate=Decimal(97 - 3 * (n % 4))) if kind == "rate" else \
                actions.Declared(count=2 + n % 3) if kind == "count" else \
                actions.Declared(score=score.node.max_score * Decimal("0.8"))
            actions.do_save_score(office, score, value, today=today)
            actions.do_add_evidence(office, score, doc_number=f"{100 + n}/BC-SVHTTDL", doc_date=today,
                                    doc_summary=f"Báo cáo kết quả: {score.node.name}"[:500], today=today)
        actions.do_submit(office, sub, today=today)
        actions.do_approve(admin, sub)
    return rnd


def _file_task_reports(today: date, framework, offices) -> None:
    """A confirmed report with a PDF on a few PAR tasks of Sở Tư pháp, so that its office finds evidence
    to pick from its tasks when it completes the self-assessment."""
    tasks = (Task.objects.filter(plan__agency__code="STP", node__framework=framework, node__depth=3)
             .select_related("plan").order_by("node__code")[:4])
    for n, task in enumerate(tasks):
        office = offices.get(task.plan.agency_id)
        if office is None:
            continue
        update = tracking.do_post_update(office, task, tracking.UpdateData(
            narrative="Đã triển khai, có văn bản kèm theo.", percent=100 if n % 2 == 0 else 70,
            proposed_status="done" if n % 2 == 0 else "in_progress", done_on=today if n % 2 == 0 else None,
            cause="Chờ ý kiến các phòng.", remedy="Đôn đốc bằng văn bản.",
            files=[SimpleUploadedFile(f"van-ban-{task.node.code}.pdf", DEMO_PDF)],
            documents=[tracking.DocumentRef(number=f"{30 + n}/VB-STP", date=today,
                                            summary=f"Văn bản thực hiện: {task.node.name}"[:400])]), today=today)
        tracking.do_confirm_update(office, update, "Đạt yêu cầu.", today=today)
