"""A small per-process memo with a time limit, for what every public answer reads: the agency or counter of
its link and the questionnaire in use. Objects are kept as they are (no pickling, unlike the cache
framework's local memory), at most SECONDS old; the actions that change them forget them at once in their
own process, and other worker processes see the change within SECONDS. Only things that exist are kept, so
links made up by a robot cannot fill it."""

import time

SECONDS = 30
LIMIT = 5000  # entries; beyond it the memo starts again (far more counters than any province has)

_store: dict[tuple, tuple[float, object]] = {}


def get(key: tuple, build, seconds: float = SECONDS):
    """The value kept under `key`, or build() (kept unless None)."""
    now = time.monotonic()
    hit = _store.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = build()
    if value is not None:
        if len(_store) >= LIMIT:
            _store.clear()
        _store[key] = (now + seconds, value)
    return value


def forget(*kinds: str) -> None:
    """Forget every entry of these kinds (the key's first item), or everything."""
    if not kinds:
        _store.clear()
        return
    for key in [k for k in _store if k[0] in kinds]:
        _store.pop(key, None)
