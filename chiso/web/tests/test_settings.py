"""Settings come from the environment through typed helpers: a bad value is one clear line, importing the
settings writes nothing, and the web server refuses the demo secret key when debug is off."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from chiso import settings as chiso_settings


def _run(code_or_args, tmp_path, module=False, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CHISO_")}
    environ.update({"DATABASE_URL": f"sqlite:///{tmp_path}/db/chiso.sqlite3", "CHISO_DATA_DIR": str(tmp_path / "data"),
                    **env})
    args = ["-m", "chiso.cli", *code_or_args] if module else ["-c", code_or_args]
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=environ, timeout=120)


@pytest.mark.parametrize("name,value,words", [
    ("PORT", "tám nghìn", "PORT phải là một số nguyên"),
    ("PORT", "70000", "PORT phải từ 1 đến 65535"),
    ("CHISO_WORKERS", "0", "CHISO_WORKERS phải từ 1"),
    ("CHISO_DEBUG", "có", "CHISO_DEBUG phải là true hoặc false"),
    ("CHISO_BASE_URL", "chiso.local", "CHISO_BASE_URL phải bắt đầu bằng http"),
    ("CHISO_EVIDENCE_MAX_MB", "-3", "CHISO_EVIDENCE_MAX_MB phải từ 1"),
    ("CHISO_TIME_ZONE", "Sao Hỏa/Thủ đô", "CHISO_TIME_ZONE phải là tên múi giờ"),
    ("CHISO_LOG_LEVEL", "LOUD", "CHISO_LOG_LEVEL phải là một trong"),
])
def test_a_bad_value_is_one_line_naming_the_variable(tmp_path, name, value, words):
    done = _run(["agencies"], tmp_path, module=True, **{name: value})
    assert done.returncode == 1 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr


def test_the_helpers_read_typed_values(monkeypatch):
    monkeypatch.setenv("X_INT", " 42 ")
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_URL", "https://chiso.example/")
    monkeypatch.setenv("X_EMPTY", "")
    assert chiso_settings.env_int("X_INT", 1, minimum=1) == 42
    assert chiso_settings.env_bool("X_BOOL", False) is True
    assert chiso_settings.env_url("X_URL", "http://x") == "https://chiso.example"
    assert chiso_settings.env_int("X_EMPTY", 7) == 7  # empty means unset
    with pytest.raises(ImproperlyConfigured):
        chiso_settings.env_int("X_URL", 1)


def test_importing_the_settings_creates_no_folder(tmp_path):
    done = _run("import chiso.settings", tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / "db").exists()


def test_a_command_creates_the_folders_it_needs(tmp_path):
    done = _run(["migrate", "--verbosity", "0"], tmp_path, module=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "db" / "chiso.sqlite3").exists() and (tmp_path / "data" / "static").is_dir()


def test_the_web_server_refuses_the_demo_key_when_debug_is_off(settings, capsys):
    settings.DEBUG, settings.SECRET_KEY = False, settings.DEMO_SECRET_KEY
    with pytest.raises(SystemExit) as exit_:
        call_command("serve")
    assert exit_.value.code == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "CHISO_SECRET_KEY" in line
    from django.core.checks import run_checks

    assert [e.id for e in run_checks(include_deployment_checks=True) if e.id.startswith("chiso.")] == ["chiso.E001"]


def test_the_wsgi_application_refuses_the_demo_key(tmp_path):
    done = _run("import chiso.wsgi", tmp_path)
    assert done.returncode != 0 and "CHISO_SECRET_KEY" in done.stderr
    done = _run("import chiso.wsgi", tmp_path, CHISO_SECRET_KEY="k" * 50)
    assert done.returncode == 0, done.stderr
    done = _run("import chiso.wsgi", tmp_path, CHISO_DEBUG="true")  # a developer's machine: the demo key is fine
    assert done.returncode == 0, done.stderr


def test_no_setting_is_read_outside_settings():
    """Configuration comes only through settings.py: no module reads the environment itself."""
    from pathlib import Path

    root = Path(chiso_settings.BASE_DIR)
    readers = [str(p.relative_to(root)) for p in root.rglob("*.py") if "tests" not in p.parts
               and p.name != "settings.py" and ("os.environ.get" in p.read_text() or "getenv(" in p.read_text())]
    assert readers == []


def test_a_database_connection_outlives_the_request_on_sqlite_too(tmp_path):
    """Opening a SQLite connection and running its PRAGMAs cost ~3-6 ms of CPU: a request hands its
    connection on to the next one (it was closed after every request)."""
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chiso.settings'); django.setup()\n"
            "from django.core.signals import request_finished, request_started\n"
            "from django.db import connection\n"
            "request_started.send(sender=None); connection.ensure_connection(); first = connection.connection\n"
            "request_finished.send(sender=None)\n"
            "request_started.send(sender=None); connection.ensure_connection()\n"
            "print(connection.vendor, connection.connection is first)")
    (tmp_path / "db").mkdir()
    done = _run(code, tmp_path)
    assert done.stdout.split() == ["sqlite", "True"], done.stderr
