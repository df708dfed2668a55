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


class Blocks(list):
    """A reader's blocks, with what OCR adds: pages it could not read and the words it doubted."""

    failed_pages: list[int]
    doubtful: set[str]
    ocr: bool
    page_seconds: list[float]

    def __init__(self, items=()):
        super().__init__(items)
        self.failed_pages = []
        self.doubtful = set()
        self.ocr = False
        self.page_seconds = []
