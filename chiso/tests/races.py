"""Run actions at the same moment in threads against the real test database (SQLite or PostgreSQL).

Each thread has its own connection. The threads wait at a barrier, then call their action. SQLite's test
database is an in-memory shared-cache file whose table locks answer "locked" at once instead of waiting
as the server's busy timeout does; such an attempt was rolled back whole, so it is simply tried again."""

import threading
import time

from django.db import OperationalError, connection

TIMEOUT = 30  # seconds a race may take before the test fails (bounded, never hangs)


def _patiently(fn):
    for attempt in range(500):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 499:
                raise
            time.sleep(0.002)


def race(*fns):
    """Call every fn at once, each in its thread; returns what each returned or the exception it raised."""
    barrier = threading.Barrier(len(fns))
    out: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait(TIMEOUT)
            out[i] = _patiently(fn)
        except BaseException as exc:  # noqa: BLE001 - the test reads what each thread met
            out[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn), daemon=True) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a racing action did not finish in time"
    return out


def backend() -> str:
    return connection.vendor
