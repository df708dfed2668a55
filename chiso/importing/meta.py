"""The plan's own data: title, number, date and place, issuer, signer, references, targets, reporting."""

from __future__ import annotations

import re
from collections import Counter

from chiso.importing.normalize import clean, fold_chars, mentioned_indices, words
from chiso.lib.text import fold
from chiso.lib.vndates import parse_date, parse_timeframe

_DOCNUM = re.compile(
    r"(?<![\w/])(\d{1,5}(?:/\d{4})?[/-][A-ZĐ][A-Za-zĐđ]*(?:[&-][A-Za-zĐđ0-9]+)*(?:/[A-ZĐ][A-Za-zĐđ0-9&-]*)?)"
)
_DATE_AFTER = re.compile(
    r"^[\s,;:()]*(?:cua [^,;.]{0,60}?)?(?:ban hanh\s+)?ngay\s+(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}"
    r"|\d{1,2}\s+thang\s+\d{1,2}\s+nam\s+\d{4})"
)


def title_of(lines: list[str]) -> str | None:
    for i, line in enumerate(lines[:60]):
        if len(line) > 400:
            continue
        s = clean(line)
        f = fold_chars(s)
        m = re.match(r"^(ke hoach hanh dong|ke hoach|chuong trinh hanh dong|chuong trinh)\b\s*(.*)$", f)
        if not m or not s[:1].isupper() or len(s.split()) > 30:
            continue
        head, rest = s[:m.end(1)], s[m.start(2):] if m[2] else ""
        if not head.isupper() and rest[:1].islower():
            continue  # a sentence that starts with "Kế hoạch ..."
        parts = [rest] if rest else []
        for nxt in lines[i + 1:i + 6]:
            t = clean(nxt)
            ft = fold_chars(t)
            if not t or re.match(r"^(can cu|thuc hien|de |[ivx]{1,4}\.\s|so:|[-–_|<]{1,3})", ft) or len(t.split()) > 25:
                break
            if t.endswith((".", ":")) or re.match(r"^[^:]{2,30}:\s", t):
                break
            parts.append(t)
        if not parts:
            continue
        return clean(f"{head.capitalize() if head.isupper() else head} {' '.join(parts)}")
    return None


def number_of(lines: list[str]) -> str | None:
    for line in lines[:25]:
        m = re.search(r"(?:^|\s)(?:Số|SỐ|So|SO)\s*:\s*(\d+[^\s]*/[^\s]+)", clean(line))
        if m:
            return m[1].rstrip(".,;")
    for line in lines[:25]:
        # no "Số:" line: a title line that carries the number ("KE HOACH so 12/KH-SKT ...", without accents)
        s = clean(line)
        m = re.match(r"^ke hoach\s+so\s*:?\s*(\d+\S*/\S+)(?=\s|$)(?!\s+(?:ngay|cua|ve)\b)", fold_chars(s))
        if m:
            return s[m.start(1):m.end(1)].rstrip(".,;")
    return None


def place_date_of(lines: list[str]) -> tuple[str | None, str | None]:
    for line in lines[:25]:
        s = clean(line)
        m = re.search(r"([a-z][^\d,;:]{0,40}?),\s*ngay\b(.*)$", fold_chars(s))
        if m and "thang" in m[2] and s[m.start(1)].isupper():
            d = parse_date("ngày" + s[m.start(2):])
            return s[m.start(1):m.end(1)].strip(), d.isoformat() if d else None
    return None, None


def place_from_text(text: str) -> str | None:
    names = re.findall(r"\btỉnh ((?:[A-ZĐ][a-zà-ỹđ]+)(?: [A-ZĐ][a-zà-ỹđ]+){0,2})", text)
    if not names:
        return None
    return Counter(names).most_common(1)[0][0]


def issuer_of(text: str) -> str | None:
    f = fold_chars(text)
    for m in re.finditer(r"\b(?:xay dung|ban hanh)\s+ke hoach", f):
        before = f[max(0, m.start() - 90):m.start()]
        k = before.rfind("so ")
        if k >= 0:
            start = max(0, m.start() - 90) + k
            name = clean(text[start:m.start()])
            if 2 <= len(name.split()) <= 10 and name[:1].isupper():
                return name
    return None


_TITLE_LINE = re.compile(
    r"^(?:(?:kt|tm|tl|q|tuq)\.\s*)?(?:pho\s+)?(?:giam doc|chu tich|truong ban|chanh van phong|truong phong|"
    r"thu truong|bo truong|uy ban nhan dan|so [a-z ]+|ban [a-z ]+)\s*$"
)
_NAME = re.compile(r"[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?: [A-ZĐÀ-Ỹa-zà-ỹđ][a-zà-ỹđ]+){1,4}")


def signer_of(lines: list[str]) -> tuple[str | None, str | None]:
    """The signature block: title lines in capitals ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC") then the name."""
    titles: list[str] = []
    last = -1
    for i, line in enumerate(lines):
        s = clean(line)
        if s.isupper() and _TITLE_LINE.match(fold_chars(s)) and (not titles or i == last + 1):
            titles.append(s)
            last = i
            continue
        if titles:
            if _NAME.fullmatch(s):
                return s, " / ".join(titles)
            if len(s.split()) > 6 or s.startswith("-") or fold_chars(s).startswith("phu luc"):
                titles = []
    return None, None


def year_of(title: str | None, text: str) -> int | None:
    for src in (title or "", text[:3000]):
        m = re.search(r"nam\s+(20\d{2})", fold_chars(src))
        if m:
            return int(m[1])
    years = re.findall(r"(?<!\d)(20[2-4]\d)(?!\d)", text)
    return int(Counter(years).most_common(1)[0][0]) if years else None


def period_of(title: str | None, year: int | None) -> tuple[str | None, str | None]:
    f = fold(title)
    m = re.search(r"6 thang (dau|cuoi) nam (\d{4})", f)
    if m:
        y = m[2]
        return (f"{y}-01-01", f"{y}-06-30") if m[1] == "dau" else (f"{y}-07-01", f"{y}-12-31")
    m = re.search(r"giai doan (\d{4})\s*-\s*(\d{4})", f)
    if m:
        return f"{m[1]}-01-01", f"{m[2]}-12-31"
    if year:
        return None, f"{year}-12-31"
    return None, None


def references_of(lines: list[str], own: str | None = None) -> list[dict]:
    """Document numbers the plan names outside its tasks, with the date printed after each (plan's own excluded)."""
    text = clean(" ".join(lines))
    out: list[dict] = []
    seen: set[str] = {words(own)} if own else set()
    for m in _DOCNUM.finditer(text):
        number = m[1].rstrip("-.")
        if "/" not in number or re.fullmatch(r"\d+/\d+", number):
            continue
        key = words(number)
        if key in seen:
            continue
        seen.add(key)
        d = None
        after = _DATE_AFTER.match(fold_chars(text[m.end():m.end() + 120]))
        if after:
            dd = parse_date(after[1] if "/" in after[1] else "ngay " + after[1])
            d = dd.isoformat() if dd else None
        out.append({"number": number, "date": d, "_gap": text[m.end():m.end() + 12]})
    # "Nghị quyết số 01/NQ-CP, 02/NQ-CP ngày 08/01/2025": numbers listed together share the date after the last
    for a, b in zip(reversed(out[:-1]), reversed(out[1:]), strict=True):
        if a["date"] is None and b["date"] and re.match(r"^\s*(?:,|;|và|va)\s*(?:số\s*)?\d", a["_gap"]):
            a["date"] = b["date"]
    for ref in out:
        del ref["_gap"]
    return out


# ---------------------------------------------------------------- score targets

_TARGET_TAIL = re.compile(
    r"(?P<rank>\d{1,3}\s*/\s*\d{1,3})?\s*(?P<prev>\d+(?:[.,]\d+)?)\s+(?P<max>\d+(?:[.,]\d+)?)\s+"
    r"(?P<inc>[+-]?\s*\d+(?:[.,]\d+)?)\s+(?P<op>≥|>=|>|=|≤)?\s*(?P<target>\d+(?:[.,]\d+)?)\s*$"
)


def _num(s: str | None) -> float | int | None:
    if not s:
        return None
    v = float(s.replace(" ", "").replace(",", "."))
    return int(v) if v.is_integer() else v


def targets_of(lines: list[str], default_index: str | None) -> list[dict]:
    """Rows "STT | Lĩnh vực | xếp hạng | điểm | điểm tối đa | dự kiến tăng | mục tiêu" of a targets table."""
    out: list[dict] = []
    index = default_index
    buf: list[str] = []
    for line in lines:
        s = clean(line)
        if not s:
            continue
        w = words(s)
        if re.match(r"^(stt|tt)\b", w) or (len(w.split()) <= 6 and re.search(r"[a-z]", w) and all(
                x in ("nam", "diem", "theo", "bo", "tieu", "chi", "du", "kien", "tang", "so", "voi", "muc",
                      "ke", "hoach", "xep", "hang") or x.isdigit() for x in w.split())):
            buf = []
            continue
        m = re.match(r"^([IVX]{1,4})\s+(.*)$", s)
        if m and not _TARGET_TAIL.search(s):
            found = mentioned_indices(m[2])
            index = found[0] if found else index
            buf = []
            continue
        buf.append(s)
        joined = " ".join(buf)
        t = _TARGET_TAIL.search(joined)
        if not t:
            continue
        head = joined[:t.start()].strip()
        head = re.sub(r"^\d{1,2}\s+", "", head)
        found = mentioned_indices(head)
        op = {"≥": ">=", ">=": ">=", ">": ">", "≤": "<=", "=": "="}.get(t["op"] or "", "=")
        out.append({
            "index": found[0] if found else index,
            "field": head,
            "prev_rank": re.sub(r"\s+", "", t["rank"]) if t["rank"] else None,
            "prev_score": _num(t["prev"]),
            "max_score": _num(t["max"]),
            "expected_increase": _num(t["inc"].replace("+", "")),
            "target_op": op,
            "target_score": _num(t["target"]),
        })
        buf = []
    return out


# ---------------------------------------------------------------- reporting duties


def reporting_of(sentences: list[str | tuple[str | None, str]], year: int | None) -> list[dict]:
    """Report obligations: (default sender, sentence) pairs or bare sentences."""
    out = []
    for item in sentences:
        default_from, s = item if isinstance(item, tuple) else (None, item)
        s = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]", "", clean(s))
        f = fold(s)
        if "bao cao" not in f:
            continue
        fc = fold_chars(s)
        due_m = re.search(r"truoc ngay\s+\d{1,2}/\d{1,2}(?:/\d{4})?", fc)
        periodic = re.search(r"dinh ky(?:[\s,]+(?:hang|moi|thang|quy|nam|6|hoac|va|dot xuat)\b)*", fc)
        on_request = re.search(r"bao cao[^.;]*?\b(theo yeu cau cua ([^.;]+))", fc)
        if not due_m and not periodic and on_request:
            frm = default_from
            text = s[on_request.start(1):on_request.end(1)].strip()
            for to in re.split(r",\s*|\s+và\s+", s[on_request.start(2):on_request.end(2)]):
                if to.strip():
                    out.append({"from": frm, "to": to.strip(), "due": None, "due_text": text, "frequency": "on_event"})
            continue
        if not due_m and not periodic:
            continue
        to = None
        m = re.search(r"(?:gui|bao cao|ve)\s+((?:so|van phong|uy ban|ubnd|giam doc|chu tich|bo)\b[^.;,]*?)"
                      r"(?=\s+(?:truoc|bang|theo|dinh ky|de|ket qua)\b|[.;,]|$)", fc)
        if m and s[m.start(1)].isupper():
            to = s[m.start(1):m.end(1)].strip()
        frm = None
        m = re.match(r"^(?:\d+\.\s*)?((?:cac )?(?:van phong|phong|trung tam|don vi)"
                     r"[^;.]*?)(?=\s+(?:co trach nhiem|theo doi|nghiem tuc|to chuc|bao cao|dinh ky)\b)",
                     fc) or re.search(r"\b(?:giao|yeu cau|de nghi)\s+((?:cac )?(?:van phong|phong|trung tam|don vi)"
                                      r"[^;.]*?)(?=\s+(?:co trach nhiem|theo doi|nghiem tuc|to chuc|bao cao|dinh ky"
                                      r"|trien khai|thuc hien)\b)", fc)
        if m:
            frm = s[m.start(1):m.end(1)].strip()
        frm = default_from or frm
        if due_m:
            due, _ = parse_timeframe(due_m[0], year)
            out.append({"from": frm, "to": to, "due": due, "due_text": s[due_m.start():due_m.end()],
                        "frequency": "once"})
            continue
        text = s[periodic.start():periodic.end()].strip(" ,")
        ft = fold(text)
        freqs = []
        if re.search(r"thang(?!.*6 thang)|hang thang", ft) and "hang thang" in ft or re.search(r"\bthang,", ft):
            freqs.append("monthly")
        if "quy" in ft:
            freqs.append("quarterly")
        if "6 thang" in ft:
            freqs.append("semiannual")
        if re.search(r"\bnam\b", ft):
            freqs.append("annual")
        if "dot xuat" in ft:
            freqs.append("on_event")
        for fq in freqs or [None]:
            out.append({"from": frm, "to": to, "due": None, "due_text": text, "frequency": fq})
    return out
