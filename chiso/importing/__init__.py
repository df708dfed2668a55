"""Plan-document import: .txt/.md text dumps, .docx, .pdf (text layer or scanned) and .xlsx -> the
plan-import contract object {"plan": {...}, "tasks": [...]} (see ../shared/contracts/plan-import.md).

Every reader turns its format into blocks (paragraphs and tables in document order); one layout parser maps
blocks to the contract. Pure Python: no Django needed.
"""

from __future__ import annotations

import logging
import os

from chiso.importing.errors import ImportRejected

__all__ = ["ImportRejected", "import_plan", "needs_ocr", "public"]

logger = logging.getLogger(__name__)

MSG_UNREADABLE = "Không đọc được nội dung tệp; tệp có thể bị hỏng hoặc không đúng định dạng."


def import_plan(path: str | os.PathLike, *, filename: str | None = None, time_limit: float | None = None,
                progress=None, max_mb: int | None = None) -> dict:
    """Read one plan document and return the contract object; raise ImportRejected for bad input.

    `filename` is the original name of an upload saved under a temporary name (its extension decides the
    format). `time_limit` (seconds, default budget.DEFAULT_SECONDS) bounds the whole parse: past it the
    import is refused with a clear sentence. `progress(done, total, message)` hears OCR's pages. `max_mb`
    is the largest file accepted (the site passes settings.CHISO_MAX_UPLOAD_MB; default 50).

    Besides the contract's keys, the object carries what only the review uses, under keys starting with
    "_" (the CLI's JSON leaves them out): per task `_uncertain` (the fields worth a second look) and
    `_source` {"ocr": bool, "pages_failed": [page numbers]}.
    """
    from chiso.importing import budget
    from chiso.importing.layout import parse_blocks
    from chiso.importing.readers import read_blocks
    from chiso.importing.uncertain import mark_uncertain

    with budget.limits(time_limit or budget.DEFAULT_SECONDS, progress, max_mb):
        blocks = read_blocks(path, filename=filename)
        budget.check()
        try:
            result = parse_blocks(blocks)
        except ImportRejected:
            raise
        except Exception as exc:  # a layout this parser does not survive: tell the user, keep the trace in the log
            logger.exception("plan import failed on %s", filename or os.fspath(path))
            raise ImportRejected(MSG_UNREADABLE) from exc
    mark_uncertain(result, blocks)
    return result


def needs_ocr(path: str | os.PathLike, filename: str | None = None) -> bool:
    """True for an image or a PDF without a text layer (reading it takes OCR: seconds per page)."""
    from chiso.importing.readers import needs_ocr as check

    return check(path, filename)


def public(result: dict) -> dict:
    """The contract object alone: the review's own keys (starting with "_") left out."""
    return {
        "plan": {k: v for k, v in (result.get("plan") or {}).items() if not k.startswith("_")},
        "tasks": [{k: v for k, v in t.items() if not k.startswith("_")} for t in result.get("tasks") or []],
    }
