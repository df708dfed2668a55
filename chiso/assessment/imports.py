"""Survey points (điều tra xã hội học) of a round's agencies from XLSX: columns "Mã cơ quan" and "Điểm điều tra
xã hội học". All or nothing: every bad row is reported with its line number and nothing is written; a good
file sets each agency's points through `actions.do_set_survey` in one transaction."""

import io

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from chiso.lib.numbers import parse_vn_decimal
from chiso.lib.text import fold, squash

from . import actions
from .models import Round, Submission

COLUMNS = ["Mã cơ quan", "Điểm điều tra xã hội học"]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return squash(str(value))


def read_survey(rnd: Round, data: bytes) -> list[tuple[Submission, object]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors alike for a bad file
        raise actions.AssessmentError(_("Không đọc được tệp: tệp không phải bảng tính XLSX hợp lệ.")) from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [fold(_text(v)) for v in next(rows, ())]
        try:
            code_at, points_at = header.index(fold(COLUMNS[0])), header.index(fold(COLUMNS[1]))
        except ValueError:
            raise actions.AssessmentError(_("Dòng 1: cần các cột %(cols)s.") % {"cols": ", ".join(COLUMNS)}) from None
        subs = {s.agency.code.upper(): s for s in rnd.submissions.select_related("agency")}
        problems, found, seen = [], [], {}
        for line, values in enumerate(rows, start=2):
            values = list(values) + [None, None]
            code, raw = _text(values[code_at]).upper(), _text(values[points_at])
            if not code and not raw:
                continue
            sub = subs.get(code)
            if sub is None:
                problems.append(_("Dòng %(line)d: cơ quan “%(code)s” không có trong đợt này.") % {"line": line,
                                                                                               "code": code})
                continue
            if code in seen:
                problems.append(_("Dòng %(line)d: trùng với dòng %(first)d.") % {"line": line, "first": seen[code]})
                continue
            seen[code] = line
            number = parse_vn_decimal(raw)
            if number is None:
                problems.append(_("Dòng %(line)d: điểm “%(v)s” không phải là số.") % {"line": line, "v": raw})
            elif number < 0 or (rnd.survey_max is not None and number > rnd.survey_max):
                problems.append(_("Dòng %(line)d: điểm phải từ 0 đến %(max)s.") % {
                    "line": line, "max": rnd.survey_max if rnd.survey_max is not None else "…"})
            elif sub.state == Submission.State.FINAL:
                problems.append(_("Dòng %(line)d: %(agency)s đã chốt kết quả.") % {"line": line,
                                                                                 "agency": sub.agency.name})
            else:
                found.append((sub, number))
    finally:
        workbook.close()
    if problems:
        raise actions.AssessmentError(_("Tệp bị từ chối, không ghi gì."), problems)
    if not found:
        raise actions.AssessmentError(_("Tệp không có dòng điểm nào."))
    return found


def do_import_survey(actor, rnd: Round, data: bytes) -> int:
    rows = read_survey(rnd, data)
    with transaction.atomic():
        for sub, value in rows:
            actions.do_set_survey(actor, sub, value)
    return len(rows)
