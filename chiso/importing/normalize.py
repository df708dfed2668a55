"""Normalising the pieces of a task: unit lists, numeric measures, index classification, text clean-up."""

from __future__ import annotations

import re
import unicodedata

from chiso.lib.text import fold, squash

INDICES = ("PAR_INDEX", "SIPAS", "PAPI", "PCI")

_TAG = re.compile(r"<[^>]{0,300}>")
_ENTITIES = {"&nbsp;": " ", "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'"}


def clean(text: str | None) -> str:
    """NFC, no HTML tags or entities, whitespace and line breaks folded to single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        for k, v in _ENTITIES.items():
            text = text.replace(k, v)
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return squash(text)


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: one folded character per character."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = fold(ch)
        value = f if len(f) == 1 else (ch.lower() if len(ch.lower()) == 1 else ch)
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def fold_chars(text: str | None) -> str:
    """Lower-case, no diacritics, and exactly one character per input character (safe to index back)."""
    return (text or "").translate(_FOLD_TABLE)


def words(text: str | None) -> str:
    """Folded text reduced to letters and digits separated by single spaces (for keyword matching)."""
    return " ".join(re.findall(r"[a-z0-9]+", fold_chars(text)))


# ---------------------------------------------------------------- units
_UNIT_HEADS = (
    "van phong", "phong", "cac phong", "trung tam", "cac trung tam", "so", "cac so", "ubnd", "uy ban",
    "ban", "chi cuc", "thanh tra", "don vi", "cac don vi", "bo phan", "lanh dao", "cong an", "cuc", "bo",
    "hoi dong", "hdnd", "vien", "truong", "benh vien", "dai", "bao", "to", "doan", "nhom", "co quan",
    "cac co quan", "giam doc", "pho giam doc", "chanh van phong", "truong phong", "can bo", "cong chuc",
    "cac", "tat ca", "toan the",
)
_HEAD_WORDS = (r"(?:Các|Văn phòng|Phòng|Trung tâm|UBND|Ủy ban|Uỷ ban|Chi cục|Thanh tra|Bộ phận|Đơn vị|Lãnh đạo"
               r"|Ban|Sở|Cac|Van phong|Phong|Trung tam|Uy ban|Chi cuc|Bo phan|Don vi|Lanh dao|So)\b")
_UNIT_HEAD_RE = re.compile(r"^(?:" + "|".join(sorted(_UNIT_HEADS, key=len, reverse=True)) + r")\b")
_BULLET = re.compile(r"^\s*(?:[-–—+•*·]|\d{1,2}[.)])\s*")


def starts_with_unit(text: str) -> bool:
    return bool(_UNIT_HEAD_RE.match(words(text)))


def unit_head_only(text: str) -> bool:
    """"Văn phòng", "Các phòng": the head of a unit name with nothing after it (the name wrapped)."""
    w = words(text)
    return bool(w) and not _UNIT_HEAD_RE.sub("", w, count=1).strip()


def _is_collective(left: str) -> bool:
    """"Các phòng" / "các đơn vị" alone: the start of a collective phrase ("Các phòng, đơn vị thuộc Sở")."""
    w = words(left).split()
    return len(w) <= 3 and bool(w) and w[0] in ("cac", "nhung", "tat")


_KINDS = {"co quan", "don vi", "phong", "ban", "nganh", "dia phuong", "to chuc", "ca nhan", "so", "trung tam",
          "phong ban", "chi cuc", "bo phan", "doanh nghiep"}


def _bare_kind(piece: str) -> bool:
    """"cơ quan" or "đơn vị" alone names a kind of body, not one: the start of a collective phrase
    ("cơ quan, đơn vị liên quan"), never a unit of its own."""
    return words(piece) in _KINDS


def split_units(text: str | None) -> list[str]:
    """One entry per unit: split on ';', new lines, bullets and on a ',' that starts another unit."""
    text = unicodedata.normalize("NFC", text or "")
    text = _TAG.sub(" ", text)
    if not squash(text):
        return []
    parts: list[str] = []
    for chunk in re.split(r"[;\n]|\s[-–+•]\s(?=" + _HEAD_WORDS + r")", text):
        chunk = _BULLET.sub("", squash(chunk)).strip(" .,:")
        if not chunk:
            continue
        pieces = [p.strip() for p in chunk.split(",")]
        merged: list[str] = []
        for piece in pieces:
            if not piece:
                continue
            if merged and (not starts_with_unit(piece) or _is_collective(merged[-1]) or _bare_kind(merged[-1])):
                merged[-1] = f"{merged[-1]}, {piece}"
            else:
                merged.append(piece)
        parts.extend(squash(p).strip(" .,:") for p in merged)
    out = []
    for p in parts:
        p = re.sub(r"^\(?(?:chủ trì|phối hợp)\)?\s*[:：]\s*", "", p, flags=re.I)
        p = re.sub(r"\s*\((?:chủ trì|phối hợp)\)$", "", p, flags=re.I)
        if p and words(p) not in ("", "khong", "x"):
            out.append(p)
    return out


# ---------------------------------------------------------------- measures
_PCT = re.compile(
    r"(?P<pre>toi thieu|it nhat|khong duoi|khong it hon|khong thap hon|dat tren|cao hon|tren|hon|duoi|"
    r"toi da|khong qua|khong vuot qua|tu)?\s*(?:muc\s+)?(?:dat\s+)?(?:ty le\s+)?(?P<sym>≥|>=|≤|<=|>|<|=)?\s*"
    r"(?P<num>\d{1,3}(?:[.,]\d+)?)\s*%(?P<post>\s*(?:tro len|tro xuong))?"
)
_COUNT = re.compile(
    r"(?P<pre>toi thieu|it nhat|khong duoi|khong it hon|toi da|khong qua)\s+(?P<num>\d{1,4})\s+"
    r"(?P<unit>[a-z]+(?: [a-z]+)?)"
)
_NOT_UNIT = set("trong tro moi mot cua tai tren duoc va nam thang quy tuan ngay cho ve o de theo voi la".split())
_CLASSIFIERS = set("cuoc lan luot buoi dot nguoi ngay thang".split())
_OPS = {
    "toi thieu": ">=", "it nhat": ">=", "khong duoi": ">=", "khong it hon": ">=", "khong thap hon": ">=",
    "tu": ">=", "dat tren": ">", "cao hon": ">", "tren": ">", "hon": ">", "duoi": "<", "toi da": "<=",
    "khong qua": "<=", "khong vuot qua": "<=",
}


def _num(s: str) -> float | int:
    v = float(s.replace(",", "."))
    return int(v) if v.is_integer() else v


def find_measures(text: str | None) -> list[dict]:
    """Every numeric target in text, in order: [{"op": ">=", "value": 98, "unit": "%"}, ...]."""
    if not text:
        return []
    text = unicodedata.normalize("NFC", text)
    f = fold_chars(text)
    found: list[tuple[int, dict]] = []
    for m in _PCT.finditer(f):
        op = _OPS.get(m["pre"] or "", "=")
        if m["sym"]:
            op = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", ">": ">", "<": "<", "=": "="}[m["sym"]]
        if m["post"] and "len" in m["post"]:
            op = ">="
        elif m["post"]:
            op = "<="
        found.append((m.start("num"), {"op": op, "value": _num(m["num"]), "unit": "%"}))
    for m in _COUNT.finditer(f):
        first, _, second = m["unit"].partition(" ")
        end = m.start("unit") + len(first)
        if second and second not in _NOT_UNIT and first not in _CLASSIFIERS and not text[end + 1:end + 2].isupper():
            end = m.end("unit")
        unit = text[m.start("unit"):end]
        found.append((m.start("num"), {"op": _OPS[m["pre"]], "value": _num(m["num"]), "unit": unit}))
    found.sort(key=lambda x: x[0])
    return [m for _, m in found]


def pick_measure(title: str | None, criterion: str | None = None) -> dict | None:
    """The one clear numeric target: the first in the task's own text, else the only one of its criterion."""
    own = find_measures(title)
    if own:
        return own[0]
    crit = find_measures(criterion)
    if crit and len({(m["op"], m["value"]) for m in crit}) == 1:
        return crit[0]
    return None


# ---------------------------------------------------------------- indices
_MENTIONS = [
    ("PAR_INDEX", re.compile(r"\bpar\s*_?\s*index\b|\bparindex\b|chi so cai cach hanh chinh|chi so cchc")),
    ("SIPAS", re.compile(r"\bsipas\b|chi so hai long|muc do hai long cua nguoi dan")),
    ("PAPI", re.compile(r"\bpapi\b|hieu qua quan tri va hanh chinh cong")),
    ("PCI", re.compile(r"\bpci\b|nang luc canh tranh")),
]
_FIELD_KEYS = [
    ("PAPI", ("tham gia cua nguoi dan", "cong khai minh bach", "trach nhiem giai trinh",
              "kiem soat tham nhung",
              "thu tuc hanh chinh cong", "cung ung dich vu cong", "quan tri moi truong", "quan tri dien tu")),
    ("PAR_INDEX", ("chi dao dieu hanh", "cai cach the che", "cai cach thu tuc hanh chinh", "cai cach tthc",
                   "to chuc bo may", "che do cong vu", "tai chinh cong", "chinh quyen dien tu",
                   "chinh quyen so", "chinh phu dien tu", "chinh phu so", "tac dong cua cchc",
                   "tac dong cua cai cach hanh chinh", "cong tac cchc", "kiem soat thu tuc hanh chinh",
                   "hien dai hoa hanh chinh", "hien dai hoa nen hanh chinh", "doi ngu can bo cong chuc",
                   "cai cach hanh chinh nha nuoc", "cong tac chi dao")),
    ("SIPAS", ("muc do hai long", "su hai long", "chi so hai long", "tiep can dich vu", "hai long ve")),
    ("PCI", ("gia nhap thi truong", "tiep can dat dai", "chi phi thoi gian", "chi phi khong chinh thuc",
             "canh tranh binh dang", "tinh nang dong", "ho tro doanh nghiep", "dao tao lao dong",
             "thiet che phap ly", "tinh minh bach", "chi phi gia nhap", "dich vu ho tro doanh nghiep",
             "canh tranh")),
]


def mentioned_indices(text: str | None) -> list[str]:
    """Indices named in text, in order of first mention ("PAR-INDEX, SIPAS" -> PAR_INDEX, SIPAS)."""
    w = " " + words(text) + " "
    hits = []
    for name, pattern in _MENTIONS:
        m = pattern.search(w)
        if m:
            hits.append((m.start(), name))
    return [name for _, name in sorted(hits)]


def index_mentions(text: str | None, index: str) -> int:
    """How many times text names this index."""
    pattern = dict(_MENTIONS)[index]
    return len(pattern.findall(" " + words(text) + " "))


def field_indices(text: str | None) -> list[str]:
    """Indices whose framework has a field/dimension with this name."""
    w = words(text)
    return [name for name, keys in _FIELD_KEYS if any(k in w for k in keys)]


def index_for(context: list[str], field: str | None, criterion: str | None, plan: list[str]) -> str | None:
    if len(context) == 1:
        return context[0]
    cands = field_indices(field) or field_indices(criterion)
    pool = context or plan
    for c in cands:
        if not pool or c in pool:
            return c
    if context:
        return context[0]
    if cands:
        return cands[0]
    if len(plan) == 1:
        return plan[0]
    return None
