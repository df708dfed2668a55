"""The import review (issue 10 item 6, issue 9 item 8, issue 15): unknown units resolved once for every row,
confirm blocked on an unmatched lead, catalog choice in the row editor, product column, merged reporting
lines, dd/mm/yyyy, uncertain cells highlighted, the same file imported twice asks first."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.frameworks.models import FrameworkNode
from chiso.org.models import UnitAlias
from chiso.plans import importing
from chiso.plans.models import ImportSession, Plan

from .importdocs import plan_docx

pytestmark = pytest.mark.django_db

ROWS = [
    ("1", "Rà soát thủ tục hành chính thuộc lĩnh vực tư pháp", "Phòng HC-TP cũ", "Văn phòng Sở", "Trong năm 2026"),
    ("2", "Công khai kết quả giải quyết hồ sơ", "Phòng HC-TP cũ", "Phòng Hành chính tư pháp", "31/10/2026"),
    ("3", "Phối hợp kiểm tra liên ngành", "Sở Tài chính", "Phòng HC-TP cũ", "Thường xuyên"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, world, tmp_path, rows=ROWS, name="ke-hoach.docx", number="27/KH-STP"):
    path = plan_docx(tmp_path / name, rows=rows, number=number)
    response = client.post(reverse("plan_import"), {
        "agency": world.home.pk,
        "file": SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")})
    assert response.status_code == 302, response.content.decode()[:1500]
    return ImportSession.objects.order_by("-pk").first()


def preview(client, session):
    return client.get(reverse("plan_import_preview", args=[session.pk]))


def resolve(client, session, printed, **data):
    return client.post(reverse("plan_import_unit", args=[session.pk]), {"printed": printed, **data})


def test_each_unknown_unit_is_listed_once_with_a_pick_list_of_the_agencys_units(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    page = preview(client, session)
    names = [u["text"] for u in page.context["unmatched"]]
    assert names == ["Phòng HC-TP cũ", "Sở Tài chính"]  # leads first; the one printed on three rows once
    assert page.context["unmatched"][0]["rows"] == [r["_id"] for r in session.rows]
    body = page.content.decode()
    options = re.search(r'<datalist id="agency-units">(.*?)</datalist>', body, re.S)[1]
    assert 'value="Phòng Hành chính tư pháp"' in options and "Phòng Quản lý xây dựng" not in options  # own units
    assert body.count('list="agency-units"') == 2


def test_a_choice_applies_to_every_row_and_is_remembered_for_the_next_import(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    response = resolve(client, session, "Phòng HC-TP cũ", unit="Phòng Hành chính tư pháp", alias="1",
                       action="assign")
    assert response.status_code == 302
    session.refresh_from_db()
    assert [r["lead"] for r in session.rows] == [["Phòng Hành chính tư pháp"], ["Phòng Hành chính tư pháp"],
                                                 ["Sở Tài chính"]]
    assert session.rows[2]["support"] == ["Phòng Hành chính tư pháp"]
    assert session.rows[1]["support"] == ["Phòng Hành chính tư pháp"]  # no duplicate in one cell
    alias = UnitAlias.objects.get(unit=world.civil)
    assert alias.alias == "Phòng HC-TP cũ"
    # the next document that prints it matches at once
    again = upload(client, world, tmp_path, name="lan-sau.docx", number="28/KH-STP")
    assert [u["text"] for u in preview(client, again).context["unmatched"]] == ["Sở Tài chính"]


def test_a_choice_outside_the_list_is_refused(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    resolve(client, session, "Phòng HC-TP cũ", unit=world.other_unit.name, action="assign")  # another agency's
    session.refresh_from_db()
    assert session.rows[0]["lead"] == ["Phòng HC-TP cũ"] and not UnitAlias.objects.exists()


def test_confirm_is_blocked_while_a_lead_is_unmatched(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    page = preview(client, session).content.decode()
    assert 'id="confirm-blocked"' in page and re.search(r'id="import-confirm"\s+disabled', page)
    response = client.post(reverse("plan_import_confirm", args=[session.pk]))
    assert response.status_code == 302 and not Plan.objects.filter(number="27/KH-STP").exists()
    message = [str(m) for m in response.wsgi_request._messages][0]
    assert "chưa khớp" in message and "Phòng HC-TP cũ" in message and "Sở Tài chính" in message


def test_a_unit_marked_outside_the_agency_is_kept_as_text_and_flagged_on_the_plan(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    resolve(client, session, "Phòng HC-TP cũ", unit="Phòng Hành chính tư pháp", action="assign")
    resolve(client, session, "Sở Tài chính", action="external")
    page = preview(client, session).content.decode()
    assert 'id="confirm-blocked"' not in page and "không thuộc cơ quan" in page
    response = client.post(reverse("plan_import_confirm", args=[session.pk]))
    plan = Plan.objects.get(number="27/KH-STP")
    task = plan.tasks.get(ref="3")
    assert list(task.lead_units.all()) == [] and task.lead_text == "Sở Tài chính (không thuộc cơ quan)"
    assert "Sở Tài chính (không thuộc cơ quan)" in client.get(response["Location"]).content.decode()


def test_the_row_editor_sets_index_field_and_criterion_from_the_catalog(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    row = session.rows[0]
    entries = importing.NodeMapper(world.home, 2026).nodes["PAR_INDEX"]
    field = max(entries, key=lambda e: e[0])[2]  # a field of the catalog the review offers
    criterion = FrameworkNode.objects.create(framework=field.framework, parent=field, depth=2,
                                             code=f"{field.code}.9", name="Tiêu chí thử của lĩnh vực")
    url = reverse("plan_import_row_edit", args=[session.pk, row["_id"]])
    form = client.get(url).content.decode()
    assert f'<option value="{criterion.pk}">' in form
    prefix = f"r{row['_id']}-"
    client.post(url, {prefix + "ref": "1", prefix + "title": row["title"], prefix + "lead": "Văn phòng Sở",
                      prefix + "node": str(criterion.pk), prefix + "timeframe": "Trong năm 2026"})
    session.refresh_from_db()
    edited = session.rows[0]
    assert (edited["index"], edited["field"], edited["criterion"]) == ("PAR_INDEX", criterion.parent.name,
                                                                       criterion.name)
    review = preview(client, session).context["reviews"][0]
    assert review.node == criterion and not review.low_confidence


def test_the_review_shows_the_product_column_and_aligned_actions(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    with_output = [{**r, "output": "Báo cáo kết quả rà soát"} if r["ref"] == "1" else r for r in session.rows]
    ImportSession.objects.filter(pk=session.pk).update(rows=with_output)
    body = preview(client, session).content.decode()
    assert "<th>Sản phẩm</th>" in body and 'data-label="Sản phẩm">Báo cáo kết quả rà soát</td>' in body
    cells = re.findall(r'<td class="actions"><div class="actions">(.*?)</div></td>', body, re.S)
    assert len(cells) == 3 and all("Sửa" in c and "Bỏ" in c for c in cells)


def test_dates_are_dd_mm_yyyy_and_reporting_lines_appear_once(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    duty = {"from": "Văn phòng Sở", "to": "Sở Nội vụ", "due": "2026-11-30", "due_text": "trước ngày 30/11/2026",
            "frequency": "once"}
    result = session.result
    result["plan"].update({"issued_on": "2026-03-10", "reporting": [duty, dict(duty), dict(duty)]})
    ImportSession.objects.filter(pk=session.pk).update(result=result)
    body = preview(client, session).content.decode()
    assert "ngày 10/03/2026" in body and "2026-03-10" not in body
    assert body.count("trước ngày 30/11/2026") == 1
    resolve(client, session, "Phòng HC-TP cũ", action="external")
    resolve(client, session, "Sở Tài chính", action="external")
    client.post(reverse("plan_import_confirm", args=[session.pk]))
    assert Plan.objects.get(number="27/KH-STP").reporting.count() == 1


def test_uncertain_cells_are_highlighted(world, login, tmp_path):
    client = login(world.people.office)
    session = upload(client, world, tmp_path)
    rows = session.rows
    rows[1]["_uncertain"] = ["title"]
    result = session.result
    result["plan"]["_source"] = {"ocr": True, "pages_failed": [4]}
    ImportSession.objects.filter(pk=session.pk).update(rows=rows, result=result)
    body = preview(client, session).content.decode()
    row2 = re.search(rf'<tr id="row-{rows[1]["_id"]}".*?</tr>', body, re.S)[0]
    assert 'data-label="Nhiệm vụ" class="uncertain"' in row2
    assert 'data-label="Chủ trì" class="uncertain"' in row2  # the unknown unit too
    row_known = re.search(r'<tr id="row-\d+".*?</tr>', body, re.S)[0]
    assert 'data-label="Phối hợp" class="uncertain"' not in row_known
    assert "Không nhận dạng được trang 4" in body


def test_the_same_file_imported_again_asks_before_a_second_plan(world, login, tmp_path):
    client = login(world.people.office)
    rows = [("1", "Rà soát thủ tục hành chính", "Văn phòng Sở", "", "Trong năm 2026")]
    path = plan_docx(tmp_path / "a.docx", rows=rows, number="")
    data = path.read_bytes()

    def send():
        client.post(reverse("plan_import"), {"agency": world.home.pk, "file": SimpleUploadedFile(
            "a.docx", data, content_type="application/octet-stream")})
        return ImportSession.objects.order_by("-pk").first()

    first = send()
    client.post(reverse("plan_import_confirm", args=[first.pk]))
    plan = Plan.objects.get(source_sha256=first.result["plan"]["_sha256"])
    second = send()
    page = preview(client, second).content.decode()
    assert 'id="same-document"' in page and reverse("plan_detail", args=[plan.pk]) in page
    refused = client.post(reverse("plan_import_confirm", args=[second.pk]))
    assert "giống hệt" in [str(m) for m in refused.wsgi_request._messages][0]
    assert Plan.objects.filter(source_sha256=plan.source_sha256).count() == 1
    client.post(reverse("plan_import_confirm", args=[second.pk]), {"duplicate_ok": "1"})
    assert Plan.objects.filter(source_sha256=plan.source_sha256).count() == 2


def test_the_command_line_refuses_the_same_file_twice_unless_asked(world, tmp_path, capsys, settings):
    path = plan_docx(tmp_path / "b.docx", rows=[("1", "Rà soát thủ tục", "Văn phòng Sở", "", "Năm 2026")],
                     number="")
    assert importing.save_cli(["import", str(path), "--agency", "STP", "--save"]) == 0
    assert importing.save_cli(["import", str(path), "--agency", "STP", "--save"]) == 1
    assert "giống hệt" in capsys.readouterr().err
    assert importing.save_cli(["import", str(path), "--agency", "STP", "--save", "--duplicate"]) == 0
