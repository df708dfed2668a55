"""Vietnamese text helpers: folding diacritics for search and matching, whitespace clean-up."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case and strip Vietnamese diacritics ("Cải cách" -> "cai cach", "Đ" -> "d").

    Used for accent-insensitive search and fuzzy matching; no package needed (Unidecode is GPL).
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text).lower()


def squash(text: str | None) -> str:
    """Fold runs of whitespace and line breaks to single spaces and trim."""
    return _SPACES.sub(" ", text or "").strip()


def search_key(*parts: str | None) -> str:
    """The folded, squashed text stored beside a record for accent-insensitive search."""
    return squash(" ".join(fold(p) for p in parts if p))
