"""Near-due and overdue alerts for open dossiers, each announced exactly once.

The per-dossier alert state (which dossier was announced as near due or overdue, for which promised date)
is a Parquet file of the store, like the dossiers themselves: a run over a million open dossiers adds
hundreds of thousands of alerts in one DuckDB statement, which row inserts into SQLite cannot do in
seconds. Exactly once, however many `chiso dossiers alerts` (or imports) run at the same time:

1. a run holds the store's write lock (one writer at a time, across processes);
2. DuckDB lists the open dossiers whose promised date is within the agency's N working days
   (AlertPolicy, default 2) or past, less those already in the state file, and writes the new state file;
3. one transaction of the main database creates the notifications (one per unit and kind: "12 hồ sơ sắp
   đến hạn" to the unit's people, overdue ones to the unit head) and an AlertRun naming the new file;
4. the manifest is swapped to the new file. A run that died between 3 and 4 left its AlertRun: the next
   run adopts that file first, so nothing is announced twice (and nothing is lost before 3 commits).
A promised date moved later is a new date, hence a new alert.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import engine, store
from .models import AlertPolicy, AlertRun

DEFAULT_DAYS = 2
STATE_KEY = "all"
STATE_COLUMNS = "agency_id INTEGER, unit_id INTEGER, code VARCHAR, kind VARCHAR, promised DATE, at TIMESTAMP"


@dataclass
class AlertResult:
    open_dossiers: int = 0
    claimed: int = 0
    notifications: int = 0


def state_file(data: dict | None = None) -> str | None:
    name = (data if data is not None else store.manifest()).get("alerts", {}).get(STATE_KEY)
    return str(store.root() / "files" / name) if name else None


def _state_sql(path: str | None) -> str:
    if path:
        return f"read_parquet('{path}')"
    cols = ", ".join(f"NULL::{c.split()[1]} AS {c.split()[0]}" for c in STATE_COLUMNS.split(", "))
    return f"(SELECT {cols} LIMIT 0)"


def _new_alerts(con, today: date, files: list[str], state: str | None) -> int:
    """Table `new_alerts` on `con`: open dossiers due for an alert and not announced yet. Returns the
    number of open dossiers."""
    policies = dict(AlertPolicy.objects.values_list("agency_id", "days_before"))
    con.execute("CREATE OR REPLACE TEMP TABLE alert_policy (agency_id INTEGER, days INTEGER)")
    if policies:
        con.execute("INSERT INTO alert_policy SELECT unnest($a), unnest($d)",
                    {"a": list(policies), "d": list(policies.values())})
    cal = engine.Calendar.for_files(con, files, today + timedelta(days=60), "finished IS NULL")
    prm = {"files": files, "today": today, "wd": cal.wd, "origin": cal.origin, "default": DEFAULT_DAYS,
           "at": timezone.now().replace(tzinfo=None)}
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE new_alerts AS
        WITH o AS (
            SELECT d.agency_id, d.unit_id, d.code, d.promised,
                   CASE WHEN d.promised < $today THEN 'overdue' ELSE 'near_due' END AS kind,
                   coalesce(p.days, $default) AS days
            FROM read_parquet($files) d LEFT JOIN alert_policy p USING (agency_id)
            WHERE d.finished IS NULL AND d.promised IS NOT NULL
        )
        SELECT agency_id, unit_id, code, kind, promised, CAST($at AS TIMESTAMP) AS at FROM o
        WHERE (kind = 'overdue' OR {engine._wd('promised')} - {engine._wd('$today')} <= days)
          AND NOT EXISTS (SELECT 1 FROM {_state_sql(state)} a WHERE a.agency_id = o.agency_id AND a.code = o.code
                          AND a.kind = o.kind AND a.promised = o.promised)""", prm)
    return con.execute("SELECT count(*) FROM read_parquet($files) WHERE finished IS NULL",
                       {"files": files}).fetchone()[0]


def run(now: datetime | None = None) -> AlertResult:
    """Announce every alert due at `now`. Safe to run often and concurrently."""
    today = timezone.localdate(now or timezone.now())
    result = AlertResult()
    with store.writing() as tx:
        _adopt_unpublished(tx)
        files = store.files("dossier")
        if not files:
            return result
        con = store.connect(memory_limit="512MB")
        try:
            state = state_file(tx.data)
            result.open_dossiers = _new_alerts(con, today, files, state)
            groups = con.execute("SELECT agency_id, unit_id, kind, count(*) FROM new_alerts GROUP BY ALL").fetchall()
            result.claimed = sum(n for *_k, n in groups)
            if not result.claimed:
                return result
            target = tx.new_path("alerts")
            con.execute(f"COPY (SELECT * FROM {_state_sql(state)} UNION ALL SELECT * FROM new_alerts "
                        f"ORDER BY agency_id, code) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
        finally:
            con.close()
        with transaction.atomic():
            result.notifications = _notify(groups)
            AlertRun.objects.create(token=uuid.uuid4().hex, at=timezone.now(), file=target.name,
                                    alerts=result.claimed, notifications=result.notifications)
        tx.keep(target)  # named by the AlertRun now: the next run adopts it if this one dies here
        tx.set("alerts", STATE_KEY, target)
        tx.commit()
    return result


def _adopt_unpublished(tx) -> None:
    """The state file of the last run whose notifications went out, if the manifest does not name it."""
    last = AlertRun.objects.order_by("-pk").first()
    if last is None or tx.data.get("alerts", {}).get(STATE_KEY) == last.file:
        return
    path = store.root() / "files" / last.file
    if path.exists():
        tx.set("alerts", STATE_KEY, path)


def _notify(groups) -> int:
    from chiso.accounts.models import Role, RoleGrant
    from chiso.notifications.service import Notice, deliver
    from chiso.org.models import Agency

    agencies = {a for a, _u, _k, _n in groups}
    codes = dict(Agency.objects.filter(pk__in=agencies).values_list("pk", "code"))
    people: dict[tuple, set] = defaultdict(set)
    heads: dict[tuple, set] = defaultdict(set)
    offices: dict[int, set] = defaultdict(set)
    for agency_id, role, user_id, unit_id in RoleGrant.objects.filter(
            agency_id__in=agencies, user__is_active=True,
            role__in=[Role.UNIT_HEAD, Role.UNIT_STAFF, Role.OFFICE]).values_list(
            "agency_id", "role", "user_id", "user__unit_id"):
        if role == Role.OFFICE:
            offices[agency_id].add(user_id)
        elif unit_id:
            people[(agency_id, unit_id)].add(user_id)
            if role == Role.UNIT_HEAD:
                heads[(agency_id, unit_id)].add(user_id)
    notes = []
    for agency_id, unit_id, kind, n in sorted(groups, key=str):
        if agency_id not in codes:
            continue  # files of an agency deleted since: nobody to tell
        if kind == "near_due":
            to = people.get((agency_id, unit_id)) or offices.get(agency_id, set())
            text = _("%(n)s hồ sơ sắp đến hạn trả kết quả, cần giải quyết trước ngày hẹn") % {"n": n}
        else:
            to = heads.get((agency_id, unit_id)) or offices.get(agency_id, set())
            text = _("Báo trưởng đơn vị: %(n)s hồ sơ đã quá hạn trả kết quả") % {"n": n}
        url = reverse("kpi_dossiers", args=[codes[agency_id]]) + f"?canh-bao={kind}" + (
            f"&don-vi={unit_id}" if unit_id else "")
        notes += [Notice(u, f"dossier_{kind}", text, url, detail=codes[agency_id]) for u in sorted(to)]
    return deliver(notes)
