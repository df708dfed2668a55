"""Concurrent answers (PostgreSQL): the uniqueness rules hold under a race — the same dossier code sent from
eight phones at once is stored once; eight different answers are all stored; the rate counter loses no hit."""

import threading

import pytest
from django.db import connection

from chiso.survey import actions
from chiso.survey.models import Answer, RateBucket, Response


def _race(n, work):
    results, errors = [], []

    def go(i):
        try:
            results.append(work(i))
        except actions.Duplicate as exc:
            results.append(exc)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_racing_answers_are_stored_once_each():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads")
    from conftest import make_world

    from .helpers import open_survey

    world = make_world()
    q, (counter,) = open_survey(world)
    values = {x.pk: 5 for x in q.questions.all()}

    def submit(code, device_offset):
        return lambda i: actions.do_submit(actions.Submission(
            questionnaire=q, agency=world.home, counter=counter, channel="qr", values=values,
            receipt_code=code(i), device_hash=f"{i + device_offset:064d}"), rate=("203.0.113.1", 1000))

    same = _race(8, submit(lambda i: "HS-CHUNG", 0))
    assert sum(isinstance(r, actions.Duplicate) for r in same) == 7
    assert Response.objects.filter(receipt_code="HS-CHUNG").count() == 1
    different = _race(8, submit(lambda i: f"HS-{i}", 100))
    assert not any(isinstance(r, actions.Duplicate) for r in different)
    assert Response.objects.count() == 9 and Answer.objects.count() == 9 * len(values)
    # every attempt counted once (refused duplicates roll their hit back with the answer)
    assert sum(RateBucket.objects.values_list("hits", flat=True)) == 9
