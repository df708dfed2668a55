"""Word's automatic list numbers ("I.", "1.", "1.1.", "a)", bullets): python-docx gives a paragraph's text
without them, yet plans number their sections, solution items and STT cells that way."""

from __future__ import annotations

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _fmt(fmt: str, n: int) -> str:
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _val(el, tag: str, default: str | None = None) -> str | None:
    child = el.find(W + tag) if el is not None else None
    return child.get(W + "val") if child is not None else default


class ListNumbers:
    """Renders the list label of each paragraph, in document order (counters advance as labels are asked)."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # noqa: BLE001 - a document without numbering definitions
            root = None
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        if root is not None:
            for a in root.findall(W + "abstractNum"):
                lv = {}
                for lvl in a.findall(W + "lvl"):
                    ilvl = int(lvl.get(W + "ilvl") or 0)
                    lv[ilvl] = (_val(lvl, "numFmt", "decimal") or "decimal", _val(lvl, "lvlText", "") or "",
                                int(_val(lvl, "start", "1") or 1))
                abstract[a.get(W + "abstractNumId")] = lv
            for num in root.findall(W + "num"):
                aid = _val(num, "abstractNumId")
                lv = dict(abstract.get(aid, {}))
                for ov in num.findall(W + "lvlOverride"):
                    ilvl = int(ov.get(W + "ilvl") or 0)
                    start = _val(ov, "startOverride")
                    if start and ilvl in lv:
                        lv[ilvl] = (lv[ilvl][0], lv[ilvl][1], int(start))
                self.levels[num.get(W + "numId")] = lv
        try:
            styles = document.styles.element
        except Exception:  # noqa: BLE001
            styles = None
        if styles is not None:
            for st in styles.findall(W + "style"):
                ppr = st.find(W + "pPr")
                numpr = ppr.find(W + "numPr") if ppr is not None else None
                if numpr is not None and _val(numpr, "numId"):
                    self.style_num[st.get(W + "styleId")] = (_val(numpr, "numId"), int(_val(numpr, "ilvl", "0")))

    def label(self, p) -> str:
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        num_id, ilvl = None, 0
        if numpr is not None:
            num_id, ilvl = _val(numpr, "numId"), int(_val(numpr, "ilvl", "0") or 0)
        elif ppr is not None and _val(ppr, "pStyle") in self.style_num:
            num_id, ilvl = self.style_num[_val(ppr, "pStyle")]
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        fmt, text, start = levels[ilvl]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""
        counters = self.counters.setdefault(num_id, [None] * 10)
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
        for k in range(ilvl + 1, 10):
            counters[k] = None
        for k in range(9, -1, -1):
            if f"%{k + 1}" in text and k in levels:
                value = counters[k] if counters[k] is not None else levels[k][2]
                text = text.replace(f"%{k + 1}", _fmt(levels[k][0], value))
        return text.strip()
