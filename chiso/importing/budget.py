"""The time budget and progress callback of the import running in this context (thread or task).

`import_plan(..., time_limit=, progress=)` sets them; long loops call `check()` so that no document can
hold a worker longer than the budget, and OCR reports its pages through `progress()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from chiso.importing.errors import ImportRejected

DEFAULT_SECONDS = 300.0
DEFAULT_MAX_MB = 50  # the command line without Django; the site passes settings.CHISO_MAX_UPLOAD_MB
MSG_TIMEOUT = ("Đọc văn bản vượt quá thời gian cho phép; tệp quá dài hoặc quá phức tạp. Hãy tách tệp "
               "hoặc tải lên bản có lớp văn bản (.docx).")

Progress = Callable[[int, int, str], None]
_deadline: ContextVar[float | None] = ContextVar("chiso_import_deadline", default=None)
_progress: ContextVar[Progress | None] = ContextVar("chiso_import_progress", default=None)
_max_mb: ContextVar[int] = ContextVar("chiso_import_max_mb", default=DEFAULT_MAX_MB)


@contextmanager
def limits(seconds: float | None = DEFAULT_SECONDS, progress: Progress | None = None,
           max_mb: int | None = None) -> Iterator[None]:
    t1 = _deadline.set(time.monotonic() + seconds if seconds else None)
    t2 = _progress.set(progress)
    t3 = _max_mb.set(max_mb or DEFAULT_MAX_MB)
    try:
        yield
    finally:
        _deadline.reset(t1)
        _progress.reset(t2)
        _max_mb.reset(t3)


def max_mb() -> int:
    """The largest document accepted, in MB."""
    return _max_mb.get()


def deadline() -> float | None:
    return _deadline.get()


def progress() -> Progress | None:
    return _progress.get()


def check() -> None:
    """Raise ImportRejected when the import has used up its time."""
    d = _deadline.get()
    if d is not None and time.monotonic() > d:
        raise ImportRejected(MSG_TIMEOUT)
