"""`chiso report build`: the three formats, refusals with one Vietnamese line and exit 1, nothing written."""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from chiso.periods.calendar import resolve
from chiso.reports import actions

from .helpers import issued

ROOT = Path(__file__).resolve().parents[3]


def refused(capsys, *args) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call_command("report", *args)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1 and "Traceback" not in err
    return err.strip()


def test_it_builds_the_three_formats(world, tmp_path, capsys):
    for ext in ("docx", "xlsx", "pdf"):
        out = tmp_path / f"bc.{ext}"
        call_command("report", "build", "--agency", "STP", "--period", "2026-Q3", "--out", str(out))
        assert "Đã ghi báo cáo quý III năm 2026 của STP" in capsys.readouterr().out
    doc = Document(tmp_path / "bc.docx")
    assert doc.tables[0].rows[1].cells[0].text.endswith("/BC-STP")
    assert any(p.text == "Kết quả thực hiện công tác cải cách hành chính quý III năm 2026" for p in doc.paragraphs)
    assert load_workbook(tmp_path / "bc.xlsx")["Nhiệm vụ"].max_row == 3  # header and two tasks
    assert (tmp_path / "bc.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bc.docx", "bc.pdf", "bc.xlsx"]


def test_it_uses_the_compiled_report_when_there_is_one(world, tmp_path):
    report = actions.do_compile_agency_report(world.people.office, world.home, resolve(world.home, "2026-Y"))
    actions.do_save_agency_report(world.people.office, report, {"proposals": "Đề nghị bổ sung biên chế."})
    issued(world, report, date(2026, 12, 17))
    call_command("report", "build", "--agency", "stp", "--period", "2026-y", "--out", str(tmp_path / "y.docx"))
    doc = Document(tmp_path / "y.docx")
    assert doc.tables[0].rows[1].cells[0].text == "Số: 01/BC-STP"
    assert any(p.text == "Đề nghị bổ sung biên chế." for p in doc.paragraphs)


def test_a_period_without_data_gives_a_valid_report(world, tmp_path, capsys):
    call_command("report", "build", "--agency", "SXD", "--period", "2026-11", "--out", str(tmp_path / "n.docx"))
    assert "(kỳ không có số liệu)" in capsys.readouterr().out
    text = "\n".join(p.text for p in Document(tmp_path / "n.docx").paragraphs)
    assert "không có nhiệm vụ cải cách hành chính nào" in text


def test_it_refuses_bad_input_and_writes_nothing(world, tmp_path, capsys):
    out = str(tmp_path / "x.docx")
    assert refused(capsys, "build", "--agency", "XYZ", "--period", "2026-Q3", "--out", out) == \
        "Không có cơ quan mã “XYZ” (xem: chiso agencies)."
    assert "Kỳ báo cáo “2026-Q5” không hợp lệ" in refused(capsys, "build", "--agency", "STP", "--period", "2026-Q5",
                                                           "--out", out)
    assert "2026-13" in refused(capsys, "build", "--agency", "STP", "--period", "2026-13", "--out", out)
    assert ".docx, .xlsx hoặc .pdf" in refused(capsys, "build", "--agency", "STP", "--period", "2026-Q3",
                                               "--out", str(tmp_path / "x.odt"))
    assert "không tồn tại" in refused(capsys, "build", "--agency", "STP", "--period", "2026-Q3",
                                      "--out", str(tmp_path / "khong-co" / "x.docx"))
    assert "Tham số không hợp lệ" in refused(capsys, "build", "--agency", "STP")
    assert list(tmp_path.iterdir()) == []


def test_it_never_leaves_half_a_file(world, tmp_path, monkeypatch):
    from chiso.files import storage

    target = tmp_path / "bc.docx"
    target.write_bytes(b"previous report")

    def broken(fh_data):
        raise OSError(28, "No space left on device")

    real = os.fsync
    monkeypatch.setattr(storage.os, "fsync", lambda fd: broken(fd))
    with pytest.raises(SystemExit):
        call_command("report", "build", "--agency", "STP", "--period", "2026-Q3", "--out", str(target))
    monkeypatch.setattr(storage.os, "fsync", real)
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["bc.docx"]


def test_the_chiso_command_exit_codes(tmp_path):
    """The real console command against a temporary SQLite file (not the test database)."""
    env = {**os.environ, "CHISO_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    chiso = [sys.executable, "-c", "import sys; from chiso.cli import main; sys.exit(main())"]
    run = lambda *a: subprocess.run([*chiso, *a], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: E731
    assert run("migrate", "-v0").returncode == 0
    bad = run("report", "build", "--agency", "STP", "--period", "2026-Q3", "--out", str(tmp_path / "a.docx"))
    assert bad.returncode == 1 and bad.stderr.strip() == "Không có cơ quan mã “STP” (xem: chiso agencies)."
    bad = run("report", "build", "--agency", "STP", "--period", "quý 3", "--out", str(tmp_path / "a.docx"))
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "a.docx").exists()
    ok = run("report", "schedule", "--now", "2026-12-10T08:00")
    assert ok.returncode == 0 and "0 dự thảo của cơ quan" in ok.stdout
