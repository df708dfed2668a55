"""The common intermediate every reader produces: paragraphs and tables in document order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Para:
    """One line or paragraph of running text (as printed, not yet cleaned)."""

    text: str


@dataclass
class Table:
    """Rows of cell texts. `breaks` holds the indexes of rows that start a new page (the row before was the
    last on its page, so the row may continue it); `roles` is set when the reader already knows the columns
    (flowed text tables), else the parser finds the header row."""

    rows: list[list[str]]
    breaks: set[int] = field(default_factory=set)
    roles: list[str] | None = None


Block = Para | Table
