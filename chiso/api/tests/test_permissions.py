"""The token permission matrix: resource scopes × resources × agencies, with the outsider. A token reads a
resource only with its scope (403 otherwise), and only the agencies its creator reads and it names: another
agency's object is 404, exactly like a missing one, and never appears in a list."""

import json
from datetime import date
from types import SimpleNamespace

import pytest

from chiso.dossiers.models import KpiValue
from chiso.dossiers.tests.conftest import dossier_row
from chiso.plans import actions as plans
from chiso.plans.models import Task
from chiso.tracking.actions import UpdateData, do_post_update

from .data import rich
from .helpers import bearer, token_for

# resource scope -> (list path, item path template or None, attribute naming the agency in an item)
ENDPOINTS = {
    "agencies": ("/api/v1/agencies", "/api/v1/agencies/{}", "id"),
    "units": ("/api/v1/units", "/api/v1/units/{}", "agency_id"),
    "plans": ("/api/v1/plans", "/api/v1/plans/{}", "agency_id"),
    "tasks": ("/api/v1/tasks", "/api/v1/tasks/{}", "agency_id"),
    "updates": ("/api/v1/updates", "/api/v1/updates/{}", "agency_id"),
    "reports": ("/api/v1/reports", "/api/v1/reports/{}", "agency_id"),
    "dossiers": ("/api/v1/indicators", None, "agency_id"),
}


@pytest.fixture
def both(world):
    """Data in the home agency (STP) and the other one (SXD)."""
    data = rich(world)
    other_task = plans.do_save_task(world.people.outsider, Task(plan=world.other_plan, ref="1", title="Việc SXD",
                                                                due=date(2026, 12, 31)), [world.other_unit], [])
    other_update = do_post_update(world.people.outsider, other_task,
                                  UpdateData(narrative="Đang làm", percent=10), today=date(2026, 3, 1))
    home = {"agencies": world.home.pk, "units": world.civil.pk, "plans": world.plan.pk,
            "tasks": world.civil_task.pk, "updates": data.update.pk, "reports": data.report.pk}
    other = {"agencies": world.other.pk, "units": world.other_unit.pk, "plans": world.other_plan.pk,
             "tasks": other_task.pk, "updates": other_update.pk}
    assert KpiValue.objects.filter(agency=world.other).exists()
    return world, home, other


def _outsider_leader(world):
    """The other agency's leader: may make tokens, but only for SXD."""
    from chiso.accounts.models import Role, RoleGrant

    RoleGrant.objects.get_or_create(user=world.people.outsider, role=Role.LEADER, agency=world.other)
    world.people.outsider.__dict__.pop("_chiso_access", None)
    return world.people.outsider


def _agency_ids(response, key):
    return {row[key] for row in response.json()["items"]}


SCOPE = {"units": "agencies"}  # units are read with the agencies scope


@pytest.mark.parametrize("resource", list(ENDPOINTS))
def test_scopes_by_resource_and_agency(both, client, resource):
    world, home, other = both
    list_url, item_url, key = ENDPOINTS[resource]
    p = world.people
    resource_scope = SCOPE.get(resource, resource)
    tokens = {
        "leader_scoped": token_for(p.leader, f"{resource_scope}:read"),  # the home agency's leader
        "leader_other_scope": token_for(p.leader, "frameworks:read"),    # same agency, wrong resource
        "admin_sxd": token_for(p.admin, f"{resource_scope}:read", "agency:SXD"),
        "admin_all": token_for(p.admin, "*:read"),
        "outsider": token_for(_outsider_leader(world), "*:read"),        # the other agency's leader
    }
    # the right scope: only the home agency, in lists and items
    response = client.get(list_url, **bearer(tokens["leader_scoped"]))
    assert response.status_code == 200
    assert _agency_ids(response, key) == {world.home.pk}
    if item_url:
        assert client.get(item_url.format(home[resource]), **bearer(tokens["leader_scoped"])).status_code == 200
        if resource in other:
            hidden = client.get(item_url.format(other[resource]), **bearer(tokens["leader_scoped"]))
            assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    # filtering by another agency is 404 too, not an empty list that says it exists
    assert client.get(list_url, {"agency": "SXD"}, **bearer(tokens["leader_scoped"])).status_code == 404 \
        if resource != "agencies" else True
    # the wrong scope: 403 on lists and items alike, whatever the agency
    denied = client.get(list_url, **bearer(tokens["leader_other_scope"]))
    assert denied.status_code == 403 and f"{resource_scope}:read" in denied.json()["error"]["message"]
    if item_url:
        assert client.get(item_url.format(home[resource]), **bearer(tokens["leader_other_scope"])).status_code == 403
    # an administrator's token narrowed to SXD sees SXD only
    narrowed = client.get(list_url, **bearer(tokens["admin_sxd"]))
    assert _agency_ids(narrowed, key) <= {world.other.pk}
    if resource in other:
        assert _agency_ids(narrowed, key) == {world.other.pk}
    if item_url:
        assert client.get(item_url.format(home[resource]), **bearer(tokens["admin_sxd"])).status_code == 404
    # the outsider (another agency's leader, every scope): the home agency does not exist for it
    outside = client.get(list_url, **bearer(tokens["outsider"]))
    assert outside.status_code == 200 and world.home.pk not in _agency_ids(outside, key)
    if item_url:
        hidden = client.get(item_url.format(home[resource]), **bearer(tokens["outsider"]))
        assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    if resource != "agencies":
        assert client.get(list_url, {"agency": "STP"}, **bearer(tokens["outsider"])).status_code == 404
    # an administrator's unscoped token sees both
    both_ids = _agency_ids(client.get(list_url, **bearer(tokens["admin_all"])), key)
    assert {world.home.pk} <= both_ids and (world.other.pk in both_ids or resource == "reports")


def test_write_implies_read_of_the_same_resource_only(both, client):
    world, home, _other = both
    raw = token_for(world.people.admin, "updates:write")
    assert client.get("/api/v1/updates", **bearer(raw)).status_code == 200
    assert client.get("/api/v1/tasks", **bearer(raw)).status_code == 403


def test_evidence_files_need_their_own_scope(both, client):
    world, _home, _other = both
    update = client.get("/api/v1/updates", {"agency": "STP"}, **bearer(token_for(world.people.admin, "*:read")))
    download = next(e["download"] for u in update.json()["items"] for e in u["evidence"] if e["download"])
    assert client.get(download, **bearer(token_for(world.people.leader, "updates:read"))).status_code == 403
    got = client.get(download, **bearer(token_for(world.people.leader, "evidence:read")))
    assert got.status_code == 200 and got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content).startswith(b"\x89PNG")
    assert client.get(download, **bearer(token_for(world.people.admin, "evidence:read", "agency:SXD"))
                      ).status_code == 404


def test_the_coordinator_reaches_the_province_through_an_admin_token_only(both, client):
    """A provincial coordinator reads every agency of its province on the site, but makes no tokens; an
    administrator's token narrowed to the coordinator's province is the way to give that reach."""
    world, _home, _other = both
    raw = token_for(world.people.admin, "agencies:read", "agency:STP", "agency:SXD")
    codes = {a["code"] for a in client.get("/api/v1/agencies", **bearer(raw)).json()["items"]}
    assert codes == {"STP", "SXD"}


# --- every operation of the API, enumerated from the OpenAPI description -----------------------------------
# (method, path template)[#variant] -> (resource, access, path arguments from the data, body, what another
# agency's token gets: "404" for the home agency's object, "hidden" for a list without the home agency's rows,
# "own" for what is not an agency's: catalogs, the token's own webhooks).
# Paths name the home agency's (STP) objects; the unsubscribe path names the subscription of the token that
# has the right scope.
OPERATIONS = {
    ("GET", "/api/v1/agencies"): ("agencies", "read", None, None, "hidden"),
    ("GET", "/api/v1/agencies/{agency_id}"): ("agencies", "read", lambda d: {"agency_id": d.world.home.pk}, None,
                                              "404"),
    ("GET", "/api/v1/units"): ("agencies", "read", None, None, "hidden"),
    ("GET", "/api/v1/units/{unit_id}"): ("agencies", "read", lambda d: {"unit_id": d.world.civil.pk}, None, "404"),
    ("GET", "/api/v1/frameworks"): ("frameworks", "read", None, None, "own"),
    ("GET", "/api/v1/frameworks/{framework_id}"): ("frameworks", "read",
                                                   lambda d: {"framework_id": d.node.framework_id}, None, "own"),
    ("GET", "/api/v1/nodes"): ("frameworks", "read", None, None, "own"),
    ("GET", "/api/v1/nodes/{node_id}"): ("frameworks", "read", lambda d: {"node_id": d.node.pk}, None, "own"),
    ("GET", "/api/v1/plans"): ("plans", "read", None, None, "hidden"),
    ("GET", "/api/v1/plans/{plan_id}"): ("plans", "read", lambda d: {"plan_id": d.world.plan.pk}, None, "404"),
    ("GET", "/api/v1/tasks"): ("tasks", "read", None, None, "hidden"),
    ("GET", "/api/v1/tasks/{task_id}"): ("tasks", "read", lambda d: {"task_id": d.world.civil_task.pk}, None, "404"),
    ("GET", "/api/v1/updates"): ("updates", "read", None, None, "hidden"),
    ("GET", "/api/v1/updates/{update_id}"): ("updates", "read", lambda d: {"update_id": d.rich.update.pk}, None,
                                             "404"),
    ("GET", "/api/v1/evidence/{evidence_id}/file"): ("evidence", "read",
                                                     lambda d: {"evidence_id": d.rich.evidence[0].pk}, None, "404"),
    ("GET", "/api/v1/periods"): ("periods", "read", None, {"agency": "STP"}, "404"),
    ("GET", "/api/v1/reports"): ("reports", "read", None, None, "hidden"),
    ("GET", "/api/v1/reports/{report_id}"): ("reports", "read", lambda d: {"report_id": d.rich.report.pk}, None,
                                             "404"),
    ("GET", "/api/v1/reports/{report_id}/file/{fmt}"): ("reports", "read",
                                                        lambda d: {"report_id": d.rich.report.pk, "fmt": "docx"},
                                                        None, "404"),
    ("GET", "/api/v1/indicators"): ("dossiers", "read", None, None, "hidden"),
    ("POST", "/api/v1/tasks/{task_id}/updates"): ("updates", "write", lambda d: {"task_id": d.world.civil_task.pk},
                                                  {"narrative": "Đang làm", "percent": 10, "cause": "Chậm",
                                                   "remedy": "Làm bù"}, "404"),
    ("POST", "/api/v1/dossiers"): ("dossiers", "write", None, {"agency": "STP", "records": [
        dossier_row("API-1", received="2026-03-03", promised="2026-03-10", finished="2026-03-07")]}, "404"),
    **{("GET", "/api/v1/export/{resource}", name): (scope, "read", lambda d, name=name: {"resource": name}, None,
                                                   "hidden")
       for name, scope in (("agencies", "agencies"), ("units", "agencies"), ("plans", "plans"), ("tasks", "tasks"),
                           ("updates", "updates"), ("reports", "reports"), ("indicators", "dossiers"))},
    ("POST", "/api/v1/import/dossiers"): ("dossiers", "write", None, "STP", "404"),
    ("GET", "/api/v1/webhooks"): ("webhooks", "read", None, None, "own"),
    ("POST", "/api/v1/webhooks"): ("webhooks", "write", None,
                                   {"url": "http://127.0.0.1:9/nhan", "events": ["update.confirmed"]}, "own"),
    ("DELETE", "/api/v1/webhooks/{subscription_id}"): ("webhooks", "write",
                                                       lambda d: {"subscription_id": d.subscription.pk}, None, "404"),
}
# What the home agency's rows carry: none of it may reach another agency's token.
HOME_MARKS = ('"STP"', "Sở Tư pháp", "12/KH-STP", "Phòng Hành chính tư pháp", "Giải quyết hồ sơ đúng hạn",
              "Đã giải quyết 99% hồ sơ")


def _home_rows(text: str, world) -> list[str]:
    """What in an answer belongs to the home agency: its names, or a row's agency_id."""
    import re

    found = [m for m in HOME_MARKS if m in text]
    return found + re.findall(rf'"agency_id": {world.home.pk}(?!\d)', text)


LOG_TABLES = ("api_apitoken", "api_apicall")  # every call moves the token's last use and is logged


def test_every_operation_of_the_api_has_a_rule():
    from chiso.api.api import api

    described = {(method.upper(), path) for path, ops in api.get_openapi_schema()["paths"].items() for method in ops}
    ruled = {key[:2] for key in OPERATIONS}
    assert described == ruled, f"operations without a rule: {described - ruled}; rules without one: {ruled - described}"


class _Writes:
    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        words = sql.lstrip().split(None, 1)
        if words and words[0].lower() in ("insert", "update", "delete") and not any(t in sql for t in LOG_TABLES):
            self.writes.append(sql[:100])
        return execute(sql, params, many, context)


def _call(client, method, path, body, raw=None):
    from django.db import connection

    headers = bearer(raw) if raw else {}
    spy = _Writes()
    with connection.execute_wrapper(spy):
        if method == "GET":
            response = client.get(path, body or {}, **headers)
        elif method == "DELETE":
            response = client.delete(path, **headers)
        elif body == "STP":  # NDJSON upload of one dossier for the home agency
            line = json.dumps(dossier_row("ND-1", received="2026-03-03", promised="2026-03-10"), ensure_ascii=False)
            response = client.post(path + "?agency=STP", line + "\n", content_type="application/x-ndjson",
                                   **headers)
        else:
            response = client.post(path, json.dumps(body), content_type="application/json", **headers)
    text = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, text.decode("utf-8", "replace"), spy.writes


@pytest.mark.parametrize("key", sorted(OPERATIONS, key=str), ids=lambda k: " ".join(k))
def test_each_operation_refuses_without_token_scope_or_agency(both, client, key):
    """No token: 401. Every scope but the one needed: 403. The other agency's leader with the needed scope:
    404 for the home agency's object, a list without its rows. Refused calls write nothing but the call log.
    An administrator's token with exactly the needed scope is let through."""
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.api.scopes import RESOURCES, WRITABLE
    from chiso.api.webhooks import do_subscribe
    from chiso.frameworks.models import FrameworkNode

    world = both[0]
    method, template = key[:2]
    resource, access, args, body, other_gets = OPERATIONS[key]
    right = token_for(world.people.admin, f"{resource}:{access}")
    others = [f"{r}:{a}" for r in RESOURCES if r != resource for a in ("read", "write")
              if a == "read" or r in WRITABLE]
    wrong = token_for(world.people.admin, *others, name="wrong-scope")
    sxd_leader = User.objects.create_user(username="sxd_leader", password="pw-test-123")
    RoleGrant.objects.create(user=sxd_leader, role=Role.LEADER, agency=world.other)
    outsider = token_for(sxd_leader, f"{resource}:{access}")
    from chiso.api.tokens import find
    from chiso.tracking.models import ProgressUpdate

    world, home, _other = both
    update = ProgressUpdate.objects.get(pk=home["updates"])
    data = SimpleNamespace(world=world, node=FrameworkNode.objects.order_by("pk").first(), rich=SimpleNamespace(
        update=update, evidence=list(update.evidence.order_by("pk")), report=SimpleNamespace(pk=home["reports"])))
    data.subscription = do_subscribe(find(right), "http://127.0.0.1:9/cu", ["update.confirmed"])[0]
    path = template.format(**(args(data) if args else {}))

    status, _text, writes = _call(client, method, path, body)
    assert status == 401 and not writes, (key, "no token", status, writes)
    status, _text, writes = _call(client, method, path, body, wrong)
    assert status == 403 and not writes, (key, "wrong scope", status, writes)
    status, text, writes = _call(client, method, path, body, outsider)
    if other_gets == "404":
        assert status == 404 and not writes, (key, "other agency", status, writes)
    else:
        assert status < 400, (key, "other agency", status, text[:300])
        if other_gets == "hidden":
            assert not _home_rows(text, world), (key, "other agency sees the home agency", text[:300])
    status, text, _writes = _call(client, method, path, body, right)
    assert status < 400, (key, "the right scope", status, text[:300])
    if other_gets == "hidden":  # the home agency's rows are there for a token that may read them
        assert _home_rows(text, world), (key, "the home agency's rows are missing", text[:300])


@pytest.mark.parametrize("who", ["leader", "outsider"])
def test_periods_and_catalogs_by_agency(both, client, who):
    """Periods are read per agency: the leader reads STP's and not SXD's, the other agency's leader the
    reverse; the national catalogs are read by both, with the frameworks scope only."""
    world, _home, _other = both
    person = world.people.leader if who == "leader" else _outsider_leader(world)
    mine, theirs = ("STP", "SXD") if who == "leader" else ("SXD", "STP")
    raw = token_for(person, "periods:read", "frameworks:read")
    assert client.get("/api/v1/periods", {"agency": mine, "year": 2026}, **bearer(raw)).status_code == 200
    hidden = client.get("/api/v1/periods", {"agency": theirs, "year": 2026}, **bearer(raw))
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/frameworks", **bearer(raw)).json()["items"]
    no_scope = token_for(person, "tasks:read")
    assert client.get("/api/v1/periods", {"agency": mine}, **bearer(no_scope)).status_code == 403
    assert client.get("/api/v1/frameworks", **bearer(no_scope)).status_code == 403
