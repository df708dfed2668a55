"""Paper forms and spreadsheets: the office's entry page reads one sheet as a string of digits (one per
statement, in order; 0 or - for a blank), the XLSX import reads one sheet per row. Both validate through
forms.read_sheet and store through actions.do_submit, with the channel each answer came by."""

import re
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from chiso.lib.text import fold

from . import actions
from .forms import questions_of, read_sheet
from .models import Channel, Counter

MAX_ROWS = 20000
_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DATE.match(str(value or ""))
    if not m:
        return None
    try:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def digits_to_data(q, digits: str) -> tuple[dict, str | None]:
    """"5544-3…" -> {"q<id>": "5", …}; an error when the count differs from the number of statements."""
    questions = questions_of(q)
    clean = re.sub(r"\s+", "", digits or "")
    if len(clean) != len(questions):
        return {}, _("Dãy trả lời có %(n)s ký tự nhưng phiếu có %(m)s nhận định (gõ 0 hoặc - cho câu bỏ trống).") % {
            "n": len(clean), "m": len(questions)}
    return {f"q{x.pk}": ("" if ch in "0-" else ch) for x, ch in zip(questions, clean, strict=True)}, None


def when_of(day: date) -> datetime:
    """A paper sheet's time: noon of its day, so it falls in that day's month whatever the time zone."""
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def check_day(day: date | None) -> str | None:
    if day is None:
        return _("Ngày trên phiếu phải có dạng dd/mm/yyyy.")
    if day > timezone.localdate():
        return _("Ngày trên phiếu %(d)s ở tương lai.") % {"d": day.strftime("%d/%m/%Y")}
    if day.year < 2000:
        return _("Ngày trên phiếu %(d)s không hợp lệ.") % {"d": day.strftime("%d/%m/%Y")}
    return None


# --- XLSX ---------------------------------------------------------------------------------------------------

FIXED = {"ngay": "day", "quay": "counter", "ma ho so": "receipt_code", "thu tuc": "procedure",
         "cach nop ho so": "applied_via", "nhom tuoi": "age_group", "gop y": "comment", "kenh": "channel"}
CHANNELS = {fold(str(label)): value for value, label in Channel.choices} | {v: v for v in Channel.values}


def template_headers(q) -> list[str]:
    return ["Ngày", "Quầy", "Mã hồ sơ", "Thủ tục", "Cách nộp hồ sơ", "Nhóm tuổi", "Góp ý", "Kênh"] + [
        x.code for x in questions_of(q)]


def read_xlsx(fileobj, agency, q, actor=None) -> tuple[list[tuple[int, actions.Submission]], list[str]]:
    """Every row as a submission, or every error with its line number (then nothing is to be stored)."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same sentence
        return [], [_("Tệp không đọc được như một bảng tính XLSX.")]
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        return [], [_("Tệp trống.")]
    codes = {x.code.upper(): x for x in questions_of(q)}
    columns: dict[int, str] = {}
    unknown = []
    for i, h in enumerate(header):
        name = fold(str(h or "")).strip()
        if not name:
            continue
        if name in FIXED:
            columns[i] = FIXED[name]
        elif str(h).strip().upper() in codes:
            columns[i] = "q" + str(codes[str(h).strip().upper()].pk)
        else:
            unknown.append(str(h))
    errors = [_("Dòng 1: cột “%(c)s” không có trong phiếu đang dùng.") % {"c": c} for c in unknown]
    if "day" not in columns.values():
        errors.append(_("Dòng 1: thiếu cột “Ngày”."))
    if errors:
        return [], errors
    counters = {fold(c.name): c for c in Counter.objects.filter(agency=agency)}
    out: list[tuple[int, actions.Submission]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if line - 1 > MAX_ROWS:
            return [], [_("Tệp có hơn %(n)s dòng; hãy chia nhỏ.") % {"n": MAX_ROWS}]
        if row is None or all(v is None or str(v).strip() == "" for v in row):
            continue
        data = {name: ("" if row[i] is None else (str(int(row[i])) if isinstance(row[i], float) and
                                                  row[i].is_integer() else row[i]))
                for i, name in columns.items() if i < len(row)}
        problems = []
        day = parse_day(data.get("day"))
        if (msg := check_day(day)) is not None:
            problems.append(msg)
        counter = None
        if str(data.get("counter") or "").strip():
            counter = counters.get(fold(str(data["counter"])))
            if counter is None:
                problems.append(_("không có quầy “%(c)s”") % {"c": str(data["counter"])[:60]})
        channel = Channel.IMPORT
        if str(data.get("channel") or "").strip():
            channel = CHANNELS.get(fold(str(data["channel"])))
            if channel is None:
                problems.append(_("kênh “%(c)s” không hợp lệ") % {"c": str(data["channel"])[:30]})
        sheet = read_sheet(q, {k: str(v) for k, v in data.items()})
        problems += list(sheet.errors.values())
        if sheet.receipt_code:
            if sheet.receipt_code in seen:
                problems.append(_("mã hồ sơ %(c)s trùng dòng %(l)s") % {"c": sheet.receipt_code,
                                                                        "l": seen[sheet.receipt_code]})
            seen.setdefault(sheet.receipt_code, line)
        if problems:
            errors.append(_("Dòng %(l)s: %(p)s") % {"l": line, "p": "; ".join(str(p) for p in problems)})
            continue
        out.append((line, actions.Submission(
            questionnaire=q, agency=agency, counter=counter, channel=channel, values=sheet.values,
            procedure=sheet.procedure, applied_via=sheet.applied_via, age_group=sheet.age_group,
            comment=sheet.comment, receipt_code=sheet.receipt_code, entered_by=actor, when=when_of(day))))
    if not out and not errors:
        errors.append(_("Tệp không có dòng trả lời nào."))
    return out, errors


def do_import_answers(rows: list[tuple[int, actions.Submission]]) -> int:
    """Store every row or none: a row already answered (its dossier code) refuses the whole file."""
    with transaction.atomic():
        for line, sub in rows:
            try:
                actions.do_submit(sub)
            except actions.Duplicate as exc:
                raise actions.Refused(_("Dòng %(l)s: %(e)s Không dòng nào được ghi.") % {"l": line, "e": exc}) \
                    from exc
    return len(rows)
