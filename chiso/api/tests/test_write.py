"""Writes: a progress update with evidence through tracking's action, dossiers pushed through the dossier
import — the same validation, permissions and audit record as the pages, all or nothing."""

import base64
import json

import pytest
from django.urls import reverse

from chiso.audit.models import AuditEntry
from chiso.dossiers.models import ImportRun, KpiValue
from chiso.dossiers.tests.conftest import dossier_row
from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.tracking.models import Evidence, ProgressUpdate

from .data import PNG
from .helpers import bearer, token_for


def _post(client, url, body, raw, **headers):
    return client.post(url, json.dumps(body) if not isinstance(body, str | bytes) else body,
                       content_type="application/json", **bearer(raw), **headers)


def _update_body(**extra):
    # the task is past its due date: the report must say why and what is done about it, as on the page
    return {"narrative": "Đã số hóa 120 hồ sơ", "percent": 40, "cause": "Thiếu máy quét",
            "remedy": "Mượn máy của Văn phòng",
            "documents": [{"number": "20/BC-HCTP", "date": "2026-03-10", "summary": "Báo cáo tháng 3"}],
            "files": [{"name": "anh.png", "content_base64": base64.b64encode(PNG).decode()}], **extra}


def test_a_progress_update_posted_through_the_api_shows_on_the_task_page_with_its_history(world, client, login):
    raw = token_for(world.people.admin, "updates:write", name="iOffice")
    url = f"/api/v1/tasks/{world.civil_task.pk}/updates"
    response = _post(client, url, _update_body(), raw)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent"] == 40 and body["review"] == "submitted" and len(body["evidence"]) == 2
    update = ProgressUpdate.objects.get(pk=body["id"])
    assert update.author == world.people.admin and update.task == world.civil_task
    stored = Evidence.objects.get(update=update, original_name="anh.png")
    assert stored.sha256 and stored.file.read() == PNG
    entry = AuditEntry.objects.filter(model="plans.task", object_id=str(world.civil_task.pk)).first()
    assert entry.object_repr.startswith("[API: iOffice] Báo cáo tiến độ") and entry.actor == world.people.admin
    page = login(world.people.office).get(reverse("task_detail", args=[world.civil_task.pk])).content.decode()
    assert "Đã số hóa 120 hồ sơ" in page and "[API: iOffice]" in page


@pytest.mark.parametrize("body,code,field", [
    ({"narrative": "x", "percent": 150}, "invalid", "percent"),
    ({"narrative": "x", "percent": "nhiều"}, "invalid", "percent"),
    ({"percent": 10}, "invalid", "narrative"),
    ({"narrative": "   ", "percent": 10}, "refused", "narrative"),
    ({"narrative": "x", "percent": 10, "proposed_status": "done"}, "refused", "done_on"),
    ({"narrative": "x" * 10_001, "percent": 10}, "refused", "narrative"),  # one word of 10,001 letters
    ({"narrative": "x", "percent": 10, "cause": "y " * 5001}, "refused", "cause"),
    ({"narrative": "x", "percent": 10, "files": [{"name": "a.png", "content_base64": "%%%"}]}, "invalid",
     "files.0.content_base64"),
    ({"narrative": "x", "percent": 10, "files": [{"name": "a.png", "content_base64": base64.b64encode(
        b"not an image").decode()}]}, "refused", "files"),
])
def test_bad_updates_are_refused_in_vietnamese_and_nothing_is_written(world, client, body, code, field, settings):
    raw = token_for(world.people.admin, "updates:write")
    response = _post(client, f"/api/v1/tasks/{world.civil_task.pk}/updates", body, raw)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code and field in [d["field"] for d in error["details"]]
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.png")) if settings.MEDIA_ROOT.exists() else True


def test_malformed_json_and_oversized_bodies(world, client, settings):
    raw = token_for(world.people.admin, "updates:write")
    url = f"/api/v1/tasks/{world.civil_task.pk}/updates"
    bad = _post(client, url, '{"narrative": "x", "percent":', raw)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_json"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = _post(client, url, {"narrative": "x" * 2000, "percent": 1}, raw)
    assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
    assert not ProgressUpdate.objects.exists()


def test_who_may_post(world, client):
    url = f"/api/v1/tasks/{world.civil_task.pk}/updates"
    body = {"narrative": "x", "percent": 10}
    # the leader's token: a leader does not report on tasks on the site either
    leader = _post(client, url, body, token_for(world.people.leader, "updates:write"))
    assert leader.status_code == 403 and "không được gửi báo cáo" in leader.json()["error"]["message"]
    read_only = _post(client, url, body, token_for(world.people.admin, "updates:read"))
    assert read_only.status_code == 403 and "updates:write" in read_only.json()["error"]["message"]
    elsewhere = _post(client, url, body, token_for(world.people.admin, "updates:write", "agency:SXD"))
    assert elsewhere.status_code == 404
    assert _post(client, "/api/v1/tasks/999999/updates", body, token_for(world.people.admin, "updates:write")
                 ).status_code == 404
    assert not ProgressUpdate.objects.exists()


def test_an_idempotency_key_makes_a_retry_answer_the_first_result(world, client):
    raw = token_for(world.people.admin, "updates:write")
    url = f"/api/v1/tasks/{world.civil_task.pk}/updates"
    first = _post(client, url, _update_body(), raw, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post(client, url, _update_body(), raw, HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and ProgressUpdate.objects.count() == 1
    other = _post(client, url, _update_body(percent=50), raw, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"
    assert _post(client, url, _update_body(percent=50), raw, HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    assert ProgressUpdate.objects.count() == 2


ROWS = [dossier_row("API-1", received="2026-03-03", promised="2026-03-10", finished="2026-03-07"),
        dossier_row("API-2", received="2026-03-03", promised="2026-03-07", finished="2026-03-10"),
        dossier_row("API-3", received="2026-03-04", promised="2026-03-20")]


def test_pushing_dossiers_is_idempotent_by_code(world, client):
    raw = token_for(world.people.admin, "dossiers:write", name="LGSP-hoso")
    first = _post(client, "/api/v1/dossiers", {"kind": "dossier", "records": ROWS}, raw)
    assert first.status_code == 200, first.content
    assert {k: first.json()[k] for k in ("rows", "created", "updated")} == {"rows": 3, "created": 3, "updated": 0}
    again = _post(client, "/api/v1/dossiers", {"kind": "dossier", "records": ROWS}, raw)
    assert {k: again.json()[k] for k in ("rows", "created", "updated")} == {"rows": 3, "created": 0, "updated": 3}
    # the indicators are recomputed by one background job for both batches; until it runs, the API says so
    assert not KpiValue.objects.exists()
    assert Job.objects.filter(kind="dossier_kpi_refresh", state="queued", agency_id=world.home.pk).count() == 1
    read = token_for(world.people.admin, "dossiers:read")
    waiting = client.get("/api/v1/indicators", {"agency": "STP"}, **bearer(read)).json()
    assert waiting["refresh_pending"] == [world.home.pk] and waiting["notice"].startswith("Chờ tính lại chỉ số")
    assert [j.state for j in run_pending()] == ["done"]
    value = KpiValue.objects.get(agency=world.home, unit=None, period="2026-03", code="2.1")
    assert (value.numerator, value.denominator) == (1, 3)
    figures = client.get("/api/v1/indicators", {"agency": "STP", "period": "2026-03", "code": "2.1"},
                         **bearer(read)).json()
    assert figures["refresh_pending"] == [] and figures["notice"] is None
    assert [(i["numerator"], i["denominator"]) for i in figures["items"]] == [(1, 3)]
    run = ImportRun.objects.get(pk=again.json()["run_id"])
    assert run.status == "done" and run.created_by == world.people.admin
    via_api = AuditEntry.objects.filter(model="dossiers.importrun", object_repr__startswith="[API: LGSP-hoso]")
    assert via_api.count() == 2


def test_a_bad_dossier_refuses_the_batch_with_every_bad_record(world, client):
    raw = token_for(world.people.admin, "dossiers:write")
    rows = [*ROWS, dossier_row("API-4", received="hôm qua"), dossier_row("API-5", agency="SKX",
                                                                          received="2026-03-03")]
    response = _post(client, "/api/v1/dossiers", {"records": rows}, raw)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "refused" and {"records.4", "records.5"} <= {d["field"] for d in error["details"]}
    assert not KpiValue.objects.exists() and not Job.objects.exists()


def test_who_may_push_dossiers(world, client):
    body = {"agency": "STP", "records": ROWS}
    leader = _post(client, "/api/v1/dossiers", body, token_for(world.people.leader, "dossiers:write"))
    assert leader.status_code == 403  # importing is the office's, on the site too
    assert _post(client, "/api/v1/dossiers", body, token_for(world.people.admin, "dossiers:read")).status_code == 403
    narrowed = _post(client, "/api/v1/dossiers", body, token_for(world.people.admin, "dossiers:write", "agency:SXD"))
    assert narrowed.status_code == 404
    # records of an agency the token does not cover are refused by the import's own check
    sxd_rows = [dossier_row("X-1", agency="SXD", received="2026-03-03")]
    refused = _post(client, "/api/v1/dossiers", {"records": sxd_rows},
                    token_for(world.people.admin, "dossiers:write", "agency:STP"))
    assert refused.status_code == 400
    assert _post(client, "/api/v1/dossiers", {"records": []}, token_for(world.people.admin, "dossiers:write")
                 ).status_code == 400
    assert not KpiValue.objects.exists() and not Job.objects.exists()
