"""The scoring rule of a catalog node as data, its one-line text form (the XLSX column "Quy tắc tính"), and
the score it gives a declared value.

Four kinds, the shapes provinces use (the numbers are each catalog's own, editable data):
- ``yes_no``        Có → the maximum, Không → 0                                   text: "có/không"
- ``tiers``         a rate in %: the first threshold reached gives its points       text: "bậc: 100% → 1; 80% → 0,5"
- ``count``         each counted item gives ``per`` points, up to the maximum       text: "đếm: 0,5"
- ``proportional``  rate × maximum ÷ threshold, up to the maximum                   text: "tỷ lệ: 100%"
A node without a rule is scored by hand, capped at its maximum.

Stored as JSON on FrameworkNode.rule: {"kind": "tiers", "tiers": [["100", "1"], ["80", "0.5"]]}; decimals as
strings so that nothing is lost to floats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from chiso.lib.numbers import format_vn_decimal
from chiso.lib.text import fold, squash

YES_NO, TIERS, COUNT, PROPORTIONAL = "yes_no", "tiers", "count", "proportional"
KINDS = (YES_NO, TIERS, COUNT, PROPORTIONAL)
STEP = Decimal("0.001")  # scores keep three decimals, like FrameworkNode.max_score
HUNDRED = Decimal(100)


class RuleError(ValueError):
    """A rule that cannot be read or does not fit its node; str() is a Vietnamese sentence."""


@dataclass(frozen=True)
class Rule:
    kind: str
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold %, points), highest threshold first
    per: Decimal | None = None
    threshold: Decimal | None = None

    @property
    def value_kind(self) -> str:
        """What the agency declares: "yes_no", "rate" (0–100 %) or "count"."""
        return {YES_NO: "yes_no", TIERS: "rate", PROPORTIONAL: "rate", COUNT: "count"}[self.kind]

    def to_data(self) -> dict:
        if self.kind == TIERS:
            return {"kind": TIERS, "tiers": [[str(t), str(p)] for t, p in self.tiers]}
        if self.kind == COUNT:
            return {"kind": COUNT, "per": str(self.per)}
        if self.kind == PROPORTIONAL:
            return {"kind": PROPORTIONAL, "threshold": str(self.threshold)}
        return {"kind": YES_NO}

    def to_text(self) -> str:
        if self.kind == TIERS:
            return "bậc: " + "; ".join(f"{format_vn_decimal(t)}% → {format_vn_decimal(p)}" for t, p in self.tiers)
        if self.kind == COUNT:
            return f"đếm: {format_vn_decimal(self.per)}"
        if self.kind == PROPORTIONAL:
            return f"tỷ lệ: {format_vn_decimal(self.threshold)}%"
        return "có/không"

    def describe(self, max_score: Decimal | None) -> str:
        """The rule in a sentence for the assessment page."""
        if self.kind == TIERS:
            steps = "; ".join(_("từ %(t)s%% được %(p)s") % {"t": format_vn_decimal(t), "p": format_vn_decimal(p)}
                              for t, p in self.tiers)
            return _("Theo tỷ lệ: %(steps)s; thấp hơn được 0.") % {"steps": steps}
        if self.kind == COUNT:
            return _("Mỗi kết quả được %(per)s điểm, tối đa %(max)s.") % {
                "per": format_vn_decimal(self.per), "max": format_vn_decimal(max_score) if max_score else "—"}
        if self.kind == PROPORTIONAL:
            return _("Điểm = tỷ lệ × điểm tối đa ÷ %(t)s%%, không quá điểm tối đa.") % {
                "t": format_vn_decimal(self.threshold)}
        return _("Có: đủ điểm tối đa; Không: 0 điểm.")

    def score(self, max_score: Decimal, *, yes: bool | None = None, rate: Decimal | None = None,
              count: int | None = None) -> Decimal | None:
        """The points the declared value earns (None when the value it needs is missing)."""
        return compute(self, max_score, yes=yes, rate=rate, count=count)


def _number(text: str) -> Decimal:
    """A number written the Vietnamese way (0,5) or the other (0.5)."""
    raw = text.strip().replace("%", "").replace(" ", "").replace("\u00a0", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise RuleError(_("“%(value)s” không phải là số.") % {"value": text.strip()}) from exc
    if not value.is_finite():
        raise RuleError(_("“%(value)s” không phải là số.") % {"value": text.strip()})
    return value


_TIER_SPLIT = re.compile(r"\s*(?:→|->|=>|=)\s*")


def parse_text(text: str, max_score: Decimal | None = None) -> Rule | None:
    """The rule a cell of "Quy tắc tính" writes, checked against the node's maximum; blank is no rule."""
    raw = squash(text or "")
    if not raw:
        return None
    head, _sep, rest = raw.partition(":")
    key = fold(head).replace(" ", "")
    if key in {"co/khong", "cokhong", "co-khong", "yes/no"} and not rest.strip():
        return check(Rule(YES_NO), max_score)
    if key in {"bac", "theobac", "tiers"}:
        tiers = []
        for part in filter(None, (p.strip() for p in rest.split(";"))):
            pieces = _TIER_SPLIT.split(part)
            if len(pieces) != 2:
                raise RuleError(_("bậc “%(part)s” phải viết dạng “80%% → 0,5”.") % {"part": part})
            tiers.append((_number(pieces[0]), _number(pieces[1])))
        return check(Rule(TIERS, tiers=tuple(tiers)), max_score)
    if key in {"dem", "count"}:
        return check(Rule(COUNT, per=_number(rest or "")), max_score)
    if key in {"tyle", "tile", "proportional"}:
        return check(Rule(PROPORTIONAL, threshold=_number(rest or "")), max_score)
    raise RuleError(_("quy tắc “%(text)s” không hiểu; viết “có/không”, “bậc: 100%% → 1; 80%% → 0,5”, "
                      "“đếm: 0,5” hoặc “tỷ lệ: 100%%”.") % {"text": raw})


def from_data(data: dict | None) -> Rule | None:
    """The Rule stored on a node (None when it has none). Stored data was checked when it was written."""
    if not data or not data.get("kind"):
        return None
    kind = data["kind"]
    if kind == TIERS:
        return Rule(TIERS, tiers=tuple((Decimal(t), Decimal(p)) for t, p in data.get("tiers", [])))
    if kind == COUNT:
        return Rule(COUNT, per=Decimal(data["per"]))
    if kind == PROPORTIONAL:
        return Rule(PROPORTIONAL, threshold=Decimal(data["threshold"]))
    if kind == YES_NO:
        return Rule(YES_NO)
    raise RuleError(_("loại quy tắc “%(kind)s” không có.") % {"kind": kind})


def check(rule: Rule, max_score: Decimal | None) -> Rule:
    """The rule with its tiers ordered, or RuleError saying what does not fit."""
    if rule.kind == TIERS:
        if not rule.tiers:
            raise RuleError(_("quy tắc theo bậc cần ít nhất một bậc."))
        for threshold, points in rule.tiers:
            if not 0 <= threshold <= HUNDRED:
                raise RuleError(_("ngưỡng %(t)s%% phải từ 0 đến 100.") % {"t": format_vn_decimal(threshold)})
            if points < 0:
                raise RuleError(_("điểm của bậc không được âm."))
            if max_score is not None and points > max_score:
                raise RuleError(_("điểm của bậc (%(p)s) lớn hơn điểm tối đa (%(m)s).")
                                % {"p": format_vn_decimal(points), "m": format_vn_decimal(max_score)})
        thresholds = [t for t, _p in rule.tiers]
        if len(set(thresholds)) != len(thresholds):
            raise RuleError(_("hai bậc có cùng ngưỡng."))
        rule = Rule(TIERS, tiers=tuple(sorted(rule.tiers, key=lambda tp: tp[0], reverse=True)))
    elif rule.kind == COUNT:
        if rule.per is None or rule.per <= 0:
            raise RuleError(_("điểm mỗi kết quả phải lớn hơn 0."))
    elif rule.kind == PROPORTIONAL:
        if rule.threshold is None or not 0 < rule.threshold <= HUNDRED:
            raise RuleError(_("ngưỡng tỷ lệ phải lớn hơn 0 và không quá 100%."))
    if max_score is None:
        raise RuleError(_("quy tắc tính điểm cần điểm tối đa của tiêu chí."))
    return rule


def quantize(value: Decimal) -> Decimal:
    return value.quantize(STEP, rounding=ROUND_HALF_UP)


def compute(rule: Rule, max_score: Decimal, *, yes: bool | None = None, rate: Decimal | None = None,
            count: int | None = None) -> Decimal | None:
    """The score of a declared value under `rule`, never above `max_score`; None when the value is missing.
    Rates are percentages 0–100 and counts are not negative (the caller has refused anything else)."""
    if rule.kind == YES_NO:
        if yes is None:
            return None
        return quantize(max_score) if yes else Decimal("0.000")
    if rule.kind == TIERS:
        if rate is None:
            return None
        for threshold, points in rule.tiers:
            if rate >= threshold:
                return quantize(min(points, max_score))
        return Decimal("0.000")
    if rule.kind == COUNT:
        if count is None:
            return None
        return quantize(min(rule.per * count, max_score))
    if rule.kind == PROPORTIONAL:
        if rate is None:
            return None
        return quantize(min(rate * max_score / rule.threshold, max_score))
    raise RuleError(rule.kind)
