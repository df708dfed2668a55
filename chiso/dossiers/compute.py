"""Running the engine: the KPI cube after an import, one period on demand, the stored values.

After every import the affected agencies get (1) a cube file: every indicator for every month,
quarter, half-year and year, per agency, unit, procedure and unit × procedure, and (2) the agency and
unit rows of it in the main database (KpiValue), which the dashboards, tasks and reports read."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from chiso.periods import windows

from . import engine, store
from .indicators import BY_CODE, INDICATORS, band_of, points_of, rate_of

GRANULARITIES = ("month", "quarter", "half", "year")


def _pakn_params() -> dict:
    from .models import IndicatorRule

    rule = IndicatorRule.objects.filter(code="5.2").first()
    return rule.params if rule else {}


def _range(con, kind: str, src: str, files: list[str], k: int, as_of: date) -> tuple[int, int, date] | None:
    if not files:
        return None
    lo, hi = con.execute(f"SELECT min(received), max(received) FROM {src}", {"files": files}).fetchone()
    if lo is None:
        return None
    last = max(hi, as_of)
    return (lo.year * 12 + lo.month - 1) // k, (last.year * 12 + last.month - 1) // k, lo


def _codes() -> list[str]:
    return [c.replace(".", "_") for kind in store.KINDS for c in engine.MEASURES[kind]]


def build_cube(con, files: dict[str, list[str]], as_of: date, grans=GRANULARITIES,
               levels=tuple(engine.LEVELS), where: str = "true", keep_month_rows: bool = False) -> int:
    """Table `cube_rows` on `con`: every indicator per period of each granularity and per level, for the
    records in `files` ({kind: paths}). Returns its row count. With `keep_month_rows`, the evaluated
    (dossier, month) rows stay in table `month_rows` (the drill-down files are written from it)."""
    con.execute("CREATE OR REPLACE TEMP TABLE cube_rows (gran VARCHAR, agency_id INTEGER, unit_id INTEGER, "
                "procedure VARCHAR, p INTEGER, g_unit INTEGER, g_proc INTEGER, "
                + ", ".join(f"n_{c} BIGINT, d_{c} BIGINT" for c in _codes()) + ")")
    for gran in grans:
        k = windows.MONTHS[gran]
        for kind in store.KINDS:
            paths = files.get(kind) or []
            if not paths:
                continue
            bounds = _range(con, kind, "read_parquet($files)", paths, k, as_of)
            if bounds is None:
                continue
            lo, hi, first = bounds
            cal = engine.Calendar.covering(windows.from_index(gran, hi).end, first)
            prm = engine.params(kind, k, lo, hi, as_of, cal, _pakn_params() if kind == "pakn" else None)
            prm["files"] = paths
            if keep_month_rows and gran == "month" and kind == "dossier":
                con.execute(f"CREATE OR REPLACE TEMP TABLE month_rows AS "
                            f"{engine.month_rows_sql('read_parquet($files)', where)}", prm)
                fine = engine.fine_sql(kind, "", k, relation="month_rows")
                con.execute(f"CREATE OR REPLACE TEMP TABLE fine AS {fine}")
            else:
                fine = engine.fine_sql(kind, "read_parquet($files)", k, where)
                con.execute(f"CREATE OR REPLACE TEMP TABLE fine AS {fine}", prm)
            rollup = engine.rollup_sql(kind, levels)
            con.execute(f"INSERT INTO cube_rows BY NAME SELECT '{gran}' AS gran, * FROM ({rollup})")
    return con.execute("SELECT count(*) FROM cube_rows").fetchone()[0]


def refresh(con, tx, agency_ids: list[int], as_of: date | None = None) -> int:
    """Recompute the affected agencies from the files of the pending transaction `tx`; write their cube
    files into it and replace their KpiValue rows. Returns the number of values stored."""
    as_of = as_of or timezone.localdate()
    engine.prepare_apologies(con, agency_ids)
    wanted = {str(a) for a in agency_ids}
    files = {kind: [str(store.root() / "files" / name) for key, name in sorted(tx.data.get(kind, {}).items())
                    if key.split("/")[0] in wanted] for kind in store.KINDS}
    build_cube(con, files, as_of, keep_month_rows=bool(files.get("dossier")))
    present = {a for (a,) in con.execute("SELECT DISTINCT agency_id FROM cube_rows").fetchall()}
    drilled = set()
    if files.get("dossier"):
        drilled = {a for (a,) in con.execute("SELECT DISTINCT agency_id FROM month_rows").fetchall()}
    tx.data.setdefault("drill_as_of", {})
    for agency_id in agency_ids:
        # The judged (dossier, month) rows: a month's drill-down reads only that month's rows.
        if agency_id in drilled:
            target = tx.new_path(f"drill-{agency_id}")
            con.execute(f"COPY (SELECT * EXCLUDE (apologised) FROM month_rows WHERE agency_id = {int(agency_id)} "
                        f"ORDER BY p, received DESC) TO '{target}' (FORMAT parquet, COMPRESSION zstd, "
                        f"ROW_GROUP_SIZE 20480)")
            tx.set("drill", str(agency_id), target)
            tx.data["drill_as_of"][str(agency_id)] = as_of.isoformat()
        else:
            tx.set("drill", str(agency_id), None)
            tx.data["drill_as_of"].pop(str(agency_id), None)
        if agency_id in present:
            target = tx.new_path(f"cube-{agency_id}")
            con.execute(f"COPY (SELECT * FROM cube_rows WHERE agency_id = {int(agency_id)} "
                        f"ORDER BY gran, g_unit, g_proc, p) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
            tx.set("cube", str(agency_id), target)
        else:
            tx.set("cube", str(agency_id), None)
    values = stored_rows(con)
    save_values(agency_ids, values)
    return len(values)


def stored_rows(con) -> list[tuple]:
    """(agency, unit or None, period code, start, code, numerator, denominator) of the agency and unit
    levels of `cube_rows` (procedure levels stay in the cube files)."""
    codes = [(code, code.replace(".", "_")) for kind in store.KINDS for code in engine.MEASURES[kind]]
    cur = con.execute("SELECT gran, agency_id, unit_id, p, g_unit, "
                      + ", ".join(f"n_{k}, d_{k}" for _c, k in codes)
                      + " FROM cube_rows WHERE g_proc = 1 AND (g_unit = 1 OR unit_id IS NOT NULL)")
    out = []
    cache: dict = {}
    for row in cur.fetchall():
        gran, agency_id, unit_id, p, g_unit = row[:5]
        period = cache.get((gran, p))
        if period is None:
            period = cache[(gran, p)] = windows.from_index(gran, p)
        unit = None if g_unit == 1 else unit_id
        for i, (code, _k) in enumerate(codes):
            n, d = row[5 + 2 * i], row[6 + 2 * i]
            if d:
                out.append((agency_id, unit, period.code, period.start, code, int(n), int(d)))
    return out


def save_values(agency_ids: list[int], values: list[tuple]) -> None:
    from .models import KpiValue

    now = timezone.now()
    with transaction.atomic():
        KpiValue.objects.filter(agency_id__in=agency_ids).delete()
        KpiValue.objects.bulk_create(
            [KpiValue(agency_id=a, unit_id=u, period=p, start=s, code=c, numerator=n, denominator=d, computed_at=now)
             for a, u, p, s, c, n, d in values], batch_size=2000)


# --- reading ------------------------------------------------------------------------------------------

@dataclass
class Figure:
    code: str
    name: str
    numerator: int | None
    denominator: int | None
    rate: object  # Decimal or None
    points: object
    max_points: object
    average: bool

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "numerator": self.numerator, "denominator": self.denominator,
                "rate": float(self.rate) if self.rate is not None else None,
                "points": float(self.points) if self.points is not None else None,
                "max_points": float(self.max_points) if self.max_points is not None else None,
                "unit": "days" if self.average else "percent"}


def rules() -> dict:
    from .models import IndicatorRule

    return {r.code: r for r in IndicatorRule.objects.all()}


def figures(counts: dict[str, tuple[int, int]], rule_map: dict | None = None) -> list[Figure]:
    """Every indicator as a Figure from {code: (numerator, denominator)} (missing: N/A)."""
    rule_map = rules() if rule_map is None else rule_map
    out = []
    for ind in INDICATORS:
        n, d = counts.get(ind.code, (0, 0))
        rate = rate_of(n, d, ind.average)
        rule = rule_map.get(ind.code)
        pts = points_of(rate, rule) if rule is not None and rule.max_points and not ind.average else None
        out.append(Figure(ind.code, ind.name, n if d else (n or 0), d, rate, pts,
                          rule.max_points if rule is not None and rule.max_points else None, ind.average))
    return out


def total(figs: list[Figure], bands) -> tuple[object, object, object, str]:
    """(points, maximum of the indicators with a figure, score out of 100, band)."""
    from decimal import Decimal

    got = sum((f.points for f in figs if f.points is not None), Decimal(0))
    avail = sum((Decimal(f.max_points) for f in figs if f.points is not None and f.max_points), Decimal(0))
    if not avail:
        return None, None, None, ""
    score = (got * 100 / avail).quantize(Decimal("0.01"))
    return got, avail, score, band_of(score, bands)


def compute_period(agency_ids: list[int], period: windows.KpiPeriod, unit_id: int | None = None,
                   procedure: str | None = None, as_of: date | None = None, con=None) -> dict[str, tuple[int, int]]:
    """{code: (numerator, denominator)} of one period, computed now from the files (kpis show)."""
    as_of = as_of or timezone.localdate()
    con = con or store.reader()
    engine.prepare_apologies(con, agency_ids)
    where = []
    if unit_id is not None:
        where.append(f"unit_id = {int(unit_id)}")
    if procedure:
        where.append("procedure = $procedure")
    out: dict[str, tuple[int, int]] = {}
    for kind in store.KINDS:
        if kind == "pakn" and procedure:
            continue
        files = store.files(kind, agency_ids)
        if not files:
            continue
        src = "read_parquet($files)"
        cal = engine.Calendar.for_files(con, files, max(period.end, as_of))
        sql = (f"WITH {engine.evaluated(kind, src, period.months, ' AND '.join(where) or 'true')} "
               f"SELECT {', '.join(engine.aggregates(kind))} FROM z")
        prm = engine.params(kind, period.months, period.index, period.index, as_of, cal,
                            _pakn_params() if kind == "pakn" else None)
        prm["files"] = files
        if procedure and kind == "dossier":
            prm["procedure"] = procedure
        cur = con.execute(sql, prm)
        row = cur.fetchone()
        cols = [d[0] for d in cur.description]
        for code in engine.MEASURES[kind]:
            key = code.replace(".", "_")
            out[code] = (int(row[cols.index(f"n_{key}")] or 0), int(row[cols.index(f"d_{key}")] or 0))
    return out


def stored(agency_id: int, period_codes: list[str], unit_id: int | None = None) -> dict[str, dict[str, tuple]]:
    """{period: {code: (n, d)}} from KpiValue."""
    from .models import KpiValue

    qs = KpiValue.objects.filter(agency_id=agency_id, period__in=period_codes)
    qs = qs.filter(unit__isnull=True) if unit_id is None else qs.filter(unit_id=unit_id)
    out: dict[str, dict[str, tuple]] = {}
    for p, code, n, d in qs.values_list("period", "code", "numerator", "denominator"):
        out.setdefault(p, {})[code] = (n, d)
    return out


def indicator(code: str):
    return BY_CODE.get(code)
