"""Reads for the pages: the dashboard (stored values + the cube file), the drill-down lists (the dossier
files, through the engine's own conditions), the province ranking."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from chiso.periods import windows

from . import compute, engine, store
from .indicators import BY_CODE, rate_of
from .models import Apology, KpiValue, RatingBand

PAGE_SIZE = 50
SORTS = {"received": "received DESC, code", "promised": "promised NULLS LAST, code", "code": "code"}


def dashboard(agency, period: windows.KpiPeriod) -> dict:
    """The indicator table with points and band, the monthly trend of the year, the worst units and
    procedures (by on-time rate) of the period. A fixed number of queries whatever the data size."""
    rule_map = compute.rules()
    bands = list(RatingBand.objects.all())
    months = [windows.from_index("month", period.start.year * 12 + m) for m in range(12)]
    codes = [period.code] + [m.code for m in months]
    values: dict[tuple, dict] = {}
    for unit_id, p, code, n, d in KpiValue.objects.filter(agency=agency, period__in=codes).values_list(
            "unit_id", "period", "code", "numerator", "denominator"):
        values.setdefault((unit_id, p), {})[code] = (n, d)
    figs = compute.figures(values.get((None, period.code), {}), rule_map)
    points, available, score, band = compute.total(figs, bands)
    trend = []
    for m in months:
        counts = values.get((None, m.code), {})
        n, d = counts.get("2.1", (0, 0))
        trend.append({"period": m, "n": n, "d": d, "rate": rate_of(n, d)})
    from chiso.org.models import Unit

    names = dict(Unit.objects.filter(agency=agency).values_list("pk", "name"))
    units = []
    for (unit_id, p), counts in values.items():
        if unit_id is None or p != period.code:
            continue
        n, d = counts.get("2.1", (0, 0))
        late_n, late_d = counts.get("XL", (0, 0))
        units.append({"unit_id": unit_id, "name": names.get(unit_id, "?"), "n": n, "d": d, "rate": rate_of(n, d),
                      "late": d - n, "apologised": late_n, "apology_rate": rate_of(late_n, late_d)})
    units.sort(key=lambda u: (u["rate"] if u["rate"] is not None else 101, -u["d"]))
    return {"figures": figs, "points": points, "available": available, "score": score, "band": band,
            "trend": trend, "units": units, "procedures": worst_procedures(agency, period)}


def worst_procedures(agency, period: windows.KpiPeriod, limit: int = 10) -> list[dict]:
    files = store.cube_files([agency.pk])
    if not files:
        return []
    rows = store.reader().execute(
        "SELECT procedure, n_2_1, d_2_1 FROM read_parquet($f) WHERE gran = $g AND p = $p AND g_unit = 1 "
        "AND g_proc = 0 AND d_2_1 > 0 ORDER BY n_2_1 / d_2_1, d_2_1 DESC LIMIT $limit",
        {"f": files, "g": period.kind, "p": period.index, "limit": limit}).fetchall()
    return [{"procedure": p, "n": n, "d": d, "rate": rate_of(n, d)} for p, n, d in rows]


def ranking(agencies, period: windows.KpiPeriod) -> list[dict]:
    """Agencies with their total points for the period, best first (agencies without data last)."""
    rule_map = compute.rules()
    bands = list(RatingBand.objects.all())
    counts: dict[int, dict] = {}
    for agency_id, code, n, d in KpiValue.objects.filter(agency__in=agencies, unit__isnull=True,
                                                         period=period.code).values_list(
            "agency_id", "code", "numerator", "denominator"):
        counts.setdefault(agency_id, {})[code] = (n, d)
    out = []
    for agency in agencies:
        figs = compute.figures(counts.get(agency.pk, {}), rule_map)
        points, available, score, band = compute.total(figs, bands)
        on_time = next(f for f in figs if f.code == "2.1")
        out.append({"agency": agency, "points": points, "available": available, "score": score, "band": band,
                    "on_time": on_time.rate, "dossiers": on_time.denominator})
    out.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["agency"].name))
    for i, row in enumerate(out, 1):
        row["rank"] = i if row["score"] is not None else None
    return out


@dataclass
class DrillFilter:
    agency_id: int
    period: windows.KpiPeriod
    code: str = "2.1"
    which: str = "miss"  # den, num, miss
    unit_id: int | None = None
    procedure: str = ""
    search: str = ""
    sort: str = "received"
    alert: str = ""  # near_due / overdue: open dossiers for the alerts' links


DOSSIER_COLUMNS = ["code", "unit_id", "procedure", "procedure_name", "applicant", "received", "promised",
                   "finished", "sup_count", "channel", "ot", "eff", "apologised"]


def drill(f: DrillFilter, page: int = 1, limit: int | None = PAGE_SIZE, as_of: date | None = None):
    """(rows, total) of the dossiers behind one figure, filtered and paginated (limit None: all)."""
    as_of = as_of or timezone.localdate()
    kind = BY_CODE[f.code].source if f.code in BY_CODE else "dossier"
    files = store.files(kind, [f.agency_id])
    if not files:
        return [], 0
    con = store.reader()
    engine.prepare_apologies(con, [f.agency_id])
    where = [f"agency_id = {int(f.agency_id)}"]
    prm = {}
    if f.unit_id:
        where.append(f"unit_id = {int(f.unit_id)}")
    if f.procedure and kind == "dossier":
        where.append("procedure = $procedure")
        prm["procedure"] = f.procedure
    if f.search:
        where.append("(code ILIKE $q OR " + ("applicant" if kind == "dossier" else "sender") + " ILIKE $q)")
        prm["q"] = f"%{f.search}%"
    drill_path, judged_on = store.drill_file(f.agency_id)
    if (kind == "dossier" and f.period.kind == "month" and f.code != "XL" and drill_path
            and judged_on and f.period.end < date.fromisoformat(judged_on)):
        # A past month: its rows were judged at the last import (nothing about them changes with time).
        den, num, _agg = engine.MEASURES[kind][f.code]
        cond = {"den": den, "num": num, "miss": f"({den}) AND NOT ({num})"}[f.which]
        sql = (f"SELECT *, NULL::BOOLEAN AS apologised FROM read_parquet($drill) WHERE p = {int(f.period.index)} "
               f"AND ({cond}) AND {' AND '.join(where)}")
        prm["drill"] = drill_path
    else:
        sql = engine.drill_sql(kind, "read_parquet($files)", f.period.months, f.code, f.which, " AND ".join(where))
        cal = engine.Calendar.for_files(con, files, max(f.period.end, as_of))
        prm.update(engine.params(kind, f.period.months, f.period.index, f.period.index, as_of, cal,
                                 compute._pakn_params() if kind == "pakn" else None))
        prm["files"] = files
    cols = DOSSIER_COLUMNS if kind == "dossier" else ["code", "unit_id", "title", "sender", "received", "handled",
                                                      "outcome", "ot"]
    order = SORTS.get(f.sort, SORTS["received"]) if kind == "dossier" else "received DESC, code"
    # One pass: the page and the total (a window count) together; a page past the end counts separately.
    page_sql = f"SELECT {', '.join(cols)}, count(*) OVER () AS __total FROM ({sql}) ORDER BY {order}"
    if limit is not None:
        page_sql += f" LIMIT {int(limit)} OFFSET {int((max(page, 1) - 1) * limit)}"
    fetched = con.execute(page_sql, prm).fetchall()
    total = fetched[0][-1] if fetched else con.execute(f"SELECT count(*) FROM ({sql})", prm).fetchone()[0]
    rows = [dict(zip(cols, r[:-1], strict=True)) for r in fetched]
    return rows, total


def open_dossiers(agency_id: int, kind: str, unit_id=None, page: int = 1, limit: int | None = PAGE_SIZE):
    """Dossiers still open that were announced as `kind` (near_due / overdue), for the alerts' links."""
    from .alerts import state_file

    state = state_file()
    files = store.files("dossier", [agency_id])
    if not state or not files:
        return [], 0
    cols = ["code", "unit_id", "procedure", "procedure_name", "applicant", "received", "promised", "finished",
            "sup_count", "channel"]
    where = f"d.agency_id = {int(agency_id)} AND d.finished IS NULL"
    if unit_id:
        where += f" AND d.unit_id = {int(unit_id)}"
    sql = (f"FROM read_parquet($files) d SEMI JOIN (SELECT * FROM read_parquet($state) WHERE kind = $kind "
           f"AND agency_id = {int(agency_id)}) a ON a.code = d.code AND a.promised = d.promised WHERE {where}")
    prm = {"files": files, "state": state, "kind": kind}
    con = store.reader()
    total = con.execute(f"SELECT count(*) {sql}", prm).fetchone()[0]
    page_sql = f"SELECT {', '.join('d.' + c for c in cols)} {sql} ORDER BY d.promised, d.code"
    if limit is not None:
        page_sql += f" LIMIT {int(limit)} OFFSET {int((max(page, 1) - 1) * limit)}"
    rows = con.execute(page_sql, prm).fetchall()
    return [dict(zip(cols, r, strict=True)) for r in rows], total


def dossier(agency_id: int, code: str) -> dict | None:
    files = store.files("dossier", [agency_id])
    if not files:
        return None
    cur = store.reader().execute(f"SELECT * FROM read_parquet($files) WHERE agency_id = {int(agency_id)} "
                                 "AND code = $code LIMIT 1", {"files": files, "code": code})
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def apologies_of(agency_id: int, codes: list[str]) -> dict[str, Apology]:
    return {a.dossier_code: a for a in Apology.objects.filter(agency_id=agency_id, dossier_code__in=codes)}


def drill_is_late(agency_id: int, dossier: dict, as_of: date | None = None) -> bool:
    """Whether the dossier is late, judged in the year it finished (or this year while it is open)."""
    as_of = as_of or timezone.localdate()
    year = windows.containing("year", dossier.get("finished") or as_of)
    files = store.files("dossier", [agency_id])
    con = store.reader()
    engine.prepare_apologies(con, [agency_id])
    sql = engine.drill_sql("dossier", "read_parquet($files)", 12, "2.1", "miss",
                           f"agency_id = {int(agency_id)} AND code = $code")
    if not files:
        return False
    cal = engine.Calendar.for_files(con, files, max(year.end, as_of))
    prm = engine.params("dossier", 12, year.index, year.index, as_of, cal)
    prm.update({"files": files, "code": dossier["code"]})
    return con.execute(f"SELECT count(*) FROM ({sql})", prm).fetchone()[0] > 0
