"""The token permission matrix: resource scopes × resources × agencies, with the outsider. A token reads a
resource only with its scope (403 otherwise), and only the agencies its creator reads and it names: another
agency's object is 404, exactly like a missing one, and never appears in a list."""

from datetime import date

import pytest

from chiso.dossiers.models import KpiValue
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
