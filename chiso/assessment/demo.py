"""The demo's assessment round (written for the demo): opened on the demo province's own catalog, one
department already submitted for review, the other left to its office to complete. Called by
chiso.demo.load through the same actions the pages use."""

from datetime import date, timedelta
from decimal import Decimal

from chiso.accounts.models import Role, RoleGrant
from chiso.frameworks.models import Framework

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
