"""The daily mail: one email per person and day with every notification of a mailed kind not yet sent.

Exactly once, however many `chiso remind` run at the same time: one Digest row per (person, day) is claimed
by its unique insert; the person's waiting notifications are attached to it by one UPDATE; the mail is sent;
then the digest is marked sent. What arrives after the day's mail went out waits for the next day's: never a
second mail to a person on one day. Claims of a process that died are taken over once their lease has
passed; if a process dies after the SMTP server took a mail but before `sent_at` was written, that mail is
sent again after the lease: the only duplicate SMTP allows, and only on a crash."""

import logging
import smtplib
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from html import escape  # django.utils.html.escape's own work, without its lazy-text wrapper on each call

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from . import kinds
from .models import Digest, Notification

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
# A notification not mailed within this time stays in-app only: it is about a deadline of the day or the
# next, and what was made before the mail existed (or while the mail server was away for days) is not sent
# as a backlog.
MAIL_WITHIN = timedelta(days=3)


def base_url() -> str:
    return settings.CHISO_BASE_URL


def unmailed(wall: datetime):
    """Notifications of mailed kinds that no digest has carried, recent enough to be worth a mail."""
    return Notification.objects.filter(digest__isnull=True, kind__in=[k.code for k in kinds.mailed()],
                                       created_at__gte=wall - MAIL_WITHIN)


def _claim(rows: list[Digest]) -> None:
    for start in range(0, len(rows), 500):
        Digest.objects.bulk_create(rows[start:start + 500], ignore_conflicts=True)


def send_digests(today: date, token: str, wall: datetime) -> tuple[int, int]:
    """One email per person and day with every waiting notification of theirs; (sent, failed)."""
    waiting = set(unmailed(wall).exclude(user__email="").values_list("user_id", flat=True).distinct())
    _claim([Digest(person_id=p, day=today, claim_token=token, claimed_at=wall) for p in waiting])
    Digest.objects.filter(sent_at__isnull=True, claimed_at__lt=wall - LEASE).update(claim_token=token,
                                                                                  claimed_at=wall)
    digests = list(Digest.objects.filter(claim_token=token, sent_at__isnull=True).select_related("person"))
    if not digests:
        return 0, 0
    # each person's waiting notifications into today's digest of theirs: one UPDATE per 500 people
    theirs = Digest.objects.filter(person=OuterRef("user_id"), day=today, claim_token=token, sent_at__isnull=True)
    people = [d.person_id for d in digests if d.day == today]
    for start in range(0, len(people), 500):
        unmailed(wall).filter(user_id__in=people[start:start + 500]).update(
            digest=Subquery(theirs.values("pk")[:1]))
    notices: dict[int, list] = defaultdict(list)
    for n in (Notification.objects.filter(digest__in=digests).order_by("created_at", "pk")
              .values("digest_id", "kind", "text", "url", "detail")):
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
            items = notices.get(d.pk, [])
            if not items:
                Digest.objects.filter(pk=d.pk, sent_at__isnull=True).delete()
                continue
            message = _message(d, items, connection)
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
    """Give back claims whose mail was not sent: their notifications go into the next run's digest."""
    ids = [d.pk for d in digests]
    with transaction.atomic():
        Notification.objects.filter(digest_id__in=ids).update(digest=None)
        Digest.objects.filter(pk__in=ids, sent_at__isnull=True).delete()


def _absolute(url: str, base: str) -> str:
    return base + url if url.startswith("/") else url


def sections(items: list[dict], base: str) -> list[dict]:
    """The mail's sections in their registered order, each with its rows (text, absolute link, detail)."""
    grouped: dict[str, dict] = {}
    labels: dict[str, tuple] = {}  # kind -> (kind, section title, detail label): translated once per mail
    for n in items:
        if n["kind"] not in labels:
            kind = kinds.get(n["kind"])
            labels[n["kind"]] = (kind, str(kind.section), str(kind.detail_label) if kind.detail_label else "")
        kind, title, detail_label = labels[n["kind"]]
        section = grouped.setdefault(title, {"title": title, "order": kind.order,
                                             "rows": [], "has_detail": False, "detail_label": ""})
        section["order"] = min(section["order"], kind.order)
        section["rows"].append({"text": n["text"], "kind": n["kind"], "url": _absolute(n["url"], base) if n["url"]
                                else "", "detail": n["detail"]})
        if n["detail"] and detail_label:
            section["has_detail"], section["detail_label"] = True, detail_label
    return sorted(grouped.values(), key=lambda s: (s["order"], s["title"]))


def _render_rows(section: dict) -> None:
    """A section's rows as text and as HTML, written here rather than by a template loop: a province's
    digests carry tens of thousands of rows a day, and the loop was most of the mail's cost."""
    text, html = [], []
    for r in section["rows"]:
        text.append(f"\n- {r['text']}" + (f" ({r['detail']})" if r["detail"] else "")
                    + (f"\n  {r['url']}" if r["url"] else "") + "\n")
        cell = escape(r["text"])
        if r["url"]:
            cell = f'<a href="{escape(r["url"])}">{cell}</a>'
        detail = f"<td>{escape(r['detail'])}</td>" if section["has_detail"] else ""
        html.append(f'<tr style="border-top:1px solid #d9dce1"><td>{cell}</td>{detail}</tr>')
    section["text_rows"] = "".join(text)
    # one row a line: no line over 998 bytes, so the HTML part goes as 8bit, not quoted-printable
    section["html_rows"] = mark_safe("\n".join(html))  # noqa: S308 - every value escaped above


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _message(digest: Digest, items: list[dict], connection) -> EmailMultiAlternatives:
    url = base_url()
    parts = sections(items, url)
    for section in parts:
        _render_rows(section)
    ctx = {"person": digest.person, "day": digest.day, "sections": parts, "count": len(items), "home": url + "/"}
    subject = _("[ChiSo] Nhắc việc ngày %(day)s: %(n)s nội dung") % {"day": _fmt(digest.day), "n": len(items)}
    text = render_to_string("notifications/email/digest.txt", ctx)
    html = render_to_string("notifications/email/digest.html", ctx)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.person.email],
                                     connection=connection, headers={"X-ChiSo-Digest": str(digest.pk)})
    message.attach_alternative(html, "text/html")
    return message


def mail(now: datetime | None = None) -> tuple[int, int]:
    """The daily emails due at `now` (sent, failed). Safe to run many times and concurrently."""
    wall = timezone.now()
    today = timezone.localtime(now or wall).date()
    with translation.override(settings.LANGUAGE_CODE):
        return send_digests(today, uuid.uuid4().hex, wall)
