"""Which fields of each imported task deserve a second look: words OCR doubted, a support list with no lead
(a shifted column), a deadline printed but not understood. The review highlights exactly these cells."""

from __future__ import annotations

import re

from chiso.importing.blocks import Blocks

FIELDS = ("title", "activity", "output", "criterion", "field", "timeframe")


def mark_uncertain(result: dict, blocks) -> None:
    doubtful = blocks.doubtful if isinstance(blocks, Blocks) else set()
    ocr = bool(isinstance(blocks, Blocks) and blocks.ocr)
    for task in result.get("tasks") or []:
        marks: list[str] = []
        for key in FIELDS:
            if _has_doubt(task.get(key), doubtful):
                marks.append(key)
        for key in ("lead", "support"):
            if any(_has_doubt(u, doubtful) for u in task.get(key) or []):
                marks.append(key)
        if not task.get("lead") and task.get("support"):
            marks.append("lead")  # support units with no lead: the lead cell was empty or the columns shifted
        if task.get("timeframe") and not task.get("due") and not task.get("recurrence"):
            marks.append("timeframe")
        if ocr and task.get("ref") and not re.fullmatch(r"[IVXL]{1,5}(?:\.\d{1,3})*|\d{1,3}(?:\.\d{1,3})*|[a-zđ]",
                                                        str(task["ref"])):
            marks.append("ref")
        task["_uncertain"] = sorted(set(marks))
    result.setdefault("plan", {})["_source"] = {
        "ocr": ocr, "pages_failed": list(getattr(blocks, "failed_pages", []) or [])}
    if ocr:
        result["plan"]["_source"]["page_seconds"] = list(blocks.page_seconds)


def _has_doubt(text, doubtful: set[str]) -> bool:
    if not text or not doubtful:
        return False
    return any(w.strip(".,;:()[]\"'“”") in doubtful for w in str(text).split())
