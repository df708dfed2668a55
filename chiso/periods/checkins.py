"""Check-in periods: the months, quarters, halves or year in which a recurring task reports its progress
(tracking stores them as Period rows). Calendar periods, as a unit reads them: "Quý I/2026" runs 01/01–31/03
and is due 31/03. How they meet the reporting calendar is `codes.counting_day`."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from chiso.lib import vndates

from .codes import month_end


@dataclass(frozen=True)
class CheckIn:
    label: str
    start: date
    end: date
    due: date


def checkins(recurrence: str, due: date | None, year: int, plan_start: date | None = None,
             plan_end: date | None = None) -> list[CheckIn]:
    """The check-in periods a task's recurrence gives within its plan's year. Continuous tasks report every
    quarter (the reporting period); on-event tasks get none here (their periods are opened by hand)."""
    start = plan_start or date(year, 1, 1)
    end = plan_end or date(year, 12, 31)
    out: list[CheckIn] = []
    if recurrence == vndates.MONTHLY:
        for m in range(1, 13):
            out.append(CheckIn(_("Tháng %(m)s/%(y)s") % {"m": m, "y": year}, date(year, m, 1),
                               month_end(year, m), month_end(year, m)))
    elif recurrence in (vndates.QUARTERLY, vndates.CONTINUOUS):
        for q, roman in enumerate(("I", "II", "III", "IV")):
            s, e = date(year, 3 * q + 1, 1), month_end(year, 3 * q + 3)
            out.append(CheckIn(_("Quý %(q)s/%(y)s") % {"q": roman, "y": year}, s, e, e))
    elif recurrence == vndates.SEMIANNUAL:
        out.append(CheckIn(_("6 tháng đầu năm %(y)s") % {"y": year}, date(year, 1, 1), date(year, 6, 30),
                           date(year, 6, 30)))
        out.append(CheckIn(_("6 tháng cuối năm %(y)s") % {"y": year}, date(year, 7, 1), date(year, 12, 31),
                           date(year, 12, 31)))
    elif recurrence == vndates.ANNUAL:
        out.append(CheckIn(_("Năm %(y)s") % {"y": year}, date(year, 1, 1), date(year, 12, 31),
                           due or date(year, 12, 31)))
    elif recurrence == vndates.ONCE:
        due = due or end
        out.append(CheckIn(_("Cả kỳ kế hoạch"), min(start, due), max(due, start), due))
    return out


def checkins_of(task) -> list[CheckIn]:
    """`checkins` for a task with its plan loaded (or any object shaped like one)."""
    plan = task.plan
    return checkins(task.recurrence, task.due, plan.year, plan.period_start, plan.period_end)
