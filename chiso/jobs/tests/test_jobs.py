"""The background-job service: enqueue, claim (also under contention), run, fail, recover, the fragment."""

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import timezone

from chiso.jobs import api
from chiso.jobs.models import Job

CALLS: list[dict] = []


def echo(job, progress):
    total = job.arguments.get("pages", 3)
    for n in range(1, total + 1):
        progress(n, total, f"Trang {n}/{total}")
    CALLS.append(job.arguments)
    return {"echo": job.arguments.get("text"), "url": "/ke-hoach/"}


def refuse(job, progress):
    raise api.JobFailed("Tệp không đọc được.")


def crash(job, progress):
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def kinds():
    api.register("test_echo", "chiso.jobs.tests.test_jobs.echo")
    api.register("test_refuse", refuse)
    api.register("test_crash", crash)
    CALLS.clear()


@pytest.mark.django_db
def test_it_runs_a_job_with_progress_and_result():
    job = api.enqueue("test_echo", {"text": "xin chào", "pages": 4})
    assert job.state == Job.State.QUEUED
    [done] = api.run_pending()
    assert done.pk == job.pk
    assert done.state == Job.State.DONE
    assert done.result == {"echo": "xin chào", "url": "/ke-hoach/"}
    assert (done.done, done.total) == (4, 4)
    assert done.message == "Trang 4/4"
    assert done.attempts == 1 and done.finished_at is not None


@pytest.mark.django_db
def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        api.enqueue("no_such_kind")


@pytest.mark.django_db
def test_it_stores_a_readable_failure_and_hides_a_crash():
    refused = api.enqueue("test_refuse")
    crashed = api.enqueue("test_crash")
    api.run_pending()
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert refused.state == Job.State.FAILED and refused.error == "Tệp không đọc được."
    assert crashed.state == Job.State.FAILED and "boom" not in crashed.error and crashed.error


@pytest.mark.django_db
def test_it_requeues_a_stale_job_then_gives_up():
    job = api.enqueue("test_echo", {"text": "a"})
    claimed = api.claim("dead-runner")
    assert claimed.pk == job.pk and claimed.state == Job.State.RUNNING
    assert api.claim("other") is None  # nothing else queued
    later = timezone.now() + api.STALE_AFTER + timedelta(seconds=1)
    assert api.recover_stale(later) == 1
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    # claimed and abandoned until the attempts run out
    for _ in range(api.MAX_ATTEMPTS - 1):
        api.claim("dead-runner")
        api.recover_stale(later)
    job.refresh_from_db()
    assert job.attempts == api.MAX_ATTEMPTS
    assert job.state == Job.State.FAILED and job.error
    assert not CALLS


@pytest.mark.django_db
def test_a_fresh_running_job_is_not_stale():
    api.enqueue("test_echo")
    api.claim("alive")
    assert api.recover_stale() == 0


@pytest.mark.django_db
def test_the_command_runs_the_queue_once(capsys):
    api.enqueue("test_echo", {"text": "b"})
    call_command("jobs", "--once")
    assert Job.objects.get().state == Job.State.DONE
    assert "1 việc" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_each_job_is_claimed_by_exactly_one_of_several_runners():
    jobs = [api.enqueue("test_echo", {"text": str(n), "pages": 1}) for n in range(12)]
    claimed: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def runner(name):
        try:
            while True:
                try:
                    job = api.claim(name)
                except Exception as exc:  # SQLite: "database is locked" is a lost race, not a double claim
                    if "locked" not in str(exc):
                        raise
                    continue
                if job is None:
                    return
                with lock:
                    claimed.append(job.pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=runner, args=(f"r{k}",)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(claimed) == sorted(j.pk for j in jobs)  # every job once, none twice
    assert set(Job.objects.values_list("state", flat=True)) == {Job.State.RUNNING}


@pytest.mark.django_db
def test_the_fragment_shows_progress_to_its_owner_only(client, django_user_model):
    owner = django_user_model.objects.create_user(username="chu", password="pw-test-123")
    other = django_user_model.objects.create_user(username="khac", password="pw-test-123")
    job = api.enqueue("test_echo", {"text": "c", "pages": 2}, user=owner)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, done=1, total=2, message="Trang 1/2")
    client.force_login(owner)
    page = client.get(f"/viec-nen/{job.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Trang 1/2" in body and 'value="50"' in body and "hx-trigger" in body
    client.force_login(other)
    assert client.get(f"/viec-nen/{job.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/viec-nen/{job.pk}/").status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_finished_job_sends_htmx_to_its_result(client, django_user_model):
    owner = django_user_model.objects.create_user(username="chu", password="pw-test-123")
    job = api.enqueue("test_echo", {"text": "d"}, user=owner)
    api.run_pending()
    client.force_login(owner)
    page = client.get(f"/viec-nen/{job.pk}/", headers={"HX-Request": "true"})
    assert page.headers["HX-Redirect"] == "/ke-hoach/"
    plain = client.get(f"/viec-nen/{job.pk}/").content.decode()
    assert 'href="/ke-hoach/"' in plain and "hx-trigger" not in plain
