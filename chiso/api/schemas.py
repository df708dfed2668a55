"""The shapes of the API's answers and bodies (they make the OpenAPI description)."""

import datetime as dt
from datetime import date, datetime

from ninja import Field, Schema


class ErrorDetail(Schema):
    field: str = ""
    location: str = ""
    message: str


class ErrorInner(Schema):
    code: str = Field(..., description="mã lỗi máy đọc: unauthenticated, forbidden, not_found, invalid ...")
    message: str = Field(..., description="câu tiếng Việt cho người đọc")
    details: list[ErrorDetail] = []


class Error(Schema):
    error: ErrorInner


class Unit(Schema):
    id: int
    agency_id: int
    name: str
    short_name: str
    kind: str
    is_active: bool


class Agency(Schema):
    id: int
    code: str
    name: str
    kind: str
    province: str
    is_coordinator: bool
    is_active: bool


class Framework(Schema):
    id: int
    index: str
    year: int
    level: str
    name: str
    issuer: str
    province_id: int | None


class Node(Schema):
    id: int
    framework_id: int
    parent_id: int | None
    depth: int
    code: str
    name: str
    max_score: float | None
    method: str


class Target(Schema):
    id: int
    index: str
    node_id: int | None
    field_name: str
    scope: str
    prev_rank: str
    prev_score: float | None
    max_score: float | None
    expected_increase: float | None
    target_op: str
    target_score: float | None


class Plan(Schema):
    id: int
    agency_id: int
    agency_code: str
    title: str
    number: str
    year: int
    issued_on: date | None
    status: str
    period_start: date | None
    period_end: date | None
    indices: list[str]
    parent_id: int | None
    updated_at: datetime
    targets: list[Target]


class Measure(Schema):
    op: str = Field(..., description="so sánh: >=, >, =, <=, < (trống khi không có chỉ tiêu số)")
    value: float | None
    unit: str
    display: str = Field(..., description="như in: “≥ 98%”")
    measured_value: float | None = Field(None, description="giá trị đo được từ chỉ số phục vụ (khi đã gắn)")
    measured_period: str | None = None
    indicator: str | None = None


class Task(Schema):
    id: int
    plan_id: int
    agency_id: int
    ref: str
    index: str
    node_id: int | None
    field_name: str
    criterion: str
    title: str
    output: str
    lead_unit_ids: list[int]
    support_unit_ids: list[int]
    due: date | None
    recurrence: str
    status: str = Field(..., description="not_started, in_progress, done, done_late, overdue, failed")
    status_label: str
    progress: int
    pending_updates: int
    last_update_at: datetime | None
    measure: Measure
    updated_at: datetime


class Evidence(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    doc_number: str
    doc_date: date | None
    doc_summary: str
    link: str
    download: str | None = Field(None, description="địa chỉ tải tệp (cần phạm vi evidence:read)")


class Update(Schema):
    id: int
    task_id: int
    agency_id: int
    period: str | None
    kind: str
    author: str
    unit_id: int | None
    narrative: str
    percent: int
    proposed_status: str
    done_on: date | None
    cause: str
    remedy: str
    review: str
    reviewed_at: datetime | None
    review_comment: str
    revision: int
    supersedes_id: int | None
    created_at: datetime
    evidence: list[Evidence]


class ReportingPeriod(Schema):
    code: str
    kind: str
    year: int
    label: str
    start: date
    end: date
    unit_due: date
    office_due: date
    agency_due: date
    province_due: date


class Report(Schema):
    id: int
    agency_id: int
    period_code: str
    period_label: str
    start: date
    end: date
    due: date
    version: int
    state: str
    number: str
    issued_on: date | None
    on_time: bool | None
    figures: dict
    files: dict[str, str] = Field(..., description="định dạng → địa chỉ tải văn bản (docx, xlsx, pdf)")


class Indicator(Schema):
    id: int
    agency_id: int
    unit_id: int | None
    period: str
    code: str
    numerator: int
    denominator: int
    rate: float | None = Field(..., description="tỉ lệ %, tính khi đọc từ tử số và mẫu số")
    computed_at: datetime


def page_of(item: type, name: str) -> type:
    """A page of a collection: {"items": [...], "next_cursor": "..." or null}."""
    return type(name, (Schema,), {
        "__annotations__": {"items": list[item], "next_cursor": str | None},
        "next_cursor": Field(None, description="đưa vào tham số cursor để lấy trang sau; null: hết"),
    })


AgencyPage = page_of(Agency, "AgencyPage")
UnitPage = page_of(Unit, "UnitPage")
FrameworkPage = page_of(Framework, "FrameworkPage")
NodePage = page_of(Node, "NodePage")
PlanPage = page_of(Plan, "PlanPage")
TaskPage = page_of(Task, "TaskPage")
UpdatePage = page_of(Update, "UpdatePage")
ReportPage = page_of(Report, "ReportPage")


class IndicatorPage(page_of(Indicator, "IndicatorPageBase")):
    refresh_pending: list[int] = Field(
        default_factory=list, description="cơ quan (id) có hồ sơ vừa đẩy đang chờ tính lại chỉ số: số liệu của "
                                          "các cơ quan này chưa gồm những hồ sơ đó")
    notice: str | None = Field(None, description="“Chờ tính lại chỉ số …” khi refresh_pending không rỗng")


class DocumentIn(Schema):
    number: str = Field("", max_length=80, description="số, ký hiệu văn bản")
    date: dt.date | None = None
    summary: str = Field("", max_length=500)
    link: str = Field("", max_length=500)


class FileIn(Schema):
    name: str = Field(..., max_length=255, description="tên tệp, đuôi đúng với nội dung: .pdf .docx .xlsx .png .jpg")
    content_base64: str = Field(..., description="nội dung tệp mã hóa base64")


class UpdateIn(Schema):
    narrative: str = Field(..., description="kết quả thực hiện")
    percent: int = Field(..., ge=0, le=100)
    proposed_status: str = Field("in_progress", description="in_progress, done, failed")
    done_on: date | None = None
    cause: str = ""
    remedy: str = ""
    kind: str = Field("update", description="update (đơn vị chủ trì) hoặc contribution (đơn vị phối hợp)")
    documents: list[DocumentIn] = Field([], max_length=20)
    files: list[FileIn] = Field([], max_length=10)


class DossierPush(Schema):
    kind: str = Field("dossier", description="dossier (hồ sơ TTHC) hoặc pakn (phản ánh, kiến nghị)")
    agency: str | None = Field(None, description="mã cơ quan khi bản ghi không có trường MaCoQuan")
    records: list[dict] = Field(..., min_length=1, max_length=5000,
                                description="bản ghi theo tên trường của chuẩn trao đổi (MaHoSo, MaTTHC, "
                                            "NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, ...)")


class DossierResult(Schema):
    run_id: int
    kind: str
    rows: int
    created: int
    updated: int


class SubscriptionIn(Schema):
    url: str = Field(..., max_length=500, description="địa chỉ nhận (http:// hoặc https://)")
    events: list[str] = Field(..., min_length=1, description="task.status_changed, update.confirmed, report.issued")


class Subscription(Schema):
    id: int
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime
    pending: int
    failed: int


class NewSubscription(Subscription):
    secret: str = Field(..., description="khóa ký HMAC-SHA256, chỉ hiện một lần")
