"""Assignment tables -> tasks: header roles, page-break continuations, group rows, sub-rows, fill-down."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chiso.importing import columns
from chiso.importing.blocks import Table
from chiso.importing.normalize import clean, mentioned_indices, split_units, words
from chiso.importing.textdump import split_trailing_time

_NUM = re.compile(
    r"^\s*(?P<num>[IVXL]{1,5}|\d{1,3}(?:\.\d{1,3}){0,3}|[a-zđ])\s*[.)]?(?:\s+(?P<rest>.*)|$)", re.S
)
_ROMAN = re.compile(r"^[IVXL]{1,5}$")
_BULLET = re.compile(r"^\s*[-–—+•]\s*")


@dataclass
class RawTask:
    ref: str | None
    field: str | None
    criterion: str | None
    title: str
    activity: str | None
    output: str | None
    lead: list[str]
    support: list[str]
    timeframe: str | None
    budget: str | None
    index: str | None = None  # set by a group row that names one index ("III | ĐỐI VỚI CHỈ SỐ PAPI")


def find_header(table: Table) -> tuple[int, list[str | None]] | None:
    """(index of the first data row, role per column) or None when the table has no task header."""
    rows = table.rows
    for i, row in enumerate(rows[:6]):
        if columns.headerish(row):
            texts = list(row)
            j = i + 1
            while j < len(rows) and j <= i + 2 and columns.subheaderish(rows[j]) and not _data_like(rows[j]):
                texts = [a if not b.strip() or b.strip() == a.strip() else f"{a} {b}".strip()
                         for a, b in zip(texts, rows[j] + [""] * len(texts), strict=False)]
                j += 1
            roles = columns.finalize_roles([columns.role_of(c) for c in texts])
            if not any(r in ("task", "field", "objective") for r in roles):
                return None
            if not any(r in ("lead", "time", "support") for r in roles):
                return None
            while j < len(rows) and columns.column_numbers_row(rows[j]):
                j += 1
            return j, roles
    return None


def _data_like(row: list[str]) -> bool:
    return any(len(c) > 60 for c in row)


def _continues(row: list[str], roles: list[str | None]) -> bool:
    """The first row after a page break that carries on the row before it."""
    idx = {r: k for k, r in enumerate(roles) if r}
    if "stt" in idx and row[idx["stt"]].strip():
        return False
    lead = row[idx["lead"]].strip() if "lead" in idx else ""
    time = row[idx["time"]].strip() if "time" in idx else ""
    if not lead and not time:
        return True
    texts = [c.strip() for c in row if c.strip()]
    lower = sum(1 for c in texts if c[0].islower())
    return lower * 2 >= len([c for c in texts if not c[0].isdigit()]) and lower > 0


_HEADING_START = re.compile(r"^(ve|doi voi|nhom|linh vuc|chi so|noi dung|cac nhiem vu)\b")
_INDEX_NOISE = {"doi", "voi", "chi", "so", "ve", "cac", "nhiem", "vu", "cai", "thien", "nang", "cao", "giai", "phap",
                "index", "par", "sipas", "papi", "pci", "nam", "cua"}


def heading_words(text: str) -> bool:
    """A short numbered line that names a topic ("Về thủ tục hành chính", "Đối với ...") heads rows, it is no
    task of its own."""
    w = words(text)
    return bool(_HEADING_START.match(w)) and len(w.split()) <= 12


def index_heading(text: str) -> str | None:
    """The index a group row is about when naming it is all the row does ("ĐỐI VỚI CHỈ SỐ PAPI")."""
    found = mentioned_indices(text)
    if len(found) != 1:
        return None
    rest = [x for x in words(text).split() if x not in _INDEX_NOISE and not x.isdigit()]
    return found[0] if len(rest) <= 2 else None


def _join_continued(merged: list[list[str]], row: list[str]) -> None:
    """Join the first row of a page to the row it continues, cell by cell. A cell empty in the last row
    whose text goes on in lower case belongs to a cell merged down from a row above (the "Nhiệm vụ" cell
    spanning several activities): the text joins that cell, not the empty one."""
    prev = merged[-1]
    for c, text in enumerate(row):
        if not text.strip():
            continue
        target = prev
        if not prev[c].strip() and text.strip()[:1].islower():
            target = next((r for r in reversed(merged) if r[c].strip()), prev)
        target[c] = f"{target[c]} {text}".strip()


def table_tasks(table: Table, previous: list[str | None] | None = None
                ) -> tuple[list[RawTask], list[str | None]] | None:
    """(tasks, column roles) of one assignment table, or None when the table is not one. A table without a
    header that has the previous task table's width carries on that table (Word splits a table at a page
    break into two when a paragraph slips between the parts)."""
    if table.roles and table.roles != ["targets"]:
        roles: list[str | None] = list(table.roles)
        start = 0
        breaks = set(table.breaks)
    else:
        found = find_header(table)
        if found:
            start, roles = found
            breaks = {b - start for b in table.breaks if b >= start}
        elif previous and table.rows and len(table.rows[0]) == len(previous):
            start, roles, breaks = 0, list(previous), {0} | set(table.breaks)
        else:
            return None
    return rows_to_tasks(table.rows[start:], roles, breaks), roles


def rows_to_tasks(rows: list[list[str]], roles: list[str | None], breaks: set[int]) -> list[RawTask]:
    width = len(roles)
    idx = {r: k for k, r in enumerate(roles) if r}

    # 1. merge rows continued across a page break; drop repeated headers
    merged: list[list[str]] = []
    after_break = False
    for i, raw in enumerate(rows):
        row = (list(raw) + [""] * width)[:width]
        if i in breaks:
            after_break = True
        if columns.headerish(row) or columns.column_numbers_row(row):
            after_break = True
            continue
        if not any(c.strip() for c in row):
            continue
        if after_break and merged and _continues(row, roles):
            _join_continued(merged, row)
            after_break = False
            continue
        after_break = False
        merged.append(row)

    def cell(row: list[str], role: str) -> str:
        return clean(row[idx[role]]) if role in idx else ""

    crit_role = "objective" if "objective" in idx else ("field" if "field" in idx else None)
    has_task_col = "task" in idx

    tasks: list[RawTask] = []
    g0: str | None = None
    roman: str | None = None
    g1: str | None = None
    num: str | None = None
    own: str | None = None  # the numbered row's own content cell (field when there is no group above)
    prev: RawTask | None = None
    # a numbered row with only its task text is a group if rows follow under it, else a task nobody was
    # assigned to yet
    pending: RawTask | None = None
    index_hint: str | None = None
    arabic_top = False  # top-level groups numbered 1, 2 (their sub-groups 1.1, 1.2), no Roman numerals

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            tasks.append(pending)
            pending = None

    def settle(stt: str) -> None:
        """A numbered row with only its text is a task when a sibling follows it ("2" after "1"), the group of
        what follows when its children do ("1.1" or "a" after "1")."""
        nonlocal pending
        if pending is not None and stt and pending.ref and (
                stt.startswith(pending.ref.split(".")[-1] + ".") or stt.startswith(pending.ref + ".")
                or re.fullmatch(r"[a-zđ]", stt)):
            pending = None
        flush()

    for row in merged:
        stt = cell(row, "stt")
        texts = {r: cell(row, r) for r in columns.TEXT_ROLES if r in idx}
        lead, support, time = cell(row, "lead"), cell(row, "support"), cell(row, "time")
        # numbering printed inside the first text cell ("I. CẢI CÁCH THỂ CHẾ") when there is no STT column
        first_text_role = next((r for r in roles if r in columns.TEXT_ROLES), None)
        lone = [c for c in (clean(x) for x in row) if c]
        if not stt:
            source = lone[0] if lone else ""
            m = _NUM.match(source)
            if m and m["rest"] and (_ROMAN.match(m["num"]) or len(lone) == 1) and m["num"] not in "abcdđ":
                stt = m["num"]
                for r in texts:
                    if texts[r] == source:
                        texts[r] = clean(m["rest"])
        elif _NUM.match(stt) and _NUM.match(stt)["rest"]:
            m = _NUM.match(stt)
            stt = m["num"]
            if first_text_role and not texts.get(first_text_role):
                texts[first_text_role] = clean(m["rest"])
        if "time" in idx and not time:
            for role in ("support", "lead"):
                if role in idx and row[idx[role]].strip():
                    units, swallowed = split_trailing_time(clean(row[idx[role]]))
                    if swallowed:
                        row = list(row)
                        row[idx[role]], row[idx["time"]] = units, swallowed
                        lead, support, time = cell(row, "lead"), cell(row, "support"), swallowed
                    break
        content = [v for v in texts.values() if v]
        is_group = not lead and not support and not time and len(content) <= 1 and (
            not texts.get("activity") and not texts.get("output"))
        if is_group and not content and not stt:
            continue
        if is_group:
            text = _BULLET.sub("", content[0]) if content else ""
            if stt or text.isupper():
                settle(stt)
            named = index_heading(text)
            if named:  # "III | ĐỐI VỚI CHỈ SỐ PAPI": switches the index; the fields come under it
                index_hint = named
                if stt and _ROMAN.match(stt):
                    roman = stt
                g0, g1, num, own = None, None, None, None
                prev = None
                continue
            if stt and not _ROMAN.match(stt) and text and has_task_col and texts.get("task") == content[0] \
                    and not heading_words(text) and not text.isupper():
                ref = f"{roman}.{stt}" if roman and "." not in stt else stt
                pending = RawTask(ref, g0, None, text, None, None, [], [], None, None, index_hint)
            if stt and _ROMAN.match(stt):
                g0, roman, g1, num, own, arabic_top = text, stt, None, None, None, False
            elif stt and "." in stt and g0 is None and g1 is not None and num and stt.startswith(num + "."):
                g0, g1 = g1, text  # "1 | CẢI CÁCH THỂ CHẾ" then "1.1 | ...": the top level stays the field
                num, own, arabic_top = stt, None, True
            elif stt and arabic_top and "." not in stt:
                g0, g1, num, own = text, None, stt, None  # the next top-level group numbered like "1"
            elif stt:
                g1, num, own = text, stt, None
            elif text.isupper() and len(text) > 3:
                g0, roman, g1, num, own = text, None, None, None, None
            else:
                g1, own = text, None
            prev = None
            continue
        # a task row
        if stt:
            settle(stt)
        else:
            pending = None  # the numbered row above was the group of this one
        sub_ref = None
        if stt and num and g1 is not None and stt.startswith(num + "."):
            sub_ref = stt  # "1.2" under the group row "1": a sub-row that keeps its group as field
            prev = None
        elif stt and g1 is not None and re.fullmatch(r"[a-zđ]", stt):
            sub_ref = stt  # "a", "b" under a numbered group: items of that group
            prev = None
        elif stt and not _ROMAN.match(stt):
            num, g1, own, prev = stt, None, None, None
        elif stt:
            roman, num, g1, own, prev = stt, None, None, None, None
        crit = _BULLET.sub("", texts.get(crit_role, "")) if crit_role else ""
        title = texts.get("task", "") if has_task_col else ""
        activity = texts.get("activity") or None
        output = texts.get("output") or None
        if prev is not None:
            if not crit and prev.criterion and not own:
                crit = prev.criterion
            if not title and (activity or output):
                title = prev.title
            if not crit and own and prev.criterion:
                crit = prev.criterion
        if not title:
            if activity:
                title, activity = activity, None
            elif crit:
                title, crit = crit, ""
        if not title:
            continue
        if stt and not _ROMAN.match(stt) and g0 is None and g1 is None and crit and crit_role == "field":
            own = crit
        field = g0 if g0 is not None else (g1 if g1 is not None else own)
        criterion: str | None = crit or None
        if g0 is not None and g1 is not None and not crit:
            criterion = g1
        if field is not None and criterion == field:
            criterion = None
        if sub_ref:
            ref = f"{roman}.{sub_ref}" if roman else sub_ref
        elif num and roman and "." not in num:
            ref = f"{roman}.{num}"
        else:
            ref = num or roman
        task = RawTask(
            ref=ref, field=field, criterion=criterion, title=title, activity=activity, output=output,
            lead=split_units(row[idx["lead"]]) if "lead" in idx else [],
            support=split_units(row[idx["support"]]) if "support" in idx else [],
            timeframe=time or None, budget=cell(row, "budget") or None, index=index_hint,
        )
        tasks.append(task)
        prev = task
    flush()
    return tasks
