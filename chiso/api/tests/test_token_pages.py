"""The "Kết nối API" pages: who may use them, the token shown once, revocation after a confirmation."""

import pytest

from chiso.api.models import ApiToken
from chiso.api.tokens import do_create_token


@pytest.mark.parametrize("who,status", [("admin", 200), ("leader", 200), ("office", 403), ("staff", 403),
                                        ("viewer", 403), ("coordinator", 403), ("outsider", 403), ("nobody", 403)])
def test_it_opens_for_admins_and_leaders_only(world, login, who, status):
    assert login(getattr(world.people, who)).get("/ket-noi-api/").status_code == status


def test_a_leader_makes_a_token_shown_once(world, login):
    client = login(world.people.leader)
    response = client.post("/ket-noi-api/", {"name": "iOffice", "scopes": ["tasks:read", "updates:read"],
                                             "agencies": [world.home.pk], "days": "90"})
    assert response.status_code == 200
    raw = response.context["made"].raw
    assert raw in response.content.decode()
    token = ApiToken.objects.get(name="iOffice")
    assert token.scopes == ["tasks:read", "updates:read"] and token.expires_at is not None
    assert raw not in client.get("/ket-noi-api/").content.decode()  # never shown again
    assert raw not in client.get(f"/ket-noi-api/{token.pk}/").content.decode()


def test_a_leader_cannot_scope_a_token_to_another_agency(world, login):
    response = login(world.people.leader).post("/ket-noi-api/", {"name": "x", "scopes": ["tasks:read"],
                                                                 "agencies": [world.other.pk]})
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_revoking_asks_first_and_only_its_creator_or_an_admin_may(world, client):
    token = do_create_token(world.people.leader, "iOffice", ["tasks:read"]).token
    client.force_login(world.people.outsider)
    assert client.get(f"/ket-noi-api/{token.pk}/thu-hoi/").status_code == 403  # not a token maker at all
    client.force_login(world.people.leader)
    page = client.get(f"/ket-noi-api/{token.pk}/thu-hoi/")
    assert page.status_code == 200 and "Không hoàn tác" in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # the GET only asks
    client.force_login(world.people.admin)
    assert client.post(f"/ket-noi-api/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == world.people.admin


def test_a_leader_does_not_see_another_persons_tokens(world, login):
    other = do_create_token(world.people.admin, "Cổng-tỉnh", ["*:read"]).token
    client = login(world.people.leader)
    assert "Cổng-tỉnh" not in client.get("/ket-noi-api/").content.decode()
    assert client.get(f"/ket-noi-api/{other.pk}/").status_code == 404
