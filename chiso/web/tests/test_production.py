"""Production settings (issue 9): `chiso check --deploy` passes with the settings docs/production.md
documents and refuses the demo key; CSP without inline script on the pages; no-store on private pages;
/media/ never served, whatever the debug setting."""

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def documented_env() -> dict[str, str]:
    text = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")
    block = text.split("<!-- production-env -->", 1)[1].split("<!-- /production-env -->", 1)[0]
    return dict(line.split("=", 1) for line in block.splitlines() if re.match(r"^[A-Z_]+=", line))


def _chiso(env: dict, *args) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CHISO_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC"))}
    return subprocess.run([sys.executable, "-m", "chiso.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**base, **env}, timeout=120)


def test_check_deploy_passes_with_the_documented_settings(tmp_path):
    env = {**documented_env(), "CHISO_DATA_DIR": str(tmp_path)}
    assert env["CHISO_DEBUG"] == "0" and env["CHISO_HTTPS"] == "1"
    r = _chiso(env, "check", "--deploy", "--fail-level", "WARNING")
    assert r.returncode == 0, r.stdout + r.stderr
    shown = _chiso(env, "shell", "-c", "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
                   "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)")
    assert shown.stdout.strip().splitlines()[-1].split() == ["True", "True", "True", "31536000", "True"], shown.stderr


def test_check_deploy_refuses_the_demo_key(tmp_path):
    env = {k: v for k, v in documented_env().items() if k != "CHISO_SECRET_KEY"}
    r = _chiso({**env, "CHISO_DATA_DIR": str(tmp_path)}, "check", "--deploy")
    assert r.returncode != 0 and "chiso.E001" in r.stderr + r.stdout


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.django_db
def test_pages_carry_csp_no_inline_script_and_no_store(world, login):
    client = login(world.people.office)
    pages = [reverse("home"), reverse("plan_list"), reverse("plan_detail", args=[world.plan.pk]),
             reverse("task_detail", args=[world.civil_task.pk]), reverse("task_edit", args=[world.civil_task.pk]),
             reverse("my_tasks"), reverse("agency_dashboard", args=["STP"]), reverse("notification_list"),
             reverse("reports:calendar", args=["STP"]), reverse("plan_import"), reverse("account"),
             reverse("password_change")]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        assert "script-src 'self';" in r["Content-Security-Policy"] and "unsafe-eval" not in r[
            "Content-Security-Policy"]
        assert not INLINE_SCRIPT.search(html) and not HANDLER.search(html), url
        assert "no-store" in r["Cache-Control"] and "private" in r["Cache-Control"], url
    anonymous = client.__class__().get(reverse("login"))
    assert "script-src 'self';" in anonymous["Content-Security-Policy"]


def test_no_template_holds_inline_script():
    offenders = []
    for path in (ROOT / "chiso").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "email" in path.parts or path.name == "document.html":  # mail and PDF bodies, not web pages
            continue
        if INLINE_SCRIPT.search(text) or HANDLER.search(text) or "javascript:" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [False, True])
def test_media_is_never_served(world, login, settings, tmp_path, debug):
    from chiso.tracking import actions
    from chiso.tracking.tests.helpers import pdf, report

    settings.MEDIA_ROOT = tmp_path / "media"
    update = actions.do_post_update(world.people.staff, world.civil_task, report(40, files=[pdf()]),
                                    today=date(2026, 3, 20))
    name = update.evidence.exclude(file="").get().file.name
    with override_settings(DEBUG=debug):
        assert login(world.people.outsider).get(f"/media/{name}").status_code == 404
        client = login(world.people.staff)
        assert client.get(f"/media/{name}").status_code == 404
        evidence = update.evidence.exclude(file="").get()
        assert client.get(reverse("tracking_evidence", args=[evidence.pk])).status_code == 200
        assert login(world.people.outsider).get(reverse("tracking_evidence", args=[evidence.pk])).status_code == 403
