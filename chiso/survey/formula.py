"""The SIPAS index formula, on counts (no database):

- per question: satisfied answers ÷ valid answers × 100 (a question nobody answered has no value);
- per aspect: the mean of its questions that have a value;
- overall: the mean of the aspects that have a value, weighted by each aspect's weight (1 by default).

Which levels count as satisfied is the questionnaire's data (`satisfied_levels`), applied when an answer is
stored; the weights are the aspects' data. Percentages are rounded to two decimals only for display.
"""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Score:
    overall: float | None
    aspects: dict[str, float | None] = field(default_factory=dict)     # aspect code -> %
    questions: dict[str, float | None] = field(default_factory=dict)   # question code -> %
    answers: int = 0                                                    # valid answers counted
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)    # question code -> (satisfied, valid)


def rate(satisfied: int, valid: int) -> float | None:
    return None if not valid else 100.0 * satisfied / valid


def score(counts: dict[str, tuple[int, int]], aspect_of: dict[str, str],
          weights: dict[str, Decimal | float] | None = None) -> Score:
    """`counts`: question code -> (satisfied, valid); `aspect_of`: question code -> aspect code."""
    weights = weights or {}
    questions = {q: rate(s, v) for q, (s, v) in counts.items()}
    by_aspect: dict[str, list[float]] = {}
    for q, value in questions.items():
        if value is not None and q in aspect_of:
            by_aspect.setdefault(aspect_of[q], []).append(value)
    aspects: dict[str, float | None] = {a: sum(vs) / len(vs) for a, vs in by_aspect.items()}
    total = sum(float(weights.get(a, 1)) for a in aspects)
    overall = (sum(v * float(weights.get(a, 1)) for a, v in aspects.items()) / total) if total else None
    return Score(overall, aspects, questions, sum(v for _s, v in counts.values()), dict(counts))


def show(value: float | None) -> str:
    """87.456 -> "87,46"; None -> "–" (the Vietnamese decimal comma)."""
    return "–" if value is None else f"{value:.2f}".replace(".", ",")
