"""docs/api.md: every `sh` example runs with curl against a live server and answers JSON; the webhook
example's subscription then receives a task's status change on a loopback receiver."""

import json
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from chiso.api import webhooks

from .helpers import token_for
from .receiver import Receiver

DOC = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_doc_has_examples_for_the_three_integrations():
    text = DOC.read_text(encoding="utf-8")
    assert len(blocks()) >= 5
    for needle in ("/api/v1/dossiers", "/api/v1/tasks?agency=STP", "/api/v1/webhooks", "X-ChiSo-Signature"):
        assert needle in text


@pytest.mark.django_db(transaction=True)
def test_the_curl_examples_run_against_a_live_server(live_server):
    from chiso.tracking.actions import UpdateData, do_confirm_update, do_post_update
    from conftest import make_world

    world = make_world()
    token = token_for(world.people.admin, "*:read", "dossiers:write", "webhooks:write", name="docs")
    with Receiver() as receiver:
        env = {"CHISO": live_server.url, "TOKEN": token, "RECEIVER": receiver.url, "TASK": str(world.civil_task.pk),
               "PATH": "/usr/bin:/bin"}
        outputs = []
        for script in blocks():
            done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], env=env, capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
            for line in done.stdout.replace("}{", "}\n{").splitlines():
                if line.strip():
                    outputs.append(json.loads(line))
        pushed = [o for o in outputs if "run_id" in o]
        assert [o["created"] for o in pushed] == [1, 1]
        subscribed = next(o for o in outputs if "secret" in o)
        receiver.secret = subscribed["secret"]
        assert any(o.get("id") == world.civil_task.pk and "status" in o for o in outputs)
        update = do_post_update(world.people.staff, world.civil_task, UpdateData(
            narrative="Xong", percent=100, proposed_status="done", done_on=date(2026, 3, 1)), today=date(2026, 3, 2))
        do_confirm_update(world.people.office, update, today=date(2026, 3, 2))
        webhooks.run_once()
    events = {b["event"] for b in receiver.processed.values()}
    assert {"task.status_changed", "update.confirmed"} <= events and not receiver.refused
