"""Plan tasks whose numeric target an indicator measures ("≥ 98% hồ sơ đúng hạn" -> 2.1 ≥ 98).

A proposal is computed from the task's wording each time it is shown (reading never writes); the office
confirms it (or refuses it), which stores a TaskMeasure. Only confirmed links show a measured value."""

import re
from dataclasses import dataclass
from decimal import Decimal

from chiso.lib.text import search_key

# (folded words that must all appear, indicator). The first rule that matches wins, so the more
# specific wording comes first.
RULES = [
    (("phan anh",), "5.2"),
    (("kien nghi",), "5.2"),
    (("dung han",), "2.1"),
    (("xin loi",), "XL"),
    (("thanh toan", "truc tuyen"), "3.6"),
    (("ket qua", "dien tu"), "4.1"),
    (("so hoa",), "4.2"),
    (("tai su dung",), "4.3"),
    (("khai thac", "du lieu"), "4.3"),
    (("nop", "truc tuyen"), "3.3"),
    (("ho so", "truc tuyen"), "3.3"),
    (("hai long",), "5.4"),
    (("tre han",), "2.1"),
    (("qua han",), "2.1"),
]
_PERCENT = re.compile(r"(?:(≥|>=|tren|tu|dat|it nhat|toi thieu|>)\s*)?(\d{1,3}(?:[.,]\d{1,2})?)\s*%")


@dataclass(frozen=True)
class Proposal:
    code: str
    op: str  # ge or le
    target: Decimal
    reason: str


def propose(task) -> Proposal | None:
    text = search_key(" ".join([task.title or "", task.output or "", task.activity or ""]))
    code = next((c for words, c in RULES if all(w in text for w in words)), None)
    if code is None:
        return None
    if code not in ("5.2", "5.3", "5.4") and "ho so" not in text:
        return None  # dossier indicators measure tasks about dossiers, not e.g. publishing procedures
    target = None
    if task.measure_value is not None and (task.measure_unit or "").strip() in ("%", ""):
        target = Decimal(task.measure_value)
    else:
        m = _PERCENT.search(text)
        if m:
            target = Decimal(m.group(2).replace(",", "."))
    if target is None or not (0 <= target <= 100):
        return None
    op = "le" if task.measure_op in ("<=", "<") else "ge"
    return Proposal(code, op, target, f"“{(task.title or '')[:120]}”")


@dataclass
class Measured:
    task: object
    code: str
    op: str
    target: Decimal
    state: str  # proposed (not stored yet), confirmed
    value: Decimal | None
    met: bool | None
    measure: object = None


def measured(task, period_code: str, unit_id=None, stored_counts: dict | None = None) -> "Measured | None":
    """The task's link (stored, or proposed now) with its measured value in the period."""
    from . import compute
    from .indicators import BY_CODE, rate_of
    from .models import TaskMeasure

    link = TaskMeasure.objects.filter(task=task).first() if not hasattr(task, "_kpi_measure") else task._kpi_measure
    if link is not None and link.state == TaskMeasure.State.REJECTED:
        return None
    if link is not None:
        code, op, target, state, unit_id = link.code, link.op, link.target, link.state, link.unit_id
    else:
        p = propose(task)
        if p is None:
            return None
        code, op, target, state = p.code, p.op, p.target, TaskMeasure.State.PROPOSED
    counts = stored_counts if stored_counts is not None else compute.stored(
        task.plan.agency_id, [period_code], unit_id).get(period_code, {})
    n, d = counts.get(code, (0, 0))
    value = rate_of(n, d, BY_CODE[code].average) if code in BY_CODE else None
    met = None if value is None else (value >= target if op == "ge" else value <= target)
    return Measured(task, code, op, Decimal(target), state, value, met, link)
