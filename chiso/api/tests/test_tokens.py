"""Tokens: who makes them, what they store, how they are refused, the rate limit, the call log, the command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from chiso.accounts.models import RoleGrant
from chiso.api.models import ApiCall, ApiToken
from chiso.api.tokens import Refused, digest, do_create_token, do_revoke_token
from chiso.audit.models import AuditEntry

from .helpers import bearer, token_for


def test_it_stores_only_the_digest_and_shows_the_token_once(world):
    made = do_create_token(world.people.admin, "iOffice", ["tasks:read"])
    token = ApiToken.objects.get(name="iOffice")
    assert made.raw.startswith("chiso_") and len(made.raw) > 40
    assert token.digest == digest(made.raw) and made.raw not in {token.digest, token.prefix}
    assert not ApiToken.objects.filter(digest=made.raw).exists()
    entry = AuditEntry.objects.get(model="api.apitoken", object_id=str(token.pk))
    assert made.raw not in str(entry.after) and token.digest not in str(entry.after)


def test_it_lets_admins_and_leaders_make_tokens_and_nobody_else(world):
    p = world.people
    assert do_create_token(p.admin, "a", ["*:read"]).token.user == p.admin
    leader_token = do_create_token(p.leader, "b", ["tasks:read"]).token
    assert [a.code for a in leader_token.agencies.all()] == ["STP"]  # a leader's token is scoped to the agency
    for person in (p.office, p.staff, p.viewer, p.outsider, p.coordinator, p.nobody):
        with pytest.raises(Refused, match="không có quyền tạo mã"):
            do_create_token(person, f"x-{person.username}", ["tasks:read"])
    with pytest.raises(Refused, match="cơ quan mình lãnh đạo"):
        do_create_token(p.leader, "c", ["tasks:read", "agency:SXD"])


@pytest.mark.parametrize("scopes,message", [
    ([], "ít nhất một phạm vi"), (["tasks"], "không hợp lệ"), (["bogus:read"], "không có tài nguyên"),
    (["tasks:delete"], "read hoặc write"), (["tasks:write"], "chỉ đọc được"), (["agency:NOPE", "tasks:read"],
                                                                              "Không có cơ quan mã NOPE"),
])
def test_it_refuses_scopes_that_mean_nothing(world, scopes, message):
    with pytest.raises(Refused, match=message):
        do_create_token(world.people.admin, "t", scopes)
    assert not ApiToken.objects.exists()


def test_it_refuses_a_second_token_of_the_same_name_and_bad_days(world):
    do_create_token(world.people.admin, "same", ["*:read"])
    with pytest.raises(Refused, match="Đã có kết nối"):
        do_create_token(world.people.admin, "same", ["*:read"])
    with pytest.raises(Refused, match="Số ngày"):
        do_create_token(world.people.admin, "other", ["*:read"], days=0)


@pytest.mark.parametrize("header,code", [
    (None, "unauthenticated"), ("Bearer", "unauthenticated"), ("Basic abc", "unauthenticated"),
    ("Bearer chiso_not-a-real-token", "unauthenticated"),
])
def test_it_answers_401_without_a_good_token(world, client, header, code):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/tasks", **extra)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert "mã kết nối" in response.json()["error"]["message"].lower()


def test_it_refuses_revoked_expired_and_inactive_tokens(world, client):
    p = world.people
    revoked = do_create_token(p.admin, "revoked", ["*:read"])
    do_revoke_token(p.admin, revoked.token)
    expired = do_create_token(p.admin, "expired", ["*:read"], days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    inactive = do_create_token(p.leader, "inactive", ["*:read"])
    p.leader.is_active = False
    p.leader.save()
    for made, code in ((revoked, "revoked"), (expired, "expired"), (inactive, "inactive")):
        response = client.get("/api/v1/agencies", **bearer(made.raw))
        assert response.status_code == 401, code
        assert response.json()["error"]["code"] == code
    assert AuditEntry.objects.filter(model="api.apitoken", object_id=str(revoked.token.pk),
                                     action="update").count() == 1
    # every refused call of a known token is still in its log
    assert set(ApiCall.objects.values_list("token_name", "status")) == {
        ("revoked", 401), ("expired", 401), ("inactive", 401)}


def test_it_records_every_call_and_the_last_use(world, client):
    raw = token_for(world.people.admin, "tasks:read", name="LGSP")
    assert ApiToken.objects.get(name="LGSP").last_used_at is None
    assert client.get("/api/v1/tasks", **bearer(raw)).status_code == 200
    assert client.get("/api/v1/plans", **bearer(raw)).status_code == 403
    calls = list(ApiCall.objects.order_by("id").values_list("token_name", "method", "path", "status"))
    assert calls == [("LGSP", "GET", "/api/v1/tasks", 200), ("LGSP", "GET", "/api/v1/plans", 403)]
    assert ApiToken.objects.get(name="LGSP").last_used_at is not None


def test_it_limits_calls_per_token_and_minute(world, client):
    limited = token_for(world.people.admin, "*:read", name="limited", rate_per_minute=3)
    other = token_for(world.people.admin, "*:read", name="other")
    codes = [client.get("/api/v1/agencies", **bearer(limited)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = client.get("/api/v1/agencies", **bearer(limited))
    assert refused.json()["error"]["code"] == "rate_limited" and 0 < int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/agencies", **bearer(other)).status_code == 200  # the limit is per token
    # the next minute opens a new window
    ApiToken.objects.filter(name="limited").update(window_minute=1)
    assert client.get("/api/v1/agencies", **bearer(limited)).status_code == 200


def test_a_token_never_sees_more_than_its_creator_now(world, client):
    p = world.people
    raw = token_for(p.leader, "*:read", name="leader-all")
    codes = [a["code"] for a in client.get("/api/v1/agencies", **bearer(raw)).json()["items"]]
    assert codes == ["STP"]
    # an admin's token narrowed to one agency reads only that one
    narrowed = token_for(p.admin, "*:read", "agency:SXD", name="admin-sxd")
    assert [a["code"] for a in client.get("/api/v1/agencies", **bearer(narrowed)).json()["items"]] == ["SXD"]
    assert client.get(f"/api/v1/tasks/{world.civil_task.pk}", **bearer(narrowed)).status_code == 404
    # the leader loses the role: the token made earlier loses the agency with it
    RoleGrant.objects.filter(user=p.leader).delete()
    assert client.get("/api/v1/agencies", **bearer(raw)).json()["items"] == []
    assert client.get(f"/api/v1/tasks/{world.civil_task.pk}", **bearer(raw)).status_code == 404


def test_the_command_creates_lists_and_revokes(world, client, capsys):
    out, err = StringIO(), StringIO()
    call_command("api", "token", "create", "--user", "leader", "--name", "iOffice", "--scope", "tasks:read",
                 "--days", "30", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("chiso_") and "một lần" in err.getvalue()
    token = ApiToken.objects.get(name="iOffice")
    assert token.expires_at is not None and token.scopes == ["tasks:read"]
    assert client.get("/api/v1/tasks", **bearer(raw)).status_code == 200
    listing = StringIO()
    call_command("api", "token", "list", stdout=listing)
    assert "iOffice\tleader\ttasks:read\tSTP\tcòn hiệu lực" in listing.getvalue() and raw not in listing.getvalue()
    call_command("api", "token", "revoke", "iOffice", stdout=StringIO())
    assert client.get("/api/v1/tasks", **bearer(raw)).status_code == 401


@pytest.mark.parametrize("args,message", [
    (["create", "--user", "ghost", "--name", "x"], "Không có người dùng"),
    (["create", "--user", "staff", "--name", "x"], "không có quyền tạo mã"),
    (["create", "--user", "admin", "--name", "x", "--scope", "tasks:fly"], "read hoặc write"),
    (["revoke", "nothing"], "Không có mã kết nối"),
])
def test_the_command_refuses_in_one_line(world, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        call_command("api", "token", *args, stdout=StringIO())
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not ApiToken.objects.exists()
