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
    state: str = "proposed"  # proposed (found in the wording now), confirmed (by the office)


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


def measured(tasks, value_of_year, links: dict | None = None) -> list[Measured]:
    """`value_of_year(year) -> overall % or None` (cached by the caller); `links`: task id -> SurveyTarget.
    A refused link hides the task; a confirmed one keeps the target the office confirmed."""
    out = []
    links = links or {}
    for task in tasks:
        link = links.get(task.pk)
        if link is not None and not link.confirmed:
            continue
        t = (link.op, link.target) if link is not None else target_of(task)
        if t is None:
            continue
        op, target = t
        value = value_of_year(task.plan.year)
        met = None if value is None else (value > float(target) if op == ">" else value >= float(target))
        out.append(Measured(task, op, Decimal(target), value, met, "confirmed" if link is not None else "proposed"))
    return out
