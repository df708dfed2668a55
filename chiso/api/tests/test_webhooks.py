"""Webhooks: events written with the change (outbox), signed deliveries, retries with backoff, the delivery
log, and every event delivered after the sender is killed mid-run (a receiver started here on loopback)."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from chiso.api import webhooks
from chiso.api.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from chiso.periods.calendar import resolve
from chiso.reports import actions as reports
from chiso.reports.tests.helpers import approved
from chiso.tracking.actions import UpdateData, do_confirm_update, do_post_update

from .helpers import bearer, token_for
from .receiver import Receiver

DONE = UpdateData(narrative="Hoàn thành", percent=100, proposed_status="done", done_on=date(2026, 3, 1))


def _subscribe(client, raw, url, events=("task.status_changed", "update.confirmed", "report.issued")):
    response = client.post("/api/v1/webhooks", json.dumps({"url": url, "events": list(events)}),
                           content_type="application/json", **bearer(raw))
    assert response.status_code == 201, response.content
    return response.json()


def _finish(world, task=None):
    update = do_post_update(world.people.staff, task or world.civil_task, DONE, today=date(2026, 3, 2))
    return do_confirm_update(world.people.office, update, today=date(2026, 3, 2))


def test_events_go_out_signed_once_each(world, client):
    raw = token_for(world.people.admin, "webhooks:write", "*:read", name="iOffice")
    with Receiver() as receiver:
        sub = _subscribe(client, raw, receiver.url)
        receiver.secret = sub["secret"]
        assert WebhookSubscription.objects.get().secret == sub["secret"]
        _finish(world)
        report = reports.do_compile_agency_report(world.people.office, world.home, resolve(world.home, "2026-Y"),
                                                  date(2026, 12, 16))
        day = date(2026, 12, 17)
        reports.do_issue_agency_report(world.people.office, approved(world, report, day), day)
        assert webhooks.run_once() == (3, 0)
        assert webhooks.run_once() == (0, 0)
    kinds = sorted(b["event"] for b in receiver.processed.values())
    assert kinds == ["report.issued", "task.status_changed", "update.confirmed"]
    status = next(b for b in receiver.processed.values() if b["event"] == "task.status_changed")
    assert status["agency"] == "STP" and status["data"]["task_id"] == world.civil_task.pk
    assert status["data"]["status"] == "done" and status["data"]["status_before"] in ("overdue", "in_progress")
    assert not receiver.refused and len(receiver.received) == 3
    assert set(WebhookDelivery.objects.values_list("state", "attempts")) == {("delivered", 1)}
    listed = client.get("/api/v1/webhooks", **bearer(raw)).json()
    assert listed[0]["pending"] == 0 and "secret" not in listed[0]


def test_no_event_without_a_subscriber_or_when_the_change_rolls_back(world, client):
    _finish(world)
    assert not WebhookEvent.objects.exists()
    raw = token_for(world.people.admin, "webhooks:write", "*:read")
    _subscribe(client, raw, "http://127.0.0.1:9/x")
    with pytest.raises(RuntimeError), transaction.atomic():
        _finish(world, world.laws_task)
        assert WebhookEvent.objects.exists()  # written inside the change's transaction ...
        raise RuntimeError("the change fails after the event was written")
    assert not WebhookEvent.objects.exists()  # ... and gone with it


def test_events_of_other_agencies_and_unsubscribed_kinds_are_not_sent(world, client):
    sxd = token_for(world.people.admin, "webhooks:write", "*:read", "agency:SXD")
    _subscribe(client, sxd, "http://127.0.0.1:9/sxd")
    only_reports = token_for(world.people.leader, "webhooks:write", "*:read")
    _subscribe(client, only_reports, "http://127.0.0.1:9/stp", events=["report.issued"])
    no_scope = token_for(world.people.admin, "tasks:read")
    assert client.post("/api/v1/webhooks", json.dumps({"url": "http://x", "events": ["update.confirmed"]}),
                       content_type="application/json", **bearer(no_scope)).status_code == 403
    _finish(world)
    assert not WebhookDelivery.objects.exists()


def test_bad_subscriptions_are_refused(world, client):
    raw = token_for(world.people.admin, "webhooks:write")
    for body in ({"url": "ftp://x", "events": ["update.confirmed"]}, {"url": "http://x", "events": ["bogus"]},
                 {"url": "http://x", "events": []}):
        response = client.post("/api/v1/webhooks", json.dumps(body), content_type="application/json", **bearer(raw))
        assert response.status_code == 400 and response.json()["error"]["message"]
    assert not WebhookSubscription.objects.exists()


def test_failures_are_retried_with_backoff_then_marked_failed_and_shown(world, client, login):
    raw = token_for(world.people.admin, "webhooks:write", "*:read", name="LGSP")
    with Receiver(fail_first=2) as receiver:
        receiver.secret = _subscribe(client, raw, receiver.url, events=["update.confirmed"])["secret"]
        _finish(world)
        assert webhooks.run_once() == (0, 1)
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == 1 and delivery.last_status == 500
        wait = delivery.next_attempt_at - timezone.now()
        assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
        assert webhooks.run_once() == (0, 0)  # not due yet
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert webhooks.run_once() == (0, 1)
        delivery.refresh_from_db()
        assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=110)  # doubled
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        assert webhooks.run_once() == (1, 0)
    assert len(receiver.received) == 3 and len(receiver.processed) == 1
    # a receiver that stays down: failed after the last attempt, listed on the delivery log page, retried
    WebhookDelivery.objects.update(state="pending", attempts=webhooks.MAX_ATTEMPTS - 1,
                                   next_attempt_at=timezone.now())
    WebhookDelivery.objects.update(subscription=WebhookSubscription.objects.get())
    WebhookSubscription.objects.update(url="http://127.0.0.1:9/closed")
    assert webhooks.run_once() == (0, 1)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed" and "Không gửi được" in delivery.last_error
    page = login(world.people.admin).get("/ket-noi-api/webhook/?that-bai=1")
    assert page.status_code == 200 and "Không gửi được" in page.content.decode()
    assert login(world.people.admin).post(f"/ket-noi-api/webhook/{delivery.pk}/gui-lai/").status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.attempts == 0


def test_the_delivery_log_is_for_token_makers_and_shows_their_own(world, client, login):
    token_for(world.people.admin, "webhooks:write", "*:read")
    for who, status in (("staff", 403), ("outsider", 403), ("leader", 200), ("admin", 200)):
        assert login(getattr(world.people, who)).get("/ket-noi-api/webhook/").status_code == status


def test_signatures_refuse_tampering_other_keys_and_replays():
    body, secret, now = b'{"a": 1}', "whsec_x", 1_800_000_000
    good = webhooks.signature(secret, now, body)
    assert webhooks.verify(secret, str(now), body, good, now=now + 10) is None
    assert "Chữ ký" in webhooks.verify(secret, str(now), b'{"a": 2}', good, now=now)
    assert "Chữ ký" in webhooks.verify("whsec_y", str(now), body, good, now=now)
    assert "replay" in webhooks.verify(secret, str(now), body, good, now=now + 301)
    assert "Timestamp" in webhooks.verify(secret, "hôm qua", body, good, now=now)


def test_a_sender_that_dies_after_sending_leaves_the_delivery_to_the_next(world, client, monkeypatch):
    """The POST reached the receiver, then the sender died before recording it: the claim's lease ends and
    the next sender sends it again with the same delivery id, which the receiver processes once."""
    raw = token_for(world.people.admin, "webhooks:write", "*:read")
    with Receiver() as receiver:
        receiver.secret = _subscribe(client, raw, receiver.url, events=["update.confirmed"])["secret"]
        for task in (world.civil_task, world.laws_task):
            _finish(world, task)
        real = urllib.request.urlopen
        calls = []

        def dying(*args, **kwargs):
            answer = real(*args, **kwargs)
            calls.append(1)
            if len(calls) == 2:
                raise KeyboardInterrupt  # the process is killed right after the second POST
            return answer

        monkeypatch.setattr(urllib.request, "urlopen", dying)
        with pytest.raises(KeyboardInterrupt):
            webhooks.run_once()
        monkeypatch.setattr(urllib.request, "urlopen", real)
        assert webhooks.run_once() == (0, 0)  # the dead sender's claim holds until its lease ends
        WebhookDelivery.objects.filter(state="pending").update(next_attempt_at=timezone.now())
        assert webhooks.run_once() == (1, 0)
    assert len(receiver.received) == 3 and len(receiver.processed) == 2
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}


@pytest.mark.django_db(transaction=True)
def test_every_event_arrives_once_after_the_sender_process_is_killed(client):
    """A real `chiso api webhooks --loop` process, killed with SIGKILL while it sends; a second sender
    finishes. Needs a database another process can open: PostgreSQL (SQLite tests run in memory)."""
    if connection.vendor != "postgresql":
        pytest.skip("a second process cannot open the in-memory SQLite test database")
    from conftest import make_world

    world = make_world()
    raw = token_for(world.people.admin, "webhooks:write", "*:read")
    from chiso.plans import actions as plans
    from chiso.plans.models import Task

    with Receiver(delay=0.15) as receiver:
        receiver.secret = _subscribe(client, raw, receiver.url, events=["update.confirmed"])["secret"]
        for i in range(20):
            task = plans.do_save_task(world.people.office, Task(plan=world.plan, ref=f"k{i}", title=f"Việc {i}",
                                                                due=date(2026, 12, 31)), [world.civil], [])
            _finish(world, task)
        assert WebhookDelivery.objects.count() == 20
        db = connection.settings_dict
        env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
        sender = subprocess.Popen([sys.executable, "-m", "chiso.cli", "api", "webhooks", "--loop", "--interval", "1"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(receiver.received) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(10)
        got_before = len(receiver.processed)
        assert 0 < got_before < 20
        # the killed sender's claims are due again when their lease ends (moved to now here)
        WebhookDelivery.objects.filter(state="pending").update(next_attempt_at=timezone.now())
        delivered, failed = webhooks.run_once()
        assert failed == 0 and delivered >= 20 - got_before - 1
    assert len(receiver.processed) == 20 and not receiver.refused
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {"delivered"}
