"""The issue's acceptance on the demo data: the office of a demo agency completes its self-assessment with
evidence from its tasks and submits it; the coordinator reviews and finalizes; the dashboard shows the
projection and points at risk; the ranking ranks the demo agencies; the evidence pack downloads and opens."""

import io
import zipfile
from decimal import Decimal

import pytest

from chiso.accounts.models import User
from chiso.assessment import actions, queries
from chiso.assessment.models import Submission
from chiso.demo.load import load_demo
from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.periods.calendar import today
from chiso.tracking.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_demo_loop(client):
    load_demo(today())
    people = {u.username: u for u in User.objects.all()}
    office, leader, coordinator = people["stp.vanphong"], people["stp.giamdoc"], people["snv.cchc"]
    stp = Submission.objects.get(agency__code="STP")
    svh = Submission.objects.get(agency__code="SVHTTDL")
    assert (stp.state, svh.state) == ("draft", "submitted")
    assert stp.round.framework.name.endswith("(DỮ LIỆU MẪU cho bản chạy thử)")

    picked = with_file = 0
    for line in queries.grid(stp, office):
        if line.score is None:
            continue
        rule = line.node.scoring_rule
        kind = rule.value_kind if rule else ""
        value = (actions.Declared(yes=True) if kind == "yes_no" else actions.Declared(rate=Decimal(90))
                 if kind == "rate" else actions.Declared(count=2) if kind == "count" else
                 actions.Declared(score=line.node.max_score / 2))
        if line.proposals:
            actions.do_pick_evidence(office, line.score, Evidence.objects.get(pk=line.proposals[0].pk))
            picked += 1
            with_file += bool(line.proposals[0].file)
        else:
            value.explanation = "Tài liệu lưu tại Văn phòng Sở, sẽ bổ sung bản điện tử."
        actions.do_save_score(office, line.score, value)
    assert with_file >= 4  # the demo's confirmed task reports carry files
    actions.do_submit(office, stp)
    actions.do_approve(leader, stp)

    for sub in (stp, svh):
        for n, score in enumerate(sub.scores.select_related("node").order_by("node__code")):
            if n == 0:
                actions.do_review_score(coordinator, score, accept=False, reviewed_score=Decimal(0),
                                        reason="Văn bản ban hành sau thời hạn")
            else:
                actions.do_review_score(coordinator, score, accept=True)
        actions.do_send_review(coordinator, sub)
        actions.do_set_survey(coordinator, sub, Decimal("8.5"))
        actions.do_finalize(coordinator, sub)
    actions.do_publish_round(coordinator, stp.round)

    client.force_login(office)
    assert "du-bao/STP/khung" in client.get("/theo-doi/co-quan/STP/").content.decode()
    fragment = client.get("/danh-gia/du-bao/STP/khung/").content.decode()
    assert "dự kiến" in fragment and "mục tiêu" in fragment
    page = client.get(f"/danh-gia/xep-hang/?nam={stp.round.year}").content.decode()
    assert 'data-agency="STP"' in page and 'data-agency="SVHTTDL"' in page and "Chưa công bố</td>" not in page

    client.post(f"/danh-gia/ho-so/{stp.pk}/ho-so-ke-khai/")
    run_pending()
    job = Job.objects.get(kind="assessment_pack")
    assert job.state == "done", job.error
    data = b"".join(client.get(job.result["url"]).streaming_content)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "00 - Danh mục hồ sơ.docx" in names and sum(n.endswith(".pdf") for n in names) == with_file
