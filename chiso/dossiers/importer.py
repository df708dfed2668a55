"""Import a dossier or PAKN export (CSV, XLSX, JSON) into the store: all or nothing per file.

1. The file is staged as text columns in a temporary on-disk DuckDB database (memory bounded by
   DuckDB's limit, spilling to disk), each row keeping its line number.
2. Headers are matched to the fields (fields.py) through the source's remembered mapping; a column
   nobody knows refuses the file.
3. One SQL pass types every value and collects every reason a row is wrong, with its line number:
   unreadable dates and numbers, a finish before the receipt, an unknown agency or unit, a code twice
   in the file, ... Any bad row refuses the whole file; nothing is written.
4. Otherwise each agency's partitions are rewritten (old rows whose code comes again are replaced:
   idempotent by dossier code) as new immutable files, its indicators recomputed, and the manifest
   swapped in one rename (store.py).
"""

import bisect
import contextlib
import csv
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from chiso.lib.text import search_key

from . import store
from .fields import FIELDS, guess_kind, match

MAX_ERRORS_KEPT = 100_000  # every bad row of any plausible file (the run page shows the first 1000)
DATE_FORMATS = ["%Y%m%d%H%M%S", "%Y%m%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
                "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d-%m-%Y"]
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "json", ".ndjson": "json"}


class ImportRejected(Exception):
    """The file was refused; `errors` are (line, message) pairs (line 0: the whole file)."""

    def __init__(self, message: str, errors: list[tuple[int, str]] | None = None, total: int = 0,
                 unknown: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.unknown = unknown or []  # headers no field matched (the mapping step asks about them)
        self.errors = errors or []
        self.total = total or len(self.errors)

    def one_line(self, limit: int = 10) -> str:
        if not self.errors:
            return self.message
        shown = "; ".join((_("dòng %(n)s: %(m)s") % {"n": ln, "m": msg}) if ln else msg
                          for ln, msg in self.errors[:limit])
        more = self.total - min(limit, len(self.errors))
        tail = (" " + _("… và %(n)s lỗi khác.") % {"n": more}) if more > 0 else ""
        return f"{self.message} {shown}{tail}"


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    agencies: list[int] = field(default_factory=list)


def max_bytes() -> int:
    return int(getattr(settings, "CHISO_DOSSIER_MAX_MB", 2048)) * 1024 * 1024


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- staging ---------------------------------------------------------------------------------------

def _stage(con, path: Path, fmt: str) -> tuple[list[str], list[tuple[int, str]], list[int]]:
    """Load the file into table `raw` (text columns + __line). Returns headers, structural errors and
    the physical lines that were rejected (to map row numbers back to lines)."""
    p = _lit(str(path))
    if fmt == "xlsx":
        path = _xlsx_to_csv(path, store.root() / "tmp" / f"xlsx-{Path(con_name(con)).stem}.csv")
        p = _lit(str(path))
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv({p}, all_varchar=true, header=true, "
                    "delim=',', quote='\"', escape='\"', strict_mode=false)")
        con.execute("CREATE TEMP VIEW rawl AS SELECT * FROM raw")
        headers = [c for c in _columns(con, "raw") if c != "__line"]
        return headers, [], []
    if fmt == "json":
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM read_json({p}, sample_size=-1)").fetchall()
        except Exception as exc:  # noqa: BLE001 - DuckDB raises several kinds for a bad file
            raise ImportRejected(_("Tệp JSON không đọc được (%(e)s).") % {"e": _short(exc)}) from exc
        headers = [row[0] for row in described]
        cols = "{" + ", ".join(f"{_lit(h)}: 'VARCHAR'" for h in headers) + "}"
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_json({p}, columns={cols})")
        con.execute("CREATE TEMP VIEW rawl AS SELECT *, rowid + 1 AS __line FROM raw")
        return headers, [], []
    try:
        con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv({p}, all_varchar=true, header=true, "
                    "store_rejects=true, sample_size=20480)")
    except Exception as exc:  # noqa: BLE001
        raise ImportRejected(_("Tệp CSV không đọc được (%(e)s).") % {"e": _short(exc)}) from exc
    rejects = con.execute("SELECT line, error_type FROM reject_errors ORDER BY line").fetchall()
    errors = [(int(line), _("số cột không khớp với dòng tiêu đề") if "COLUMNS" in str(kind)
               else _("dòng không đọc được (%(k)s)") % {"k": kind}) for line, kind in rejects]
    rejected = sorted({int(line) for line, _k in rejects})
    # No copy: the row id of the staged table is the record's place in the file.
    con.execute("CREATE TEMP VIEW rawl AS SELECT *, rowid + 2 AS __line FROM raw")
    headers = [c for c in _columns(con, "raw") if c != "__line"]
    return headers, errors, rejected


def _columns(con, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text[:200]


def con_name(con) -> str:
    return con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]


def _xlsx_to_csv(path: Path, out: Path) -> Path:
    """Stream the first sheet to a CSV beside the staging database (openpyxl's read-only mode keeps
    memory flat), with each row's sheet line number."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike mean "not an xlsx"
        raise ImportRejected(_("Tệp XLSX không đọc được (%(e)s).") % {"e": _short(exc)}) from exc
    try:
        ws = wb.worksheets[0]
        with open(out, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            headers = None
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = ["" if v is None else _cell(v) for v in row]
                if headers is None:
                    if not any(cells):
                        continue
                    while cells and not cells[-1]:
                        cells.pop()
                    headers = cells
                    writer.writerow([*headers, "__line"])
                    continue
                if not any(cells):
                    continue
                cells = (cells + [""] * len(headers))[:len(headers)]
                writer.writerow([*cells, number])
    finally:
        wb.close()
    if headers is None:
        out.unlink()
        raise ImportRejected(_("Tệp không có dòng dữ liệu nào."))
    return out


def _cell(value) -> str:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- typing and checking ---------------------------------------------------------------------------

def _text(col: str) -> str:
    return f"NULLIF(trim({col}), '')"


def _fold(col: str) -> str:
    return f"replace(strip_accents(lower(trim({col}))), 'đ', 'd')"


def _expr(ftype: str, col: str) -> tuple[str, str | None]:
    """(typed SQL expression, SQL condition that makes the raw value an error or None)."""
    t = _text(col)
    fmts = "[" + ", ".join(_lit(f) for f in DATE_FORMATS) + "]"
    if ftype == "date":
        e = f"CAST(try_strptime({t}, {fmts}) AS DATE)"
        return e, f"{t} IS NOT NULL AND ({e} IS NULL OR year({e}) NOT BETWEEN 2000 AND 2100)"
    if ftype == "int":
        e = f"TRY_CAST({t} AS INTEGER)"
        return e, f"{t} IS NOT NULL AND ({e} IS NULL OR {e} < 0 OR {e} > 30000)"
    if ftype == "money":
        digits = f"CASE WHEN regexp_full_match({t}, '\\d{{1,3}}([.,]\\d{{3}})+') " \
                 f"THEN regexp_replace({t}, '[.,]', '', 'g') ELSE {t} END"
        e = f"CAST(round(TRY_CAST({digits} AS DOUBLE)) AS BIGINT)"
        return e, f"{t} IS NOT NULL AND ({e} IS NULL OR {e} < 0)"
    if ftype == "bool":
        f = _fold(col)
        e = (f"CASE WHEN {t} IS NULL THEN false WHEN {f} IN ('1', 'true', 'co', 'x', 'yes', 'y') THEN true "
             f"WHEN {f} IN ('0', 'false', 'khong', 'no', 'n') THEN false END")
        return e, f"{e} IS NULL"
    if ftype == "level":
        f = _fold(col)
        e = (f"CASE WHEN {t} IS NULL THEN 0 WHEN {f} IN ('4', 'toan trinh', 'dvc toan trinh', 'muc do 4') THEN 3 "
             f"WHEN {f} IN ('3', 'mot phan', 'dvc mot phan', 'muc do 3') THEN 2 "
             f"WHEN {f} IN ('0', '1', '2', 'khong', 'muc do 1', 'muc do 2', 'cung cap thong tin') THEN 1 END")
        return e, f"{e} IS NULL"
    if ftype == "channel":
        f = _fold(col)
        e = (f"CASE WHEN {t} IS NULL THEN 1 WHEN {f} IN ('1', 'truc tiep') THEN 1 "
             f"WHEN {f} IN ('2', 'truc tuyen') THEN 2 WHEN {f} IN ('3', 'buu chinh', 'buu chinh cong ich') THEN 3 END")
        return e, f"{e} IS NULL"
    if ftype == "paid":
        f = _fold(col)
        e = (f"CASE WHEN {t} IS NULL OR {f} IN ('0', 'khong') THEN 0 "
             f"WHEN {f} IN ('1', '2') THEN CAST({f} AS INTEGER) END")
        return e, f"{e} IS NULL"
    if ftype == "outcome":
        f = _fold(col)
        e = (f"CASE WHEN {t} IS NULL THEN NULL WHEN {f} IN ('1', 'tra loi', 'giai quyet') THEN 1 "
             f"WHEN {f} IN ('2', 'tu choi', 'khong tiep nhan') THEN 2 "
             f"WHEN {f} IN ('3', 'yeu cau bo sung', 'yeu cau cung cap thong tin', 'de nghi bo sung') THEN 3 END")
        return e, f"{t} IS NOT NULL AND {e} IS NULL"
    return t, None


def _two(template: str, a: str, b: str) -> str:
    """SQL for a message naming two dates of the row, dd/mm/yyyy."""
    return f"format({_lit(template)}, strftime({a}, '%d/%m/%Y'), strftime({b}, '%d/%m/%Y'))"


@dataclass
class Plan:
    """What the caller decided before the import: kind, source mapping, agency, allowed agencies."""

    kind: str | None = None
    mapping: dict[str, str] | None = None
    agency_id: int | None = None
    allowed_agency_ids: set[int] | None = None  # None: any agency


def run_import(path: str | Path, plan: Plan, progress: Callable[[int, str], None] | None = None,
               as_of: date | None = None, on_published: Callable[[ImportResult], None] | None = None,
               defer_kpis: bool = False) -> ImportResult:
    """Import one file. Raises ImportRejected (nothing written) or returns what changed. With `defer_kpis`
    the indicators are not recomputed here: the caller queues a refresh from `on_published` (refresh.py)."""
    path = Path(path)
    report = progress or (lambda pct, stage: None)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportRejected(_("Không đọc được tệp “%(name)s”: chỉ nhận .csv, .xlsx hoặc .json.") % {"name": path.name})
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRejected(_("Không mở được tệp “%(name)s”.") % {"name": path.name}) from exc
    if size == 0:
        raise ImportRejected(_("Tệp “%(name)s” rỗng.") % {"name": path.name})
    if size > max_bytes():
        raise ImportRejected(_("Tệp “%(name)s” quá lớn (%(size)s MB; tối đa %(max)s MB): hãy tách theo tháng "
                               "hoặc theo cơ quan.") % {"name": path.name, "size": size // (1024 * 1024),
                                                        "max": max_bytes() // (1024 * 1024)})
    workdb = store.root() / "tmp" / f"import-{uuid.uuid4().hex}.duckdb"
    store.root().joinpath("tmp").mkdir(parents=True, exist_ok=True)
    con = store.connect(memory_limit=getattr(settings, "CHISO_DOSSIER_IMPORT_MEMORY", "384MB"), database=str(workdb))
    con.execute("SET threads = 2")
    try:
        con.execute("SET preserve_insertion_order = true")
        report(5, _("Đang đọc tệp"))
        headers, struct_errors, rejected = _stage(con, path, fmt)
        count = con.execute("SELECT count(*) FROM raw").fetchone()[0]
        if count == 0 and not struct_errors:
            raise ImportRejected(_("Tệp không có dòng dữ liệu nào."))
        kind = plan.kind or guess_kind(headers)
        fields = {f.name: f for f in FIELDS[kind]}
        matched, unknown = match(kind, headers, plan.mapping)
        if unknown:
            raise ImportRejected(_("Tệp có cột không nhận ra: %(cols)s. Hãy ghép cột (chọn trường tương ứng "
                                   "hoặc bỏ qua) rồi nhập lại.") % {"cols": ", ".join(f"“{h}”" for h in unknown)},
                                 [(0, _("cột không nhận ra: %(c)s") % {"c": h}) for h in unknown], unknown=unknown)
        seen: dict[str, str] = {}
        for header, name in matched.items():
            if name in seen:
                raise ImportRejected(_("Hai cột “%(a)s” và “%(b)s” cùng là trường “%(f)s”.")
                                     % {"a": seen[name], "b": header, "f": fields[name].label})
            seen[name] = header
        column = {name: header for header, name in matched.items()}
        missing = [fields[n].label for n in fields if fields[n].required and n not in column]
        if "agency" not in column and plan.agency_id is None:
            missing.append(_("Mã cơ quan (hoặc chọn cơ quan khi nhập)"))
        if missing:
            raise ImportRejected(_("Tệp thiếu cột bắt buộc: %(cols)s.") % {"cols": ", ".join(missing)})
        report(25, _("Đang kiểm tra từng dòng"))
        errors, total = _check(con, kind, fields, column, plan)
        if rejected:  # staged rows were numbered as if no line had been rejected
            errors = [(_shift(line, rejected), msg) for line, msg in errors]
        errors = sorted(errors + struct_errors)
        total += len(struct_errors)
        if errors:
            raise ImportRejected(_("Tệp bị từ chối, không dữ liệu nào được ghi: %(n)s lỗi.") % {"n": total},
                                 errors[:MAX_ERRORS_KEPT], total)
        report(55, _("Đang ghi dữ liệu"))
        return _publish(con, kind, count, report, as_of, on_published, defer_kpis)
    finally:
        con.close()
        for leftover in (workdb, Path(str(workdb) + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        for tmp in store.root().joinpath("tmp").glob(f"xlsx-{workdb.stem}.csv"):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _shift(line: int, rejected: list[int]) -> int:
    """The physical line of the staged row numbered `line` (its index + 2) when some lines were rejected:
    the (line - 2)-th line from 2 on that is not a rejected one."""
    cand = line
    while True:
        nxt = line + bisect.bisect_right(rejected, cand)
        if nxt == cand:
            return cand
        cand = nxt


def _check(con, kind: str, fields: dict, column: dict[str, str], plan: Plan) -> tuple[list[tuple[int, str]], int]:
    """Build table `typed` (every field typed, ids resolved) and return every row error."""
    from chiso.org.models import Agency, Unit, UnitAlias

    # Agencies and units are resolved in Python on the distinct values (a few hundred at most).
    agency_col = column.get("agency")
    agency_map: dict[str, int] = {}
    if agency_col:
        for (value,) in con.execute(f"SELECT DISTINCT trim({_q(agency_col)}) FROM rawl").fetchall():
            if value:
                hit = Agency.objects.filter(code__iexact=value).values_list("pk", flat=True).first()
                if hit is not None:
                    agency_map[value] = hit
    con.execute("CREATE TEMP TABLE agency_map (raw VARCHAR, id INTEGER)")
    if agency_map:
        con.executemany("INSERT INTO agency_map VALUES (?, ?)", list(agency_map.items()))
    agency_expr = "am.id" if agency_col else str(int(plan.agency_id))
    if agency_col and plan.agency_id is not None:
        agency_expr = (f"coalesce({agency_expr}, CASE WHEN {_text('r.' + _q(agency_col))} IS NULL "
                       f"THEN {int(plan.agency_id)} END)")
    join = f"LEFT JOIN agency_map am ON am.raw = trim(r.{_q(agency_col)})" if agency_col else ""
    con.execute(f"CREATE TEMP VIEW with_agency AS SELECT r.*, {agency_expr} AS __agency FROM rawl r {join}")

    unit_col = column.get("unit")
    con.execute("CREATE TEMP TABLE unit_map (agency INTEGER, raw VARCHAR, id INTEGER)")
    if unit_col:
        pairs = con.execute(f"SELECT DISTINCT __agency, trim({_q(unit_col)}) FROM with_agency "
                            f"WHERE __agency IS NOT NULL AND NULLIF(trim({_q(unit_col)}), '') IS NOT NULL").fetchall()
        agencies = {a for a, _v in pairs}
        keys: dict[tuple[int, str], int] = {}
        for u in Unit.objects.filter(agency_id__in=agencies).values("pk", "agency_id", "name", "short_name"):
            keys.setdefault((u["agency_id"], str(u["pk"])), u["pk"])
            for text in (u["name"], u["short_name"]):
                if text:
                    keys.setdefault((u["agency_id"], search_key(text)), u["pk"])
        for a in UnitAlias.objects.filter(unit__agency_id__in=agencies).values("unit_id", "unit__agency_id", "alias"):
            keys.setdefault((a["unit__agency_id"], search_key(a["alias"])), a["unit_id"])
        rows = []
        for agency_id, value in pairs:
            hit = keys.get((agency_id, value)) or keys.get((agency_id, search_key(value)))
            if hit:
                rows.append((agency_id, value, hit))
        if rows:
            con.executemany("INSERT INTO unit_map VALUES (?, ?, ?)", rows)

    selects, checks = ["__line", "__agency AS agency_id"], []
    raw_of = {}
    for name, f in fields.items():
        if name in ("agency", "unit"):
            continue
        col = column.get(name)
        if col is None:
            selects.append(f"NULL AS {name}")
            continue
        expr, bad = _expr(f.type, "r." + _q(col))
        selects.append(f"{expr} AS {name}")
        raw_of[name] = f"r.{_q(col)}"
        if bad:
            if f.type == "date":
                msg = _("%(f)s “%%s” không phải ngày hợp lệ") % {"f": f.label.lower()}
            elif f.type in ("int", "money"):
                msg = _("%(f)s “%%s” không phải số hợp lệ") % {"f": f.label.lower()}
            else:
                msg = _("%(f)s “%%s” không có trong danh mục giá trị") % {"f": f.label.lower()}
            checks.append(f"CASE WHEN {bad} THEN format({_lit(msg.replace('%s', '{}'))}, trim(r.{_q(col)})) END")
    if unit_col:
        selects.append("um.id AS unit_id")
        selects.append(f"{_text('r.' + _q(unit_col))} AS __unit_raw")
    else:
        selects += ["NULL::INTEGER AS unit_id", "NULL::VARCHAR AS __unit_raw"]
    if agency_col:
        selects.append(f"{_text('r.' + _q(agency_col))} AS __agency_raw")
    else:
        selects.append("NULL::VARCHAR AS __agency_raw")
    selects.append("concat_ws('; ', " + (", ".join(checks) if checks else "NULL") + ") AS __errors")
    unit_join = (f"LEFT JOIN unit_map um ON um.agency = r.__agency AND um.raw = trim(r.{_q(unit_col)})"
                 if unit_col else "")
    con.execute(f"CREATE TEMP VIEW typed0 AS SELECT {', '.join(selects)} FROM with_agency r {unit_join}")

    label = {n: f.label.lower() for n, f in fields.items()}
    row_checks = [
        ("code IS NULL", _lit(_("thiếu %(f)s") % {"f": label["code"]})),
        ("received IS NULL AND NOT contains(__errors, " + _lit(label["received"]) + ")",
         _lit(_("thiếu %(f)s") % {"f": label["received"]})),
    ]
    if kind == "dossier":
        row_checks += [
            ("procedure IS NULL", _lit(_("thiếu %(f)s") % {"f": label["procedure"]})),
            ("finished < received",
             _two(_("ngày kết thúc xử lý ({}) trước ngày tiếp nhận ({})"), "finished", "received")),
            ("promised < received",
             _two(_("ngày hẹn trả ({}) trước ngày tiếp nhận ({})"), "promised", "received")),
            ("submitted > received",
             _two(_("ngày nộp ({}) sau ngày tiếp nhận ({})"), "submitted", "received")),
            ("sup_completed < sup_requested",
             _two(_("ngày hoàn thành bổ sung ({}) trước ngày yêu cầu bổ sung ({})"), "sup_completed", "sup_requested")),
            ("sup_requested < received",
             _two(_("ngày yêu cầu bổ sung ({}) trước ngày tiếp nhận ({})"), "sup_requested", "received")),
            ("sup_completed > finished",
             _two(_("ngày hoàn thành bổ sung ({}) sau ngày kết thúc xử lý ({})"), "sup_completed", "finished")),
            ("sup_completed IS NOT NULL AND sup_requested IS NULL",
             _lit(_("có ngày hoàn thành bổ sung nhưng thiếu ngày yêu cầu bổ sung"))),
            ("promised IS NULL AND legal_days IS NULL AND received IS NOT NULL",
             _lit(_("thiếu ngày hẹn trả và thời hạn giải quyết của thủ tục"))),
        ]
    else:
        row_checks += [
            ("handled < received",
             _two(_("ngày xử lý ({}) trước ngày tiếp nhận ({})"), "handled", "received")),
            ("published < handled",
             _two(_("ngày công khai ({}) trước ngày xử lý ({})"), "published", "handled")),
        ]
    parts = [f"CASE WHEN {cond} THEN {msg} END" for cond, msg in row_checks]
    parts.append("CASE WHEN agency_id IS NULL AND __agency_raw IS NULL THEN " + _lit(_("thiếu mã cơ quan")) + " END")
    parts.append("CASE WHEN agency_id IS NULL AND __agency_raw IS NOT NULL THEN format("
                 + _lit(_("cơ quan “{}” không có trong danh mục (xem: chiso agencies)")) + ", __agency_raw) END")
    if plan.allowed_agency_ids is not None:
        allowed = ", ".join(str(int(a)) for a in plan.allowed_agency_ids) or "NULL"
        parts.append(f"CASE WHEN agency_id IS NOT NULL AND agency_id NOT IN ({allowed}) THEN format("
                     + _lit(_("hồ sơ của cơ quan “{}”, không phải cơ quan được nhập")) + ", __agency_raw) END")
    parts.append("CASE WHEN unit_id IS NULL AND __unit_raw IS NOT NULL AND agency_id IS NOT NULL THEN format("
                 + _lit(_("đơn vị “{}” không thuộc cơ quan")) + ", __unit_raw) END")
    parts.append("CASE WHEN __first < __line THEN format(" + _lit(_("mã “{}” trùng với dòng {}"))
                 + ", code, __first) END")
    con.execute(f"""CREATE TEMP TABLE typed AS
        SELECT *, concat_ws('; ', NULLIF(__errors, ''), {', '.join(parts)}) AS __all FROM (
            SELECT *, CASE WHEN code IS NULL THEN __line
                           ELSE min(__line) OVER (PARTITION BY agency_id, code) END AS __first
            FROM typed0) t""")
    rows = con.execute(f"SELECT __line, __all FROM typed WHERE __all <> '' ORDER BY __line LIMIT {MAX_ERRORS_KEPT}"
                       ).fetchall()
    total = con.execute("SELECT count(*) FROM typed WHERE __all <> ''").fetchone()[0]
    return [(int(line), msg) for line, msg in rows], total


def _publish(con, kind: str, count: int, report, as_of, on_published, defer_kpis: bool = False) -> ImportResult:
    from . import compute

    result = ImportResult(kind=kind, rows=count)
    cols = [name for name, _t in store.SCHEMAS[kind]]
    typed_cols = {c for c in _columns(con, "typed")}
    select = []
    for name, typ in store.SCHEMAS[kind]:
        if name == "e_result":
            select.append("(NULLIF(trim(result_link), '') IS NOT NULL) AS e_result" if "result_link" in typed_cols
                          else "false AS e_result")
        elif name == "sup_count":
            select.append("CAST(CASE WHEN sup_count IS NOT NULL THEN sup_count WHEN sup_requested IS NOT NULL THEN 1 "
                          "ELSE 0 END AS TINYINT) AS sup_count")
        elif name == "outcome":
            select.append("CAST(CASE WHEN outcome IS NOT NULL THEN outcome WHEN handled IS NOT NULL THEN 1 END "
                          "AS TINYINT) AS outcome")
        elif name in typed_cols:
            select.append(f"CAST({name} AS {typ}) AS {name}")
        else:
            select.append(f"NULL::{typ} AS {name}")
    con.execute(f"CREATE TEMP VIEW incoming AS SELECT {', '.join(select)} FROM typed")
    agencies = [a for (a,) in con.execute("SELECT DISTINCT agency_id FROM incoming ORDER BY 1").fetchall()]
    result.agencies = agencies
    with store.writing() as tx:
        old = store.files(kind, agency_ids=agencies)
        if old:
            result.updated = con.execute(
                "SELECT count(*) FROM incoming i WHERE EXISTS (SELECT 1 FROM read_parquet(?) o "
                "WHERE o.agency_id = i.agency_id AND o.code = i.code)", [old]).fetchone()[0]
        result.created = count - result.updated
        collist = ", ".join(cols)
        source = (f"SELECT {collist} FROM read_parquet(?) o WHERE NOT EXISTS (SELECT 1 FROM incoming i "
                  f"WHERE i.agency_id = o.agency_id AND i.code = o.code) UNION ALL SELECT {collist} FROM incoming"
                  if old else f"SELECT {collist} FROM incoming")
        params = [old] if old else []
        if old:
            con.execute(f"CREATE TEMP TABLE merged AS {source}", params)
        else:
            con.execute("CREATE TEMP VIEW merged AS SELECT * FROM incoming")
        parts = con.execute("SELECT agency_id, year(received) AS y, count(*) FROM merged GROUP BY 1, 2 ORDER BY 1, 2"
                            ).fetchall()
        for key in [k for k in tx.data.get(kind, {}) if int(k.split("/")[0]) in set(agencies)]:
            tx.set(kind, key, None)
        for i, (agency_id, year, _n) in enumerate(parts):
            target = tx.new_path(f"{kind}-{agency_id}-{year}")
            con.execute(f"COPY (SELECT * FROM merged WHERE agency_id = {int(agency_id)} "
                        f"AND year(received) = {int(year)} ORDER BY received, code) "
                        f"TO {_lit(str(target))} (FORMAT parquet, COMPRESSION zstd)")
            tx.set(kind, store.part_key(agency_id, year), target)
            report(55 + int(25 * (i + 1) / max(1, len(parts))), _("Đang ghi dữ liệu"))
        if defer_kpis:
            # The judged month rows of these agencies are out of date: drill-downs read the files until the
            # queued refresh writes new ones (the cube and KpiValue stay as they were, shown as pending).
            for agency_id in agencies:
                tx.set("drill", str(agency_id), None)
                tx.data.get("drill_as_of", {}).pop(str(agency_id), None)
        else:
            report(85, _("Đang tính chỉ số"))
            compute.refresh(con, tx, agencies, as_of=as_of)
        if on_published:
            on_published(result)
        tx.commit()
    report(100, _("Xong"))
    return result
