"""NDJSON: every collection streamed out, dossiers taken in the same format."""

import json

from chiso.dossiers.models import KpiValue
from chiso.dossiers.tests.conftest import dossier_row
from chiso.jobs.api import run_pending
from chiso.plans import actions as plans
from chiso.plans.models import Task

from . import bulk_rows
from .helpers import bearer, token_for


def _ndjson(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]


def test_every_task_streams_out_in_the_list_shape(world, client, monkeypatch):
    from chiso.api import api as _api  # noqa: F401  (the API first: its modules import each other through it)
    from chiso.api import bulk

    monkeypatch.setattr(bulk, "BATCH", 7)  # several batches
    for i in range(20):
        plans.do_save_task(world.people.office, Task(plan=world.plan, ref=f"b{i}", title=f"Việc {i}"),
                           [world.civil], [])
    raw = token_for(world.people.leader, "tasks:read")
    rows = _ndjson(client.get("/api/v1/export/tasks", **bearer(raw)))
    listed = client.get("/api/v1/tasks", {"limit": 1000}, **bearer(raw)).json()["items"]
    assert rows == listed and len(rows) == 22
    assert _ndjson(client.get("/api/v1/export/tasks", {"agency": "STP"}, **bearer(raw))) == listed
    assert client.get("/api/v1/export/tasks", {"agency": "SXD"}, **bearer(raw)).status_code == 404
    assert client.get("/api/v1/export/plans", **bearer(raw)).status_code == 403
    assert client.get("/api/v1/export/secrets", **bearer(raw)).status_code == 404


def test_dossiers_come_in_as_ndjson_all_or_nothing(world, client):
    raw = token_for(world.people.admin, "dossiers:write")
    good = [dossier_row(f"N{i}", received="2026-03-03", promised="2026-03-10", finished="2026-03-05") for i in range(5)]
    body = bulk_rows(good)
    first = client.post("/api/v1/import/dossiers", body, content_type="application/x-ndjson", **bearer(raw))
    assert first.status_code == 200, first.content
    assert (first.json()["created"], first.json()["updated"]) == (5, 0)
    again = client.post("/api/v1/import/dossiers", body, content_type="application/x-ndjson", **bearer(raw))
    assert (again.json()["created"], again.json()["updated"]) == (0, 5)
    bad = bulk_rows([*good, dossier_row("N9", received="không rõ")])
    refused = client.post("/api/v1/import/dossiers", bad, content_type="application/x-ndjson", **bearer(raw))
    assert refused.status_code == 400 and "records.6" in {d["field"] for d in refused.json()["error"]["details"]}
    assert [j.kind for j in run_pending()] == ["dossier_kpi_refresh"]  # one recompute for both batches
    value = KpiValue.objects.get(agency=world.home, unit=None, period="2026-03", code="2.1")
    assert value.denominator == 5
