"""Rankings: ties, past years with change of rank and a merged agency's baseline, the current round by stage,
the page's permissions and the results import from the page."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from chiso.assessment import actions
from chiso.assessment.actions import Declared
from chiso.assessment.ranking import province_ranking, rank
from chiso.frameworks.models import PublishedResult
from chiso.org.models import Agency

from .test_actions import submitted

D = Decimal


def test_rank_shares_places_on_ties():
    assert rank({"a": D(9), "b": D(7), "c": D(9), "d": D(5), "e": None}) == {"a": 1, "c": 1, "b": 3, "d": 4}


@pytest.fixture
def history(aw):
    """2025 published totals: STP 80 (rank 2), SXD 85 (rank 1); 2024: STP's predecessor (merged) rank 1,
    SXD rank 2. Field 1 in 2025: STP 5, SXD 4."""
    old = Agency.objects.create(province=aw.province, code="STP-CU", name="Sở Tư pháp (cũ)", is_active=False)
    aw.home.predecessors.add(old)
    for agency, year, score, rk in ((aw.home, 2025, 80, 2), (aw.other, 2025, 85, 1), (old, 2024, 90, 1),
                                    (aw.other, 2024, 70, 2)):
        PublishedResult.objects.create(framework=aw.catalog, agency=agency, year=year, score=D(score), rank=rk,
                                       rank_of=2)
    PublishedResult.objects.create(framework=aw.catalog, node=aw.nodes["1"], agency=aw.home, year=2025,
                                   score=D(5), rank=1, rank_of=2)
    PublishedResult.objects.create(framework=aw.catalog, node=aw.nodes["1"], agency=aw.other, year=2025,
                                   score=D(4), rank=2, rank_of=2)
    return aw


def test_a_past_year_with_change_of_rank_and_the_predecessors_baseline(history):
    r = province_ranking(history.province, 2025, highlight="STP")
    rows = [(row.agency.code, row.score, row.rank, row.previous_rank, row.change, row.highlighted)
            for row in r["rows"]]
    # STP had no 2024 result of its own: its merged predecessor's rank 1 is the baseline, so it lost a place
    assert rows == [("SXD", D(85), 1, 2, 1, False), ("STP", D(80), 2, 1, -1, True)]
    field = province_ranking(history.province, 2025, field_code="1")
    assert [(row.agency.code, row.rank) for row in field["rows"]] == [("STP", 1), ("SXD", 2)]
    assert r["source"] == "published" and 2026 in r["years"]


def test_the_current_round_ranks_by_stage(history):
    aw = history
    submitted(aw)  # STP: self 7,6
    other = {s.node.code: s for s in aw.other_sub.scores.select_related("node")}
    actions.do_save_score(aw.people.outsider, other["1.1.3"], Declared(score=D(2), explanation="Đủ"))
    actions.do_submit(aw.people.outsider, aw.other_sub)
    actions.do_approve(aw.people.admin, aw.other_sub)  # SXD: self 2
    for code, score in aw.scores.items():
        actions.do_review_score(aw.people.coordinator, score, accept=code != "2.1.2",
                                reviewed_score=D(0) if code == "2.1.2" else None, reason="Chưa đủ minh chứng")
    actions.do_send_review(aw.people.coordinator, aw.sub)
    r = province_ranking(aw.province, 2026, stage="self")
    assert [(row.agency.code, row.score, row.rank, row.previous_rank) for row in r["rows"]] == [
        ("STP", D("7.600"), 1, 2), ("SXD", D("2.000"), 2, 1)]
    r = province_ranking(aw.province, 2026, stage="reviewed")
    assert [(row.agency.code, row.score, row.rank) for row in r["rows"]] == [("STP", D("6.000"), 1),
                                                                             ("SXD", None, None)]
    r = province_ranking(aw.province, 2026, stage="self", field_code="2")
    assert [(row.agency.code, row.score) for row in r["rows"]] == [("STP", D("3.100")), ("SXD", D("0"))]


@pytest.mark.parametrize("role, status", [("coordinator", 200), ("admin", 200), ("office", 200), ("viewer", 200),
                                          ("outsider", 200), ("nobody", 403)])
def test_ranking_page_permissions_and_hidden_rows(history, client, role, status):
    submitted(history)
    client.force_login(getattr(history.people, role))
    response = client.get("/danh-gia/xep-hang/?nam=2026&giai-doan=self")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        hidden = "Chưa công bố</td>" in page
        assert hidden == (role in {"office", "viewer", "outsider"})
        assert ("Nhập kết quả đã công bố" in page) == (role in {"coordinator", "admin"})
        assert "<svg" in page


def test_past_years_are_public_to_the_province(history, client):
    client.force_login(history.people.viewer)
    page = client.get("/danh-gia/xep-hang/?nam=2025").content.decode()
    assert 'class="mine" data-agency="STP"' in page and "▼ 1" in page and "▲ 1" in page


def test_importing_results_from_the_page(history, client):
    wb = Workbook()
    ws = wb.active
    ws.append(["Năm", "Mã cơ quan", "Mã lĩnh vực", "Điểm", "Điểm tối đa", "Xếp hạng", "Trên tổng số"])
    ws.append([2026, "STP", "", 70, 100, 2, 2])
    ws.append([2026, "SKX", "", 71, 100, 1, 2])
    buf = io.BytesIO()
    wb.save(buf)
    before = PublishedResult.objects.count()
    client.force_login(history.people.coordinator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("kq.xlsx", buf.getvalue())
    response = client.post("/danh-gia/xep-hang/nhap-ket-qua/", {"file": upload})
    assert response.status_code == 400
    assert "Dòng 3: cơ quan “SKX” không thuộc tỉnh bạn theo dõi." in response.content.decode()
    assert PublishedResult.objects.count() == before
    client.force_login(history.people.office)
    assert client.post("/danh-gia/xep-hang/nhap-ket-qua/", {}).status_code == 403


def test_round_totals_per_field_whatever_the_depth_of_the_scored_node(world):
    """The round's sums are grouped per field in SQL: a field scored directly, a criterion without
    sub-criteria and sub-criteria under a criterion each count in their own field."""
    from datetime import timedelta

    from chiso.assessment.ranking import round_ranking
    from chiso.frameworks.actions import NodeSpec, do_create_catalog
    from chiso.periods.calendar import today

    catalog = do_create_catalog(None, {"index": "PAR_INDEX", "year": 2026, "level": "department",
                                       "province": world.province, "name": "Bộ nhiều cấp"}, [
        NodeSpec("1", "Lĩnh vực chấm trực tiếp", max_score=D(3), order=1),
        NodeSpec("2", "Lĩnh vực hai cấp", max_score=D(6), order=2),
        NodeSpec("2.1", "Tiêu chí không có tiêu chí thành phần", "2", D(2), order=1),
        NodeSpec("2.2", "Tiêu chí có tiêu chí thành phần", "2", D(4), order=2),
        NodeSpec("2.2.1", "Thành phần một", "2.2", D(2), order=1),
        NodeSpec("2.2.2", "Thành phần hai", "2.2", D(2), order=2),
    ])
    now = today()
    rnd = actions.do_open_round(world.people.coordinator, world.province, catalog, actions.Deadlines(
        now + timedelta(days=5), now + timedelta(days=10), now + timedelta(days=15), now + timedelta(days=20)))
    sub = rnd.submissions.get(agency=world.home)
    scores = {s.node.code: s for s in sub.scores.select_related("node")}
    assert set(scores) == {"1", "2.1", "2.2.1", "2.2.2"}
    for code, value in (("1", "2.5"), ("2.1", "1.5"), ("2.2.1", "2"), ("2.2.2", "0.75")):
        actions.do_save_score(world.people.office, scores[code], Declared(score=D(value), explanation="Có"))
    row = next(r for r in round_ranking(rnd)["rows"] if r.agency == world.home)
    assert row.self_total == D("6.75")
    assert row.field_list == [(D("2.5"), D("2.5"), D(0)), (D("4.25"), D("4.25"), D(0))]
