"""Text dumps (.txt/.md) of plan documents -> paragraphs and tables.

Three table shapes occur in dumps made from PDF or Word files:
- delimited rows: tab-separated cells or markdown pipes, often with HTML fragments inside cells and the
  header repeated at each page break (the row after it may continue the row before the break);
- HTML fragments: <table><tr><td>;
- flowed tables: one cell (or one printed line of a cell) per line, no delimiters. Rows are rebuilt from
  the header's column order, row numbers, Vietnamese time phrases and unit names.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from chiso.importing import budget, columns
from chiso.importing.blocks import Block, Para, Table
from chiso.importing.normalize import clean, fold_chars, starts_with_unit, words
from chiso.lib.text import fold

# ---------------------------------------------------------------- HTML tables


class _HTMLTable(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and int(span) < 50 else 1
        elif tag in ("br", "p", "li") and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            if self._row is None:
                self._row = []
            self._row.append(clean("".join(self._cell)))
            self._row.extend([""] * (self._span - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _html_table(fragment: str) -> Table:
    p = _HTMLTable()
    p.feed(fragment)
    p.close()
    return Table(rows=[r for r in p.rows if any(c.strip() for c in r)])



# ---------------------------------------------------------------- line helpers

_SEPARATOR = re.compile(r"^[\s|:+\-–—=_\t]*$")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
          "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15}


def _cells(line: str) -> list[str] | None:
    if line.count("\t") >= 2:
        return [clean(c) for c in line.split("\t")]
    s = line.strip()
    if s.startswith("|") and s.count("|") >= 3:
        return [clean(c) for c in s.strip("|").split("|")]
    return None


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_MD_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")


def text_to_blocks(text: str) -> list[Block]:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _MD_EMPHASIS.sub("", _MD_HEADING.sub("", text))  # markdown: "# KẾ HOẠCH", "**Chủ trì**"
    blocks: list[Block] = []
    pos = 0
    lower = text.lower()
    while True:  # <table> ... </table> fragments, found with plain searches (linear on any input)
        start = lower.find("<table", pos)
        end = lower.find("</table", start) if start >= 0 else -1
        if start < 0 or end < 0:
            break
        close = lower.find(">", end)
        close = len(text) if close < 0 else close + 1
        blocks.extend(_lines_to_blocks(text[pos:start].split("\n")))
        blocks.append(_html_table(text[start:close]))
        pos = close
    blocks.extend(_lines_to_blocks(text[pos:].split("\n")))
    return blocks


_RUNNING_HEAD = re.compile(r"(ubnd|uy ban|so|cong hoa|doc lap|tinh|huyen|bo|ban|hdnd|dang uy|tinh uy)\b")


def _page_furniture(lines: list[str]) -> set[str]:
    """Running headers and footers of the original pages ("UBND TỈNH …", "SỞ …" printed on every page): lines
    in capitals printed three times or more that are not column headings. They would land in cells as units."""
    counts: dict[str, int] = {}
    for line in lines:
        s = clean(line)
        if 2 <= len(s.split()) <= 12:
            counts[s] = counts.get(s, 0) + 1
    out = set()
    for s, n in counts.items():
        letters = [c for c in s if c.isalpha()]
        if n >= 3 and letters and all(c.isupper() for c in letters) and _RUNNING_HEAD.match(words(s)) \
                and not columns.headerish([s]):
            out.add(s)
    return out


def _lines_to_blocks(lines: list[str]) -> list[Block]:
    furniture = _page_furniture(lines)
    if furniture:  # the first print (the document's own header block) stays; the repeats go
        seen: set[str] = set()
        kept = []
        for line in lines:
            s = clean(line)
            if s in furniture and s in seen:
                continue
            seen.add(s)
            kept.append(line)
        lines = kept
    blocks: list[Block] = []
    i, n = 0, len(lines)
    while i < n:
        if i % 500 == 0:
            budget.check()
        line = lines[i]
        if _cells(line) is not None:
            j, table = _delimited_table(lines, i)
            blocks.append(table)
            i = j
            continue
        header = _flowed_header(lines, i)
        if header:
            end_header, roles, kind = header
            j = _flowed_end(lines, end_header, roles)
            if kind == "targets":
                blocks.append(Table(rows=[[ln] for ln in lines[i:j] if ln.strip()], roles=["targets"]))
            else:
                blocks.append(_flowed_table(lines[end_header:j], roles))
            i = j
            continue
        if line.strip():
            blocks.append(Para(line))
        i += 1
    return blocks


# ---------------------------------------------------------------- delimited tables


def _delimited_table(lines: list[str], i: int) -> tuple[int, Table]:
    rows: list[list[str]] = []
    breaks: set[int] = set()
    header: list[str] | None = None
    n = len(lines)
    while i < n:
        line = lines[i]
        cells = _cells(line)
        if cells is None:
            if not line.strip() or _SEPARATOR.match(line):
                i += 1
                continue
            # a heading line inside the table (group row) if the table goes on right after it
            nxt = next((k for k in range(i + 1, min(n, i + 4)) if lines[k].strip()), None)
            if nxt is None or _cells(lines[nxt]) is None or len(line.strip()) > 200:
                break
            rows.append([clean(line)])
            i += 1
            continue
        if _SEPARATOR.match(line):
            i += 1
            continue
        if columns.headerish(cells):
            if header is None:
                header = cells
                rows.append(cells)
            else:
                breaks.add(len(rows))
            i += 1
            continue
        rows.append(cells)
        i += 1
    width = max((len(r) for r in rows), default=0)
    out = []
    for r in rows:
        if len(r) == 1 and width > 1:
            out.append(r + [""] * (width - 1))
        else:
            out.append(r + [""] * (width - len(r)))
    return i, Table(rows=out, breaks=breaks)


# ---------------------------------------------------------------- flowed tables

_STOP = re.compile(
    r"^(phu luc\b|noi nhan\b|tren day la\b|[ivx]+\.\s+(to chuc thuc hien|yeu cau|kinh phi|muc dich|muc tieu|"
    r"nhiem vu|giai phap|che do bao cao|trach nhiem|dieu khoan)\b)"
)


_HEADER_START = re.compile(r"(stt|tt|so tt|so thu tu|noi dung|nhiem vu|linh vuc|muc tieu|ten nhiem vu)\b")
_STT_START = re.compile(r"(stt|tt|so tt|so thu tu)\b")


def _flowed_header(lines: list[str], i: int) -> tuple[int, list[str], str] | None:
    """A header starting at line i: (index after the header, column roles, "tasks" | "targets")."""
    first = words(lines[i])
    if not _HEADER_START.match(first):
        return None
    if not _STT_START.match(first):
        # a header without an STT column: the first line must be column names only
        fw = first.split()
        if len(fw) > 16 or sum(1 for x in fw if x in columns.HEADER_WORDS) < 0.9 * len(fw) \
                or len(columns.roles_from_header_text(lines[i])) < 3:
            return None
    texts, j, n = [], i, len(lines)
    while j < n and len(texts) < 18:
        s = lines[j].strip()
        if not s:
            j += 1
            continue
        w = words(s).split()
        vocab = sum(1 for x in w if x in columns.HEADER_WORDS or x.isdigit() or x in ("xep", "hang", "diem",
                                                                                     "theo", "bo", "so",
                                                                                     "voi", "tang", "kien"))
        if texts and (not w or vocab < 0.75 * len(w)):
            break
        texts.append(s)
        j += 1
    joined = " ".join(texts)
    jw = words(joined)
    if "xep hang" in jw and "diem" in jw:
        return j, ["targets"], "targets"
    roles = columns.roles_from_header_text(joined)
    has_task = any(r in roles for r in ("task", "field", "objective"))
    if has_task and ("lead" in roles or "time" in roles) and len(roles) >= 3:
        return j, roles, "tasks"
    return None


def _flowed_end(lines: list[str], j: int, roles: list[str]) -> int:
    """Where the flowed table ends: a new section, appendix or signature, or a table with other columns.
    The same header printed again (at a page break) does not end it."""
    n = len(lines)
    while j < n:
        w = words(lines[j])
        if w and (_STOP.match(w) or _STOP.match(fold(lines[j].strip()))):
            return j
        if w and _HEADER_START.match(w):
            header = _flowed_header(lines, j)
            if header and header[1] != roles:
                return j
            if header:
                j = header[0]
                continue
        j += 1
    return n


class _Frag:
    __slots__ = ("text", "hard")

    def __init__(self, text: str, hard: bool):
        self.text = text
        self.hard = hard

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"{'|' if self.hard else ''}{self.text}"


_ROW_START = re.compile(r"^(?P<num>[IVXL]{1,5}|\d{1,3}(?:\.\d{1,3}){0,3})\.?(?:\s+(?P<rest>.*))?$")
_BULLET = re.compile(r"^[-–—+•]\s*")

# time phrases: complete forms (fold) and forms completed on the next printed line
_TIME_FULL = re.compile(
    r"(?:trong |ca |het )?nam \d{4}|thuong xuyen|lien tuc|dot xuat|hang (?:thang|quy|nam|tuan|ngay)"
    r"|dinh ky(?: hang)? (?:thang|quy|nam|6 thang)|(?:xong |hoan thanh )?(?:truoc|cham nhat|den)(?: ngay)?"
    r" \d{1,2}/\d{1,2}(?:/\d{4})?|\d{1,2}/\d{1,2}/\d{4}|quy [ivx1-4]+(?:/| nam )\d{4}"
    r"|thang \d{1,2}(?:/| nam )\d{4}|6 thang (?:dau|cuoi) nam \d{4}|khi co phat sinh|khi co yeu cau"
)
_TIME_OPEN = re.compile(
    r"(?:trong nam|ca nam|truoc, sau|truoc va sau|truoc ngay|truoc|sau khi|khi co|khi|theo ke hoach|"
    r"theo yeu cau|xong truoc|cham nhat|hang|dinh ky|quy [ivx1-4]+|thang \d{1,2}"
    r"|6 thang (?:dau|cuoi)(?: nam)?)"
)
_UNIT_SPLIT = re.compile(
    r"\s+(?=(?:Các|Văn phòng|Phòng|Trung tâm|UBND|Ủy ban|Uỷ ban|Chi cục|Thanh tra|Bộ phận|Đơn vị|Lãnh đạo"
    r"|Ban|Cac|Van phong|Phong|Trung tam|Uy ban|Chi cuc|Bo phan|Don vi|Lanh dao)\b)"
)
_PROPER = set(
    "sở trang cổng hệ chính nhà trung tỉnh bộ nghị quyết kế luật thủ ủy uỷ văn phòng đảng quốc việt chủ "
    "lãnh hội ban công ubnd hđnd so cong he chinh nha tinh bo nghi quyet ke thu uy van phong dang quoc chu "
    "lanh hoi".split()
)


def _is_upper_start(s: str) -> bool:
    return bool(s) and s[0].isupper()


_WINDOW = 300  # a time phrase and the context that decides it fit in this many characters


def _time_at(text: str, p: int, folded: str | None = None) -> tuple[int, bool] | None:
    """If a time phrase starts at text[p]: (end index, complete?). Looks only at a window after p, so
    scanning a line costs time in proportion to its length (issue 9: no quadratic parse)."""
    f = folded if folded is not None else fold_chars(text[p:p + _WINDOW])
    base = 0 if folded is None else p
    rest = f[base:base + _WINDOW]
    short = len(text) - p <= _WINDOW  # the whole rest of the text is in the window
    m = _TIME_FULL.match(rest)
    if m:
        end = p + m.end()
        tail = text[end:end + _WINDOW].strip()
        if not tail or (tail[0].isupper() and starts_with_unit(tail)) or tail.startswith("(") \
                or (len(text) - end <= _WINDOW and re.fullmatch(r"[\d.,]+", tail)):
            return end, True
    if short and re.match(r"(khi|sau khi|truoc khi|ngay sau khi|theo (ke hoach|yeu cau|chi dao|huong dan|lo trinh"
                          r"|tien do))\b", rest) and len(rest.split()) <= 8 and not re.search(r"[.;]\s*\S", rest):
        return len(text), True
    m = _TIME_OPEN.match(rest)
    if m and short and len(rest.split()) <= 4:
        tail = text[p + m.end():].strip(" ,")
        if not tail or (tail and tail[0].islower() and len(tail.split()) <= 2):
            return len(text), False
    if m:
        # "Trước, sau tuyển dụng Văn phòng ...": a few lower-case words, then the unit columns
        k = p + m.end()
        lower = re.match(r"(?:[\s,]+[a-zà-ỹđ][^\s,.;]*){0,3}", text[k:k + _WINDOW])
        end = k + (lower.end() if lower else 0)
        after = text[end:end + _WINDOW].strip()
        if after and after[0].isupper() and starts_with_unit(after) and end > k:
            return end, True
    return None


def _find_time(text: str) -> tuple[int, int, bool] | None:
    """A time phrase at the start of text or after a space where a capital (or digit) starts it."""
    folded = fold_chars(text)  # once per line, not once per capitalised word
    for m in re.finditer(r"(?:^|(?<=\s))\S", text):
        p = m.start()
        if not (text[p].isupper() or text[p].isdigit()):
            continue
        hit = _time_at(text, p, folded)
        if hit:
            return p, hit[0], hit[1]
    return None


def split_trailing_time(text: str) -> tuple[str, str]:
    """A unit cell that swallowed the time cell printed after it: ("Các phòng, đơn vị liên quan", "Năm 2025")."""
    hit = _find_time(text)
    if hit and hit[0] > 0 and starts_with_unit(text) and hit[1] >= len(text.rstrip(" .;")) - 1:
        return text[:hit[0]].strip(" ,;"), text[hit[0]:hit[1]].strip()
    return text, ""


def _split_units(text: str) -> list[str]:
    return [p for p in _UNIT_SPLIT.split(text.strip()) if p.strip()]


class _Sub:
    def __init__(self, note_last: bool = False) -> None:
        self.note_last = note_last  # the table ends with a "Ghi chú" column after the units and the time
        self.note: list[str] = []
        self.pieces: list[tuple[str, bool, bool]] = []  # (text, hard, bullet)
        self.time: list[str] = []
        self.time_open = False
        self.units: list[str] = []
        self.numbers: list[str] = []  # a trailing amount (the budget column)
        self.phase = "text"

    def empty(self) -> bool:
        return not self.pieces and not self.time and not self.units


def _parse_row_frags(frags: list[_Frag], units_first: bool, note_last: bool = False) -> list[_Sub]:
    subs = [_Sub(note_last)]
    for frag in frags:
        _feed(subs, frag.text.strip(), frag.hard, units_first)
    return [s for s in subs if not s.empty()]


_HEAD_AT = re.compile(
    r"(?:^|(?<=\s))(?=(?:Các|Văn phòng|Phòng|Trung tâm|UBND|Ủy ban|Uỷ ban|Chi cục|Thanh tra|Bộ phận|Đơn vị"
    r"|Lãnh đạo|Sở|Cac|Van phong|Phong|Trung tam|Uy ban|Chi cuc|Bo phan|Don vi|Lanh dao|So)\b)"
)


def _units_tail(text: str) -> int | None:
    """Where a run of unit names that ends the text begins ("... nông nghiệp Thanh tra Sở Phòng Pháp chế")."""
    for m in _HEAD_AT.finditer(text):
        q = m.start()
        if len(text) - q > 16 * 30:
            continue  # more than 16 words of units cannot follow: skip without copying the tail
        tail = text[q:].strip()
        if not tail:
            continue
        units = _split_units(tail)
        if all(len(u.split()) <= 7 for u in units) and len(tail.split()) <= 16:
            if q > 0 and fold(text[:q]).rstrip().endswith(("cua", "tai", "cho", "voi", "va", "den", "tren")):
                continue
            return q
    return None


def _feed(subs: list[_Sub], t: str, hard: bool, units_first: bool = False) -> None:
    cur = subs[-1]
    if not t:
        return
    bullet = bool(_BULLET.match(t)) and len(t) > 2
    if cur.phase == "text":
        hit = _find_time(t)
        if hit and not bullet or (hit and hit[0] > 0):
            p, end, complete = hit
            if p > 0 and units_first:
                q = _units_tail(t[:p])
                if q is not None:
                    if q > 0:
                        cur.pieces.append((t[:q].strip(), hard, bullet))
                    cur.units.extend(_split_units(t[q:p]))
                    cur.time.append(t[p:end].strip())
                    cur.time_open = not complete
                    cur.phase = "time"
                    if t[end:].strip():
                        _feed(subs, t[end:].strip(), False, units_first)
                    return
            if p > 0:
                cur.pieces.append((t[:p].strip(), hard, bullet))
            cur.time.append(t[p:end].strip())
            cur.time_open = not complete
            cur.phase = "time"
            rest = t[end:].strip()
            if rest:
                _feed(subs, rest, False, units_first)
            return
        if cur.pieces and starts_with_unit(t) and _is_upper_start(t) and len(t.split()) <= (12 if units_first else 6) \
                and (hard or units_first) and not t.rstrip().endswith(","):
            q = _units_tail(t) if units_first else 0
            if q == 0:
                cur.units.extend(_split_units(t))
                cur.phase = "units"
                return
        cur.pieces.append((_BULLET.sub("", t) if bullet else t, hard, bullet))
        return
    # after the time or the units of this sub-row
    if re.fullmatch(r"[\d.,]+", t) and not (cur.phase == "time" and cur.time_open):
        cur.numbers.append(t)
        return
    if cur.note_last and cur.time and not cur.time_open and cur.units and not bullet and (
            (not cur.note and len(t.split()) <= 8 and not _ROW_START.match(t)) or (cur.note and t[0].islower())):
        cur.note.append(t)  # the "Ghi chú" cell
        return
    if bullet:
        subs.append(_Sub(cur.note_last))
        _feed(subs, t, True, units_first)
        return
    if cur.phase == "time" and cur.time_open and (t[0].islower() or t[0].isdigit()):
        parts = _split_units(t)
        first = parts[0]
        if not starts_with_unit(first) or not _is_upper_start(first):
            cur.time.append(first)
            parts = parts[1:]
            cur.time_open = not re.search(r"\d{4}", first) and len(" ".join(cur.time).split()) < 6
        if parts:
            cur.units.extend(parts)
            cur.phase = "units"
        return
    if starts_with_unit(t) and _is_upper_start(t) and len(t.split()) <= 12:
        hit = _find_time(t) if not cur.time else None
        if hit and hit[0] > 0:  # "Các phòng, đơn vị liên quan Năm 2025": the next cell on the same line
            cur.units.extend(_split_units(t[:hit[0]].strip()))
            cur.time.append(t[hit[0]:hit[1]].strip())
            cur.time_open = not hit[2]
            cur.phase = "time"
            return
        cur.units.extend(_split_units(t))
        cur.phase = "units"
        return
    if cur.phase == "units" and not cur.time:
        hit = _find_time(t)
        if hit and hit[0] == 0:
            cur.time.append(t[:hit[1]].strip())
            cur.time_open = not hit[2]
            cur.phase = "time"
            return
    if t[0].islower() or (len(t.split()) <= 2 and not hard and not t[0].isdigit()):
        if cur.units:
            cur.units[-1] = f"{cur.units[-1]} {t}"
        elif cur.time:
            cur.time[-1] = f"{cur.time[-1]} {t}"
        return
    subs.append(_Sub(cur.note_last))
    _feed(subs, t, True, units_first)


def _cells_of(sub: _Sub) -> tuple[list[list[str]], list[bool]]:
    """Group a sub-row's text pieces into cells: a new cell at a bullet or a hard break."""
    cells: list[list[str]] = []
    flags: list[bool] = []
    for text, hard, bullet in sub.pieces:
        if not text:
            continue
        if not cells or hard or bullet:
            cells.append([text])
            flags.append(bullet)
        else:
            cells[-1].append(text)
    return cells, flags


def _split_by_case(cells: list[list[str]], want: int) -> list[list[str]]:
    """Too few cells: split a cell before a printed line that starts with a capitalised word."""
    out = [list(c) for c in cells]
    changed = True
    while len(out) < want and changed:
        changed = False
        for ci, cell in enumerate(out):
            for li in range(1, len(cell)):
                first = cell[li].split()[0] if cell[li].split() else ""
                if first[:1].isupper() and not first.isupper() and first.lower() not in _PROPER:
                    out[ci:ci + 1] = [cell[:li], cell[li:]]
                    changed = True
                    break
            if changed:
                break
    if out and len(out) < want:
        # last resort: a capitalised word in the middle of the first printed line of the first cell
        cell = out[0]
        line = cell[0]
        for m in re.finditer(r"(?<=[a-zà-ỹđ)]) ([A-ZĐÀ-Ỹ][a-zà-ỹđ]+)", line):
            if m.group(1).lower() in _PROPER:
                continue
            out[0:1] = [[line[:m.start()]], [line[m.start() + 1:]] + cell[1:]]
            break
    return out


def _roman_value(num: str) -> int | None:
    return _ROMAN.get(num)


def _flowed_table(lines: list[str], roles: list[str]) -> Table:
    frags: list[_Frag] = []
    pending_hard = False
    k = 0
    while k < len(lines):
        raw = lines[k]
        k += 1
        if _HEADER_START.match(words(raw)):
            header = _flowed_header(lines, k - 1)
            if header:  # the header printed again at the top of a page
                k = header[0]
                nxt = next((x.strip() for x in lines[k:k + 3] if x.strip()), "")
                pending_hard = not nxt[:1].islower()  # a lower-case line carries on the cell before the break
                continue
        if not raw.strip():
            if raw:  # a line of spaces: an empty cell between two cells
                pending_hard = True
            continue
        if columns.headerish([raw]) and len(words(raw).split()) <= 12:
            pending_hard = True
            continue
        frags.append(_Frag(raw.strip(), pending_hard or raw[:1] in (" ", "\t")))
        pending_hard = False

    text_roles = [r for r in roles if r in columns.TEXT_ROLES]
    units_first = "lead" in roles and ("time" not in roles or roles.index("lead") < roles.index("time"))
    note_last = bool(roles) and roles[-1] == "note"
    width = len(roles)
    idx = {r: k for k, r in enumerate(roles)}

    def emit(num: str, texts: dict[str, str], time: str = "", units: list[str] | None = None,
             numbers: list[str] | None = None, note: list[str] | None = None) -> list[str]:
        row = [""] * width
        if note and "note" in idx:
            row[idx["note"]] = " ".join(note)
        if numbers and "budget" in idx:
            row[idx["budget"]] = numbers[0]
        if "stt" in idx:
            row[idx["stt"]] = num
        for r, v in texts.items():
            if r in idx:
                row[idx[r]] = v
        cells: list[str] = []
        for u in units or []:
            if cells and cells[-1].rstrip().endswith((",", ";")):
                cells[-1] = f"{cells[-1]} {u}"  # "Văn phòng Sở," / "Phòng Pháp chế": one cell, two units
            else:
                cells.append(u)
        units = cells
        if "lead" in idx and units:
            row[idx["lead"]] = units[0]
        if "support" in idx and len(units) > 1:
            row[idx["support"]] = "; ".join(units[1:])
        elif len(units) > 1 and "lead" in idx:
            row[idx["lead"]] = "; ".join(units)
        if "time" in idx:
            row[idx["time"]] = time
        return row

    # segment into numbered rows
    segments: list[tuple[str, str, list[_Frag]]] = []  # (num, kind, frags)
    last_roman, last_arabic = 0, 0
    for fr in frags:
        m = _ROW_START.match(fr.text)
        accepted = False
        if m:
            num, rest = m["num"], (m["rest"] or "").strip()
            rv = _roman_value(num)
            if rv is not None and (rv == last_roman + 1 or (rv == 1 and last_roman == 0)):
                letters = [c for c in rest if c.isalpha()]
                if not rest or sum(c.isupper() for c in letters) >= 0.6 * len(letters):
                    segments.append((num, "roman", [_Frag(rest, False)] if rest else []))
                    last_roman, last_arabic = rv, 0
                    accepted = True
            elif num.isdigit() and (int(num) == last_arabic + 1 or int(num) == 1):
                segments.append((num, "arabic", [_Frag(rest, False)] if rest else []))
                last_arabic = int(num)
                accepted = True
            elif "." in num and rest:
                segments.append((num, "arabic", [_Frag(rest, False)]))
                accepted = True
            elif num.isdigit() and not rest:
                accepted = True  # a page number
        if not accepted:
            if segments:
                segments[-1][2].append(fr)
            else:
                segments.append(("", "arabic", [fr]))

    rows: list[list[str]] = []
    for num, kind, segfrags in segments:
        if kind == "roman":
            text = " ".join(f.text for f in segfrags)
            rows.append(emit(num, {text_roles[0] if text_roles else "task": text}))
            continue
        subs = _parse_row_frags(segfrags, units_first, note_last)
        first = True
        for sub in subs:
            cells, flags = _cells_of(sub)
            group = []
            has_task = bool(sub.time or sub.units)
            if first and has_task:
                if any(flags) and not flags[0]:
                    # "1 Group / - bullet criterion / task": the text before the first bullet is the group
                    k = flags.index(True)
                    group, cells = cells[:k], cells[k:]
                elif len(cells) > len(text_roles):
                    group = cells[: len(cells) - len(text_roles)]
                    cells = cells[len(cells) - len(text_roles):]
            if len(cells) < len(text_roles) and has_task:
                cells = _split_by_case(cells, len(text_roles))
            if len(cells) > len(text_roles) and text_roles:
                extra = len(cells) - len(text_roles) + 1
                cells = [[x for c in cells[:extra] for x in c]] + cells[extra:]
            texts: dict[str, str] = {}
            joined = [" ".join(c) for c in cells]
            if has_task:
                # assign from the end so that a lone cell is the task itself
                tr = list(text_roles)
                if "task" in tr and len(joined) < len(tr):
                    ti = tr.index("task")
                    tr = tr[: ti + 1][-len(joined):] if len(joined) <= ti + 1 else tr[: len(joined)]
                for r, v in zip(tr, joined, strict=False):
                    texts[r] = v
            else:
                texts[text_roles[0] if text_roles else "task"] = " ".join(joined)
            if group:
                group_text = " ".join(x for c in group for x in c)
                rows.append(emit(num if first else "", {text_roles[0]: group_text}))
                rows.append(emit("", texts, " ".join(sub.time), sub.units, sub.numbers, sub.note))
            else:
                rows.append(emit(num if first else "", texts, " ".join(sub.time), sub.units, sub.numbers,
                                 sub.note))
            first = False
        if not subs:
            rows.append(emit(num, {}))
    return Table(rows=rows, roles=list(roles))
