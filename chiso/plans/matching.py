"""Printed names to database rows: unit names to the agency's units, fields to framework catalog nodes.

Accent-, typo- and abbreviation-insensitive (fold + rapidfuzz + a small abbreviation table). Nothing here
creates anything: a name that fits no unit is flagged for review. Used by `plans.importing`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from chiso.frameworks.models import Framework, FrameworkNode
from chiso.lib.text import fold, squash
from chiso.org.models import Agency, Unit

UNIT_FUZZY_MIN = 85  # rapidfuzz score (0-100) for a typo-tolerant unit match


# --------------------------------------------------------------------------------------------------
# Text normalisation shared by unit matching and catalog mapping
# --------------------------------------------------------------------------------------------------

# Abbreviations found in plans, folded, with their folded expansion. Longer keys first when applied.
ABBREVIATIONS: dict[str, str] = {
    "vp": "van phong",
    "kh&cn": "khoa hoc va cong nghe", "khcn": "khoa hoc va cong nghe",
    "tt&tt": "thong tin va truyen thong", "tttt": "thong tin va truyen thong",
    "ubnd": "uy ban nhan dan", "hdnd": "hoi dong nhan dan",
    "vhttdl": "van hoa the thao va du lich", "vh,tt&dl": "van hoa the thao va du lich",
    "vhtt&dl": "van hoa the thao va du lich",
    "tthc": "thu tuc hanh chinh", "cchc": "cai cach hanh chinh",
    "tn&mt": "tai nguyen va moi truong", "tnmt": "tai nguyen va moi truong",
    "nn&ptnt": "nong nghiep va phat trien nong thon", "nnptnt": "nong nghiep va phat trien nong thon",
    "gd&dt": "giao duc va dao tao", "gddt": "giao duc va dao tao",
    "ld-tb&xh": "lao dong thuong binh va xa hoi", "ldtbxh": "lao dong thuong binh va xa hoi",
    "kh&dt": "ke hoach va dau tu", "khdt": "ke hoach va dau tu",
    "kh-tc": "ke hoach tai chinh", "khtc": "ke hoach tai chinh",
    "tc-kh": "tai chinh ke hoach", "tckh": "tai chinh ke hoach",
    "tccb": "to chuc can bo", "tc-cb": "to chuc can bo",
    "hc-th": "hanh chinh tong hop", "hcth": "hanh chinh tong hop",
    "cntt": "cong nghe thong tin", "dvc": "dich vu cong", "bpmc": "bo phan mot cua",
    "tgpl": "tro giup phap ly", "pbgdpl": "pho bien giao duc phap luat",
    "ctdt": "cong tac dan toc", "ttr": "thanh tra", "ttra": "thanh tra",
    "qlnn": "quan ly nha nuoc", "vbqppl": "van ban quy pham phap luat", "csdl": "co so du lieu",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong", "tt": "trung tam",
}
_ABBREV_RE = re.compile(
    r"(?<![\w&])(" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w&])")
_PARENS = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^\w]+")
_LEADING_NUMBER = re.compile(r"^\s*(?:[ivxlc]+|\d+(?:\.\d+)*|[a-z])\s*[.)/-]\s+")
# Words a document adds around a unit name that do not tell units apart.
_UNIT_TAIL = re.compile(r"\s+(?:thuoc so|cua so|truc thuoc so|so)$")
_COLLECTIVE_START = re.compile(r"^(?:cac|tat ca|toan bo|toan the|nhung|moi|mot so)\b")
_GENERIC_WORDS = {
    "phong", "chuyen", "mon", "don", "vi", "co", "lien", "quan", "thuoc", "truc", "so", "su", "nghiep",
    "trung", "tam", "bo", "phan", "ban", "nganh", "cac", "va", "cua", "thu", "tuc", "hanh", "chinh",
    "vu", "khac", "duoc", "giao", "la", "cung", "cap",
}


def normalize(text: str | None) -> str:
    """Folded, abbreviation-expanded, punctuation-free text ("VP Sở" -> "van phong so")."""
    folded = squash(fold(text))
    folded = _ABBREV_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], folded)
    return squash(_NON_WORD.sub(" ", folded).replace("_", " "))


def _unit_key(text: str | None) -> str:
    return _UNIT_TAIL.sub("", normalize(text))


_UNIT_PREFIXES = ("van phong", "phong", "trung tam", "thanh tra", "ban", "chi cuc", "bo phan", "to")


def _acronym_key(name: str) -> str | None:
    """"Phòng Hành chính tư pháp" -> "phong hctp": how documents shorten unit names."""
    key = _unit_key(name)
    for prefix in _UNIT_PREFIXES:
        if key.startswith(prefix + " "):
            rest = key[len(prefix) + 1:].split()
            letters = "".join(w[0] for w in rest if w != "va")
            return f"{prefix} {letters}" if len(letters) >= 2 else None
    return None


# --------------------------------------------------------------------------------------------------
# Unit matching
# --------------------------------------------------------------------------------------------------

@dataclass
class Match:
    """How one printed unit name was understood."""

    EXACT = "exact"  # the unit's name, an alias or a known abbreviation of it
    FUZZY = "fuzzy"  # close enough despite typos or OCR damage
    COLLECTIVE = "collective"  # "Các phòng, đơn vị thuộc Sở": kept as text, not a unit
    EXTERNAL = "external"  # marked "không thuộc cơ quan" in the review: kept as text, flagged on the plan
    UNKNOWN = "unknown"  # no unit of the agency: flagged for review, never created

    text: str
    unit: Unit | None = None
    kind: str = UNKNOWN
    score: float = 0.0  # 0-100

    @property
    def flagged(self) -> bool:
        return self.kind == self.UNKNOWN

    @property
    def matched(self) -> bool:
        return self.unit is not None


class UnitMatcher:
    """The agency's units and aliases, loaded once, matched against many printed names."""

    def __init__(self, agency: Agency):
        self.agency = agency
        self.units: list[Unit] = list(Unit.objects.filter(agency=agency, is_active=True)
                                      .prefetch_related("aliases").order_by("name"))
        self.exact: dict[str, Unit] = {}
        self.compact: dict[str, Unit] = {}
        self.candidates: list[tuple[str, Unit]] = []
        for unit in self.units:
            keys = [_unit_key(unit.name)]
            keys += [_unit_key(a.alias) for a in unit.aliases.all()]
            if unit.short_name:
                keys.append(_unit_key(unit.short_name))
            acronym = _acronym_key(unit.name)
            for key in filter(None, keys):
                self.exact.setdefault(key, unit)
                self.candidates.append((key, unit))
            if acronym:
                self.compact.setdefault(acronym.replace(" ", ""), unit)

    def match(self, text: str) -> Match:
        printed = squash(text)
        found = self._match(printed, _unit_key(printed))
        if found.kind == Match.UNKNOWN and _PARENS.search(printed):  # "Văn phòng Sở (Bộ phận Một cửa)"
            bare = self._match(printed, _unit_key(_PARENS.sub(" ", printed)))
            if bare.unit is not None:
                return bare
        return found

    def _match(self, printed: str, key: str) -> Match:
        if not key:
            return Match(printed)
        if key in self.exact:
            return Match(printed, self.exact[key], Match.EXACT, 100.0)
        if key.replace(" ", "") in self.compact:
            return Match(printed, self.compact[key.replace(" ", "")], Match.EXACT, 100.0)
        if _COLLECTIVE_START.match(key):
            return Match(printed, None, Match.COLLECTIVE, 0.0)
        scores: dict[int, tuple[float, Unit]] = {}
        for cand, unit in self.candidates:
            score = max(fuzz.ratio(key, cand), fuzz.token_sort_ratio(key, cand))
            if score > scores.get(unit.pk, (0.0, unit))[0]:
                scores[unit.pk] = (score, unit)
        ranked = sorted(scores.values(), key=lambda s: s[0], reverse=True)
        best_score, best = ranked[0] if ranked else (0.0, None)
        runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
        if best is not None and best_score >= UNIT_FUZZY_MIN and runner_up < best_score - 3:
            return Match(printed, best, Match.FUZZY, best_score)  # close to one unit, not to two
        if set(key.split()) <= _GENERIC_WORDS:
            return Match(printed, None, Match.COLLECTIVE, 0.0)
        return Match(printed, None, Match.UNKNOWN, best_score)

    def match_all(self, names) -> list[Match]:
        return [self.match(n) for n in names or [] if squash(n)]


def match_units(agency: Agency, names) -> list[Match]:
    """Match printed unit names to the agency's units; unknown names are flagged, never created."""
    return UnitMatcher(agency).match_all(names)


# --------------------------------------------------------------------------------------------------
# Framework catalog mapping
# --------------------------------------------------------------------------------------------------

_FIELD_NOISE = re.compile(
    r"\b(?:cai thien|nang cao|muc do hai long (?:cua nguoi dan )?(?:ve )?|chi so (?:thanh phan )?|"
    r"linh vuc|noi dung|tieu chi (?:thanh phan )?)\b")


def _field_key(text: str | None) -> str:
    folded = _PARENS.sub(" ", squash(fold(text)))
    folded = _LEADING_NUMBER.sub("", folded)
    return squash(_FIELD_NOISE.sub(" ", normalize(folded)))


def _similarity(a: str, b: str) -> float:
    """0-1: whole-string likeness, or containment when the shorter text is a real part of the longer."""
    if not a or not b:
        return 0.0
    score = max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))
    ta, tb = a.split(), b.split()
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if len(short) >= 3:
        coverage = len(short) / len(long_)
        score = max(score, fuzz.token_set_ratio(a, b) * (0.85 + 0.15 * coverage))
    return score / 100


_LEVEL_OF_KIND = {Agency.Kind.DEPARTMENT: Framework.Level.DEPARTMENT, Agency.Kind.PROVINCE: Framework.Level.PROVINCE,
                  Agency.Kind.COMMUNE: Framework.Level.DEPARTMENT}


class NodeMapper:
    """Catalog nodes of every index, loaded once; the agency's level and the plan's year come first."""

    def __init__(self, agency: Agency | None = None, year: int | None = None):
        level = _LEVEL_OF_KIND.get(agency.kind) if agency else None
        frameworks = list(Framework.objects.all())
        if agency is not None:
            frameworks = [f for f in frameworks if f.province_id in (None, agency.province_id)]

        def preference(f: Framework):
            return (f.level != level, f.province_id is None, abs((year or f.year) - f.year), -f.year)

        frameworks.sort(key=preference)
        rank = {f.pk: i for i, f in enumerate(frameworks)}
        self.nodes: dict[str, list[tuple[float, str, FrameworkNode]]] = {}
        for node in FrameworkNode.objects.filter(framework__in=frameworks).select_related("framework"):
            penalty = 0.99 ** rank[node.framework_id]  # the preferred catalog wins ties
            self.nodes.setdefault(node.framework.index, []).append((penalty, _field_key(node.name), node))

    def map(self, index: str | None, field_name: str | None, criterion: str | None = None
            ) -> tuple[FrameworkNode | None, float]:
        """The best node for a task's printed field/criterion, with a 0-1 confidence."""
        pools = [self.nodes.get(index, [])] if index else list(self.nodes.values())
        scored: list[tuple[float, str, FrameworkNode]] = []
        for text, depths in ((field_name, None), (criterion, (2, 3))):
            key = _field_key(text)
            if not key:
                continue
            for pool in pools:
                for penalty, node_key, node in pool:
                    if depths and node.depth not in depths:
                        continue
                    scored.append((_similarity(key, node_key) * penalty, node_key, node))
        if not scored:
            return None, 0.0
        scored.sort(key=lambda s: s[0], reverse=True)
        best_score, best_key, best = scored[0]
        rival = next((s for s, k, n in scored[1:] if k != best_key and n.depth == best.depth), 0.0)
        confidence = best_score
        if rival >= best_score - 0.03:  # two different nodes fit as well: not sure
            confidence *= 0.75
        if not index:
            confidence *= 0.9
        return best, round(min(confidence, 1.0), 3)
