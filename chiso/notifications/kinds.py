"""The kinds of notification, registered by the apps that send them. A kind with a `section` also goes
out in the daily mail under that heading (sections in `order`); one without stays under the bell."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    code: str  # stored in Notification.kind (at most 30 characters)
    section: str | None = None  # heading in the daily mail; None: in-app only
    order: int = 50  # sections are listed in this order
    detail_label: str | None = None  # heading of the mail's second column (Notification.detail), if any


_KINDS: dict[str, Kind] = {}


def register(code: str, section: str | None = None, order: int = 50, detail_label: str | None = None) -> Kind:
    """Declare a kind (idempotent for the same definition). Called from an app's AppConfig.ready()."""
    if not code or len(code) > 30:
        raise ValueError(f"notification kind {code!r} must have 1 to 30 characters")
    kind = Kind(code, section, order, detail_label)
    if _KINDS.get(code, kind) != kind:
        raise ValueError(f"notification kind {code!r} is already registered differently")
    _KINDS[code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ValueError(f"notification kind {code!r} is not registered (notifications.kinds.register)") from None


def mailed() -> list[Kind]:
    """The kinds that travel in the daily mail."""
    return [k for k in _KINDS.values() if k.section]
