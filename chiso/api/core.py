"""The API's shared machinery: the one error body, token authentication with its rate limit, the scope
check, cursor pagination and the log of every call."""

import base64
import binascii
import json
import logging
import time
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja.security import HttpBearer

from . import permissions
from .models import ApiCall, ApiToken
from .scopes import RESOURCES
from .tokens import find

log = logging.getLogger(__name__)

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class ApiError(Exception):
    """An answer other than success, with the one error body: {"error": {"code", "message", "details"}}."""

    def __init__(self, status: int, code: str, message: str, details: list | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.headers = headers or {}


def error_response(status: int, code: str, message: str, details: list | None = None,
                   headers: dict | None = None) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message, "details": details or []}},
                            status=status, json_dumps_params={"ensure_ascii": False})
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def not_found(what: str = "đối tượng") -> ApiError:
    """Another agency's object and a missing one get the same answer: nothing says it exists."""
    return ApiError(404, "not_found", f"Không tìm thấy {what} (không có, hoặc mã kết nối không được xem).")


# --- authentication ---------------------------------------------------------------------------------

class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a known, unrevoked, unexpired token of an active person, within its
    rate limit. The limit is checked against the token's row as this call read it; the call is counted
    (with the token's last use) by `logged`, in the same transaction as its log line: one write a call.
    Calls in flight at the same moment are not yet counted, so a burst may pass the limit by as many."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization") or ""
        scheme, _sep, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise ApiError(401, "unauthenticated", "Thiếu mã kết nối: gửi tiêu đề “Authorization: Bearer <mã>”.",
                           headers={"WWW-Authenticate": "Bearer"})
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = find(token)
        if found is None:
            raise ApiError(401, "unauthenticated", "Mã kết nối không đúng.", headers={"WWW-Authenticate": "Bearer"})
        request.api_token = found  # the call log names it, even when it is refused below
        now = timezone.now()
        if found.revoked_at is not None:
            raise ApiError(401, "revoked", f"Mã kết nối “{found.name}” đã bị thu hồi.")
        if found.expires_at is not None and found.expires_at <= now:
            raise ApiError(401, "expired", f"Mã kết nối “{found.name}” đã hết hạn.")
        if not found.user.is_active:
            raise ApiError(401, "inactive", "Người tạo mã kết nối không còn hoạt động.")
        minute = int(time.time() // 60)
        request.api_minute = minute  # `logged` counts the call in this minute's window
        count = (found.window_count if found.window_minute == minute else 0) + 1
        if count > found.rate_per_minute:
            raise ApiError(429, "rate_limited",
                           f"Mã kết nối “{found.name}” đã gọi quá {found.rate_per_minute} lượt trong một phút; "
                           "hãy thử lại sau.", headers={"Retry-After": str(60 - int(time.time()) % 60)})
        return found


def need(request: HttpRequest, resource: str, access: str = "read") -> ApiToken:
    """The request's token, when its scopes allow `access` to `resource`; else 403."""
    token: ApiToken = request.auth
    if not permissions.scopes_of(token).allows(resource, access):
        verb = "ghi" if access == "write" else "đọc"
        raise ApiError(403, "forbidden",
                       f"Mã kết nối “{token.name}” không có quyền {verb} {RESOURCES.get(resource, resource)} "
                       f"(cần phạm vi {resource}:{access}).")
    return token


def agency_ids(request: HttpRequest) -> list[int]:
    return permissions.agency_ids(request.auth)


# --- pagination -------------------------------------------------------------------------------------

def _encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def _decode(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
        if not isinstance(after, int) or after < 0:
            raise ValueError
        return after
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(400, "bad_cursor", "Tham số cursor không hợp lệ: hãy dùng next_cursor của trang trước.") \
            from exc


def page_limit(limit: int | None) -> int:
    limit = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "bad_limit", f"Tham số limit phải từ 1 đến {MAX_LIMIT}.")
    return limit


def after_cursor(cursor: str | None) -> int | None:
    """The last id of the previous page, from its next_cursor (None on the first page)."""
    return _decode(cursor) if cursor else None


def next_cursor(last_id: int) -> str:
    return _encode(last_id)


def page(qs: QuerySet, cursor: str | None, limit: int | None) -> tuple[list, str | None]:
    """One page in id order after the cursor: (rows, the cursor of the next page or None)."""
    limit = page_limit(limit)
    after = after_cursor(cursor)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    rows = list(qs.order_by("pk")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (next_cursor(rows[-1].pk) if more and rows else None)


# --- the call log -----------------------------------------------------------------------------------

def logged(view):
    """Wrap an API view: every call made with a token is recorded with the token's name and the answer; a call
    that got past the token's checks also counts in its rate window and moves its last use. One transaction."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        started = time.monotonic()
        response = view(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        if token is not None:
            try:
                _log_call(token, getattr(request, "api_minute", None), request.method[:8],
                          request.get_full_path()[:300], response.status_code,
                          int((time.monotonic() - started) * 1000))
            except Exception:  # a call log that cannot be written must not turn a good answer into a 500
                log.exception("API call log not written")
        return response

    return wrapper


def _log_call(token: ApiToken, minute: int | None, method: str, path: str, status: int, duration_ms: int) -> None:
    """Count the call in the token's window (when it got past the checks) and write its ApiCall row: two
    statements built before the transaction opens, so the write lock (all of SQLite, under concurrent calls)
    is held for the two executions only. The ORM's update() and create() spent several ms of Python there."""
    q = connection.ops.quote_name
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    statements = []
    if minute is not None:
        count, window = q("window_count"), q("window_minute")
        statements.append((
            f"UPDATE {q(ApiToken._meta.db_table)} SET {count} = CASE WHEN {window} = %s THEN {count} + 1 "  # noqa: S608 - names from the model
            f"ELSE 1 END, {window} = %s, {q('last_used_at')} = %s WHERE {q('id')} = %s",
            [minute, minute, stamp, token.pk]))
    columns = ", ".join(q(c) for c in ("token_id", "token_name", "at", "method", "path", "status", "duration_ms"))
    statements.append((f"INSERT INTO {q(ApiCall._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
                       [token.pk, token.name, stamp, method, path, status, duration_ms]))
    if connection.vendor == "postgresql":  # one statement, one round trip, atomic on its own (no BEGIN, COMMIT)
        sql = "".join(f"WITH counted AS ({u}) " for u, _p in statements[:-1]) + statements[-1][0]
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for _s, params in statements for value in params])
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def max_body_bytes() -> int:
    return int(getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024) or 10 * 1024 * 1024)


def json_time(value: datetime | None) -> str | None:
    """A time as the API's JSON encoder writes it (Django's: milliseconds, "Z" for UTC), done ahead for the
    long lists, where calling the encoder's fallback for every value cost more than the rest of the row."""
    if value is None:
        return None
    text = value.isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def json_answer(data) -> HttpResponse:
    """A 200 JSON answer rendered as the API renders (Vietnamese letters unescaped, dates ISO)."""
    from ninja.responses import NinjaJSONEncoder

    return HttpResponse(json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False),
                        content_type="application/json; charset=utf-8")
