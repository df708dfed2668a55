"""What a token may touch: resources, read or write, and agencies. Pure parsing, no database.

A scope is `RESOURCE:read` or `RESOURCE:write` (`*` for every resource; write implies read of the same
resource), or `agency:CODE` to narrow the token to some agencies."""

from dataclasses import dataclass, field

# The API's resources, as scopes name them, with their Vietnamese names (token pages, error messages).
RESOURCES: dict[str, str] = {
    "agencies": "cơ quan, đơn vị",
    "frameworks": "bộ chỉ số, tiêu chí",
    "plans": "kế hoạch, mục tiêu",
    "tasks": "nhiệm vụ",
    "updates": "báo cáo tiến độ",
    "evidence": "tệp kiểm chứng",
    "periods": "kỳ báo cáo",
    "reports": "báo cáo đã ban hành",
    "dossiers": "hồ sơ, chỉ số phục vụ",
    "webhooks": "webhook (đăng ký nhận sự kiện)",
}
WRITABLE = {"updates", "dossiers", "webhooks"}
ACCESS = ("read", "write")


class ScopeError(ValueError):
    """A scope that means nothing; the message is Vietnamese."""


@dataclass(frozen=True)
class Scopes:
    grants: frozenset[tuple[str, str]] = field(default_factory=frozenset)  # (resource or "*", access)
    agency_codes: tuple[str, ...] = ()

    def allows(self, resource: str, access: str) -> bool:
        wanted = {access} if access == "write" else {"read", "write"}
        return any((r in (resource, "*")) and a in wanted for r, a in self.grants)


def parse(items: list[str]) -> Scopes:
    grants: set[tuple[str, str]] = set()
    codes: list[str] = []
    for raw in items:
        item = (raw or "").strip()
        head, sep, tail = item.partition(":")
        if not sep or not tail:
            raise ScopeError(f"Phạm vi “{item}” không hợp lệ: cần dạng tasks:read, updates:write hoặc agency:MÃ.")
        if head == "agency":
            codes.append(tail.strip())
            continue
        if head != "*" and head not in RESOURCES:
            raise ScopeError(f"Phạm vi “{item}”: không có tài nguyên “{head}” (có: {', '.join(RESOURCES)}).")
        if tail not in ACCESS:
            raise ScopeError(f"Phạm vi “{item}”: quyền phải là read hoặc write.")
        if tail == "write" and head != "*" and head not in WRITABLE:
            raise ScopeError(f"Phạm vi “{item}”: tài nguyên “{head}” chỉ đọc được.")
        grants.add((head, tail))
    if not grants:
        raise ScopeError("Mã kết nối cần ít nhất một phạm vi đọc hoặc ghi (ví dụ tasks:read).")
    return Scopes(frozenset(grants), tuple(dict.fromkeys(codes)))


def as_list(scopes: Scopes) -> list[str]:
    """The stored form: sorted resource grants (agencies are kept as a relation)."""
    return sorted(f"{r}:{a}" for r, a in scopes.grants)


def label(item: str) -> str:
    """A stored scope in words for the token pages: "tasks:read" -> "Đọc nhiệm vụ"."""
    head, _sep, tail = item.partition(":")
    what = "mọi tài nguyên" if head == "*" else RESOURCES.get(head, head)
    return f"{'Ghi' if tail == 'write' else 'Đọc'} {what}"


def from_list(items: list[str]) -> Scopes:
    grants = set()
    for item in items or []:
        head, _sep, tail = item.partition(":")
        grants.add((head, tail))
    return Scopes(frozenset(grants))
