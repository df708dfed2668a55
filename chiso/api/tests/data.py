"""A world with something behind every endpoint: an update with a file and a document, a confirmed indicator
link with its measured value, a plan target, an issued report. Built through the apps' own actions."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chiso.dossiers.actions import do_decide_measure
from chiso.dossiers.measures import Proposal
from chiso.dossiers.models import KpiValue
from chiso.periods.calendar import resolve
from chiso.plans.models import PlanTarget
from chiso.reports import actions as reports
from chiso.reports.tests.helpers import approved
from chiso.tracking.actions import DocumentRef, UpdateData, do_confirm_update, do_post_update

# The smallest valid PNG: a 1×1 image.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
                    "9c6360000002000154a24f5d0000000049454e44ae426082")


def rich(world) -> SimpleNamespace:
    p = world.people
    PlanTarget.objects.create(plan=world.plan, index="PAR_INDEX", field_name="Cải cách thủ tục hành chính",
                              max_score=Decimal("14.5"), target_score=Decimal("13"), order=1)
    update = do_post_update(p.staff, world.civil_task, UpdateData(
        narrative="Đã giải quyết 99% hồ sơ đúng hạn", percent=60,
        files=[SimpleUploadedFile("bang-ke.png", PNG, content_type="image/png")],
        documents=[DocumentRef(number="15/BC-HCTP", date=date(2026, 3, 10), summary="Báo cáo quý I")]),
        today=date(2026, 3, 20))
    do_confirm_update(p.office, update, today=date(2026, 3, 21))
    do_decide_measure(p.office, world.civil_task, Proposal("2.1", "ge", Decimal("98"), "đúng hạn"), confirm=True)
    KpiValue.objects.create(agency=world.home, period="2026-Y", start=date(2026, 1, 1), code="2.1", numerator=99,
                            denominator=100, computed_at=timezone.now())
    KpiValue.objects.create(agency=world.other, period="2026-Y", start=date(2026, 1, 1), code="2.1",
                            numerator=5, denominator=10, computed_at=timezone.now())
    year = resolve(world.home, "2026-Y")
    report = reports.do_compile_agency_report(p.office, world.home, year, date(2026, 12, 16))
    report = reports.do_issue_agency_report(p.office, approved(world, report, date(2026, 12, 17)), date(2026, 12, 17))
    return SimpleNamespace(update=update, evidence=list(update.evidence.order_by("id")), report=report)
