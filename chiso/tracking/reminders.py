"""Deadline reminders: what is due at a moment, claimed once, delivered in-app and by one daily email.

Exactly once, however many `chiso remind` run at the same time:
1. every reminder wanted now is INSERTed as a Reminder row (task, kind, person, day) with this run's
   token; the unique constraint makes the insert the claim, a conflict means someone else has it;
2. this run creates the in-app notifications of the rows it holds and marks them notified, in the
   same transaction (so a notification is never made twice nor lost);
3. the email: one Digest row per (person, day) is claimed the same way, the person's notified
   reminders and report notices (task-less notifications the reports app makes) are attached to it
   by one UPDATE each, the mail is sent, then the digest is marked sent. What arrives after the day's
   mail went out waits for the next day's: never a second mail to a person on one day.
Rows claimed by a process that died are taken over by the next run once their lease has passed.
If a process dies after the SMTP server took a mail but before `sent_at` was written, that mail is
sent again after the lease: the only duplicate SMTP allows, and only on a crash.
"""

import functools
import logging
import smtplib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.accounts.models import Role, RoleGrant
from chiso.periods.checkins import checkins
from chiso.periods.workdays import WorkCalendar
from chiso.plans.models import Plan, Recurrence, Task

from . import status as rules
from .models import Digest, Notification, ProgressUpdate, Reminder, ReminderPolicy, parse_thresholds

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
BATCH = 500
PERIODIC = {Recurrence.MONTHLY, Recurrence.QUARTERLY, Recurrence.SEMIANNUAL, Recurrence.CONTINUOUS}
DEFAULT_POLICY = ReminderPolicy(days_before="7,3,1", overdue_every=3, escalate_head_after=3,
                                escalate_leader_after=7, period_lead_days=3)
REPORT_ROLES = {Role.UNIT_STAFF, Role.UNIT_HEAD, Role.OFFICE}
# A report notice not mailed within this time stays in-app only: it is about a deadline of the day or the
# next, and the notices made before they were mailed at all (migration 0004) are not sent as a backlog.
NOTICE_MAX_AGE = timedelta(days=3)


@dataclass
class RunResult:
    wanted: int = 0
    claimed: int = 0
    notified: int = 0
    emails: int = 0
    email_errors: int = 0


def base_url() -> str:
    return settings.CHISO_BASE_URL


_MARK = 987654321


@functools.cache
def _task_path_template() -> str:
    return reverse("task_detail", args=[_MARK])


def task_path(task_id: int) -> str:
    """The task page's path; reversed once, not once per reminder (thousands in one run)."""
    return _task_path_template().replace(str(_MARK), str(task_id))


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def wanted_reminders(today: date) -> list[Reminder]:
    """Every reminder due on `today`, unsaved, with its text. A fixed number of queries."""
    tasks = list(
        Task.objects.filter(plan__status=Plan.Status.IN_FORCE)
        .filter(Q(due__isnull=False) | Q(recurrence__in=PERIODIC))
        .values("id", "ref", "title", "due", "recurrence", "plan__agency_id", "plan__year",
                "plan__period_start", "plan__period_end", "tracking__reported", "tracking__done_on",
                "tracking__has_updates")
    )
    if not tasks:
        return []
    leads: dict[int, set[int]] = defaultdict(set)
    for task_id, unit_id in Task.lead_units.through.objects.filter(
            task__plan__status=Plan.Status.IN_FORCE).values_list("task_id", "unit_id"):
        leads[task_id].add(unit_id)
    reporters: dict[tuple[int, int], set[int]] = defaultdict(set)  # (agency, unit) -> people
    heads: dict[tuple[int, int], set[int]] = defaultdict(set)
    leaders: dict[int, set[int]] = defaultdict(set)
    for agency_id, role, user_id, unit_id in RoleGrant.objects.filter(
            user__is_active=True, role__in=[*REPORT_ROLES, Role.LEADER]).values_list(
            "agency_id", "role", "user_id", "user__unit_id"):
        if role == Role.LEADER:
            leaders[agency_id].add(user_id)
        elif unit_id:
            reporters[(agency_id, unit_id)].add(user_id)
            if role == Role.UNIT_HEAD:
                heads[(agency_id, unit_id)].add(user_id)
    policies = {p.agency_id: p for p in ReminderPolicy.objects.all()}
    reported_periods = set(ProgressUpdate.objects.filter(
        period__isnull=False, kind=ProgressUpdate.Kind.UPDATE).values_list("task_id", "period__start"))
    cal = WorkCalendar(today - timedelta(days=60), today + timedelta(days=60))

    out: list[Reminder] = []
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
            out.extend(Reminder(task_id=task["id"], kind=kind, person_id=p, day=day, text=text[:500])
                       for p in to)

        due = t["due"]
        if due and t["recurrence"] not in PERIODIC:
            if today < due:
                for n in sorted(parse_thresholds(policy.days_before)):  # smallest first: the latest passed
                    sched = cal.nth_working_day_before(due, n)
                    if sched <= today:
                        add(f"before_{n}", sched, _("Còn %(n)s ngày làm việc đến hạn %(due)s: %(task)s")
                            % {"n": cal.working_days_until(today, due), "due": _fmt(due), "task": name}, people)
                        break
            elif today == due:
                add("due", due, _("Hôm nay là hạn hoàn thành: %(task)s") % {"task": name}, people)
            else:
                every = max(1, policy.overdue_every)
                k = ((today - due).days - 1) // every
                late_days = (today - due).days
                add("overdue", due + timedelta(days=1 + k * every),
                    _("Quá hạn %(n)s ngày (hạn %(due)s): %(task)s") % {"n": late_days, "due": _fmt(due),
                                                                       "task": name}, people)
                late_work = cal.working_days_after(due, today)
                if late_work >= policy.escalate_head_after:
                    to = set().union(*(heads.get((agency, u), set()) for u in units))
                    add("escalate_head", due, _("Báo trưởng đơn vị: nhiệm vụ quá hạn %(n)s ngày làm việc: "
                                                "%(task)s") % {"n": late_work, "task": name}, to)
                if late_work >= policy.escalate_leader_after:
                    add("escalate_leader", due, _("Báo lãnh đạo cơ quan: nhiệm vụ quá hạn %(n)s ngày làm "
                                                  "việc: %(task)s") % {"n": late_work, "task": name},
                        leaders.get(agency, set()))
        if t["recurrence"] in PERIODIC:
            for spec in checkins(t["recurrence"], due, t["plan__year"], t["plan__period_start"],
                                 t["plan__period_end"]):
                if spec.due < today or (t["id"], spec.start) in reported_periods:
                    continue
                if cal.nth_working_day_before(spec.due, policy.period_lead_days) <= today:
                    add("period", spec.due, _("Sắp đến hạn báo cáo %(label)s (%(due)s): %(task)s")
                        % {"label": spec.label, "due": _fmt(spec.due), "task": name}, people)
                break  # only the nearest period still open
    return out


def _claim(rows: list, token: str, model) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start:start + BATCH], ignore_conflicts=True)


def deliver_notifications(token: str, wall: datetime) -> int:
    """In-app notifications for this run's claims (and stale claims of dead runs), in one transaction."""
    Reminder.objects.filter(notified_at__isnull=True, claimed_at__lt=wall - LEASE).update(
        claim_token=token, claimed_at=wall)
    count = 0
    with transaction.atomic():
        mine = list(Reminder.objects.filter(claim_token=token, notified_at__isnull=True)
                    .values_list("pk", "person_id", "task_id", "kind", "text"))
        rows = [Notification(user_id=person, task_id=task, kind=f"reminder_{kind}"[:30], text=text,
                             url=task_path(task)) for _pk, person, task, kind, text in mine]
        for start in range(0, len(rows), BATCH):
            Notification.objects.bulk_create(rows[start:start + BATCH])
        ids = [m[0] for m in mine]
        for start in range(0, len(ids), BATCH):
            count += Reminder.objects.filter(pk__in=ids[start:start + BATCH], notified_at__isnull=True).update(
                notified_at=wall)
    return count


def unmailed_notices(wall: datetime):
    """Report notices (no task: made by chiso.reports under the same bell) that no digest has carried."""
    return Notification.objects.filter(task__isnull=True, digest__isnull=True, kind__startswith="report_",
                                       created_at__gte=wall - NOTICE_MAX_AGE)


def send_digests(today: date, token: str, wall: datetime) -> tuple[int, int]:
    """One email per person and day with every reminder and report notice of theirs not yet mailed."""
    waiting = set(Reminder.objects.filter(notified_at__isnull=False, digest__isnull=True)
                  .exclude(person__email="").values_list("person_id", flat=True).distinct())
    waiting |= set(unmailed_notices(wall).exclude(user__email="").values_list("user_id", flat=True).distinct())
    _claim([Digest(person_id=p, day=today, claim_token=token, claimed_at=wall) for p in waiting], token, Digest)
    Digest.objects.filter(sent_at__isnull=True, claimed_at__lt=wall - LEASE).update(claim_token=token,
                                                                                  claimed_at=wall)
    digests = list(Digest.objects.filter(claim_token=token, sent_at__isnull=True).select_related("person"))
    if not digests:
        return 0, 0
    for d in digests:
        if d.day == today:
            Reminder.objects.filter(person_id=d.person_id, digest__isnull=True, notified_at__isnull=False
                                    ).update(digest=d)
            unmailed_notices(wall).filter(user_id=d.person_id).update(digest=d)
    by_digest: dict[int, list] = defaultdict(list)
    for r in (Reminder.objects.filter(digest__in=digests).order_by("day", "task__due", "pk")
              .values("digest_id", "task_id", "kind", "text", "task__plan__number", "task__plan__title")):
        by_digest[r["digest_id"]].append(r)
    notices: dict[int, list] = defaultdict(list)
    for n in (Notification.objects.filter(digest__in=digests).order_by("created_at", "pk")
              .values("digest_id", "kind", "text", "url")):
        notices[n["digest_id"]].append(n)
    sent = errors = 0
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("mail server not reachable, %s digests left for the next run: %s", len(digests), exc)
        _release(digests)
        return 0, len(digests)
    try:
        for d in digests:
            items, reports = by_digest.get(d.pk, []), notices.get(d.pk, [])
            if not items and not reports:
                Digest.objects.filter(pk=d.pk, sent_at__isnull=True).delete()
                continue
            message = _digest_message(d, items, reports, connection)
            try:
                message.send()
            except (smtplib.SMTPException, OSError) as exc:
                errors += 1
                log.warning("digest %s to %s not sent: %s", d.pk, d.person.email, exc)
                _release([d])
                continue
            Digest.objects.filter(pk=d.pk).update(sent_at=timezone.now())
            sent += 1
    finally:
        connection.close()
    return sent, errors


def _release(digests: list[Digest]) -> None:
    """Give back claims whose mail was not sent: their reminders and notices go into the next run's digest."""
    ids = [d.pk for d in digests]
    with transaction.atomic():
        Reminder.objects.filter(digest_id__in=ids).update(digest=None)
        Notification.objects.filter(digest_id__in=ids).update(digest=None)
        Digest.objects.filter(pk__in=ids, sent_at__isnull=True).delete()


def _absolute(url: str, base: str) -> str:
    return base + url if url.startswith("/") else url


def _digest_message(digest: Digest, items: list[dict], reports: list[dict], connection) -> EmailMultiAlternatives:
    url = base_url()
    rows = [{"text": r["text"], "kind": r["kind"], "url": url + task_path(r["task_id"]),
             "plan": r["task__plan__number"] or r["task__plan__title"]} for r in items]
    notices = [{"text": n["text"], "kind": n["kind"], "url": _absolute(n["url"], url)} for n in reports]
    count = len(rows) + len(notices)
    ctx = {"person": digest.person, "day": digest.day, "rows": rows, "notices": notices, "count": count,
           "home": url + reverse("my_tasks"), "settings_url": url + reverse("notification_list")}
    subject = _("[ChiSo] Nhắc việc ngày %(day)s: %(n)s nội dung") % {"day": _fmt(digest.day), "n": count}
    text = render_to_string("tracking/email/digest.txt", ctx)
    html = render_to_string("tracking/email/digest.html", ctx)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.person.email],
                                     connection=connection, headers={"X-ChiSo-Digest": str(digest.pk)})
    message.attach_alternative(html, "text/html")
    return message


def mail(now: datetime | None = None) -> tuple[int, int]:
    """The daily emails due at `now` alone (sent, failed): for `chiso remind`, which makes the report
    notices between the reminders (`run(send_email=False)`) and the mail, so both go out together."""
    wall = timezone.now()
    today = timezone.localtime(now or wall).date()
    with translation.override(settings.LANGUAGE_CODE):
        return send_digests(today, uuid.uuid4().hex, wall)


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
        for r in wanted:
            r.claim_token, r.claimed_at = token, wall
        _claim(wanted, token, Reminder)
        result.claimed = Reminder.objects.filter(claim_token=token).count()
        result.notified = deliver_notifications(token, wall)
        if send_email:
            result.emails, result.email_errors = send_digests(today, token, wall)
    return result

