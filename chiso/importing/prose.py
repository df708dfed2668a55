"""Plans without an assignment table: numbered solution items become tasks.

"2.1. Cải thiện 'mức độ hài lòng ...': <task>" gives field + title; "- Nhiệm vụ 1: ...",
"- Đơn vị chủ trì: ...", "- Đơn vị phối hợp: ..." give several tasks with their units; units named for a field in the
"Tổ chức thực hiện" section ("Phòng X: tham mưu ... lĩnh vực cải cách thể chế") become its lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chiso.importing.normalize import clean, fold_chars, split_units, starts_with_unit, words
from chiso.importing.tables import RawTask

_ITEM = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^\s*[a-zđ]\)\s+")
_BULLET = re.compile(r"^\s*[-–—+•]\s*")
_PAGE = re.compile(r"^\s*(?:-\s*)?\d{1,3}(?:\s*-)?\s*$")
_LABEL_F = re.compile(
    r"^(?P<key>(?:don vi|co quan)?\s*(?:chu tri|phoi hop)(?: thuc hien)?|thoi gian(?: thuc hien| hoan thanh)?"
    r"|thoi han(?: hoan thanh)?|nhiem vu(?:\s*\d+)?|ket qua(?:/| va )?(?:san pham)?|san pham)"
    r"\s*:\s*(?P<val>.*)$"
)


class _Label:
    def __init__(self, key: str, val: str):
        self._g = {"key": key, "val": val}

    def __getitem__(self, k: str) -> str:
        return self._g[k]


def _label(text: str) -> _Label | None:
    m = _LABEL_F.match(fold_chars(text))
    if not m:
        return None
    return _Label(m["key"], text[m.start("val"):])


@dataclass
class Item:
    num: str
    lines: list[str] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.num.count(".") + 1

    @property
    def text(self) -> str:
        return clean(" ".join(self.lines))


def _items(lines: list[str]) -> tuple[list[str], list[Item]]:
    """Split lines into numbered items; wrapped lines join the item they belong to."""
    preamble: list[str] = []
    items: list[Item] = []
    for line in lines:
        if not line.strip() or _PAGE.match(line):
            continue
        m = _ITEM.match(line)
        if m and (m["rest"][0].isupper() or m["rest"][0] in "\"'“‘(«"):
            items.append(Item(m["num"].rstrip("."), [m["rest"]]))
        elif items:
            items[-1].lines.append(line)
        else:
            preamble.append(line)
    return preamble, items


def _subparts(item: Item) -> tuple[str, list[str]]:
    """The item's own text and its bullet / lettered sub-parts, each joined across wrapped lines."""
    head: list[str] = []
    parts: list[list[str]] = []
    for line in item.lines:
        if _BULLET.match(line) or _LETTER.match(line):
            parts.append([line.strip()])
        elif parts:
            parts[-1].append(line.strip())
        else:
            head.append(line.strip())
    return clean(" ".join(head)), [clean(" ".join(p)) for p in parts]


_DETAIL_F = re.compile(r"\(\s*(?:chi tiet|xem|co phu luc)[^)]*\)\.?")


def _strip_detail(text: str) -> str:
    """Drop "(Chi tiết tại Phụ lục kèm theo)" pointers."""
    for m in reversed(list(_DETAIL_F.finditer(fold_chars(text)))):
        text = text[:m.start()] + text[m.end():]
    return text


def prose_tasks(lines: list[str], assignments: list[tuple[str, str]]) -> list[tuple[RawTask, list[str]]]:
    """Tasks of a task section's lines, each with the heading texts above it (for the index context)."""
    _, items = _items(lines)
    out: list[tuple[RawTask, list[str]]] = []
    stack: list[Item] = []
    for k, item in enumerate(items):
        while stack and stack[-1].depth >= item.depth:
            stack.pop()
        ancestors = [a.text for a in stack]
        stack.append(item)
        nxt = items[k + 1] if k + 1 < len(items) else None
        if nxt is not None and nxt.depth > item.depth:
            continue  # a heading with numbered children
        out.extend((t, ancestors) for t in _item_tasks(item, ancestors, assignments))
    return out


def _item_tasks(item: Item, ancestors: list[str], assignments: list[tuple[str, str]]) -> list[RawTask]:
    head, parts = _subparts(item)
    head = clean(_strip_detail(head))
    parts = [clean(_strip_detail(p)) for p in parts if clean(_strip_detail(p))]
    labelled = [(_label(_BULLET.sub("", p)), p) for p in parts]
    field_text, title = _split_heading(head)
    ref = item.num
    tasks: list[RawTask] = []
    if any(m and words(m["key"]).startswith("nhiem vu") for m, _ in labelled):
        fld = (field_text or head).rstrip(" :")
        cur: RawTask | None = None
        for m, p in labelled:
            if not m:
                if cur is not None:
                    cur.title = clean(f"{cur.title} {p}")
                continue
            key, val = words(m["key"]), clean(m["val"])
            if key.startswith("nhiem vu"):
                cur = RawTask(ref, fld, None, val, None, None, [], [], None, None)
                tasks.append(cur)
            elif cur is not None:
                _apply_label(cur, key, val)
        return tasks
    body = [p for m, p in labelled if not m]
    if field_text is None and not body:
        title = head
    elif field_text is None:
        if len(head.split()) <= 15:
            field_text, title = head.rstrip(" :."), ""
        else:
            title = head
    title = clean(" ".join([title or ""] + body))
    if not title:
        return []
    task = RawTask(ref, field_text, None, title, None, None, [], [], None, None)
    for m, _ in labelled:
        if m:
            _apply_label(task, words(m["key"]), clean(m["val"]))
    # units named inline in the text ("Đơn vị chủ trì: ...")
    inline = re.search(r"(?:don vi|co quan)\s+chu tri\s*:\s*([^.;]+)", fold_chars(title))
    if inline and not task.lead:
        task.lead = split_units(title[inline.start(1):inline.end(1)])
        task.title = clean(title[:inline.start()]).rstrip(" -;,(")
    if not task.lead:
        task.lead = _assigned(field_text or title, assignments) or _assigned_ref(ref, assignments)
    tasks.append(task)
    return tasks


def _apply_label(task: RawTask, key: str, val: str) -> None:
    if "chu tri" in key:
        task.lead = split_units(val)
    elif "phoi hop" in key:
        task.support = split_units(val)
    elif key.startswith(("thoi gian", "thoi han")):
        task.timeframe = val.rstrip(".") or None
    elif key.startswith(("ket qua", "san pham")):
        task.output = val or None


def _split_heading(head: str) -> tuple[str | None, str]:
    """"Cải cách thể chế: Nâng cao ..." -> ("Cải cách thể chế", "Nâng cao ...")."""
    m = re.match(r"^(?P<f>[^:]{3,160}?)\s*:\s*(?P<t>.*)$", head)
    if m and len(m["f"].split()) <= 20 and not re.search(r"\d{1,2}/\d{1,2}/\d{4}\s*$", m["f"]):
        return m["f"].strip(), m["t"].strip()
    return None, head


def unit_tasks(lines: list[str]) -> list[tuple[RawTask, list[str]]]:
    """Plans that only say what each unit does ("1. Văn phòng Sở: - Tham mưu ...; - Theo dõi ..."): each
    bullet (or the whole text when there is none) is a task led by that unit."""
    _, items = _items(lines)
    out: list[tuple[RawTask, list[str]]] = []
    for item in items:
        unit, text = _unit_of(item)
        if not unit:
            continue
        _, parts = _subparts(item)
        bodies = [_BULLET.sub("", p) for p in parts if _BULLET.match(p)] or ([text] if text else [])
        for body in bodies:
            body = clean(body).lstrip(":- ").strip()
            if len(body.split()) >= 4:
                out.append((RawTask(item.num, None, None, body, None, None, [unit], [], None, None), []))
    return out


def _unit_of(item: Item) -> tuple[str | None, str]:
    """(the unit an item is about, the rest of its text) or (None, its text)."""
    text = item.text
    first = item.lines[0].strip()
    if not starts_with_unit(first):
        return None, text
    m = re.match(r"^(?P<u>.{3,120}?)(?:\s*:\s*|\s+(?:có trách nhiệm|chủ trì|phối hợp|tham mưu|thực hiện"
                 r"|tổng hợp|báo cáo|theo dõi|triển khai|hướng dẫn|đôn đốc|co trach nhiem|chu tri|phoi hop"
                 r"|tham muu|thuc hien|tong hop|bao cao|theo doi|trien khai|huong dan|don doc)\b)", first)
    if m and len(m["u"].split()) > 12:
        m = None
    if len(first.split()) <= 14 and not m and "," not in first:
        return clean(first).rstrip(" .:"), clean(" ".join(item.lines[1:]))
    if m:
        unit = clean(first[m.start("u"):m.end("u")])
        return unit, clean(text[len(unit):])
    return None, text


def organise_items(lines: list[str]) -> list[tuple[str | None, str]]:
    """(unit or None, text) for each numbered item (and each lead paragraph) of the 'Tổ chức thực hiện'
    section."""
    preamble, items = _items(lines)
    if preamble:
        items = [Item("", [p]) for p in preamble] + items
    return [_unit_of(item) for item in items]


def assignments_of(lines: list[str]) -> list[tuple[str, str]]:
    """(unit, what it is charged with) for the items of the 'Tổ chức thực hiện' section named after a unit."""
    return [(u, body) for u, body in organise_items(lines) if u]


def _assigned_ref(ref: str, assignments: list[tuple[str, str]]) -> list[str]:
    """The unit whose duties name this item by number ("chủ trì thực hiện nhiệm vụ tại mục 1.1, 1.3")."""
    if "." not in ref:
        return []
    pattern = re.compile(r"\b(?:muc|diem|tieu muc|nhiem vu|noi dung|so)\s+(?:[\d.]+\s*(?:,|va)\s*)*" +
                         re.escape(ref) + r"(?![\d])")
    hits = [unit for unit, body in assignments if pattern.search(fold_chars(body))]
    return [hits[0]] if len(hits) == 1 else []


def _assigned(topic: str | None, assignments: list[tuple[str, str]]) -> list[str]:
    """The unit charged with this field in the 'Tổ chức thực hiện' section, if exactly one names it."""
    key = words(re.sub(r"\([^)]*\)", " ", topic or ""))
    if len(key.split()) < 2 or len(key.split()) > 12:
        return []
    hits = [unit for unit, body in assignments if f" {key} " in f" {words(body)} "]
    if not hits and len(key) >= 12:
        # an OCR'd section without diacritics and with misread letters ("linh vuc cai cach the che" read as
        # "linh vuc cai cach thé ché"): the closest body, when it stands out, names the field
        from rapidfuzz import fuzz

        scored = sorted(((fuzz.partial_ratio(key, words(body)), unit) for unit, body in assignments),
                        key=lambda s: s[0], reverse=True)
        if scored and scored[0][0] >= 88 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
            hits = [scored[0][1]]
    return [hits[0]] if len(hits) == 1 else []
