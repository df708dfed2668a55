"""Plan tasks whose target the satisfaction index measures ("trên 90% ... hài lòng"): found from the task's
index (SIPAS) or wording each time they are shown (reading never writes), with the measured value of the
plan's year and whether it meets the target."""

import re
from dataclasses import dataclass
from decimal import Decimal

from chiso.lib.text import search_key

_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d{1,2})?)\s*%")


@dataclass
class Measured:
    task: object
    op: str  # ">", ">="
    target: Decimal
    value: float | None
    met: bool | None


def target_of(task) -> tuple[str, Decimal] | None:
    text = search_key(" ".join([task.title or "", task.output or "", task.activity or ""]))
    if "hai long" not in text:
        return None
    op = ">" if ("tren" in text or task.measure_op == ">") else ">="
    if task.measure_value is not None and (task.measure_unit or "").strip() in ("%", ""):
        target = Decimal(task.measure_value)
    else:
        m = _PERCENT.search(text)
        if not m:
            return None
        target = Decimal(m.group(1).replace(",", "."))
    return (op, target) if 0 < target <= 100 else None


def measured(tasks, value_of_year) -> list[Measured]:
    """`value_of_year(year) -> overall % or None` (cached by the caller)."""
    out = []
    for task in tasks:
        t = target_of(task)
        if t is None:
            continue
        op, target = t
        value = value_of_year(task.plan.year)
        met = None if value is None else (value > float(target) if op == ">" else value >= float(target))
        out.append(Measured(task, op, target, value, met))
    return out
