"""The indicator engine: one SQL text per record kind, run by DuckDB over the Parquet files.

Every dossier is evaluated once for each period it belongs to. A dossier belongs to the periods from
the one it was received in to the one it finished in (or the last one asked for while it is open), so
the on-time indicator counts the dossiers "received or handled in the period", and a dossier still
open at the end of a period is judged on the period's last day (or today, in the running period).

Judging a dossier in a period ending on day E (`cut` = min(E, today)), as known on E:
- its finish `fin` is the finish date when that is on or before E, else none (still open on E);
- a supplement request on or before E (`req`), completed on or before E (`done`);
- the effective end `eff`: `fin` or else `cut`; less the days spent supplementing (done - req) when the
  supplement was completed; the request day itself when the supplement was requested and not
  completed (the clock stops while the citizen supplements);
- on time when asked to supplement at most once and `eff` <= the promised date; without a promised
  date, when the working days from receipt to `eff` are within the procedure's legal maximum.

The figures and the drill-down lists come from the same conditions (MEASURES), so a figure and the
dossiers behind it always agree.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from . import store, workdays
from .indicators import PAKN_DEFAULTS

# code -> (denominator condition, numerator condition, aggregate). Conditions are SQL over the
# evaluated rows of one period: p (period), rp / fp (periods of receipt / finish), ot (on time), ...
MEASURES = {
    "dossier": {
        "2.1": ("true", "ot", "count"),
        "2.2": ("p = rp AND fin IS NOT NULL", "p = rp AND fin IS NOT NULL", "days"),
        "3.1": ("p = rp", "p = rp AND level >= 2", "procedures"),
        "3.3": ("p = rp", "p = rp AND channel = 2", "count"),
        "3.5": ("p = rp AND fee > 0", "p = rp AND fee > 0 AND paid_online > 0", "procedures"),
        "3.6": ("p = rp AND fee > 0", "p = rp AND fee > 0 AND paid_online > 0", "count"),
        "4.1": ("p = fp", "p = fp AND e_result", "count"),
        "4.2": ("p = fp", "p = fp AND e_result AND digitised", "count"),
        "4.3": ("p = rp", "p = rp AND reused", "count"),
        "5.4": ("true", "ot AND NOT disliked", "count"),
        "XL": ("NOT ot", "NOT ot AND apologised", "count"),
    },
    "pakn": {
        "5.2": ("true", "ot", "count"),
        "5.3": ("true", "ot AND NOT disliked AND NOT repeated", "count"),
    },
}
LEVELS = {  # grouping sets: name -> grouped columns besides the period
    "agency": ("agency_id",),
    "unit": ("agency_id", "unit_id"),
    "procedure": ("agency_id", "procedure"),
    "unit_procedure": ("agency_id", "unit_id", "procedure"),
}


@dataclass
class Calendar:
    """The cumulative working-day list the SQL looks dates up in (wd[d] - wd[c] = working days in (c, d])."""

    origin: date
    wd: list[int]

    @classmethod
    def covering(cls, last: date, first: date | None = None) -> "Calendar":
        """From `first` (the earliest receipt the query can see: every date looked up is on or after
        a receipt, the import guarantees it) to well past `last`. A short list is a fast lookup."""
        start = first or workdays.ORIGIN
        end = max(last, timezone.localdate()) + timedelta(days=400)
        return cls(start, workdays.cumulative(start, end))

    @classmethod
    def for_files(cls, con, files: list[str], last: date, where: str = "true") -> "Calendar":
        first = con.execute(f"SELECT min(received) FROM read_parquet($f) WHERE {where}", {"f": files}).fetchone()[0] \
            if files else None
        return cls.covering(last, first)


def _wd(expr: str) -> str:
    return f"list_extract($wd, greatest(CAST({expr} - $origin AS INTEGER) + 1, 1))"


def _period_bounds(k: int, p: str) -> tuple[str, str]:
    start = f"make_date(CAST(({p} * {k}) // 12 AS INTEGER), CAST(({p} * {k}) % 12 + 1 AS INTEGER), 1)"
    last = f"({p} * {k} + {k} - 1)"
    end = f"last_day(make_date(CAST({last} // 12 AS INTEGER), CAST({last} % 12 + 1 AS INTEGER), 1))"
    return start, end


def evaluated(kind: str, source: str, k: int, where: str = "true") -> str:
    """SQL (a CTE chain ending in relation `z`) with one row per (record, period) in [$lo, $hi]."""
    ps, pe = _period_bounds(k, "p")
    lo_start, _x = _period_bounds(k, "$lo")
    _y, hi_end = _period_bounds(k, "$hi")
    if kind == "dossier":
        return f"""
        b AS (
            SELECT *, (year(received) * 12 + month(received) - 1) // {k} AS rp,
                      (year(finished) * 12 + month(finished) - 1) // {k} AS fp
            FROM {source}
            WHERE received <= {hi_end} AND (finished IS NULL OR finished >= {lo_start}) AND ({where})
        ),
        x AS (
            SELECT *, unnest(range(greatest(rp, $lo), least(coalesce(fp, $hi), $hi) + 1)) AS p FROM b
        ),
        y AS (
            SELECT *, CASE WHEN finished <= pe THEN finished END AS fin,
                   CASE WHEN sup_requested <= pe THEN sup_requested END AS req,
                   CASE WHEN sup_requested <= pe AND sup_completed <= pe THEN sup_completed END AS done,
                   least(pe, $as_of) AS cut
            FROM (SELECT *, {pe} AS pe FROM x)
        ),
        e AS (
            SELECT *, CASE WHEN req IS NOT NULL AND done IS NOT NULL
                                THEN coalesce(fin, cut) - CAST(done - req AS INTEGER)
                           WHEN req IS NOT NULL THEN least(req, coalesce(fin, cut))
                           ELSE coalesce(fin, cut) END AS eff
            FROM y
        ),
        z AS (
            SELECT *, coalesce(sup_count <= 1 AND CASE WHEN promised IS NOT NULL THEN eff <= promised
                          ELSE {_wd('eff')} - {_wd('received')} <= legal_days END, false) AS ot,
                   CASE WHEN p = rp AND fin IS NOT NULL THEN {_wd('eff')} - {_wd('received')} END AS days,
                   EXISTS (SELECT 1 FROM apologies a WHERE a.agency_id = e.agency_id AND a.code = e.code) AS apologised
            FROM e
        )"""
    return f"""
        b AS (
            SELECT *, (year(received) * 12 + month(received) - 1) // {k} AS rp,
                      (year(handled) * 12 + month(handled) - 1) // {k} AS fp
            FROM {source}
            WHERE received <= {hi_end} AND (handled IS NULL OR handled >= {lo_start}) AND ({where})
        ),
        x AS (
            SELECT *, unnest(range(greatest(rp, $lo), least(coalesce(fp, $hi), $hi) + 1)) AS p FROM b
        ),
        y AS (
            SELECT *, CASE WHEN handled <= pe THEN handled END AS fin,
                   CASE WHEN published <= pe THEN published END AS pub,
                   least(pe, $as_of) AS cut
            FROM (SELECT *, {pe} AS pe FROM x)
        ),
        z AS (
            SELECT *, coalesce(CASE WHEN fin IS NOT NULL THEN
                       {_wd('fin')} - {_wd('received')} <= CASE outcome WHEN 2 THEN $refuse_days
                                                            WHEN 3 THEN $info_days ELSE $answer_days END
                       AND (outcome IS DISTINCT FROM 1 OR pub IS NULL OR {_wd('pub')} - {_wd('fin')} <= $publish_days)
                   ELSE {_wd('cut')} - {_wd('received')} <= $answer_days END, false) AS ot
            FROM y
        )"""


def aggregates(kind: str) -> list[str]:
    """SELECT items n_<code>, d_<code> for every indicator of `kind`."""
    out = []
    for code, (den, num, agg) in MEASURES[kind].items():
        key = code.replace(".", "_")
        if agg == "procedures":
            out.append(f"count(DISTINCT procedure) FILTER (WHERE {num}) AS n_{key}")
            out.append(f"count(DISTINCT procedure) FILTER (WHERE {den}) AS d_{key}")
        elif agg == "days":
            out.append(f"coalesce(sum(days) FILTER (WHERE {num}), 0) AS n_{key}")
            out.append(f"count(*) FILTER (WHERE {den}) AS d_{key}")
        else:
            out.append(f"count(*) FILTER (WHERE {num}) AS n_{key}")
            out.append(f"count(*) FILTER (WHERE {den}) AS d_{key}")
    return out


def params(kind: str, k: int, lo: int, hi: int, as_of: date, cal: Calendar, rule_params: dict | None = None) -> dict:
    out = {"lo": lo, "hi": hi, "as_of": as_of, "wd": cal.wd, "origin": cal.origin}
    if kind == "pakn":
        merged = {**PAKN_DEFAULTS, **(rule_params or {})}
        out.update({name: int(merged[name]) for name in ("answer_days", "refuse_days", "info_days", "publish_days")})
    return out


def prepare_apologies(con, agency_ids=None, rows: list[tuple[int, str]] | None = None) -> None:
    """Table `apologies` (agency_id, code) on this connection: the late dossiers that have a letter."""
    if rows is None:
        from .models import Apology

        qs = Apology.objects.all()
        if agency_ids is not None:
            qs = qs.filter(agency_id__in=list(agency_ids))
        rows = list(qs.values_list("agency_id", "dossier_code"))
    con.execute("CREATE OR REPLACE TEMP TABLE apologies (agency_id INTEGER, code VARCHAR)")
    if rows:
        con.execute("INSERT INTO apologies SELECT unnest($a), unnest($c)",
                    {"a": [r[0] for r in rows], "c": [r[1] for r in rows]})


# The evaluated month rows kept for the drill-down pages (everything MEASURES and the list need).
MONTH_ROW_COLUMNS = ["agency_id", "unit_id", "code", "procedure", "procedure_name", "applicant", "received",
                     "promised", "finished", "sup_count", "channel", "level", "fee", "paid_online", "digitised",
                     "reused", "e_result", "disliked", "p", "rp", "fp", "fin", "eff", "ot", "days", "apologised"]


def month_rows_sql(source: str, where: str = "true") -> str:
    return f"WITH {evaluated('dossier', source, 1, where)} SELECT {', '.join(MONTH_ROW_COLUMNS)} FROM z"


def fine_sql(kind: str, source: str, k: int, where: str = "true", relation: str | None = None) -> str:
    """Stage 1: every count per agency × unit × procedure × period (the finest cell), plus, for the
    indicators that count procedures, whether the cell's procedure is counted (bool_or). Over the
    evaluated rows of `source`, or over an already evaluated `relation`."""
    items = []
    for code, (den, num, agg) in MEASURES[kind].items():
        key = code.replace(".", "_")
        if agg == "procedures":
            items += [f"bool_or({num}) AS n_{key}", f"bool_or({den}) AS d_{key}"]
        elif agg == "days":
            items += [f"coalesce(sum(days) FILTER (WHERE {num}), 0) AS n_{key}",
                      f"count(*) FILTER (WHERE {den}) AS d_{key}"]
        else:
            items += [f"count(*) FILTER (WHERE {num}) AS n_{key}", f"count(*) FILTER (WHERE {den}) AS d_{key}"]
    proc = "procedure" if kind == "dossier" else "NULL::VARCHAR AS procedure"
    group = "agency_id, unit_id, procedure, p" if kind == "dossier" else "agency_id, unit_id, p"
    head = f"WITH {evaluated(kind, source, k, where)} " if relation is None else ""
    return f"{head}SELECT agency_id, unit_id, {proc}, p, {', '.join(items)} FROM {relation or 'z'} GROUP BY {group}"


def rollup_sql(kind: str, levels=("agency", "unit", "procedure", "unit_procedure")) -> str:
    """Stage 2, over table `fine`: the cells of each level. Counts add up; procedure counts are the
    number of distinct procedures counted (a procedure counted in two units counts once for the agency)."""
    if kind == "pakn":
        levels = [lv for lv in levels if "procedure" not in lv]
    measures = MEASURES[kind]

    def sums(distinct_from_flags: bool) -> str:
        out = []
        for code, (_den, _num, agg) in measures.items():
            key = code.replace(".", "_")
            if agg == "procedures":
                if distinct_from_flags:
                    out += [f"count(*) FILTER (WHERE n_{key}) AS n_{key}",
                            f"count(*) FILTER (WHERE d_{key}) AS d_{key}"]
                else:
                    out += [f"bool_or(n_{key}) AS n_{key}", f"bool_or(d_{key}) AS d_{key}"]
            else:
                out += [f"sum(n_{key}) AS n_{key}", f"sum(d_{key}) AS d_{key}"]
        return ", ".join(out)

    def ints(text: str) -> str:
        out = []
        for code, (_den, _num, agg) in measures.items():
            key = code.replace(".", "_")
            cast = "CAST({0} AS BIGINT)" if agg == "procedures" else "{0}"
            out += [cast.format(f"n_{key}") + f" AS n_{key}", cast.format(f"d_{key}") + f" AS d_{key}"]
        return ", ".join(out)

    parts = []
    if "unit_procedure" in levels:
        parts.append(f"SELECT agency_id, unit_id, procedure, p, 0 AS g_unit, 0 AS g_proc, {ints('')} FROM fine")
    if "unit" in levels:
        parts.append(f"SELECT agency_id, unit_id, NULL::VARCHAR AS procedure, p, 0 AS g_unit, 1 AS g_proc, "
                     f"{sums(True)} FROM fine GROUP BY agency_id, unit_id, p")
    by_proc = f"SELECT agency_id, procedure, p, {sums(False)} FROM fine GROUP BY agency_id, procedure, p"
    if "procedure" in levels:
        parts.append(f"SELECT agency_id, NULL::INTEGER AS unit_id, procedure, p, 1 AS g_unit, 0 AS g_proc, "
                     f"{ints('')} FROM ({by_proc})")
    if "agency" in levels:
        parts.append(f"SELECT agency_id, NULL::INTEGER AS unit_id, NULL::VARCHAR AS procedure, p, 1 AS g_unit, "
                     f"1 AS g_proc, {sums(True)} FROM ({by_proc}) GROUP BY agency_id, p")
    return " UNION ALL BY NAME ".join(f"({part})" for part in parts)


def drill_sql(kind: str, source: str, k: int, code: str, which: str, where: str = "true") -> str:
    """The records behind one figure of one period: `which` is den (all counted), num (meeting the
    indicator) or miss (counted, not meeting it)."""
    den, num, _agg = MEASURES[kind][code]
    cond = {"den": den, "num": num, "miss": f"({den}) AND NOT ({num})"}[which]
    return f"WITH {evaluated(kind, source, k, where)} SELECT * FROM z WHERE {cond}"


def source(kind: str, agency_ids=None, paths: list[str] | None = None) -> tuple[str, list[str]]:
    """FROM item for the records of `kind` and the files it reads (none: an empty typed relation)."""
    files = paths if paths is not None else store.files(kind, agency_ids)
    if not files:
        return store.empty_select(kind), []
    return "read_parquet($files)", files
