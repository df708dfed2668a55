"""Upload a plan document, review its rows, confirm; and who may do it."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.audit.models import AuditEntry
from chiso.plans.models import ImportSession, Plan, Task

from .importdocs import SHARED, plan_docx

SEED_TEXTS = sorted((SHARED / "seeds").glob("*.txt")) if SHARED.is_dir() else []

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def docx_upload(tmp_path, name="ke-hoach.docx", **kwargs) -> SimpleUploadedFile:
    path = plan_docx(tmp_path / name, **kwargs)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="application/octet-stream")


def upload(client, world, file, agency=None):
    return client.post(reverse("plan_import"), {"agency": (agency or world.home).pk, "file": file})


@pytest.fixture
def session(world, login, tmp_path) -> ImportSession:
    client = login(world.people.office)
    response = upload(client, world, docx_upload(tmp_path))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportSession.objects.get()


def rows_by_ref(session):
    session.refresh_from_db()
    return {r["ref"]: r for r in session.rows}


def test_it_offers_the_import_on_the_plan_list_to_plan_managers_only(world, login):
    assert reverse("plan_import") in login(world.people.office).get(reverse("plan_list")).content.decode()
    assert reverse("plan_import") not in login(world.people.viewer).get(reverse("plan_list")).content.decode()


def test_the_upload_page_lists_only_manageable_agencies(world, login):
    response = login(world.people.office).get(reverse("plan_import"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["agency"].queryset) == [world.home]
    assert 'type="file"' in response.content.decode()


def test_upload_shows_every_row_with_its_uncertainties(world, login, session):
    assert session.created_by == world.people.office and session.agency == world.home
    assert session.filename == "ke-hoach.docx" and session.source_file
    assert Plan.objects.filter(number="25/KH-STP").count() == 0  # nothing saved before confirmation
    response = login(world.people.office).get(reverse("plan_import_preview", args=[session.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["reviews"]) == 3
    assert "Rà soát, công bố danh mục thủ tục hành chính" in body
    assert '<span class="unit" title="Như in: Phòng Hành chính tư pháp">Phòng Hành chính tư pháp</span>' in body
    assert "⚠ Phòng Tiếp dân lưu động" in body  # unknown unit flagged
    assert response.context["counts"]["unmatched"] == 1
    assert "Các phòng, đơn vị thuộc Sở" in body  # collective phrase kept as text, not flagged
    assert 'id="import-confirm"' in body


def test_a_row_is_edited_in_place_with_htmx_and_rematched(world, login, session):
    client = login(world.people.office)
    row = rows_by_ref(session)["3"]
    url = reverse("plan_import_row_edit", args=[session.pk, row["_id"]])
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200 and f'id="row-{row["_id"]}"' in form.content.decode()
    assert "<html" not in form.content.decode()  # a fragment
    prefix = f"r{row['_id']}-"
    data = {prefix + "ref": "3", prefix + "index": "SIPAS", prefix + "title": "Đối thoại với người dân",
            prefix + "lead": "Phòng Hành chính tư pháp", prefix + "support": "Văn phòng Sở\nThanh tra lạ",
            prefix + "timeframe": "Quý III/2026", prefix + "due": ""}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.context["counts"]["unmatched"] == 1  # "Thanh tra lạ" now, the lead is fixed
    edited = rows_by_ref(session)["3"]
    assert (edited["title"], edited["index"], edited["lead"]) == ("Đối thoại với người dân", "SIPAS",
                                                                  ["Phòng Hành chính tư pháp"])
    assert edited["support"] == ["Văn phòng Sở", "Thanh tra lạ"]
    assert (edited["due"], edited["recurrence"]) == ("2026-09-30", "once")  # from the new timeframe


def test_an_invalid_row_edit_shows_the_form_again(world, login, session):
    client = login(world.people.office)
    row = rows_by_ref(session)["1"]
    prefix = f"r{row['_id']}-"
    response = client.post(reverse("plan_import_row_edit", args=[session.pk, row["_id"]]),
                           {prefix + "title": "  ", prefix + "due": "31/02/2026"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "Nhiệm vụ không được để trống." in body and "Ngày phải theo dạng dd/mm/yyyy." in body
    assert response["HX-Retarget"] == f"#row-{row['_id']}"
    assert rows_by_ref(session)["1"]["title"] == row["title"]


def test_a_row_edit_works_without_javascript(world, login, session):
    client = login(world.people.office)
    row = rows_by_ref(session)["2"]
    url = reverse("plan_import_row_edit", args=[session.pk, row["_id"]])
    assert "<html" in client.get(url).content.decode()
    prefix = f"r{row['_id']}-"
    response = client.post(url, {prefix + "ref": "2", prefix + "title": row["title"], prefix + "lead": "Phòng HCTP",
                                 prefix + "due": "15/11/2026"})
    assert response.status_code == 302 and response["Location"].endswith(f"#row-{row['_id']}")
    assert rows_by_ref(session)["2"]["due"] == "2026-11-15"


def test_rows_are_dropped_and_merged(world, login, session):
    client = login(world.people.office)
    rows = rows_by_ref(session)
    response = client.post(reverse("plan_import_row_merge", args=[session.pk, rows["2"]["_id"]]),
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and len(response.context["reviews"]) == 2
    merged = rows_by_ref(session)["1"]
    assert merged["title"] == rows["1"]["title"] + " " + rows["2"]["title"]
    assert merged["lead"] == ["Phòng Hành chính tư pháp", "Phong Xay dung va kiem tra van ban"]
    assert merged["support"] == ["Văn phòng Sở", "Các phòng, đơn vị thuộc Sở"]
    response = client.post(reverse("plan_import_row_drop", args=[session.pk, rows["3"]["_id"]]))
    assert response.status_code == 302
    assert list(rows_by_ref(session)) == ["1"]
    first = client.post(reverse("plan_import_row_merge", args=[session.pk, rows["1"]["_id"]]))
    assert first.status_code == 302 and list(rows_by_ref(session)) == ["1"]  # nothing above the first row


def test_confirm_saves_the_reviewed_rows_as_a_draft_plan(world, login, session):
    client = login(world.people.office)
    rows = rows_by_ref(session)
    client.post(reverse("plan_import_row_drop", args=[session.pk, rows["3"]["_id"]]))
    response = client.post(reverse("plan_import_confirm", args=[session.pk]))
    plan = Plan.objects.get(number="25/KH-STP")
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[plan.pk])
    assert (plan.status, plan.agency, plan.tasks.count()) == ("draft", world.home, 2)
    assert list(plan.tasks.get(ref="1").lead_units.all()) == [world.civil]
    assert list(plan.tasks.get(ref="2").lead_units.all()) == [world.laws]
    assert plan.source_file.name.endswith(".docx")
    assert AuditEntry.objects.filter(plan_id=plan.pk, action="create", actor=world.people.office).count() == 3
    session.refresh_from_db()
    assert session.plan == plan and session.confirmed_at is not None
    detail = client.get(response["Location"]).content.decode()
    assert "Kiểm tra việc thi hành văn bản quy phạm pháp luật tại các xã" in detail
    again = client.post(reverse("plan_import_confirm", args=[session.pk]))  # a second click saves nothing more
    assert again.status_code == 302 and Plan.objects.filter(number="25/KH-STP").count() == 1
    assert client.get(reverse("plan_import_preview", args=[session.pk]))["Location"] == response["Location"]


def test_the_plan_header_can_be_corrected_before_saving(world, login, session):
    client = login(world.people.office)
    client.post(reverse("plan_import_header", args=[session.pk]),
                {"title": "Kế hoạch đã sửa tên", "number": "26/KH-STP", "year": 2026})
    client.post(reverse("plan_import_confirm", args=[session.pk]))
    assert Plan.objects.get(number="26/KH-STP").title == "Kế hoạch đã sửa tên"


@pytest.mark.parametrize("name, content, message", [
    ("rong.docx", b"", "Tệp tải lên rỗng."),
    ("anh.png", b"\x89PNG\r\n\x1a\n", "Chỉ nhận tệp .docx, .pdf, .xlsx, .txt hoặc .md."),
    ("hong.docx", b"PK\x03\x04 broken zip", None),
    ("thu.txt", "Kính gửi anh chị, hẹn gặp lại vào thứ hai.".encode(), None),
])
def test_a_bad_upload_gets_a_vietnamese_message_and_saves_nothing(world, login, name, content, message):
    response = upload(login(world.people.office), world,
                      SimpleUploadedFile(name, content, content_type="application/octet-stream"))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and (message is None or errors[0] == message)
    assert errors[0].endswith(".") and "Traceback" not in errors[0]
    assert errors[0] in response.content.decode()
    assert not ImportSession.objects.exists()


def test_a_file_over_the_size_limit_is_refused_while_it_streams(world, login, settings, monkeypatch):
    settings.CHISO_MAX_UPLOAD_MB = 1
    stored = []
    monkeypatch.setattr("chiso.plans.import_views.SizeLimit.file_complete",
                        lambda self, size: stored.append(size))
    big = SimpleUploadedFile("to.txt", b"Nhiem vu " * 300_000, content_type="text/plain")  # 2.7 MB
    response = upload(login(world.people.office), world, big)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Tệp lớn hơn 1 MB cho phép."]
    assert stored == []  # the upload was stopped before it was complete
    assert not ImportSession.objects.exists()


def test_the_upload_form_keeps_csrf_protection(world, client, tmp_path):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.people.office)
    response = strict.post(reverse("plan_import"), {"agency": world.home.pk, "file": docx_upload(tmp_path)})
    assert response.status_code == 403
    assert not ImportSession.objects.exists()


def test_a_duplicate_number_offers_a_new_version_that_keeps_task_ids(world, login, tmp_path):
    client = login(world.people.office)
    rows = [("1", world.civil_task.title, "Phòng Hành chính tư pháp", "Phòng Xây dựng và kiểm tra văn bản",
             "30/06/2026"),
            ("2", world.laws_task.title, "Phòng Xây dựng và kiểm tra văn bản", "", "31/10/2026"),
            ("3", "Công khai kết quả giải quyết hồ sơ trên cổng dịch vụ công", "Văn phòng Sở", "", "Năm 2026")]
    upload(client, world, docx_upload(tmp_path, rows=rows, number="12/KH-STP"))
    session = ImportSession.objects.get()
    preview = client.get(reverse("plan_import_preview", args=[session.pk])).content.decode()
    assert "Nhập phiên bản mới" in preview and 'id="import-confirm"' not in preview
    refused = client.post(reverse("plan_import_confirm", args=[session.pk]), follow=True)
    assert "đã có kế hoạch số 12/KH-STP" in refused.content.decode()
    page = client.get(reverse("plan_import_version", args=[session.pk]))
    diff = page.context["diff"]
    assert [c.task.pk for c in diff.changed] == [world.civil_task.pk, world.laws_task.pk]
    assert [row["ref"] for _pos, row in diff.added] == ["3"] and diff.removed == []
    assert "Nhiệm vụ mới (1)" in page.content.decode()
    response = client.post(reverse("plan_import_version", args=[session.pk]), {
        "header": "1", "change": [c.task.pk for c in diff.changed], "add": [pos for pos, _row in diff.added]})
    assert response["Location"] == reverse("plan_detail", args=[world.plan.pk])
    tasks = list(world.plan.tasks.order_by("order"))
    assert [t.pk for t in tasks[:2]] == [world.civil_task.pk, world.laws_task.pk]
    assert tasks[1].due.isoformat() == "2026-10-31" and len(tasks) == 3
    assert Plan.objects.filter(number="12/KH-STP").count() == 1


def test_the_upload_page_lists_the_persons_unfinished_imports(world, login, session):
    body = login(world.people.office).get(reverse("plan_import")).content.decode()
    assert reverse("plan_import_preview", args=[session.pk]) in body
    admin_body = login(world.people.admin).get(reverse("plan_import")).content.decode()
    assert reverse("plan_import_preview", args=[session.pk]) not in admin_body  # only one's own


def test_a_session_can_be_discarded_with_its_file(world, login, session):
    path = session.source_file.path
    response = login(world.people.office).post(reverse("plan_import_discard", args=[session.pk]))
    assert response["Location"] == reverse("plan_list")
    assert not ImportSession.objects.exists() and not os.path.exists(path)
    assert Plan.objects.count() == 2


def test_the_preview_runs_a_fixed_number_of_queries(world, login, tmp_path, django_assert_max_num_queries):
    rows = [(str(i), f"Nhiệm vụ số {i} về thủ tục hành chính", "Phòng Hành chính tư pháp", "Văn phòng Sở",
             "Trong năm 2026") for i in range(1, 61)]
    client = login(world.people.office)
    upload(client, world, docx_upload(tmp_path, rows=rows))
    session = ImportSession.objects.get()
    with django_assert_max_num_queries(14):
        response = client.get(reverse("plan_import_preview", args=[session.pk]))
    assert len(response.context["reviews"]) == 60


# --- who may do it --------------------------------------------------------------------------------

def session_urls(session):
    row_id = session.rows[0]["_id"]
    return [("get", reverse("plan_import_preview", args=[session.pk])),
            ("post", reverse("plan_import_header", args=[session.pk])),
            ("get", reverse("plan_import_row_edit", args=[session.pk, row_id])),
            ("post", reverse("plan_import_row_edit", args=[session.pk, row_id])),
            ("post", reverse("plan_import_row_drop", args=[session.pk, row_id])),
            ("post", reverse("plan_import_row_merge", args=[session.pk, row_id])),
            ("post", reverse("plan_import_confirm", args=[session.pk])),
            ("post", reverse("plan_import_discard", args=[session.pk])),
            ("get", reverse("plan_import_version", args=[session.pk])),
            ("post", reverse("plan_import_version", args=[session.pk]))]


@pytest.mark.parametrize("who", ["outsider", "viewer", "head", "nobody", "coordinator"])
def test_others_are_refused_on_every_view_of_a_session(world, login, session, who):
    client = login(getattr(world.people, who))
    for method, url in session_urls(session):
        assert getattr(client, method)(url).status_code == 403, (who, method, url)
    assert Plan.objects.count() == 2 and Task.objects.count() == 2
    assert len(ImportSession.objects.get().rows) == 3


def test_another_manager_of_the_agency_cannot_use_someone_elses_session(world, login, session):
    from chiso.accounts.models import Role, RoleGrant, User

    colleague = User.objects.create_user("office2", password="pw-test-123")
    RoleGrant.objects.create(user=colleague, role=Role.OFFICE, agency=world.home)
    client = login(colleague)
    assert all(getattr(client, m)(u).status_code == 403 for m, u in session_urls(session))
    admin = login(world.people.admin)
    assert admin.get(reverse("plan_import_preview", args=[session.pk])).status_code == 200


def test_the_outsider_cannot_upload_for_another_agency(world, login, tmp_path):
    client = login(world.people.outsider)
    assert client.get(reverse("plan_import") + "?agency=STP").status_code == 403
    assert upload(client, world, docx_upload(tmp_path)).status_code == 403
    assert not ImportSession.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "head", "nobody", "coordinator"])
def test_people_who_cannot_manage_plans_cannot_open_the_upload_page(world, login, who):
    client = login(getattr(world.people, who))
    assert client.get(reverse("plan_import")).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("plan_import"))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_a_long_vietnamese_file_name_is_kept_within_the_columns(world, login, tmp_path):
    client = login(world.people.office)
    name = "Kế hoạch cải thiện nâng cao chỉ số cải cách hành chính của Sở Tư pháp năm 2026 bản trình ký " * 2 + ".docx"
    assert upload(client, world, docx_upload(tmp_path, name=name)).status_code == 302
    session = ImportSession.objects.get()
    assert len(session.source_file.name) <= 100 and session.source_file.name.endswith(".docx")
    client.post(reverse("plan_import_confirm", args=[session.pk]))
    plan = Plan.objects.get(number="25/KH-STP")
    assert len(plan.source_file.name) <= 100 and plan.source_file.name.endswith(".docx")


@pytest.mark.skipif(not SEED_TEXTS, reason="../shared is absent")
@pytest.mark.parametrize("seed", SEED_TEXTS, ids=lambda p: p.stem)
def test_each_shared_plan_goes_through_upload_review_and_confirm(world, login, seed):
    client = login(world.people.office)
    response = upload(client, world, SimpleUploadedFile(seed.name, seed.read_bytes(), content_type="text/plain"))
    assert response.status_code == 302, response.context["form"].errors
    session = ImportSession.objects.get()
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and len(preview.context["reviews"]) == len(session.rows) > 10
    confirmed = client.post(reverse("plan_import_confirm", args=[session.pk]))
    assert confirmed.status_code == 302
    plan = ImportSession.objects.get().plan
    assert plan.tasks.count() == sum(1 for r in session.rows if r["title"])
    assert client.get(confirmed["Location"]).status_code == 200
