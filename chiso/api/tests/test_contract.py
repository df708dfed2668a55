"""Every operation of the OpenAPI description, called for each answer it can give (200, 400, 401, 403, 404),
validated against the description itself. An operation added without a case here fails the test."""

import json

import pytest

from chiso.frameworks.models import Framework, FrameworkNode

from .contract import check
from .data import rich
from .helpers import bearer, token_for

# Operations not tied to one agency's data (a narrowed token still reads them).
UNSCOPED = {"/api/v1/frameworks/{framework_id}", "/api/v1/nodes/{node_id}", "/api/v1/export/{resource}"}
# The resource scope each path needs (the first segment, except these).
RESOURCE = {"units": "agencies", "nodes": "frameworks", "evidence": "evidence", "indicators": "dossiers",
            "export": "tasks"}
REQUIRED_QUERY = {"/api/v1/periods": {"agency": "STP"}}


@pytest.fixture
def setup(world, client):
    data = rich(world)
    framework = Framework.objects.filter(province__isnull=True).first()
    ids = {"agency_id": world.home.pk, "unit_id": world.civil.pk, "framework_id": framework.pk,
           "node_id": FrameworkNode.objects.filter(framework=framework).first().pk, "plan_id": world.plan.pk,
           "task_id": world.civil_task.pk, "update_id": data.update.pk, "evidence_id": data.evidence[0].pk,
           "report_id": data.report.pk, "fmt": "docx", "resource": "tasks"}
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return world, ids, response.json(), response.content.decode()


def _url(template: str, ids: dict) -> str:
    url = template
    for name, value in ids.items():
        url = url.replace("{" + name + "}", str(value))
    assert "{" not in url, f"no test value for a parameter of {template}"
    return url


def _resource(template: str) -> str:
    first = template.split("/")[3]
    return RESOURCE.get(first, first)


def test_every_get_answer_matches_the_description(setup, client):
    world, ids, doc, doc_json = setup
    full = token_for(world.people.admin, "*:read", name="full")
    other_agency = token_for(world.people.admin, "*:read", "agency:SXD", name="sxd")
    gets = [(t, ops["get"]) for t, ops in doc["paths"].items() if "get" in ops and t.startswith("/api/v1/")
            and not t.endswith(("/openapi.json", "/docs"))]
    assert len(gets) >= 20
    for template, op in gets:
        url = _url(template, ids)
        query = REQUIRED_QUERY.get(template, {})
        ok = client.get(url, query, **bearer(full))
        assert ok.status_code == 200, f"{template}: {ok.status_code} {ok.content[:300]}"
        check(doc, doc_json, template, "get", ok)
        if template.endswith("/file") or "/file/" in template:
            assert ok["Content-Disposition"].startswith("attachment")
        # no token, a token without this resource's scope
        check(doc, doc_json, template, "get", client.get(url, query))
        other = "plans" if _resource(template) != "plans" else "tasks"
        denied = client.get(url, query, **bearer(token_for(world.people.admin, f"{other}:read")))
        assert denied.status_code == 403, template
        check(doc, doc_json, template, "get", denied)
        # another agency's object: 404, the same body as a missing one
        if "{" in template and template not in UNSCOPED:
            hidden = client.get(url, query, **bearer(other_agency))
            assert hidden.status_code == 404, template
            check(doc, doc_json, template, "get", hidden)
            first_param = template.split("{")[1].split("}")[0]
            missing = client.get(_url(template, {**ids, first_param: 999999}), query, **bearer(full))
            assert missing.status_code == 404 and missing.json()["error"]["message"] == \
                hidden.json()["error"]["message"], template
        # a list with a bad parameter
        if "limit" in {p["name"] for p in op.get("parameters", [])}:
            bad = client.get(url, {**query, "limit": "0"}, **bearer(full))
            assert bad.status_code == 400, template
            check(doc, doc_json, template, "get", bad)
            bad = client.get(url, {**query, "cursor": "not-a-cursor"}, **bearer(full))
            assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_cursor", template
            check(doc, doc_json, template, "get", bad)


def test_the_description_and_the_docs_are_served_offline(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] == "ChiSo API"
    assert doc["components"]["securitySchemes"]
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200
    assert json.dumps(doc, ensure_ascii=False).count("Error") > 10


def test_every_write_answer_matches_the_description(setup, client, settings):
    import base64

    from chiso.dossiers.tests.conftest import dossier_row

    from .data import PNG

    world, ids, doc, doc_json = setup
    posts = {t for t, ops in doc["paths"].items() if "post" in ops}
    assert posts == {"/api/v1/tasks/{task_id}/updates", "/api/v1/dossiers", "/api/v1/webhooks",
                     "/api/v1/import/dossiers"}, \
        "a new write needs its cases here"
    admin = token_for(world.people.admin, "*:write", name="writer")
    update = {"narrative": "Đã xong phần việc", "percent": 30, "cause": "Chậm do thiếu người",
              "remedy": "Bổ sung người", "files": [{"name": "a.png", "content_base64": base64.b64encode(PNG).decode()}]}
    dossiers = {"records": [dossier_row("C-1", received="2026-03-03", promised="2026-03-10")]}
    cases = {
        "/api/v1/tasks/{task_id}/updates": (update, {"narrative": "", "percent": 1}),
        "/api/v1/dossiers": (dossiers, {"records": [dossier_row("C-2", received="không rõ")]}),
        "/api/v1/webhooks": ({"url": "http://127.0.0.1:9/h", "events": ["update.confirmed"]},
                             {"url": "http://127.0.0.1:9/h", "events": ["bogus"]}),
        "/api/v1/import/dossiers": (json.dumps(dossier_row("N-1", received="2026-03-03")) + "\n",
                                    json.dumps(dossier_row("N-2", received="sai ngày")) + "\n"),
    }
    for template, (good, bad) in cases.items():
        url = _url(template, ids)

        def post(body, raw=admin, url=url, template=template, **headers):
            payload = body if isinstance(body, str) else json.dumps(body)
            response = client.post(url, payload, content_type="application/json", **bearer(raw) if raw else {},
                                   **headers)
            check(doc, doc_json, template, "post", response)
            return response

        first = post(good, HTTP_IDEMPOTENCY_KEY="contract")
        assert first.status_code in (200, 201), first.content
        assert post(good, HTTP_IDEMPOTENCY_KEY="contract").status_code in (200, 201)
        if not isinstance(good, str):
            assert post({**good, "extra": 1}, HTTP_IDEMPOTENCY_KEY="contract").status_code in (200, 201, 409)
        assert post(bad).status_code == 400
        assert post("{not json").status_code == 400
        assert post(good, raw=None).status_code == 401
        assert post(good, raw=token_for(world.people.admin, "*:read")).status_code == 403
        if "{" in template:
            assert post(good, raw=token_for(world.people.admin, "*:write", "agency:SXD")).status_code == 404
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.CHISO_DOSSIER_MAX_MB = 20, 0
        assert post(good).status_code == 413
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.CHISO_DOSSIER_MAX_MB = 10 * 1024 * 1024, 2048


def test_every_delete_answer_matches_the_description(setup, client):
    world, ids, doc, doc_json = setup
    deletes = {t for t, ops in doc["paths"].items() if "delete" in ops}
    assert deletes == {"/api/v1/webhooks/{subscription_id}"}, "a new delete needs its cases here"
    template = "/api/v1/webhooks/{subscription_id}"
    raw = token_for(world.people.admin, "webhooks:write", "*:read")
    made = client.post("/api/v1/webhooks", json.dumps({"url": "http://127.0.0.1:9/h", "events": ["report.issued"]}),
                       content_type="application/json", **bearer(raw)).json()
    url = _url(template, {"subscription_id": made["id"]})
    for token, status in ((None, 401), (token_for(world.people.admin, "webhooks:read"), 403),
                          (token_for(world.people.admin, "webhooks:write"), 404), (raw, 204)):
        response = client.delete(url, **(bearer(token) if token else {}))
        assert response.status_code == status
        check(doc, doc_json, template, "delete", response)
