"""Backup and restore (issue 9): the demo is backed up with `chiso backup`, restored with `chiso restore` into
an empty installation elsewhere (SQLite, and PostgreSQL when the suite runs on it), and the restored copy
serves an evidence file identical to the original. A second restore, a missing or foreign file are refused
in one line."""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

PROBE = """
import hashlib, django
django.setup()
from django.test import Client
from chiso.accounts.models import RoleGrant
from chiso.audit.models import AuditEntry
from chiso.plans.models import Plan, Task
from chiso.tracking.models import Evidence, ProgressUpdate
ev = Evidence.objects.exclude(file="").order_by("pk").first()
admin = RoleGrant.objects.filter(role="admin").first().user
client = Client()
client.force_login(admin)
r = client.get(f"/theo-doi/minh-chung/{ev.pk}/")
body = b"".join(r.streaming_content) if r.status_code == 200 else b""
print(r.status_code, hashlib.sha256(body).hexdigest() == ev.sha256, ev.original_name,
      Plan.objects.count(), Task.objects.count(), ProgressUpdate.objects.count(),
      AuditEntry.objects.filter(action__in=["create", "update", "delete"]).count())
"""


def _env(folder: Path, database_url: str) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CHISO_", "DATABASE_URL"))}
    return {**base, "DATABASE_URL": database_url, "CHISO_DATA_DIR": str(folder),
            "DJANGO_SETTINGS_MODULE": "chiso.settings", "PYTHONPATH": str(ROOT)}


def _run(env, *args, check=True):
    r = subprocess.run([sys.executable, "-m", "chiso.cli", *args], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=600)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def _probe(env) -> list[str]:
    r = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.split()


def _postgres_scratch() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import psycopg

    base, name = url.rsplit("/", 1)
    scratch = f"{name.split('?')[0]}_restore"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    return f"{base}/{scratch}"


def test_backup_of_the_demo_restores_elsewhere_and_serves_its_evidence(tmp_path):
    source = _env(tmp_path / "a", f"sqlite:///{tmp_path / 'a' / 'chiso.sqlite3'}")
    _run(source, "demo", "--quiet-logins")
    archive = tmp_path / "sao-luu.tar.gz"
    out = _run(source, "backup", "--out", str(archive)).stdout
    assert "Đã sao lưu" in out and archive.exists() and not archive.with_name(archive.name + ".part").exists()
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "database.json" in names and any(n.startswith("media/") for n in names)
    original = _probe(source)
    assert original[:2] == ["200", "True"]

    targets = [("sqlite", _env(tmp_path / "b", f"sqlite:///{tmp_path / 'b' / 'chiso.sqlite3'}"))]
    if (pg := _postgres_scratch()) is not None:
        targets.append(("postgresql", _env(tmp_path / "c", pg)))
    for engine, target in targets:
        assert "Đã khôi phục" in _run(target, "restore", str(archive)).stdout
        restored = _probe(target)
        print(f"\n{engine}: source {original}, restored {restored}")
        assert restored == original  # evidence served byte for byte; plans, tasks, updates, history all back
        again = _run(target, "restore", str(archive), check=False)
        assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
        assert "cài đặt trống" in again.stderr
        if engine == "postgresql":  # and back: a backup made on PostgreSQL restores into SQLite
            second = tmp_path / "tu-postgresql.tar.gz"
            _run(target, "backup", "--out", str(second))
            back = _env(tmp_path / "d", f"sqlite:///{tmp_path / 'd' / 'chiso.sqlite3'}")
            _run(back, "restore", str(second))
            assert _probe(back) == original


@pytest.mark.parametrize("content", [None, b"khong phai tar", b""])
def test_restore_refuses_a_missing_or_foreign_file_in_one_line(tmp_path, content):
    target = _env(tmp_path / "b", f"sqlite:///{tmp_path / 'b' / 'chiso.sqlite3'}")
    path = tmp_path / "x.tar.gz"
    if content is not None:
        path.write_bytes(content)
    r = _run(target, "restore", str(path), check=False)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
