"""Changes to reports. Each `do_…` function is one transaction with its audit record; views, the
scheduler, the demo loader and tests use them. Notifications go through chiso.notifications."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.access import leader_people, office_people
from chiso.audit.log import record, snapshot
from chiso.audit.models import AuditEntry
from chiso.jobs.api import enqueue
from chiso.language import in_vietnamese
from chiso.notifications.service import notify
from chiso.periods.codes import Period

from . import file_jobs, queries
from .models import AgencyReport, UnitReport

UNIT_TEXT = ("results", "difficulties", "next_steps", "proposals")
AGENCY_TEXT = ("direction", "results_intro", "strengths", "weaknesses", "causes", "next_tasks", "proposals",
               "recipient", "place", "authority", "head_title", "signer_title", "signer_name", "recipients")
EXCLUDE = ("figures",)  # the snapshot is large; the audit keeps the texts and the state


def _now_date(now: date | None) -> date:
    return now or timezone.localdate()


def _stamp(day: date | None) -> datetime:
    """Now, or — when a day is given (tests, the scheduler's --now) — that day at the current time."""
    wall = timezone.now()
    if day is None:
        return wall
    return timezone.make_aware(datetime.combine(day, timezone.localtime(wall).time()))


def _audit(actor, action, obj, before):
    record(actor, action, obj, before, snapshot(obj, exclude=EXCLUDE))


def default_place(agency) -> str:
    name = agency.province.name
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def default_recipient(agency) -> str:
    from chiso.org.models import Agency

    coordinator = Agency.objects.filter(province_id=agency.province_id, is_coordinator=True).first()
    return coordinator.name if coordinator else _("Sở Nội vụ")


def default_signer(agency) -> str:
    leaders = leader_people(agency)
    return leaders[0].display_name if leaders else ""


def _lock_agency(agency_id) -> None:
    """Drafts, versions and numbers of one agency's reports are decided one at a time (a row lock)."""
    from chiso.org.models import Agency

    Agency.objects.select_for_update().filter(pk=agency_id).first()


def _locked(report):
    """The report as stored now, under a row lock: a page's copy may be older than a submission."""
    return type(report).objects.select_for_update().get(pk=report.pk)


def _sync(copy, saved):
    """The caller's object takes the saved values (callers and tests keep using the object they passed)."""
    for field in saved._meta.concrete_fields:
        setattr(copy, field.attname, getattr(saved, field.attname))
    return copy


# --- unit reports --------------------------------------------------------------------------------

def current_unit_report(unit, code: str) -> UnitReport | None:
    return UnitReport.objects.filter(unit=unit, period_code=code).order_by("-version").first()


@transaction.atomic
@in_vietnamese
def do_draft_unit_report(actor, agency, unit, period: Period, now: date | None = None) -> UnitReport:
    """The unit's current report for the period; a new draft drafted from its task updates when none."""
    _lock_agency(getattr(agency, "pk", agency))
    existing = current_unit_report(unit, period.code)
    if existing is not None:
        return existing
    return new_unit_draft(actor, agency, unit, period, now)


@in_vietnamese
def new_unit_draft(actor, agency, unit, period: Period, now: date | None = None) -> UnitReport:
    """Insert version 1 of the unit's report (IntegrityError when another process already did)."""
    fig = queries.unit_figures(agency, unit, period, _now_date(now))
    report = UnitReport(agency=agency, unit=unit, period_code=period.code, period_label=period.label,
                        start=period.start, end=period.end, due=period.unit_due, figures=fig,
                        **queries.draft_unit_text(fig))
    report.save()
    _audit(actor, AuditEntry.Action.CREATE, report, None)
    return report


@transaction.atomic
@in_vietnamese
def do_redraft_unit_report(actor, report: UnitReport, now: date | None = None,
                           texts: bool = False) -> UnitReport:
    """Refresh a draft's figures from the data (and its texts when asked)."""
    given, report = report, _locked(report)
    _require_draft(report)
    before = snapshot(report, exclude=EXCLUDE)
    period = _period_of(report.agency, report.period_code) or Period(
        report.period_code, "", report.start.year, report.period_label, report.start, report.end,
        report.due, report.due, report.due, report.due)
    report.figures = queries.unit_figures(report.agency, report.unit, period, _now_date(now))
    if texts:
        for k, v in queries.draft_unit_text(report.figures).items():
            setattr(report, k, v)
    report.save()
    _audit(actor, AuditEntry.Action.UPDATE, report, before)
    return _sync(given, report)


def _period_of(agency, code: str) -> Period | None:
    from chiso.periods.calendar import resolve
    from chiso.periods.codes import PeriodError

    try:
        return resolve(agency, code)
    except PeriodError:
        return None


def _require_draft(report) -> None:
    if report.is_frozen:
        raise ValidationError(_("Báo cáo đã gửi không sửa được; hãy lập bản sửa."))


class StaleTexts(ValidationError):
    """The texts were saved by someone else after the form was opened: nothing was saved. `current` is the
    stamp of the texts now (the form carries it, so saving again is a deliberate overwrite)."""

    def __init__(self, message: str, current: str):
        super().__init__(message, code="stale")
        self.current = current


def text_stamp(report, fields: tuple[str, ...]) -> str:
    """A short fingerprint of a report's texts as a page shows them (the edit form carries it)."""
    import hashlib

    joined = "\x1f".join((getattr(report, k) or "").strip() for k in fields)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def _refuse_stale(report, fields: tuple[str, ...], opened: str | None) -> None:
    from chiso.audit.log import history

    current = text_stamp(report, fields)
    if opened is None or opened == current:
        return
    last = history(report).order_by("-pk").first()
    who = (last.actor.display_name if last and last.actor else _("người khác"))
    when = timezone.localtime(last.at).strftime("%H:%M %d/%m/%Y") if last else ""
    raise StaleTexts(_("Báo cáo đã được %(who)s sửa lúc %(when)s, sau khi anh/chị mở trang; chưa lưu gì. Phần "
                       "anh/chị vừa nhập vẫn ở dưới: đối chiếu với bản hiện tại rồi bấm Lưu lần nữa nếu muốn "
                       "ghi đè.") % {"who": who, "when": when}, current)


def _save_texts(actor, report, data: dict, fields: tuple[str, ...], clean: bool = False, opened: str | None = None):
    """A draft's edited texts (the fields of `fields` present in `data`), with its audit record. `opened` is
    the texts' stamp when the form was opened: a save over texts changed since is refused (StaleTexts)."""
    given, report = report, _locked(report)  # a copy loaded before a submission must not save over it
    _require_draft(report)
    _refuse_stale(report, fields, opened)
    before = snapshot(report, exclude=EXCLUDE)
    for k in fields:
        if k in data:
            setattr(report, k, (data[k] or "").strip())
    if clean:
        report.full_clean(exclude=["figures"])
    report.save()
    _audit(actor, AuditEntry.Action.UPDATE, report, before)
    return _sync(given, report)


@transaction.atomic
@in_vietnamese
def do_save_unit_report(actor, report: UnitReport, data: dict, opened: str | None = None) -> UnitReport:
    return _save_texts(actor, report, data, UNIT_TEXT, opened=opened)


@transaction.atomic
@in_vietnamese
def do_submit_unit_report(actor, report: UnitReport, now: date | None = None) -> UnitReport:
    """Send the report to the office: its figures are taken from the data now and frozen."""
    report = UnitReport.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    before = snapshot(report, exclude=EXCLUDE)
    day = _now_date(now)
    period = _period_of(report.agency, report.period_code)
    if period is not None:
        report.figures = queries.unit_figures(report.agency, report.unit, period, day)
    report.state = UnitReport.State.SUBMITTED
    report.submitted_at, report.submitted_by = _stamp(now), actor if getattr(actor, "pk", None) else None
    first = UnitReport.objects.filter(unit=report.unit, period_code=report.period_code,
                                      submitted_at__isnull=False).exclude(pk=report.pk).order_by("version").first()
    report.on_time = first.on_time if first else day <= report.due
    report.save()
    if report.supersedes_id:
        UnitReport.objects.filter(pk=report.supersedes_id).update(state=UnitReport.State.SUPERSEDED)
    _audit(actor, AuditEntry.Action.UPDATE, report, before)
    notify(office_people(report.agency), "report_unit_submitted",
           _("%(unit)s đã gửi báo cáo %(label)s%(late)s") % {
               "unit": report.unit.name, "label": report.period_label,
               "late": "" if report.on_time else _(" (chậm hạn)")},
           reverse("reports:period", args=[report.agency.code, report.period_code]))
    return report


@transaction.atomic
@in_vietnamese
def do_correct_unit_report(actor, report: UnitReport) -> UnitReport:
    """A new draft version of a submitted report; the submitted one is kept until the new one is sent."""
    _lock_agency(report.agency_id)
    report = _locked(report)
    if not report.is_frozen:
        return report
    latest = current_unit_report(report.unit, report.period_code)
    if latest is not None and not latest.is_frozen:
        return latest
    new = UnitReport(agency=report.agency, unit=report.unit, period_code=report.period_code,
                     period_label=report.period_label, start=report.start, end=report.end, due=report.due,
                     version=latest.version + 1, figures=report.figures, supersedes=report,
                     **{k: getattr(report, k) for k in UNIT_TEXT})
    new.save()
    _audit(actor, AuditEntry.Action.CREATE, new, None)
    return new


# --- agency reports ------------------------------------------------------------------------------

def current_agency_report(agency, code: str) -> AgencyReport | None:
    return AgencyReport.objects.filter(agency=agency, period_code=code).order_by("-version").first()


@in_vietnamese
def new_agency_report(actor, agency, period: Period, fig: dict, version: int = 1, **extra) -> AgencyReport:
    fields = dict(place=default_place(agency), recipient=default_recipient(agency),
                  signer_name=default_signer(agency),
                  recipients="\n".join([f"- {default_recipient(agency)} (b/c);", "- Lãnh đạo cơ quan;",
                                        "- Các đơn vị thuộc cơ quan;", "- Lưu: VT, VP."]))
    if "direction" not in extra:
        fields.update(queries.draft_agency_text(fig))
    fields.update(extra)
    report = AgencyReport(agency=agency, period_code=period.code, period_label=period.label, start=period.start,
                          end=period.end, due=period.agency_due, version=version, figures=fig,
                          created_by=actor if getattr(actor, "pk", None) else None, **fields)
    report.save()
    _audit(actor, AuditEntry.Action.CREATE, report, None)
    return report


@transaction.atomic
@in_vietnamese
def do_compile_agency_report(actor, agency, period: Period, now: date | None = None,
                             redraft: bool = False) -> AgencyReport:
    """Compile the agency's report from the unit reports and the task data: a new draft, or the current
    draft with fresh figures (its edited texts are kept unless `redraft`). An issued report is left as is."""
    _lock_agency(getattr(agency, "pk", agency))
    current = current_agency_report(agency, period.code)
    fig = queries.agency_figures(agency, period, _now_date(now))
    if current is None:
        return new_agency_report(actor, agency, period, fig)
    if current.is_frozen:
        return current
    before = snapshot(current, exclude=EXCLUDE)
    current.figures = fig
    if redraft:
        for k, v in queries.draft_agency_text(fig).items():
            setattr(current, k, v)
    current.save()
    _audit(actor, AuditEntry.Action.UPDATE, current, before)
    return current


@transaction.atomic
@in_vietnamese
def do_save_agency_report(actor, report: AgencyReport, data: dict, opened: str | None = None) -> AgencyReport:
    return _save_texts(actor, report, data, AGENCY_TEXT, clean=True, opened=opened)


# --- the sign-off (issue 10): draft → submitted → approved (or returned) → issued → signed → sent -------

def _require_state(report: AgencyReport, *states: str) -> None:
    """Check-then-act under the row lock: a step from another tab or person may have moved the report on."""
    if report.state not in states:
        raise ValidationError(_("Báo cáo đang ở bước “%(state)s”; thao tác này không còn thực hiện được.")
                              % {"state": report.get_state_display()})


def _report_url(report: AgencyReport) -> str:
    return reverse("reports:agency_report", args=[report.pk])


def _title(report: AgencyReport) -> str:
    return _("báo cáo %(label)s (lần %(n)s)") % {"label": report.period_label, "n": report.version}


def coordinator_people(agency) -> list:
    """The provincial coordinators (Sở Nội vụ) the agency reports to."""
    from chiso.accounts.access import people
    from chiso.accounts.models import Role
    from chiso.org.models import Agency

    coordinators = Agency.objects.filter(province_id=agency.province_id, is_coordinator=True)
    return [u for c in coordinators for u in people(c, {Role.COORDINATOR})]


def missing_units(report: AgencyReport) -> list[str]:
    """Units that must report for the period and have not sent their report (the leader is warned)."""
    period = _period_of(report.agency, report.period_code)
    if period is None:
        return []
    return [row["unit"].name for row in queries.submissions(report.agency, period)["rows"] if not row["submitted"]]


def _step(actor, report: AgencyReport, before: dict, summary: str) -> None:
    record(actor, AuditEntry.Action.UPDATE, report, before, snapshot(report, exclude=EXCLUDE), summary=summary)


@transaction.atomic
@in_vietnamese
def do_submit_agency_report(actor, report: AgencyReport, now: date | None = None) -> AgencyReport:
    """The office submits the draft to the leader; its figures are taken from the data now and frozen. The
    leader is told which units have not reported."""
    report = _locked(report)
    _require_state(report, AgencyReport.State.DRAFT)
    before = snapshot(report, exclude=EXCLUDE)
    period = _period_of(report.agency, report.period_code)
    if period is not None:
        report.figures = queries.agency_figures(report.agency, period, _now_date(now))
    report.state = AgencyReport.State.SUBMITTED
    report.submitted_at, report.submitted_by = _stamp(now), _person(actor)
    report.save()
    missing = missing_units(report)
    _step(actor, report, before, _("Trình lãnh đạo duyệt %(r)s") % {"r": _title(report)})
    text = _("Văn phòng trình %(r)s để lãnh đạo duyệt.") % {"r": _title(report)}
    if missing:
        text += " " + _("Chưa gửi báo cáo (%(n)s đơn vị): %(units)s.") % {"n": len(missing),
                                                                           "units": ", ".join(missing)}
    notify(leader_people(report.agency), "report_for_approval", text, _report_url(report), report.agency.name)
    return report


def _person(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
@in_vietnamese
def do_approve_agency_report(actor, report: AgencyReport, comment: str = "",
                             now: date | None = None) -> AgencyReport:
    report = _locked(report)
    _require_state(report, AgencyReport.State.SUBMITTED)
    before = snapshot(report, exclude=EXCLUDE)
    report.state = AgencyReport.State.APPROVED
    report.approved_at, report.approved_by = _stamp(now), _person(actor)
    report.leader_comment = (comment or "").strip()
    report.save()
    _step(actor, report, before, _("Lãnh đạo duyệt %(r)s") % {"r": _title(report)})
    notify(office_people(report.agency), "report_decided",
           _("Lãnh đạo đã duyệt %(r)s; Văn phòng cấp số và trình ký.") % {"r": _title(report)},
           _report_url(report), report.agency.name)
    return report


@transaction.atomic
@in_vietnamese
def do_return_agency_report(actor, report: AgencyReport, comment: str) -> AgencyReport:
    """The leader sends the report back to the office as a draft, saying what to change."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Hãy ghi ý kiến: cần sửa gì trước khi trình lại."))
    report = _locked(report)
    _require_state(report, AgencyReport.State.SUBMITTED)
    before = snapshot(report, exclude=EXCLUDE)
    report.state = AgencyReport.State.DRAFT
    report.leader_comment = comment
    report.save()
    _step(actor, report, before, _("Lãnh đạo trả lại %(r)s: %(c)s") % {"r": _title(report), "c": comment})
    notify(office_people(report.agency), "report_decided",
           _("Lãnh đạo trả lại %(r)s: %(c)s") % {"r": _title(report), "c": comment},
           _report_url(report), report.agency.name)
    return report


@transaction.atomic
@in_vietnamese
def do_issue_agency_report(actor, report: AgencyReport, issued_on: date | None = None) -> AgencyReport:
    """Give the approved report the next number of the agency's year (numbers are given one at a time)."""
    _lock_agency(report.agency_id)
    report = _locked(report)
    if report.state == AgencyReport.State.DRAFT:
        raise ValidationError(_("Báo cáo phải được lãnh đạo duyệt trước khi cấp số."))
    _require_state(report, AgencyReport.State.APPROVED)
    before = snapshot(report, exclude=EXCLUDE)
    day = _now_date(issued_on)
    last = AgencyReport.objects.filter(agency_id=report.agency_id, issued_on__year=day.year,
                                       number__isnull=False).aggregate(n=Max("number"))["n"] or 0
    report.number, report.issued_on, report.issued_at = last + 1, day, _stamp(issued_on)
    report.state = AgencyReport.State.ISSUED
    report.save()
    _step(actor, report, before, _("Cấp số %(n)s cho %(r)s") % {"n": report.number_symbol, "r": _title(report)})
    # the issued PDF is rendered once by `chiso jobs` (queued with this transaction), so its first download
    # is served from storage like every later one
    enqueue(file_jobs.KIND, file_jobs.arguments(report, "pdf"), user=actor, agency_id=report.agency_id, total=1,
            message=_("Đang chờ tạo tệp"))
    notify(leader_people(report.agency), "report_decided",
           _("Đã cấp số %(n)s cho %(r)s; chờ bản ký.") % {"n": report.number_symbol, "r": _title(report)},
           _report_url(report), report.agency.name)
    return report


@in_vietnamese
def do_attach_signed_copy(actor, report: AgencyReport, upload) -> AgencyReport:
    """Attach the scan (PDF) of the signed, stamped report; a new scan replaces one not yet sent."""
    from chiso.files.checks import check_upload
    from chiso.files.storage import remove_stored

    from .models import SignedCopy

    checked = check_upload(upload)
    if checked.kind != "pdf":
        raise ValidationError(_("Bản ký phải là tệp PDF (bản quét văn bản đã ký, đóng dấu)."))
    written: list[str] = []
    try:
        with transaction.atomic():
            report = _locked(report)
            _require_state(report, AgencyReport.State.ISSUED, AgencyReport.State.SIGNED)
            before = snapshot(report, exclude=EXCLUDE)
            old = SignedCopy.objects.filter(report=report).first()
            old_name = old.file.name if old else None
            if old:
                old.delete()
            copy = SignedCopy(report=report, uploaded_by=_person(actor))
            written.append(copy.store(checked))
            copy.save()
            report.state = AgencyReport.State.SIGNED
            report.save()
            _step(actor, report, before, _("Đính kèm bản ký %(f)s cho %(r)s") % {"f": copy.original_name,
                                                                                 "r": _title(report)})
            notify(leader_people(report.agency), "report_decided",
                   _("Đã đính kèm bản ký của %(r)s; chờ gửi.") % {"r": _title(report)}, _report_url(report),
                   report.agency.name)
    except BaseException:
        remove_stored(written)
        raise
    if old_name and old_name not in written:
        remove_stored([old_name])
    return report


@transaction.atomic
@in_vietnamese
def do_send_agency_report(actor, report: AgencyReport, sent_on: date | None = None) -> AgencyReport:
    """Send the signed report to the coordinator: only now does it count as sent, on time or late. The
    coordinators are notified and a correction it replaces is marked superseded."""
    report = _locked(report)
    if report.state == AgencyReport.State.ISSUED:
        raise ValidationError(_("Hãy đính kèm bản ký (PDF) trước khi gửi."))
    _require_state(report, AgencyReport.State.SIGNED)
    before = snapshot(report, exclude=EXCLUDE)
    report.sent_on, report.sent_at, report.sent_by = _now_date(sent_on), _stamp(sent_on), _person(actor)
    report.state = AgencyReport.State.SENT
    report.save()
    if report.supersedes_id:
        AgencyReport.objects.filter(pk=report.supersedes_id, state=AgencyReport.State.SENT).update(
            state=AgencyReport.State.SUPERSEDED)
    first = AgencyReport.objects.filter(agency_id=report.agency_id, period_code=report.period_code,
                                        sent_on__isnull=False).order_by("version").first()
    when = _("đúng hạn") if first.on_time else _("chậm hạn")
    _step(actor, report, before, _("Gửi %(r)s (%(when)s)") % {"r": _title(report), "when": when})
    text = _("%(agency)s đã gửi báo cáo số %(n)s — %(label)s (%(when)s).") % {
        "agency": report.agency.name, "n": report.number_symbol, "label": report.period_label, "when": when}
    notify(coordinator_people(report.agency) + leader_people(report.agency), "report_sent", text,
           _report_url(report), report.agency.name)
    return report


@transaction.atomic
@in_vietnamese
def do_withdraw_agency_report(actor, report: AgencyReport, reason: str, now: date | None = None) -> AgencyReport:
    """Withdraw a numbered report, saying why: it is kept as withdrawn and a new draft version (its texts,
    fresh figures) takes its place. Returns the new draft."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Hãy ghi lý do rút báo cáo."))
    _lock_agency(report.agency_id)  # the new version's number is decided one at a time, as in a correction
    report = _locked(report)
    _require_state(report, AgencyReport.State.ISSUED, AgencyReport.State.SIGNED, AgencyReport.State.SENT)
    latest = current_agency_report(report.agency, report.period_code)
    if latest.pk != report.pk:
        raise ValidationError(_("Đã có bản mới hơn của báo cáo này; hãy rút hoặc sửa bản mới nhất."))
    before = snapshot(report, exclude=EXCLUDE)
    was_sent = report.state == AgencyReport.State.SENT
    report.state, report.withdrawn_reason, report.withdrawn_at = AgencyReport.State.WITHDRAWN, reason, _stamp(now)
    report.save()
    _step(actor, report, before, _("Rút %(r)s: %(c)s") % {"r": _title(report), "c": reason})
    period = _period_of(report.agency, report.period_code)
    fig = queries.agency_figures(report.agency, period, _now_date(now)) if period else report.figures
    period = period or Period(report.period_code, "", report.start.year, report.period_label, report.start,
                              report.end, report.due, report.due, report.due, report.due)
    new = new_agency_report(actor, report.agency, period, fig, version=report.version + 1, supersedes=report,
                            **{k: getattr(report, k) for k in AGENCY_TEXT})
    text = _("%(agency)s đã rút báo cáo số %(n)s — %(label)s: %(c)s") % {
        "agency": report.agency.name, "n": report.number_symbol, "label": report.period_label, "c": reason}
    notify((coordinator_people(report.agency) if was_sent else []) + leader_people(report.agency),
           "report_withdrawn", text, _report_url(report), report.agency.name)
    return new


@transaction.atomic
@in_vietnamese
def do_correct_agency_report(actor, report: AgencyReport, now: date | None = None) -> AgencyReport:
    """A corrected version of a sent report: a new draft with its texts and fresh figures, signed off again;
    the sent one stays in force until the correction is sent. Both are kept."""
    _lock_agency(report.agency_id)
    report = _locked(report)
    if report.state != AgencyReport.State.SENT:
        return report
    latest = current_agency_report(report.agency, report.period_code)
    if latest is not None and not latest.is_numbered:
        return latest
    period = _period_of(report.agency, report.period_code)
    fig = queries.agency_figures(report.agency, period, _now_date(now)) if period else report.figures
    period = period or Period(report.period_code, "", report.start.year, report.period_label, report.start,
                              report.end, report.due, report.due, report.due, report.due)
    texts = {k: getattr(report, k) for k in AGENCY_TEXT}
    return new_agency_report(actor, report.agency, period, fig, version=latest.version + 1, supersedes=report,
                              **texts)


# --- the calendar --------------------------------------------------------------------------------

RULE_FIELDS = ("start_months_before", "start_day", "end_day", "unit_day", "office_day", "agency_day",
               "province_day", "draft_days_before")


@transaction.atomic
@in_vietnamese
def do_save_rule(actor, agency, kind: str, data: dict):
    """The agency's own dates for a kind of period (replacing the province default for it)."""
    from chiso.periods.models import ReportingRule

    rule = ReportingRule.objects.filter(agency=agency, kind=kind).first()
    before = snapshot(rule) if rule else None
    rule = rule or ReportingRule(agency=agency, kind=kind)
    for k in RULE_FIELDS:
        setattr(rule, k, data[k])
    rule.full_clean()
    rule.save()
    record(actor, AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, rule, before, snapshot(rule))
    return rule


@transaction.atomic
@in_vietnamese
def do_reset_rule(actor, agency, kind: str) -> None:
    from chiso.periods.models import ReportingRule

    rule = ReportingRule.objects.filter(agency=agency, kind=kind).first()
    if rule is not None:
        record(actor, AuditEntry.Action.DELETE, rule, snapshot(rule), None)
        rule.delete()


@transaction.atomic
@in_vietnamese
def do_create_adhoc(actor, agency, data: dict):
    """An ad hoc report (báo cáo đột xuất) with the next number of its year: code YYYY-DXn."""
    from chiso.org.models import Agency
    from chiso.periods.models import AdHocPeriod

    Agency.objects.select_for_update().get(pk=agency.pk)
    year = data["start"].year
    number = (AdHocPeriod.objects.filter(agency=agency, year=year).aggregate(n=Max("number"))["n"] or 0) + 1
    fields = {k: data[k] for k in ("title", "start", "end", "unit_due", "agency_due")}
    adhoc = AdHocPeriod(agency=agency, year=year, number=number, **fields)
    adhoc.full_clean()
    adhoc.save()
    record(actor, AuditEntry.Action.CREATE, adhoc, None, snapshot(adhoc))
    return adhoc
