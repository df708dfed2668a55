"""The questionnaire's editable text: aspects and statements one per line, read and written back.

    A | Tiếp cận dịch vụ | 1          an aspect: code of letters, name, optional weight
    A1 | Nơi tiếp nhận dễ tìm ...      a statement of the aspect above
    A3? | ...                          "?" after the code: optional (people may leave it blank)
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_ASPECT_CODE = re.compile(r"^[A-Za-zĐđ]{1,10}$")
_QUESTION_CODE = re.compile(r"^[A-Za-zĐđ]{0,6}\d{1,4}[a-z]?$")


@dataclass
class AspectSpec:
    code: str
    name: str
    weight: Decimal = Decimal(1)
    questions: list[tuple[str, str, bool]] = field(default_factory=list)  # (code, text, required)


def parse(text: str) -> tuple[list[AspectSpec], list[str]]:
    """The aspects of `text`, and every error with its line number (nothing is usable when there is one)."""
    aspects: list[AspectSpec] = []
    errors: list[str] = []
    codes: set[str] = set()
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        code = parts[0]
        optional = code.endswith("?")
        code = code.rstrip("?").strip()
        if len(parts) < 2 or not parts[1]:
            errors.append(_("Dòng %(n)s: cần dạng “mã | nội dung”.") % {"n": number})
            continue
        if code.upper() in codes:
            errors.append(_("Dòng %(n)s: mã “%(c)s” bị trùng.") % {"n": number, "c": code})
            continue
        if _ASPECT_CODE.match(code) and not optional:
            weight = Decimal(1)
            if len(parts) > 2 and parts[2]:
                try:
                    weight = Decimal(parts[2].replace(",", "."))
                except InvalidOperation:
                    weight = Decimal(-1)
                if not (Decimal(0) < weight <= Decimal(100)):
                    errors.append(_("Dòng %(n)s: trọng số phải là số dương (ví dụ 1 hoặc 1,5).") % {"n": number})
                    continue
            aspects.append(AspectSpec(code.upper(), parts[1][:200], weight))
        elif _QUESTION_CODE.match(code):
            if not aspects:
                errors.append(_("Dòng %(n)s: câu hỏi phải nằm dưới một yếu tố.") % {"n": number})
                continue
            if len(parts[1]) > 500:
                errors.append(_("Dòng %(n)s: nội dung dài quá 500 ký tự.") % {"n": number})
                continue
            aspects[-1].questions.append((code.upper(), parts[1], not optional))
        else:
            errors.append(_("Dòng %(n)s: mã “%(c)s” không hợp lệ (yếu tố: chữ cái như A; câu hỏi: như A1).")
                          % {"n": number, "c": code})
            continue
        codes.add(code.upper())
    if not errors:
        if not aspects:
            errors.append(_("Phiếu cần ít nhất một yếu tố và một câu hỏi."))
        for a in aspects:
            if not a.questions:
                errors.append(_("Yếu tố %(c)s chưa có câu hỏi nào.") % {"c": a.code})
    return aspects, errors


def render(questionnaire) -> str:
    lines = []
    for aspect in questionnaire.aspects.all():
        weight = "" if aspect.weight == 1 else f" | {format(aspect.weight.normalize(), 'f').replace('.', ',')}"
        lines.append(f"{aspect.code} | {aspect.name}{weight}")
        for q in aspect.questions.all():
            lines.append(f"{q.code}{'' if q.required else '?'} | {q.text}")
    return "\n".join(lines)


def parse_lines(text: str, limit: int = 20) -> list[str]:
    return [line.strip()[:80] for line in (text or "").splitlines() if line.strip()][:limit]
