"""Deadline reminders: what is due at a moment, claimed once, delivered in-app (and in the daily mail
through chiso.notifications).

Exactly once, however many `chiso remind` run at the same time:
1. every reminder wanted now is INSERTed as a Reminder row (task, kind, person, day) with this run's
   token; the unique constraint makes the insert the claim, a conflict means someone else has it;
2. this run creates the in-app notifications of the rows it holds and marks them notified, in the
   same transaction (so a notification is never made twice nor lost);
3. the notifications' kinds are mailed ones (registered in apps.py): the day's digest carries them
   (chiso.notifications.digest, claimed the same way).
Rows claimed by a process that died are taken over by the next run once their lease has passed.
"""

import functools
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.notifications import digest, kinds
from chiso.notifications.bulk import insert_rows
from chiso.notifications.models import Notification
from chiso.periods.checkins import checkins
from chiso.periods.workdays import WorkCalendar
from chiso.plans import status as rules
from chiso.plans.figures import active_q, active_tasks
from chiso.plans.models import Recurrence, Task

from .models import ProgressUpdate, Reminder, ReminderPolicy, parse_thresholds
from .permissions import reminder_recipients

LEASE = timedelta(minutes=10)
BATCH = 500
PERIODIC = {Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.SEMIANNUAL, Recurrence.CONTINUOUS}
DEFAULT_POLICY = ReminderPolicy(days_before="7,3,1", overdue_every=3, escalate_head_after=3,
                                escalate_leader_after=7, period_lead_days=3)


@dataclass
class RunResult:
    wanted: int = 0
    claimed: int = 0
    notified: int = 0
    emails: int = 0
    email_errors: int = 0


_MARK = 987654321


@functools.cache
def _task_path_template() -> str:
    return reverse("task_detail", args=[_MARK])


def task_path(task_id: int) -> str:
    """The task page's path; reversed once, not once per reminder (thousands in one run)."""
    return _task_path_template().replace(str(_MARK), str(task_id))


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class Wanted(NamedTuple):
    """A reminder wanted now, not claimed yet (a Reminder row once claimed)."""

    task_id: int
    kind: str
    person_id: int
    day: date
    text: str


def wanted_reminders(today: date) -> list[Wanted]:
    """Every reminder due on `today`, unsaved, with its text. A fixed number of queries; the texts are
    translated once per run, not once per task (40,000 tasks in a province)."""
    tasks = list(
        active_tasks()
        .filter(Q(due__isnull=False) | Q(recurrence__in=PERIODIC))
        .values("id", "ref", "title", "due", "recurrence", "plan__agency_id", "plan__year",
                "plan__period_start", "plan__period_end", "tracking__reported", "tracking__done_on",
                "tracking__has_updates")
    )
    if not tasks:
        return []
    leads: dict[int, set[int]] = defaultdict(set)
    for task_id, unit_id in Task.lead_units.through.objects.filter(
            active_q("task__plan__")).values_list("task_id", "unit_id"):
        leads[task_id].add(unit_id)
    reporters, heads, leaders = reminder_recipients()  # (agency, unit) -> people; agency -> leaders
    policies = {p.agency_id: p for p in ReminderPolicy.objects.all()}
    reported_periods = set(ProgressUpdate.objects.filter(
        period__isnull=False, kind=ProgressUpdate.Kind.UPDATE).values_list("task_id", "period__start"))
    cal = WorkCalendar(today - timedelta(days=60), today + timedelta(days=60))
    before_text = _("Còn %(n)s ngày làm việc đến hạn %(due)s: %(task)s")
    due_text = _("Hôm nay là hạn hoàn thành: %(task)s")
    overdue_text = _("Quá hạn %(n)s ngày (hạn %(due)s): %(task)s")
    head_text = _("Báo trưởng đơn vị: nhiệm vụ quá hạn %(n)s ngày làm việc: %(task)s")
    leader_text = _("Báo lãnh đạo cơ quan: nhiệm vụ quá hạn %(n)s ngày làm việc: %(task)s")
    period_text = _("Sắp đến hạn báo cáo %(label)s (%(due)s): %(task)s")
    thresholds: dict[str, list[int]] = {}

    out: list[Wanted] = []
    for t in tasks:
        status = rules.derive(t["tracking__reported"] or "", t["tracking__done_on"], t["due"],
                              bool(t["tracking__has_updates"]), today)
        if status in rules.CLOSED_STATUSES:
            continue
        agency = t["plan__agency_id"]
        units = leads.get(t["id"], ())
        people = set().union(*(reporters.get((agency, u), set()) for u in units)) if units else set()
        if not people:
            continue
        policy = policies.get(agency, DEFAULT_POLICY)
        name = f"{t['ref']}. {t['title']}" if t["ref"] else t["title"]
        name = name if len(name) <= 160 else name[:157] + "…"

        def add(kind, day, text, to, task=t):
            text = text[:500]
            out.extend(Wanted(task["id"], kind, p, day, text) for p in to)

        due = t["due"]
        if due and t["recurrence"] not in PERIODIC:
            if today < due:
                if policy.days_before not in thresholds:  # smallest first: the latest passed
                    thresholds[policy.days_before] = sorted(parse_thresholds(policy.days_before))
                for n in thresholds[policy.days_before]:
                    sched = cal.nth_working_day_before(due, n)
                    if sched <= today:
                        add(f"before_{n}", sched, before_text % {"n": cal.working_days_until(today, due),
                                                                 "due": _fmt(due), "task": name}, people)
                        break
            elif today == due:
                add("due", due, due_text % {"task": name}, people)
            else:
                every = max(1, policy.overdue_every)
                k = ((today - due).days - 1) // every
                late_days = (today - due).days
                add("overdue", due + timedelta(days=1 + k * every),
                    overdue_text % {"n": late_days, "due": _fmt(due), "task": name}, people)
                late_work = cal.working_days_after(due, today)
                if late_work >= policy.escalate_head_after:
                    to = set().union(*(heads.get((agency, u), set()) for u in units))
                    add("escalate_head", due, head_text % {"n": late_work, "task": name}, to)
                if late_work >= policy.escalate_leader_after:
                    add("escalate_leader", due, leader_text % {"n": late_work, "task": name},
                        leaders.get(agency, set()))
        if t["recurrence"] in PERIODIC:
            for spec in checkins(t["recurrence"], due, t["plan__year"], t["plan__period_start"],
                                 t["plan__period_end"]):
                if spec.due < today or (t["id"], spec.start) in reported_periods:
                    continue
                if cal.nth_working_day_before(spec.due, policy.period_lead_days) <= today:
                    add("period", spec.due, period_text % {"label": spec.label, "due": _fmt(spec.due),
                                                           "task": name}, people)
                break  # only the nearest period still open
    return out


def _claim(rows: list[Wanted], token: str, wall: datetime) -> None:
    """INSERT the rows with this run's token; a row another run holds already is skipped (the claim)."""
    for start in range(0, len(rows), BATCH):
        insert_rows(Reminder, ["task", "kind", "person", "day", "text", "claim_token", "claimed_at"],
                    [(*r, token, wall) for r in rows[start:start + BATCH]], ignore_conflicts=True)


def notification_kind(kind: str) -> str:
    """The registered notification kind of a reminder kind ("before_7" -> "reminder_before")."""
    return "reminder_before" if kind.startswith("before_") else f"reminder_{kind}"


def deliver_notifications(token: str, wall: datetime) -> int:
    """In-app notifications for this run's claims (and stale claims of dead runs), in one transaction."""
    Reminder.objects.filter(notified_at__isnull=True, claimed_at__lt=wall - LEASE).update(
        claim_token=token, claimed_at=wall)
    with transaction.atomic():
        mine = list(Reminder.objects.filter(claim_token=token, notified_at__isnull=True)
                    .values_list("pk", "person_id", "task_id", "kind", "text", "task__plan__number",
                                 "task__plan__title"))
        made = timezone.now()
        for code in {notification_kind(m[3]) for m in mine}:
            kinds.get(code)  # registered (as notifications.service.deliver checks)
        insert_rows(Notification, ["user", "kind", "text", "url", "detail", "created_at"],
                    [(person, notification_kind(kind), text[:500], task_path(task)[:300], (number or title)[:200],
                      made) for _pk, person, task, kind, text, number, title in mine])
        # the same rows as `mine`: only this run writes its token, and a claim is taken over only after LEASE
        count = Reminder.objects.filter(claim_token=token, notified_at__isnull=True).update(notified_at=wall)
    return count


def run(now: datetime | None = None, send_email: bool = True) -> RunResult:
    """Everything due at `now` (default: the clock). Safe to run many times and concurrently."""
    wall = timezone.now()
    now = now or wall
    today = timezone.localtime(now).date()
    token = uuid.uuid4().hex
    result = RunResult()
    with translation.override(settings.LANGUAGE_CODE):
        wanted = wanted_reminders(today)
        result.wanted = len(wanted)
        _claim(wanted, token, wall)
        result.claimed = Reminder.objects.filter(claim_token=token).count()
        result.notified = deliver_notifications(token, wall)
        if send_email:
            result.emails, result.email_errors = digest.send_digests(today, token, wall)
    return result

