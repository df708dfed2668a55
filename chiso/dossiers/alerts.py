"""Near-due and overdue alerts for open dossiers, each announced exactly once.

1. DuckDB lists the open dossiers whose promised date is within the agency's N working days
   (AlertPolicy, default 2) or already past, less those that already have an alert row (the state);
2. the new ones are INSERTed as DossierAlert rows with this run's token; the unique constraint
   (agency, code, kind, promised date) is the claim, so concurrent runs never announce one twice;
3. the rows this run holds become one in-app notification per unit and kind ("12 hồ sơ sắp đến hạn"),
   near-due ones to the unit's people, overdue ones to the unit head, and are marked notified in the
   same transaction. A promised date moved later is a new date, hence a new alert.
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
from .models import AlertPolicy, DossierAlert

DEFAULT_DAYS = 2
BATCH = 5000
LEASE = timedelta(minutes=10)


@dataclass
class AlertResult:
    open_dossiers: int = 0
    wanted: int = 0
    claimed: int = 0
    notifications: int = 0


def due_alerts(today: date, con=None) -> tuple[int, list[tuple]]:
    """(open dossiers, [(agency, unit, code, promised, kind)]) not yet alerted."""
    files = store.files("dossier")
    if not files:
        return 0, []
    con = con or store.reader()
    policies = dict(AlertPolicy.objects.values_list("agency_id", "days_before"))
    con.execute("CREATE OR REPLACE TEMP TABLE alert_policy (agency_id INTEGER, days INTEGER)")
    if policies:
        con.execute("INSERT INTO alert_policy SELECT unnest($a), unnest($d)",
                    {"a": list(policies), "d": list(policies.values())})
    con.execute("CREATE OR REPLACE TEMP TABLE alerted (agency_id INTEGER, code VARCHAR, kind VARCHAR, promised DATE)")
    done = list(DossierAlert.objects.filter(promised__gte=today - timedelta(days=3650))
                .values_list("agency_id", "dossier_code", "kind", "promised"))
    if done:
        con.execute("INSERT INTO alerted SELECT unnest($a), unnest($c), unnest($k), unnest($p)",
                    {"a": [r[0] for r in done], "c": [r[1] for r in done], "k": [r[2] for r in done],
                     "p": [r[3] for r in done]})
    cal = engine.Calendar.for_files(con, files, today + timedelta(days=60), "finished IS NULL")
    prm = {"files": files, "today": today, "wd": cal.wd, "origin": cal.origin, "default": DEFAULT_DAYS}
    opened = con.execute("SELECT count(*) FROM read_parquet($files) WHERE finished IS NULL",
                         {"files": files}).fetchone()[0]
    rows = con.execute(f"""
        WITH o AS (
            SELECT d.agency_id, d.unit_id, d.code, d.promised,
                   CASE WHEN d.promised < $today THEN 'overdue' ELSE 'near_due' END AS kind,
                   coalesce(p.days, $default) AS days
            FROM read_parquet($files) d LEFT JOIN alert_policy p USING (agency_id)
            WHERE d.finished IS NULL AND d.promised IS NOT NULL
        )
        SELECT agency_id, unit_id, code, promised, kind FROM o
        WHERE (kind = 'overdue' OR {engine._wd('promised')} - {engine._wd('$today')} <= days)
          AND NOT EXISTS (SELECT 1 FROM alerted a WHERE a.agency_id = o.agency_id AND a.code = o.code
                          AND a.kind = o.kind AND a.promised = o.promised)
        ORDER BY agency_id, unit_id, promised""", prm).fetchall()
    return opened, rows


def run(now: datetime | None = None) -> AlertResult:
    """Claim and announce every alert due at `now`. Safe to run often and concurrently."""
    wall = timezone.now()
    today = timezone.localdate(now or wall)
    token = uuid.uuid4().hex
    result = AlertResult()
    result.open_dossiers, wanted = due_alerts(today)
    result.wanted = len(wanted)
    rows = [DossierAlert(agency_id=a, unit_id=u, dossier_code=c, promised=p, kind=k, claim_token=token,
                         claimed_at=wall) for a, u, c, p, k in wanted]
    for start in range(0, len(rows), BATCH):
        DossierAlert.objects.bulk_create(rows[start:start + BATCH], ignore_conflicts=True)
    # claims of a run that died before notifying are taken over after the lease
    DossierAlert.objects.filter(notified_at__isnull=True, claimed_at__lt=wall - LEASE).update(
        claim_token=token, claimed_at=wall)
    result.claimed, result.notifications = _notify(token, wall)
    return result


def _notify(token: str, wall: datetime) -> tuple[int, int]:
    from chiso.accounts.models import Role, RoleGrant
    from chiso.tracking.models import Notification

    with transaction.atomic():
        groups: dict[tuple, int] = defaultdict(int)
        for agency_id, unit_id, kind in DossierAlert.objects.filter(
                claim_token=token, notified_at__isnull=True).values_list("agency_id", "unit_id", "kind"):
            groups[(agency_id, unit_id, kind)] += 1
        if not groups:
            return 0, 0
        people: dict[tuple, set] = defaultdict(set)
        heads: dict[tuple, set] = defaultdict(set)
        offices: dict[int, set] = defaultdict(set)
        agencies = {a for a, _u, _k in groups}
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
        from chiso.org.models import Agency

        codes = dict(Agency.objects.filter(pk__in=agencies).values_list("pk", "code"))
        notes = []
        for (agency_id, unit_id, kind), n in sorted(groups.items(), key=str):
            if kind == "near_due":
                to = people.get((agency_id, unit_id)) or offices.get(agency_id, set())
                text = _("%(n)s hồ sơ sắp đến hạn trả kết quả, cần giải quyết trước ngày hẹn") % {"n": n}
            else:
                to = heads.get((agency_id, unit_id)) or offices.get(agency_id, set())
                text = _("Báo trưởng đơn vị: %(n)s hồ sơ đã quá hạn trả kết quả") % {"n": n}
            url = reverse("kpi_dossiers", args=[codes[agency_id]]) + f"?canh-bao={kind}" + (
                f"&don-vi={unit_id}" if unit_id else "")
            notes += [Notification(user_id=u, kind=f"dossier_{kind}", text=text[:500], url=url[:300]) for u in to]
        Notification.objects.bulk_create(notes, batch_size=1000)
        claimed = DossierAlert.objects.filter(claim_token=token, notified_at__isnull=True).update(notified_at=wall)
    return claimed, len(notes)
