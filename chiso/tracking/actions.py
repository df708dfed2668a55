"""Changes to the tracking of tasks. Each `do_…` function is one transaction with its audit record,
written on the task so that it shows on the task's "Lịch sử"; views, the demo and tests use them."""

import datetime as dt
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.access import office_people, unit_people
from chiso.audit.log import Action, record, snapshot
from chiso.files.checks import CheckedFile, check_upload
from chiso.files.storage import remove_stored
from chiso.language import in_vietnamese
from chiso.notifications.service import notify
from chiso.periods.checkins import checkins_of
from chiso.plans.models import TaskState
from chiso.plans.status import Proposed, Status, status_of

from .models import Comment, Evidence, Period, ProgressUpdate

Review = ProgressUpdate.Review
Kind = ProgressUpdate.Kind


@dataclass
class DocumentRef:
    """A reference to a document that proves the work (số/ký hiệu, ngày, trích yếu, liên kết)."""

    number: str = ""
    date: dt.date | None = None
    summary: str = ""
    link: str = ""

    def is_empty(self) -> bool:
        return not (self.number or self.summary or self.link or self.date)


TEXT_MAX = 10_000  # characters of a report's result, cause or remedy (longer texts go in an evidence file)


@dataclass
class UpdateData:
    """What a person reports; the same object for a new update and for a revision."""

    narrative: str
    percent: int
    proposed_status: str = Proposed.IN_PROGRESS
    done_on: date | None = None
    cause: str = ""
    remedy: str = ""
    files: list = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _log(actor, action: str, task, text: str, before: dict | None = None, after: dict | None = None):
    """One line on the task's "Lịch sử": the entry is about the task, so the task page shows it as it is."""
    return record(actor, action, task, before, after, plan=task.plan, summary=text, keep_unchanged=True)


def _task_url(task) -> str:
    return reverse("task_detail", args=[task.pk])


def _notify(users, task, kind: str, text: str) -> None:
    notify(users, kind, text, _task_url(task))


def _office_people(task):
    return office_people(task.plan.agency_id)


def _lead_people(task):
    return unit_people(task.plan.agency_id, task.lead_units.all())


def state_of(task) -> TaskState:
    state, _created = TaskState.objects.get_or_create(task=task)
    return state


def current_status(task, today: date | None = None) -> str:
    """The status from the TaskState as it is in the database now (the task object may hold an older one)."""
    return status_of(task, _today(today), TaskState.objects.filter(task=task).first())


def _recompute(task) -> TaskState:
    """Refresh the task's state from its updates: the latest confirmed report of the lead unit counts."""
    state = state_of(task)
    reports = task.updates.filter(kind=Kind.UPDATE).exclude(review=Review.SUPERSEDED)
    confirmed = reports.filter(review=Review.CONFIRMED).order_by("-created_at", "-id").first()
    state.progress = confirmed.percent if confirmed else 0
    state.reported = confirmed.proposed_status if confirmed and confirmed.proposed_status != Proposed.IN_PROGRESS \
        else ""
    state.done_on = confirmed.done_on if confirmed and confirmed.proposed_status == Proposed.DONE else None
    state.fail_reason = confirmed.cause if confirmed and confirmed.proposed_status == Proposed.FAILED else ""
    state.has_updates = reports.exists()
    state.pending = task.updates.filter(review=Review.SUBMITTED).count()
    latest = task.updates.order_by("-created_at").values_list("created_at", flat=True).first()
    state.last_update_at = latest
    state.save()
    return state


def _log_status_change(actor, task, before: str, today: date) -> None:
    after = current_status(task, today)
    if after != before:
        labels = dict(Status.choices)
        _log(actor, Action.UPDATE, task, _("Trạng thái nhiệm vụ %(ref)s") % {"ref": task.ref or task.pk},
             {"trạng thái": str(labels[before])}, {"trạng thái": str(labels[after])})


# --- periods -------------------------------------------------------------------------------------

@in_vietnamese
def ensure_periods(task) -> list[Period]:
    """Create the check-in periods the task's recurrence gives (idempotent), return all its periods."""
    existing = {(p.start, p.label) for p in task.periods.all()}
    missing = [Period(task=task, label=s.label, start=s.start, end=s.end, due=s.due)
               for s in checkins_of(task) if (s.start, s.label) not in existing]
    if missing:
        Period.objects.bulk_create(missing, ignore_conflicts=True)
    return list(task.periods.order_by("start", "id"))


def task_periods(task) -> list[Period]:
    """The task's periods for a page, without writing: the stored ones, or (before the action or the
    `chiso remind` loop has stored them) the ones its recurrence gives, unsaved."""
    stored = list(task.periods.order_by("start", "id"))
    if stored:
        return stored
    return [Period(task=task, label=s.label, start=s.start, end=s.end, due=s.due) for s in checkins_of(task)]


@in_vietnamese
def ensure_new_task_periods() -> int:
    """Store the check-in periods of tasks in force that have none yet (new or imported tasks). Run by the
    `chiso remind` loop, so that no page needs to write them; returns how many were made."""
    from chiso.plans.figures import active_tasks
    from chiso.plans.models import Task

    rows = []
    for task in (active_tasks(Task.objects.filter(periods__isnull=True))
                 .exclude(recurrence="on_event").select_related("plan").iterator(chunk_size=500)):
        rows.extend(Period(task=task, label=s.label, start=s.start, end=s.end, due=s.due)
                    for s in checkins_of(task))
    for start in range(0, len(rows), 500):
        Period.objects.bulk_create(rows[start:start + 500], ignore_conflicts=True)
    return len(rows)


def default_period(task, today: date | None = None) -> Period | None:
    """The period a new update goes to (stored first: only actions call this)."""
    return choose_period(ensure_periods(task), _today(today))


def choose_period(periods: list[Period], today: date) -> Period | None:
    """Of the open periods, the one containing today, else the last one started, else the first."""
    if not periods:
        return None
    open_ = [p for p in periods if not p.is_closed]
    inside = [p for p in open_ if p.start <= today <= p.end]
    if inside:
        return inside[-1]
    started = [p for p in open_ if p.start <= today]
    if started:
        return started[-1]
    return open_[0] if open_ else periods[-1]


@transaction.atomic
@in_vietnamese
def do_open_event_period(actor, task, label: str, start: date, due: date) -> Period:
    """Open a period by hand for an on-event task ("khi phát sinh") when the event happens."""
    period = Period(task=task, label=label.strip() or _("Khi phát sinh"), start=start, end=max(start, due),
                    due=due, by_hand=True)
    period.full_clean()
    period.save()
    _log(actor, Action.CREATE, task, _("Mở kỳ báo cáo: %(label)s") % {"label": period.label},
         None, snapshot(period))
    return period


@transaction.atomic
@in_vietnamese
def do_close_period(actor, period: Period) -> Period:
    """Close a period: its updates are frozen; a later change makes a new revision."""
    period = Period.objects.select_for_update(of=("self",)).select_related("task", "task__plan").get(pk=period.pk)
    if period.is_closed:  # read on the locked row: two closings at once write one history line
        return period
    before = snapshot(period)
    period.closed_at, period.closed_by = timezone.now(), actor
    period.save(update_fields=["closed_at", "closed_by"])
    _log(actor, Action.UPDATE, period.task, _("Khóa kỳ báo cáo: %(label)s") % {"label": period.label},
         {"khóa": before["closed_at"]}, {"khóa": period.closed_at.isoformat()})
    return period


def periods_to_close(agency, until: date) -> list[Period]:
    """What `do_close_periods` would close, read without writing (its confirmation page lists them)."""
    from chiso.plans.models import Plan, Task

    tasks = Task.objects.filter(plan__agency=agency, plan__status=Plan.Status.IN_FORCE).prefetch_related("periods")
    return [p for task in tasks for p in task_periods(task) if p.end <= until and p.closed_at is None]


@transaction.atomic
@in_vietnamese
def do_close_periods(actor, agency, until: date) -> int:
    """Close, for every task in force of the agency, each period that ends on or before `until`."""
    from chiso.plans.figures import active_tasks
    from chiso.plans.models import Task

    tasks = list(active_tasks(Task.objects.filter(plan__agency=agency)).select_related("plan"))
    for task in tasks:
        ensure_periods(task)
    periods = Period.objects.filter(task__in=tasks, end__lte=until, closed_at__isnull=True).select_related(
        "task", "task__plan")
    count = 0
    for period in periods:
        do_close_period(actor, period)
        count += 1
    return count


# --- updates -------------------------------------------------------------------------------------

def validate_update(task, data: UpdateData, period: Period | None, today: date,
                    allow_closed: bool = False) -> list[CheckedFile]:
    """Every rule on a report; raises ValidationError with messages per field. Returns checked files."""
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    if not (data.narrative or "").strip():
        add("narrative", _("Hãy nêu kết quả thực hiện."))
    for name, text in (("narrative", data.narrative), ("cause", data.cause), ("remedy", data.remedy)):
        if len(text or "") > TEXT_MAX:  # the pages and the API alike: a report is read on a phone and printed
            add(name, _("Nội dung dài %(n)s ký tự, quá giới hạn %(max)s ký tự; hãy rút gọn hoặc đính kèm tệp.")
                % {"n": f"{len(text):,}".replace(",", "."), "max": f"{TEXT_MAX:,}".replace(",", ".")})
    try:
        percent = int(data.percent)
    except (TypeError, ValueError):
        percent = -1
    if not 0 <= percent <= 100:
        add("percent", _("Tiến độ phải từ 0 đến 100%."))
    if data.proposed_status not in Proposed.values:
        add("proposed_status", _("Trạng thái đề xuất không hợp lệ."))
    if data.proposed_status == Proposed.DONE:
        if not data.done_on:
            add("done_on", _("Hãy nhập ngày hoàn thành."))
        elif data.done_on > today:
            add("done_on", _("Ngày hoàn thành không được sau ngày hôm nay."))
    elif data.done_on and data.done_on > today:
        add("done_on", _("Ngày hoàn thành không được sau ngày hôm nay."))
    late = bool(task.due and ((data.done_on or today) > task.due))
    if data.proposed_status == Proposed.FAILED or late:
        if not (data.cause or "").strip():
            add("cause", _("Nhiệm vụ chậm hoặc không thực hiện được: hãy nêu nguyên nhân."))
        if not (data.remedy or "").strip():
            add("remedy", _("Nhiệm vụ chậm hoặc không thực hiện được: hãy nêu giải pháp khắc phục."))
    if period is not None and period.is_closed and not allow_closed:
        add("period", _("Kỳ báo cáo %(label)s đã khóa, không nhận thêm báo cáo.") % {"label": period.label})
    if period is not None and period.task_id != task.pk:
        add("period", _("Kỳ báo cáo không thuộc nhiệm vụ này."))
    for doc in data.documents:
        if doc.is_empty():
            continue
        if not (doc.number or doc.link):
            add("documents", _("Văn bản kiểm chứng cần số, ký hiệu hoặc liên kết."))
        if doc.date and doc.date > today:
            add("documents", _("Ngày văn bản không được sau ngày hôm nay."))
        if doc.link and not doc.link.lower().startswith(("https://", "http://")):
            add("documents", _("Liên kết phải bắt đầu bằng http:// hoặc https://."))
    checked = []
    for upload in data.files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as exc:
            for message in exc.messages:
                add("files", message)
    if errors:
        raise ValidationError(errors)
    return checked


def _write_update(actor, task, data: UpdateData, period, kind, checked, written: list[str], **extra):
    update = ProgressUpdate(
        task=task, period=period, kind=kind, author=actor if getattr(actor, "pk", None) else None,
        unit_id=getattr(actor, "unit_id", None), narrative=data.narrative.strip(),
        percent=100 if data.proposed_status == Proposed.DONE else int(data.percent),
        proposed_status=data.proposed_status,
        done_on=data.done_on if data.proposed_status == Proposed.DONE else None,
        cause=(data.cause or "").strip(), remedy=(data.remedy or "").strip(), **extra)
    update.save()
    for item in checked:
        evidence = Evidence(update=update)
        written.append(evidence.store(item))
        evidence.save()
    for doc in data.documents:
        if not doc.is_empty():
            Evidence.objects.create(update=update, doc_number=doc.number.strip()[:80], doc_date=doc.date,
                                    doc_summary=doc.summary.strip()[:500], link=doc.link.strip()[:500])
    return update


@in_vietnamese
def do_post_update(actor, task, data: UpdateData, period: Period | None = None, kind: str = Kind.UPDATE,
                   today: date | None = None) -> ProgressUpdate:
    """Record a report (or a support unit's contribution) with its evidence, all or nothing:
    files are checked before anything is written, and a failure removes the files already stored."""
    today = _today(today)
    if period is None:
        period = default_period(task, today)
    checked = validate_update(task, data, period, today)
    written: list[str] = []
    try:
        with transaction.atomic():
            if period is not None:  # a closing of the period at the same moment waits, or refuses this
                period = Period.objects.select_for_update().get(pk=period.pk)
                if period.is_closed:
                    raise ValidationError({"period": [_("Kỳ báo cáo %(label)s đã khóa, không nhận thêm báo cáo.")
                                                      % {"label": period.label}]})
            before = current_status(task, today)
            update = _write_update(actor, task, data, period, kind, checked, written)
            _recompute(task)
            label = _("Đóng góp của đơn vị phối hợp") if kind == Kind.CONTRIBUTION else _("Báo cáo tiến độ")
            _log(actor, Action.CREATE, task,
                 f"{label} ({period.label if period else '—'}): {update.percent}% — "
                 f"{update.get_proposed_status_display()}; {len(checked)} tệp, "
                 f"{sum(1 for d in data.documents if not d.is_empty())} văn bản",
                 None, snapshot(update))
            _log_status_change(actor, task, before, today)
            _notify(_office_people(task), task, "update_submitted",
                    _("%(who)s gửi báo cáo tiến độ nhiệm vụ %(task)s, chờ xác nhận.")
                    % {"who": getattr(actor, "display_name", ""), "task": str(task)})
    except BaseException:
        remove_stored(written)
        raise
    return update


@in_vietnamese
def do_revise_update(actor, update: ProgressUpdate, data: UpdateData, today: date | None = None,
                     keep_evidence: bool = True) -> ProgressUpdate:
    """Correct an update by a new revision (also allowed when its period is closed). The old one stays
    and is superseded when the revision is confirmed."""
    today = _today(today)
    _refuse_revised(update)  # early, before any file is checked or stored
    task = update.task
    checked = validate_update(task, data, update.period, today, allow_closed=True)
    written: list[str] = []
    try:
        with transaction.atomic():
            # check again on the row as it is now, locked: a second revision sent at the same moment waits
            update = _locked(update)
            _refuse_revised(update)
            before = current_status(task, today)
            revision = _write_update(actor, task, data, update.period, update.kind, checked, written,
                                     revision=update.revision + 1, supersedes=update)
            if keep_evidence:
                for ev in update.evidence.all():
                    ev.pk, ev.update = None, revision
                    ev.save()
            if update.review == Review.RETURNED:
                update.review = Review.SUPERSEDED
                update.save(update_fields=["review"])
            _recompute(task)
            _log(actor, Action.UPDATE, task,
                 _("Sửa báo cáo tiến độ (lần %(n)s)") % {"n": revision.revision},
                 _brief(update), _brief(revision))
            _log_status_change(actor, task, before, today)
            _notify(_office_people(task), task, "update_submitted",
                    _("Báo cáo tiến độ nhiệm vụ %(task)s đã được sửa, chờ xác nhận.") % {"task": str(task)})
    except BaseException:
        remove_stored(written)
        raise
    return revision


def _locked(update: ProgressUpdate) -> ProgressUpdate:
    """The update re-read under a row lock inside the caller's transaction (a check made on a copy loaded
    earlier may be stale: another person may have confirmed, returned, revised or withdrawn it since)."""
    try:
        return (ProgressUpdate.objects.select_for_update(of=("self",))
                .select_related("task", "task__plan", "period").get(pk=update.pk))
    except ProgressUpdate.DoesNotExist:
        raise ValidationError(_("Báo cáo này đã được rút; hãy tải lại trang.")) from None


def _refuse_revised(update: ProgressUpdate) -> None:
    if update.review == Review.SUPERSEDED or update.revisions.filter(review=Review.SUBMITTED).exists():
        raise ValidationError({"__all__": [_("Báo cáo này đã có bản sửa.")]})


def _brief(update: ProgressUpdate) -> dict:
    return {"tiến độ": update.percent, "đề xuất": str(update.get_proposed_status_display()),
            "ngày hoàn thành": update.done_on.isoformat() if update.done_on else None,
            "kết quả": update.narrative[:200], "nguyên nhân": update.cause[:200] or None,
            "giải pháp": update.remedy[:200] or None, "xác nhận": str(update.get_review_display())}


def _review(actor, update: ProgressUpdate, review: str, comment: str, today: date | None,
            refused: str) -> tuple[ProgressUpdate, str, dict]:
    """Confirm or return a submitted update under a row lock; returns (update, status before, review before).
    The caller records the history line and tells the author."""
    update = _locked(update)
    if update.review != Review.SUBMITTED:
        raise ValidationError(refused)
    before_status = current_status(update.task, today)
    before = {"xác nhận": str(update.get_review_display())}
    update.review, update.reviewed_by, update.reviewed_at = review, actor, timezone.now()
    update.review_comment = (comment or "").strip()
    update.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_comment"])
    if review == Review.CONFIRMED and update.supersedes_id:
        ProgressUpdate.objects.filter(pk=update.supersedes_id).update(review=Review.SUPERSEDED)
    _recompute(update.task)
    return update, before_status, before


@transaction.atomic
@in_vietnamese
def do_confirm_update(actor, update: ProgressUpdate, comment: str = "", today: date | None = None):
    """The office confirms an update: it now counts for the task's status and progress."""
    today = _today(today)
    update, before_status, before = _review(actor, update, Review.CONFIRMED, comment, today,
                                            _("Chỉ xác nhận được báo cáo đang chờ xác nhận."))
    task = update.task
    _log(actor, Action.UPDATE, task, _("Xác nhận báo cáo tiến độ %(p)s%%") % {"p": update.percent},
         before, {"xác nhận": str(update.get_review_display()), "ý kiến": update.review_comment or None})
    _log_status_change(actor, task, before_status, today)
    _notify([update.author], task, "update_confirmed",
            _("Văn phòng đã xác nhận báo cáo nhiệm vụ %(task)s.") % {"task": str(task)})
    return update


@transaction.atomic
@in_vietnamese
def do_return_update(actor, update: ProgressUpdate, comment: str, today: date | None = None):
    """The office returns an update with a comment saying what to fix."""
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Hãy nêu lý do trả lại.")]})
    today = _today(today)
    update, before_status, before = _review(actor, update, Review.RETURNED, comment, today,
                                            _("Chỉ trả lại được báo cáo đang chờ xác nhận."))
    task = update.task
    _log(actor, Action.UPDATE, task, _("Trả lại báo cáo tiến độ"), before,
         {"xác nhận": str(update.get_review_display()), "ý kiến": update.review_comment})
    _log_status_change(actor, task, before_status, today)
    _notify([update.author], task, "update_returned",
            _("Văn phòng trả lại báo cáo nhiệm vụ %(task)s: %(c)s") % {"task": str(task), "c": update.review_comment})
    return update


@in_vietnamese
def do_delete_update(actor, update: ProgressUpdate, today: date | None = None) -> None:
    """Withdraw an update not yet confirmed; its files go when no other revision uses them."""
    today = _today(today)
    with transaction.atomic():
        # the state is read from the locked row, not from the copy the page loaded: an office confirming at
        # the same moment either waits for the withdrawal or makes it refused
        update = _locked(update)
        task = update.task
        if update.review in (Review.CONFIRMED, Review.SUPERSEDED):
            raise ValidationError(_("Báo cáo đã xác nhận không xóa được; hãy sửa bằng một bản mới."))
        names = [e.file.name for e in update.evidence.all() if e.file]
        before_status = current_status(task, today)
        _log(actor, Action.DELETE, task, _("Xóa báo cáo tiến độ %(p)s%%") % {"p": update.percent},
             snapshot(update), None)
        update.delete()
        _recompute(task)
        _log_status_change(actor, task, before_status, today)
        shared = set(Evidence.objects.filter(file__in=names).values_list("file", flat=True))
    remove_stored([n for n in names if n not in shared])


@transaction.atomic
@in_vietnamese
def do_comment(actor, task, text: str, update: ProgressUpdate | None = None) -> Comment:
    """A leader's or the office's opinion on a task (ý kiến chỉ đạo)."""
    if not (text or "").strip():
        raise ValidationError({"text": [_("Hãy nhập ý kiến.")]})
    comment = Comment.objects.create(task=task, update=update, author=actor, text=text.strip())
    _log(actor, Action.CREATE, task, _("Ý kiến: %(t)s") % {"t": comment.text[:200]}, None,
         snapshot(comment))
    _notify(_lead_people(task), task, "comment",
            _("%(who)s cho ý kiến về nhiệm vụ %(task)s.") % {"who": getattr(actor, "display_name", ""),
                                                           "task": str(task)})
    return comment
