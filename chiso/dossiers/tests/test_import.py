"""Importing dossier exports: idempotent by code, all or nothing, every bad row with its line number."""

import json
import subprocess
import sys
import threading

import pytest
from openpyxl import Workbook

from chiso.dossiers import compute, importer, store
from chiso.dossiers.actions import do_import_dossiers, source_named
from chiso.dossiers.models import ImportRun, ImportSource, KpiValue
from chiso.periods import windows

from .conftest import AS_OF, HEADERS, dossier_row, write_rows

ROWS = [
    dossier_row("A1", received="2025-03-03", promised="2025-03-10", finished="2025-03-07"),
    dossier_row("A2", received="2025-03-03", promised="2025-03-07", finished="2025-03-10"),
    dossier_row("A3", unit="Phòng Xây dựng và kiểm tra văn bản", received="2025-03-04", promised="2025-03-20"),
]


def _count(world, code="2.1", period="2025-03"):
    return compute.compute_period([world.home.pk], windows.parse(period), as_of=AS_OF)[code]


def test_import_then_reimport_updates_never_duplicates(world, tmp_path):
    run = do_import_dossiers(world.people.office, write_rows(tmp_path / "a.csv", ROWS), as_of=AS_OF)
    assert (run.status, run.rows, run.created, run.updated) == ("done", 3, 3, 0)
    assert _count(world) == (1, 3)  # A2 late, A3 still open past its promised date at the end of March
    # a later export: A2 now finished on time (corrected), A4 new
    later = [dossier_row("A2", received="2025-03-03", promised="2025-03-07", finished="2025-03-06"),
             dossier_row("A4", received="2025-03-05", promised="2025-03-12", finished="2025-03-11")]
    run = do_import_dossiers(world.people.office, write_rows(tmp_path / "b.csv", later), as_of=AS_OF)
    assert (run.created, run.updated) == (1, 1)
    assert _count(world) == (3, 4)
    con = store.connect()
    assert con.execute("SELECT count(*), count(DISTINCT code) FROM read_parquet(?)",
                       [store.files("dossier")]).fetchone() == (4, 4)
    # the same file again changes nothing
    do_import_dossiers(world.people.office, tmp_path / "b.csv", as_of=AS_OF)
    assert _count(world) == (3, 4)
    stored = KpiValue.objects.get(agency=world.home, unit=None, period="2025-03", code="2.1")
    assert (stored.numerator, stored.denominator) == (3, 4)


def test_xlsx_and_json_give_the_same_figures_as_csv(world, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for r in ROWS:
        ws.append([r[h] for h in HEADERS])
    wb.save(tmp_path / "a.xlsx")
    do_import_dossiers(world.people.office, tmp_path / "a.xlsx", as_of=AS_OF)
    assert _count(world) == (1, 3)
    (tmp_path / "a.json").write_text(json.dumps([{**r, "NgayKetThucXuLy": ""} if r["MaHoSo"] == "A1" else r
                                                 for r in ROWS], ensure_ascii=False), encoding="utf-8")
    run = do_import_dossiers(world.people.office, tmp_path / "a.json", as_of=AS_OF)
    assert (run.created, run.updated) == (0, 3)
    assert _count(world) == (0, 3)  # A1 is open again, past its promised date at the end of March


def _rejected(world, path, **kw):
    with pytest.raises(importer.ImportRejected) as info:
        do_import_dossiers(world.people.office, path, as_of=AS_OF, **kw)
    assert store.files("dossier") == []  # nothing half-imported
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == "rejected" and run.error_count == info.value.total
    return info.value


def test_every_bad_row_is_reported_with_its_line(world, tmp_path):
    rows = [
        dossier_row("B1", received="2025-03-03", promised="2025-03-10", finished="2025-03-07"),  # line 2: fine
        {**dossier_row("B2", received="2025-03-03", promised="2025-03-10"), "NgayTiepNhan": "31/02/2025"},
        dossier_row("B3", received="2025-03-10", promised="2025-03-20", finished="2025-03-05"),
        dossier_row("B4", agency="XYZ", received="2025-03-03", promised="2025-03-10"),
        dossier_row("B1", received="2025-03-03", promised="2025-03-10"),  # duplicate of line 2
        dossier_row("B6", unit="Phòng Không Có", received="2025-03-03", promised="2025-03-10"),
        dossier_row("B7", received="2025-03-03", legal=""),  # neither promised date nor legal maximum
        {**dossier_row("B8", received="2025-03-03", promised="2025-03-10"), "KenhThucHien": "9"},
    ]
    exc = _rejected(world, write_rows(tmp_path / "bad.csv", rows))
    lines = {line: msg for line, msg in exc.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9]
    assert "31/02/2025" in lines[3]
    assert "05/03/2025" in lines[4] and "10/03/2025" in lines[4]
    assert "XYZ" in lines[5]
    assert "dòng 2" in lines[6]
    assert "Phòng Không Có" in lines[7]
    assert "thời hạn" in lines[8]
    assert "“9”" in lines[9]
    assert "dòng 3:" in exc.one_line()


def test_unknown_columns_empty_and_oversized_files(world, tmp_path, settings):
    rows = [{**dossier_row("C1", received="2025-03-03", promised="2025-03-10"), "GhiChuLa": "x"}]
    exc = _rejected(world, write_rows(tmp_path / "cols.csv", rows, [*HEADERS, "GhiChuLa"]))
    assert "GhiChuLa" in exc.message
    (tmp_path / "empty.csv").write_text("")
    assert "rỗng" in _rejected(world, tmp_path / "empty.csv").message
    (tmp_path / "header.csv").write_text(",".join(HEADERS) + "\n")
    assert "không có dòng" in _rejected(world, tmp_path / "header.csv").message
    settings.CHISO_DOSSIER_MAX_MB = 0
    assert "quá lớn" in _rejected(world, write_rows(tmp_path / "big.csv", ROWS)).message


def test_ragged_csv_lines_are_numbered(world, tmp_path):
    path = write_rows(tmp_path / "ragged.csv", ROWS)
    text = path.read_text(encoding="utf-8").splitlines()
    text.insert(2, "only,three,fields")
    text.append(",".join(dossier_row("A9", received="2025-03-40").values()))
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    exc = _rejected(world, path)
    lines = dict(exc.errors)
    assert 3 in lines and "số cột" in lines[3]
    assert 6 in lines and "2025034" not in lines.get(5, "")  # the bad date is on physical line 6


def test_mapping_remembered_per_source(world, tmp_path):
    rows = [{("Ma ho so noi bo" if k == "MaHoSo" else k): v for k, v in r.items()} for r in ROWS]
    headers = ["Ma ho so noi bo", *HEADERS[1:]]
    path = write_rows(tmp_path / "m.csv", rows, headers)
    source = source_named("mot-cua-tinh")
    exc = _rejected(world, path, source=source)
    assert "Ma ho so noi bo" in exc.message
    do_import_dossiers(world.people.office, path, source=source, mapping={"Ma ho so noi bo": "code"}, as_of=AS_OF)
    assert ImportSource.objects.get(name="mot-cua-tinh").mapping == {"Ma ho so noi bo": "code"}
    # the next file of the same source needs no mapping
    run = do_import_dossiers(world.people.office, path, source=ImportSource.objects.get(name="mot-cua-tinh"),
                             as_of=AS_OF)
    assert run.updated == 3


def test_agency_option_and_allowed_agencies(world, tmp_path):
    rows = [{k: v for k, v in r.items() if k != "MaCoQuan"} for r in ROWS]
    path = write_rows(tmp_path / "noagency.csv", rows, [h for h in HEADERS if h != "MaCoQuan"])
    assert "Mã cơ quan" in _rejected(world, path).message
    do_import_dossiers(world.people.office, path, agency=world.home, as_of=AS_OF)
    assert _count(world) == (1, 3)
    other = write_rows(tmp_path / "other.csv", [dossier_row("O1", agency="SXD", unit="Phòng Quản lý xây dựng",
                                                            received="2025-03-03", promised="2025-03-10")])
    with pytest.raises(importer.ImportRejected) as info:
        do_import_dossiers(world.people.office, other, allowed_agency_ids={world.home.pk}, as_of=AS_OF)
    assert "SXD" in info.value.errors[0][1]


def test_readers_see_old_or_new_never_half(world, tmp_path):
    """A reader thread counts dossiers while imports replace the files: always a whole import's count."""
    do_import_dossiers(world.people.office, write_rows(tmp_path / "a.csv", ROWS), as_of=AS_OF)
    bigger = [*ROWS, *[dossier_row(f"N{i}", received="2025-03-05", promised="2025-03-12") for i in range(50)]]
    write_rows(tmp_path / "b.csv", bigger)
    seen, stop = set(), threading.Event()

    def read():
        con = store.connect()
        while not stop.is_set():
            files = store.files("dossier")
            seen.add(con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()[0])
        con.close()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for path in ("b.csv", "a.csv", "b.csv"):
            importer.run_import(tmp_path / path, importer.Plan(), as_of=AS_OF)
    finally:
        stop.set()
        reader.join()
    assert seen <= {3, 53} and 53 in seen


def test_cli_import_and_show(world, tmp_path, settings):
    env = {"CHISO_DATA_DIR": str(settings.DATA_DIR)}
    path = write_rows(tmp_path / "a.csv", ROWS)
    from django.core.management import call_command

    call_command("dossiers", "import", str(path), "--as-of", "2025-12-31")
    from io import StringIO

    out = StringIO()
    call_command("kpis", "show", "--agency", "stp", "--period", "2025-03", "--as-of", "2025-12-31", "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    by_code = {i["code"]: i for i in data["indicators"]}
    assert by_code["2.1"] == {**by_code["2.1"], "numerator": 1, "denominator": 3, "rate": 33.33}
    assert by_code["5.2"]["rate"] is None and by_code["5.2"]["points"] is None
    assert by_code["2.1"]["points"] == pytest.approx(6.67)
    out = StringIO()
    call_command("kpis", "show", "--agency", "STP", "--period", "2025-Q1", "--unit", world.civil.name,
                 "--as-of", "2025-12-31", stdout=out)
    assert "1/2  50.00 %" in out.getvalue()
    assert env


@pytest.mark.parametrize("args, words", [
    (["kpis", "show", "--agency", "NOPE", "--period", "2025-03"], "NOPE"),
    (["kpis", "show", "--agency", "STP", "--period", "2025-13"], "2025-13"),
    (["kpis", "show", "--agency", "STP", "--period", "2025-03", "--unit", "Phòng Ma"], "Phòng Ma"),
    (["dossiers", "import", "/nonexistent.csv"], "/nonexistent.csv"),
])
def test_cli_refusals_are_one_line(world, args, words, capsys):
    from chiso.cli import main

    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err


def test_cli_rejected_file_one_line_and_error_file(world, tmp_path, capsys):
    from chiso.cli import main

    rows = [dossier_row("B1", received="2025-03-03", promised="2025-03-10", finished="2025-03-01")]
    path = write_rows(tmp_path / "bad.csv", rows)
    assert main(["dossiers", "import", str(path), "--errors", str(tmp_path / "err.csv")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "dòng 2" in err
    assert "trước ngày tiếp nhận" in (tmp_path / "err.csv").read_text(encoding="utf-8")


def test_chiso_command_runs(tmp_path):
    """The console script itself (outside pytest's database) answers --help."""
    done = subprocess.run([sys.executable, "-m", "chiso.cli", "kpis", "show", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "--period" in done.stdout
