"""Plan-document import: .txt/.md text dumps, .docx, .pdf (text layer or scanned) and .xlsx -> the
plan-import contract object {"plan": {...}, "tasks": [...]} (see ../shared/contracts/plan-import.md).

Every reader turns its format into blocks (paragraphs and tables in document order); one layout parser maps
blocks to the contract. Pure Python: no Django needed.
"""

from __future__ import annotations

import logging
import os

from chiso.importing.errors import ImportRejected

__all__ = ["ImportRejected", "import_plan"]

logger = logging.getLogger(__name__)

MSG_UNREADABLE = "Không đọc được nội dung tệp; tệp có thể bị hỏng hoặc không đúng định dạng."


def import_plan(path: str | os.PathLike, *, filename: str | None = None) -> dict:
    """Read one plan document and return the contract object; raise ImportRejected for bad input.

    `filename` is the original name of an upload saved under a temporary name (its extension decides the
    format).
    """
    from chiso.importing.layout import parse_blocks
    from chiso.importing.readers import read_blocks

    blocks = read_blocks(path, filename=filename)
    try:
        return parse_blocks(blocks)
    except ImportRejected:
        raise
    except Exception as exc:  # a layout this parser does not survive: tell the user, keep the trace in the log
        logger.exception("plan import failed on %s", filename or os.fspath(path))
        raise ImportRejected(MSG_UNREADABLE) from exc
