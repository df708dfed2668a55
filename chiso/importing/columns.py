"""Recognising a task table's columns from their Vietnamese names (diacritics optional)."""

from __future__ import annotations

import re

from chiso.importing.normalize import words

TEXT_ROLES = ("field", "objective", "task", "activity", "output")

# (role, pattern on folded words); the first role whose pattern matches a header cell wins.
_ROLE_PATTERNS = [
    ("stt", re.compile(r"^(stt|tt|so tt|so thu tu|thu tu|so)$")),
    ("lead", re.compile(r"\bchu tri\b|\bdon vi thuc hien\b|\bco quan thuc hien\b|\btrach nhiem thuc hien\b"
                        r"|\bdon vi chiu trach nhiem\b")),
    ("support", re.compile(r"\bphoi hop\b")),
    ("unit", re.compile(r"\bphan cong\b")),
    ("budget", re.compile(r"\bkinh phi\b|\bdu toan\b|\bnguon von\b")),
    ("note", re.compile(r"\bghi chu\b")),
    ("time", re.compile(r"\bthoi gian\b|\bthoi han\b|\btien do\b|\bthoi diem\b|\bhoan thanh\b|\blo trinh\b")),
    ("output", re.compile(r"\bket qua\b|\bsan pham\b")),
    ("activity", re.compile(r"\bhoat dong\b")),
    ("objective", re.compile(r"\bmuc tieu\b")),
    ("task", re.compile(r"\bnhiem vu\b|\bgiai phap\b|\bcong viec\b|\bnoi dung nhiem vu\b")),
    ("field", re.compile(r"\blinh vuc\b|\btieu chi\b|\bnoi dung\b|\bchi so\b|\bchi tieu\b")),
    ("unit", re.compile(r"\bphan cong\b|\bdon vi\b|\bco quan\b")),
]

HEADER_WORDS = set(
    "stt tt so thu tu linh vuc tieu chi thanh phan nhiem vu nam thoi gian thuc hien hoan thanh phan cong "
    "chu tri phoi hop noi dung muc hoat dong ket qua san pham don vi kinh phi trieu dong ghi chu giai phap "
    "han tien do co quan cong viec chi tieu du kien du toan nguon von chinh ke hoach trach lo trinh chiu "
    "dau ra yeu cau cu the".split()
)


def role_of(cell: str) -> str | None:
    w = words(cell)
    if not w:
        return None
    if re.fullmatch(r"[a-z](?: [a-z])+", w):
        w = w.replace(" ", "")  # "T T", "S T T": a narrow column breaks its name into letters
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(w):
            return role
    return None


def headerish(cells: list[str]) -> bool:
    """A row made of column names: at least two recognised roles and little else."""
    texts = [c for c in cells if words(c)]
    if not texts:
        return False
    roles = [role_of(c) for c in texts]
    known = sum(1 for r in roles if r)
    all_words = " ".join(words(c) for c in texts).split()
    vocab = sum(1 for w in all_words if w in HEADER_WORDS or w.isdigit())
    return known >= 2 and vocab >= 0.7 * len(all_words)


def subheaderish(cells: list[str]) -> bool:
    """"Chủ trì | Phối hợp" under a merged "Phân công nhiệm vụ" header cell."""
    texts = [c for c in cells if words(c)]
    return bool(texts) and all(role_of(c) for c in texts) and len(" ".join(texts)) < 120


def column_numbers_row(cells: list[str]) -> bool:
    """The "(1) (2) (3)" / "1 2 3 4" row printed under some headers."""
    texts = [c.strip() for c in cells if c.strip()]
    return len(texts) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?|[A-Z]|\([A-Z]\)", t) for t in texts)


def finalize_roles(raw: list[str | None]) -> list[str | None]:
    """Resolve duplicates and generic columns: one 'task', a generic 'unit' column becomes the lead."""
    roles = list(raw)
    if "lead" not in roles and "unit" in roles:
        roles[roles.index("unit")] = "lead"
    roles = [None if r == "unit" else r for r in roles]
    if "task" not in roles:
        # "Nội dung" is the task itself when there is no "Nhiệm vụ" column.
        if "field" in roles:
            roles[len(roles) - 1 - roles[::-1].index("field")] = "task"
        elif "activity" in roles:
            roles[roles.index("activity")] = "task"
        elif "objective" in roles:
            roles[roles.index("objective")] = "task"
    seen: set[str] = set()
    out: list[str | None] = []
    for r in roles:
        if r and r in seen and r not in ("lead", "support"):
            out.append(None)
        else:
            out.append(r)
            if r:
                seen.add(r)
    return out


def roles_from_header_text(text: str) -> list[str]:
    """Column roles in order of first mention in a flattened multi-line header ("STT Lĩnh vực ...")."""
    w = " " + words(text) + " "
    hits: list[tuple[int, str]] = []
    for role, pattern in _ROLE_PATTERNS:
        if role in ("unit",):
            continue
        for m in pattern.finditer(w):
            before = w[max(0, m.start() - 10):m.start()].strip()
            if role == "stt" or (role == "task" and before.endswith("phan cong")):
                continue
            hits.append((m.start(), role))
            break
    m = re.match(r"\s*(stt|tt)\b", w)
    if m:
        hits.append((-1, "stt"))
    hits.sort()
    roles = [r for _, r in hits]
    return [r for r in finalize_roles(list(roles)) if r]
