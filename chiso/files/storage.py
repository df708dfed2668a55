"""Files on disk: stored uploads are removed when what refers to them is gone; files ChiSo writes for a
person (reports, catalogs) reach the disk whole or not at all."""

import os
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage


def remove_stored(names) -> None:
    """Delete stored uploads by name; one already gone is not an error."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (os.umask sets as it reads)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename: a reader
    sees the old file or the new one, never half of it, and a failure leaves no temporary file behind.
    The file gets the mode `open()` would give it (the old file's, or 0666 less the umask), not mkstemp's 0600."""
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o666 & ~current_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
