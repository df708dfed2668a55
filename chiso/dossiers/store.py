"""The dossier store: immutable Parquet files under DATA_DIR/dossiers, listed by one manifest.

Layout: `files/` holds Parquet files that are never modified once written; `manifest.json` says which
files are current: one per (kind, agency, year of receipt) partition, plus one KPI cube per agency.
A writer (one at a time, under an exclusive file lock) writes new files, then replaces the manifest by
an atomic rename; readers (any number of web workers) read the manifest and then only the files it
names, so they see either the old set or the new set, never half an import. Files that no manifest
names any more are deleted by a later writer once they are older than GRACE (a reader still holding
the previous manifest finishes well within it).

DuckDB (embedded, MIT) reads and writes the files; no extension is ever downloaded (Parquet and JSON
are built into the wheel, and autoloading is switched off).
"""

import contextlib
import fcntl
import json
import os
import threading
import time
import uuid
from pathlib import Path

import duckdb
from django.conf import settings

GRACE = 3600  # seconds an unreferenced file is kept for readers of an older manifest

# The typed columns of each kind, in file order. Dates are days (the national data's times of day are
# not needed by any indicator).
SCHEMAS = {
    "dossier": [
        ("agency_id", "INTEGER"), ("unit_id", "INTEGER"), ("code", "VARCHAR"), ("procedure", "VARCHAR"),
        ("procedure_name", "VARCHAR"), ("level", "TINYINT"), ("legal_days", "SMALLINT"),
        ("submitted", "DATE"), ("received", "DATE"), ("promised", "DATE"), ("finished", "DATE"),
        ("status", "VARCHAR"), ("sup_count", "TINYINT"), ("sup_requested", "DATE"), ("sup_completed", "DATE"),
        ("channel", "TINYINT"), ("fee", "BIGINT"), ("paid_online", "TINYINT"), ("digitised", "BOOLEAN"),
        ("reused", "BOOLEAN"), ("result_code", "VARCHAR"), ("e_result", "BOOLEAN"), ("vneid", "BOOLEAN"),
        ("disliked", "BOOLEAN"), ("applicant", "VARCHAR"), ("address", "VARCHAR"),
    ],
    "pakn": [
        ("agency_id", "INTEGER"), ("unit_id", "INTEGER"), ("code", "VARCHAR"), ("title", "VARCHAR"),
        ("received", "DATE"), ("handled", "DATE"), ("outcome", "TINYINT"), ("published", "DATE"),
        ("disliked", "BOOLEAN"), ("repeated", "BOOLEAN"), ("sender", "VARCHAR"),
    ],
}
KINDS = tuple(SCHEMAS)


def root() -> Path:
    return Path(getattr(settings, "CHISO_DOSSIER_DIR", None) or Path(settings.DATA_DIR) / "dossiers")


def connect(memory_limit: str = "1GB", threads: int | None = None, database: str = ":memory:"):
    """A DuckDB connection with ChiSo's limits: bounded memory (spilling to the data directory),
    no extension downloads."""
    tmp = root() / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    config = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "memory_limit": memory_limit,
        "temp_directory": str(tmp),
    }
    if threads:
        config["threads"] = threads
    return duckdb.connect(database, config=config)


_local = threading.local()


def reader():
    """This thread's read connection (DuckDB connections are not shared between threads)."""
    con = getattr(_local, "con", None)
    if con is None or getattr(_local, "pid", None) != os.getpid():
        con = _local.con = connect(memory_limit=getattr(settings, "CHISO_DUCKDB_MEMORY", "1GB"))
        _local.pid = os.getpid()
    return con


# --- the manifest ----------------------------------------------------------------------------------

_cache: dict = {"key": None, "data": None}


def manifest() -> dict:
    """The current manifest (cached until the file changes)."""
    path = root() / "manifest.json"
    try:
        st = path.stat()
    except FileNotFoundError:
        return _empty()
    key = (str(path), st.st_mtime_ns, st.st_size, st.st_ino)
    if _cache["key"] != key:
        with open(path, encoding="utf-8") as fh:
            _cache["data"] = json.load(fh)
        _cache["key"] = key
    return _cache["data"]


def _empty() -> dict:
    return {"generation": 0, "dossier": {}, "pakn": {}, "cube": {}, "alerts": {}}


def part_key(agency_id: int, year: int) -> str:
    return f"{agency_id}/{year}"


def files(kind: str, agency_ids=None, years=None) -> list[str]:
    """Absolute paths of the current files of `kind`, optionally only some agencies and years."""
    base = root()
    parts = manifest().get(kind, {})
    agencies = {str(a) for a in agency_ids} if agency_ids is not None else None
    yrs = {str(y) for y in years} if years is not None else None
    out = []
    for key, name in sorted(parts.items()):
        a, y = key.split("/")
        if (agencies is None or a in agencies) and (yrs is None or y in yrs):
            out.append(str(base / "files" / name))
    return out


def drill_file(agency_id: int) -> tuple[str | None, str | None]:
    """(the agency's judged month rows, the day they were judged) or (None, None)."""
    data = manifest()
    name = data.get("drill", {}).get(str(agency_id))
    if not name:
        return None, None
    return str(root() / "files" / name), data.get("drill_as_of", {}).get(str(agency_id))


def cube_files(agency_ids=None) -> list[str]:
    cubes = manifest().get("cube", {})
    agencies = {str(a) for a in agency_ids} if agency_ids is not None else None
    return [str(root() / "files" / name) for a, name in sorted(cubes.items())
            if agencies is None or a in agencies]


def empty_select(kind: str) -> str:
    cols = ", ".join(f"NULL::{typ} AS {name}" for name, typ in SCHEMAS[kind])
    return f"(SELECT {cols} LIMIT 0)"


def relation(kind: str, agency_ids=None, years=None) -> tuple[str, list]:
    """SQL for the rows of `kind` (a parenthesised FROM item) and its parameters."""
    paths = files(kind, agency_ids, years)
    if not paths:
        return empty_select(kind), []
    return "read_parquet(?)", [paths]


# --- writing ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def writing():
    """Hold the store's write lock (one writer at a time, across processes) and yield a Transaction."""
    base = root()
    (base / "files").mkdir(parents=True, exist_ok=True)
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            tx = Transaction(base)
            try:
                yield tx
            except BaseException:
                tx.abort()
                raise
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Transaction:
    """New files and a new manifest, published together by `commit` (an atomic rename)."""

    def __init__(self, base: Path):
        self.base = base
        self.data = json.loads(json.dumps(manifest()))  # a private copy of the current manifest
        self.new_files: list[Path] = []

    def new_path(self, prefix: str) -> Path:
        path = self.base / "files" / f"{prefix}-{uuid.uuid4().hex[:12]}.parquet"
        self.new_files.append(path)
        return path

    def keep(self, path: Path) -> None:
        """Keep this new file even if the transaction aborts (something outside the store names it)."""
        self.new_files = [p for p in self.new_files if p != path]

    def set(self, kind: str, key: str, path: Path | None):
        if path is None:
            self.data.setdefault(kind, {}).pop(key, None)
        else:
            self.data.setdefault(kind, {})[key] = path.name

    def commit(self):
        self.data["generation"] = int(self.data.get("generation", 0)) + 1
        target = self.base / "manifest.json"
        tmp = self.base / f".manifest-{uuid.uuid4().hex}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        self.new_files = []
        self._collect()

    def abort(self):
        for path in self.new_files:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.new_files = []

    def _collect(self):
        """Delete files no manifest names that are older than the grace period."""
        live = {name for kind in (*KINDS, "cube", "alerts", "drill") for name in self.data.get(kind, {}).values()}
        now = time.time()
        for path in (self.base / "files").glob("*.parquet"):
            if path.name not in live:
                # an alert state a crashed run has not published yet waits for the next run much longer
                grace = GRACE * 24 * 7 if path.name.startswith("alerts-") else GRACE
                with contextlib.suppress(FileNotFoundError):
                    if now - path.stat().st_mtime > grace:
                        path.unlink()
