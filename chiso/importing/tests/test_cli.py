"""`python -m chiso.importing.cli import FILE --json`: one JSON object on stdout, or one line on stderr."""

import json
import subprocess
import sys

from chiso.importing.cli import main
from chiso.importing.tests import makedocs


def test_it_prints_one_json_object(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(makedocs.PROSE_PLAN, encoding="utf-8")
    assert main(["import", str(path), "--json"]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert len(data["tasks"]) == 3
    assert "Công khai" in out  # not \\u-escaped
    assert err == ""


def test_bad_input_gives_one_line_on_stderr_and_nothing_on_stdout(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert main(["import", str(path), "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "Tệp rỗng.\n"


def test_options_that_need_django_are_refused(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(makedocs.PROSE_PLAN, encoding="utf-8")
    assert main(["import", str(path), "--agency", "STP", "--save"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--agency" in err


def test_unexpected_library_errors_become_a_message(tmp_path, capsys, monkeypatch):
    from chiso.importing import cli

    def boom(path, **kw):
        raise KeyError("internal")

    monkeypatch.setattr(cli, "import_plan", boom)
    path = tmp_path / "plan.txt"
    path.write_text("x", encoding="utf-8")
    assert main(["import", str(path), "--json"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err


def test_it_runs_as_a_module(tmp_path):
    path = tmp_path / "setup.exe"
    path.write_bytes(b"MZ")
    proc = subprocess.run([sys.executable, "-m", "chiso.importing.cli", "import", str(path), "--json"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.strip().startswith("Định dạng tệp .exe")
