"""The NinjaAPI object of /api/v1/: its routers, its OpenAPI description and its one error body."""

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .core import ApiError, TokenAuth, error_response, max_body_bytes
from .renderers import Utf8JSONRenderer

log = logging.getLogger(__name__)

DESCRIPTION = """API của ChiSo cho các hệ thống khác của tỉnh (LGSP, iOffice, hệ thống một cửa).

Mọi lời gọi gửi `Authorization: Bearer <mã kết nối>`; mã do quản trị hệ thống hoặc lãnh đạo cơ quan tạo,
chỉ xem được những cơ quan và tài nguyên mã được cấp. Danh sách phân trang bằng `cursor` (lấy `next_cursor`
của trang trước), tối đa `limit` 1000 dòng một trang. Lỗi luôn có dạng
`{"error": {"code": "...", "message": "câu tiếng Việt", "details": [...]}}`."""

api = NinjaAPI(title="ChiSo API", version="1", description=DESCRIPTION, auth=TokenAuth(),
               urls_namespace="api", docs_url="/docs", openapi_url="/openapi.json",
               renderer=Utf8JSONRenderer())

# Pydantic's error types in Vietnamese; anything else is "giá trị không hợp lệ".
PYDANTIC_MESSAGES = {
    "missing": "thiếu trường bắt buộc",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "float_parsing": "phải là số",
    "decimal_parsing": "phải là số",
    "bool_parsing": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "datetime_parsing": "phải là thời điểm ISO 8601",
    "datetime_from_date_parsing": "phải là thời điểm ISO 8601",
    "list_type": "phải là một danh sách",
    "dict_type": "phải là một đối tượng JSON",
    "model_type": "phải là một đối tượng JSON",
    "model_attributes_type": "phải là một đối tượng JSON",
    "greater_than_equal": "nhỏ hơn giá trị tối thiểu",
    "less_than_equal": "lớn hơn giá trị tối đa",
    "string_too_long": "dài quá mức cho phép",
    "string_too_short": "không được để trống",
    "too_long": "có quá nhiều phần tử",
    "literal_error": "không thuộc các giá trị cho phép",
    "enum": "không thuộc các giá trị cho phép",
    "extra_forbidden": "không có trường này",
    "json_invalid": "không phải JSON hợp lệ",
}
LOCATIONS = {"body": "nội dung", "query": "tham số", "path": "địa chỉ", "header": "tiêu đề"}


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(401, "unauthenticated", "Thiếu mã kết nối: gửi tiêu đề “Authorization: Bearer <mã>”.",
                          headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    details = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ())]
        where = LOCATIONS.get(loc[0], loc[0]) if loc else ""
        field = ".".join(loc[1:]) if len(loc) > 1 else ""
        if loc and loc[0] == "body" and len(loc) > 2 and loc[1] in ("payload", "data"):
            field = ".".join(loc[2:])
        message = PYDANTIC_MESSAGES.get(err.get("type", ""), "giá trị không hợp lệ")
        details.append({"field": field, "location": where, "message": message})
    first = details[0] if details else {"field": "", "message": "giá trị không hợp lệ"}
    summary = f"Dữ liệu gửi lên không hợp lệ: {first['field'] or 'nội dung'} {first['message']}"
    if len(details) > 1:
        summary += f" (và {len(details) - 1} lỗi khác)"
    return error_response(400, "invalid", summary + ".", details)


@api.exception_handler(ValidationError)
def _refused(request, exc: ValidationError):
    """The owning app's action refused the data (the same messages as its pages)."""
    if hasattr(exc, "error_dict"):
        details = [{"field": "" if name == "__all__" else name, "location": "nội dung", "message": str(m)}
                   for name, errors in exc.error_dict.items() for e in errors for m in e.messages]
    else:
        details = [{"field": "", "location": "nội dung", "message": str(m)} for m in exc.messages]
    return error_response(400, "refused", " ".join(d["message"] for d in details)[:1000], details)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    cause = exc.__cause__
    if isinstance(cause, RequestDataTooBig):
        return _too_big(request, cause)
    if isinstance(cause, ApiError):
        return _api_error(request, cause)
    if exc.status_code == 400:
        return error_response(400, "bad_json", "Nội dung gửi lên không phải JSON hợp lệ.")
    return error_response(exc.status_code, "error", str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    mb = max_body_bytes() // (1024 * 1024)
    return error_response(413, "too_large", f"Nội dung gửi lên quá lớn (tối đa {mb} MB một lần gọi).")


@api.exception_handler(Http404)
def _missing(request, exc):
    return error_response(404, "not_found", "Không tìm thấy (không có, hoặc mã kết nối không được xem).")


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return error_response(403, "forbidden", "Người tạo mã kết nối không có quyền làm việc này.")


@api.exception_handler(Exception)
def _crash(request, exc):
    log.exception("API error on %s", request.path)
    return error_response(500, "server_error", "Lỗi của hệ thống khi xử lý yêu cầu; đã ghi nhật ký để kiểm tra.")


from . import bulk, hooks, read, write  # noqa: E402,F401  (register their endpoints on `api`)
