"""One layout-understanding parser: blocks (paragraphs and tables) -> the plan-import contract object."""

from __future__ import annotations

import bisect
import re

from chiso.importing import budget, columns, meta, prose
from chiso.importing.blocks import Block, Para, Table
from chiso.importing.errors import ImportRejected
from chiso.importing.normalize import (
    INDICES,
    clean,
    field_indices,
    index_for,
    index_mentions,
    mentioned_indices,
    pick_measure,
    words,
)
from chiso.importing.tables import RawTask, find_header, table_tasks
from chiso.lib.text import fold
from chiso.lib.vndates import parse_timeframe

_SECTION = re.compile(r"^\s*(?P<num>[IVX]{1,4})\s*[.)]\s*(?P<title>\S.*)$")
_APPENDIX = re.compile(r"^\s*(phu luc|ph lc)\b")
NOT_A_PLAN = "Tệp không phải là kế hoạch: không tìm thấy nhiệm vụ nào."


_ARABIC_SECTION = re.compile(r"^\s*(?P<num>\d{1,2})\s*[.)]\s*(?P<title>\S.*)$")


# Roman numerals as OCR misreads them: "HI." for "III.", "Il." / "1I." for "II.", "IIL" + title for "II." + title
_OCR_ROMAN = re.compile(r"^\s*(?P<num>[IVXHl1|!]{1,4}?)(?:\s*[.,:)]\s*|L\s*|\s+)(?P<title>[A-ZĐÀ-Ỹ].*)$")


def _ocr_roman(text: str) -> str:
    """Put a section number misread by OCR back as the Roman numeral it most likely is."""
    m = _OCR_ROMAN.match(text)
    if not m or re.fullmatch(r"[IVX]{1,4}", m["num"]) and text[m.end("num"):].lstrip()[:1] in ".)":
        return text
    letters = [c for c in m["title"] if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.7 * len(letters):
        return text  # only headings in capitals are repaired: "1 Kế hoạch ..." stays a sentence
    if not re.search(r"[IVXHl|]", m["num"]):
        return text  # "1 CẢI CÁCH ...": an Arabic number is not a misread Roman one
    num = m["num"].replace("H", "II").translate(str.maketrans("l1|!", "IIII"))
    if not re.fullmatch(r"[IVX]{1,4}", num):
        return text
    return f"{num}. {m['title']}"


def _is_section(text: str, pattern: re.Pattern = _SECTION) -> re.Match | None:
    """A section heading: "II. NHIỆM VỤ, GIẢI PHÁP" (capitals), or a short heading with a section word
    ("III. Tổ chức thực hiện"). OCR damage to the numeral ("HI. NHIỆM VỤ", "IILNHIEM VU") is tolerated."""
    text = clean(text)
    if pattern is _SECTION:
        text = _ocr_roman(text)
    m = pattern.match(text)
    if not m:
        return None
    letters = [c for c in m["title"] if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) >= 0.7 * len(letters):
        return m
    if pattern is _SECTION and len(m["title"].split()) <= 10 and _kind(m["title"]) != "other" \
            and not m["title"].rstrip().endswith((".", ";", ",")) and ":" not in m["title"]:
        return m
    return None


_KINDS = [
    ("organise", ("to chuc thuc hien", "trach nhiem", "phan cong")),
    ("tasks", ("nhiem vu", "giai phap", "noi dung", "bien phap")),
    ("goals", ("muc tieu", "muc dich", "yeu cau", "can cu", "quan diem", "ket qua")),
]


def _kind(title: str) -> str:
    """What a section heading announces, from its keywords; an OCR-damaged heading ("TO CHUC THUC HlEN",
    "NHIEM VLJ") is matched with a small edit distance on folded text."""
    from rapidfuzz import fuzz

    f = words(title)
    for kind, keys in _KINDS:
        if any(k in f for k in keys):
            return kind
    head = " ".join(f.split()[:8])
    for kind, keys in _KINDS:
        if any(len(k) >= 8 and fuzz.partial_ratio(k, head) >= 85 for k in keys):
            return kind
    return "other"


def _join_split_tables(blocks: list[Block]) -> list[Block]:
    """A headerless table right after a task table of the same width is its continuation."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (isinstance(b, Table) and isinstance(prev, Table) and b.roles is None and prev.roles is None
                and b.rows and prev.rows and len(b.rows[0]) == len(prev.rows[0])
                and find_header(prev) is not None):
            found = find_header(b)
            same = found is not None and [clean(c) for c in b.rows[0]] == [clean(c) for c in prev.rows[0]]
            if found is None or same:
                start = found[0] if same else 0  # the header printed again on the next page
                prev.breaks.add(len(prev.rows))
                prev.breaks.update(len(prev.rows) + k - start for k in b.breaks if k >= start)
                prev.rows.extend(b.rows[start:])
                continue
        out.append(b)
    return out


def parse_blocks(blocks: list[Block]) -> dict:
    blocks = _join_split_tables(blocks)
    # ---- positions of paragraphs, sections, appendices, end of body
    paras: list[tuple[int, str]] = [(i, b.text) for i, b in enumerate(blocks) if isinstance(b, Para)]
    lines = [t for _, t in paras]
    sections: list[tuple[int, str, str]] = []  # (block index, kind, title)
    appendix_at: list[int] = []
    end_body = len(blocks)
    for i, text in paras:
        f = words(text)
        if _APPENDIX.match(f) and len(f.split()) <= 6:
            appendix_at.append(i)
            sections.append((i, "appendix", clean(text)))
            continue
        if f.startswith("noi nhan") and end_body == len(blocks):
            end_body = i
        m = _is_section(text)
        if m:
            sections.append((i, _kind(m["title"]), clean(m["title"])))

    if not any(kind in ("tasks", "organise", "goals") for _, kind, _ in sections):
        # no roman sections: "1. MỤC ĐÍCH, YÊU CẦU", "2. NHIỆM VỤ ..." in capitals are the sections
        for i, text in paras:
            if i < end_body and (m := _is_section(text, _ARABIC_SECTION)) and _kind(m["title"]) != "other":
                sections.append((i, _kind(m["title"]), clean(m["title"])))
        sections.sort()
    starts = [s[0] for s in sections]

    def section_at(i: int) -> tuple[int, str, str] | None:
        k = bisect.bisect_right(starts, i)
        return sections[k - 1] if k else None

    body_text = clean(" ".join(t for i, t in paras if i < end_body))
    title = meta.title_of(lines)
    year = meta.year_of(title, body_text)

    # ---- tasks from assignment tables
    items: list[tuple[RawTask, list[str]]] = []
    last_table_end = -1
    last_roles: list[str | None] | None = None
    for i, b in enumerate(blocks):
        if not isinstance(b, Table) or b.roles == ["targets"]:
            continue
        budget.check()
        found = table_tasks(b, last_roles)
        if found is None:
            continue
        raw, last_roles = found
        start = max(last_table_end + 1, max((a for a in appendix_at if a < i), default=0))
        ctx_lines = [t for k, t in paras if start <= k < i][-8:]
        header = find_header(b) if b.roles is None else None
        if header:  # title rows inside the table, above its header ("PHỤ LỤC ... chỉ số PAPI")
            ctx_lines += [" ".join(c for c in r if c) for r in b.rows[: header[0]] if not columns.headerish(r)]
        items.extend((t, ctx_lines) for t in raw)
        last_table_end = i
    from_tables = bool(items)

    # ---- or from numbered items of the task sections
    closing_at = next((i for i, t in paras if fold(clean(t)).startswith("tren day la")), end_body)
    organise_lines = [t for i, t in paras if (s := section_at(i)) and s[1] == "organise"
                      and i < min(end_body, closing_at)]
    assignments = prose.assignments_of(organise_lines)
    if not items:
        task_lines = [t for i, t in paras if (s := section_at(i)) and s[1] == "tasks" and i < end_body
                      and s[0] != i]
        items = prose.prose_tasks(task_lines, assignments)
    if not items:
        items = prose.unit_tasks(organise_lines)
    if not items:
        raise ImportRejected(NOT_A_PLAN)

    # ---- plan-level indices
    appendix_text = " ".join(t for i, t in paras if i >= end_body and _APPENDIX.match(words(t)))
    plan_indices = mentioned_indices(body_text + " " + appendix_text)
    named = mentioned_indices(title)
    if named:
        # the title names what the plan covers; another index counts only when the plan comes back to it
        # (a passing "như Chỉ số PCI" is not a plan for PCI), or when tasks are tagged with it below
        plan_indices = [x for x in plan_indices if x in named or index_mentions(body_text, x) >= 2]

    tasks = []
    for raw, ctx in items:
        ctx_idx = mentioned_indices(" ".join(ctx))
        if not from_tables:
            # prose: the nearest heading that names an index decides
            for heading in reversed(ctx):
                found = mentioned_indices(heading)
                if found:
                    ctx_idx = found
                    break
            else:
                ctx_idx = []
        index = raw.index or index_for(ctx_idx, raw.field, raw.criterion, plan_indices)
        due, recurrence = parse_timeframe(raw.timeframe, year)
        tasks.append({
            "ref": raw.ref,
            "index": index,
            "field": raw.field or None,
            "criterion": raw.criterion or None,
            "title": raw.title,
            "activity": raw.activity or None,
            "output": raw.output or None,
            "lead": raw.lead,
            "support": raw.support,
            "timeframe": raw.timeframe or None,
            "due": due,
            "recurrence": recurrence,
            "budget_million_vnd": _budget(raw.budget),
            "measure": pick_measure(raw.title, raw.criterion),
        })

    indices = list(plan_indices)
    for t in tasks:
        if t["index"] and t["index"] not in indices:
            indices.append(t["index"])
    indices = [x for x in indices if x in INDICES]

    # ---- references: preamble, goals and organisation sections, footnotes (not the tasks themselves)
    first_section = min((s[0] for s in sections), default=end_body)
    ref_lines = []
    for i, t in paras:
        s = section_at(i)
        if i < first_section or (s and s[1] in ("goals", "organise") and i < end_body):
            ref_lines.append(t)
        elif t.lstrip()[:1] in "¹²³⁴⁵⁶⁷⁸⁹" and t.strip():
            ref_lines.append(t)
    number = meta.number_of(lines)
    references = meta.references_of(ref_lines, own=number)

    # ---- targets tables
    targets = []
    default_index = plan_indices[0] if plan_indices else None
    for b in blocks:
        if isinstance(b, Table) and (b.roles == ["targets"] or _targets_table(b)):
            flat = [" ".join(c for c in r if c) for r in b.rows]
            targets.extend(meta.targets_of(flat, default_index))

    # ---- reporting duties: the organisation section and the closing paragraph
    closing = [t for i, t in paras if i < end_body and fold(clean(t)).startswith("tren day la")]
    k = next((n for n, (i, t) in enumerate(paras) if fold(clean(t)).startswith("tren day la")), None)
    if k is not None:
        closing = [clean(" ".join(t for _, t in paras[k:k + 6] if not words(t).startswith("noi nhan")))]
        closing = [closing[0].split("Nơi nhận")[0]]
    org = [(u, f"{u} {body}" if u else body) for u, body in prose.organise_items(organise_lines)]
    reporting = []
    for rep in meta.reporting_of(org + closing, year):  # a duty stated twice is one duty
        if rep not in reporting:
            reporting.append(rep)

    place, issued_on = meta.place_date_of(lines)
    tail = [t for i, t in paras if i >= end_body] or lines[len(lines) * 2 // 3:]
    signer, signer_title = meta.signer_of(tail)
    period_start, period_end = meta.period_of(title, year)
    return {
        "plan": {
            "title": title,
            "number": number,
            "issued_on": issued_on,
            "place": place or meta.place_from_text(body_text),
            "issuer": meta.issuer_of(body_text),
            "signer": signer,
            "signer_title": signer_title,
            "year": year,
            "period_start": period_start,
            "period_end": period_end,
            "indices": indices,
            "references": references,
            "targets": targets,
            "reporting": reporting,
        },
        "tasks": tasks,
    }


def _targets_table(table: Table) -> bool:
    if table.roles is not None or not table.rows:
        return False
    head = " ".join(words(c) for r in table.rows[:3] for c in r)
    return "xep hang" in head and "diem" in head and find_header(table) is None


def _budget(text: str | None) -> float | int | None:
    if not text:
        return None
    m = re.search(r"\d[\d.,]*", text)
    if not m:
        return None
    s = m[0].rstrip(".,")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        s = s.replace(".", "")
    s = s.replace(",", ".")
    try:
        v = float(s)
    except ValueError:
        return None
    if "đồng" in text and "triệu" not in text and v >= 1_000_000:
        v = v / 1_000_000
    return int(v) if v.is_integer() else v


__all__ = ["parse_blocks", "field_indices"]
