"""The fields an import understands, named as in the national data exchange, with the other headers
seen in provincial exports. A file's headers are matched to these on folded text; what does not
match needs a column mapping (remembered per source) or the file is refused."""

import re
from dataclasses import dataclass

from chiso.lib.text import fold


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # Vietnamese, for the mapping page and messages
    type: str  # text, date, int, bool, level, channel, paid, outcome, money
    aliases: tuple[str, ...] = ()
    required: bool = False


DOSSIER_FIELDS = [
    Field("code", "Mã hồ sơ", "text", ("MaHoSo", "SoHoSo", "Mã hồ sơ", "Số hồ sơ"), required=True),
    Field("agency", "Mã cơ quan", "text", ("MaCoQuan", "CoQuan", "MaCoQuanXuLy", "Cơ quan", "Mã cơ quan")),
    Field("unit", "Đơn vị xử lý", "text", ("DonViXuLy", "TenDonViXuLy", "MaDonViXuLy", "PhongBan",
                                             "Đơn vị xử lý", "Phòng ban", "Đơn vị")),
    Field("procedure", "Mã TTHC", "text", ("MaTTHC", "MaThuTuc", "Mã TTHC", "Mã thủ tục"), required=True),
    Field("procedure_name", "Tên TTHC", "text", ("TenTTHC", "TenThuTuc", "Tên TTHC", "Tên thủ tục")),
    Field("level", "Mức độ DVC", "level", ("MucDo", "MucDoDVC", "MucDoTTHC", "Mức độ", "Mức độ DVC")),
    Field("legal_days", "Thời hạn giải quyết (ngày làm việc)", "int",
          ("ThoiHanGiaiQuyet", "SoNgayGiaiQuyet", "SoNgayQuyDinh", "Thời hạn giải quyết")),
    Field("submitted", "Ngày nộp", "date", ("NgayNop", "Ngày nộp")),
    Field("received", "Ngày tiếp nhận", "date", ("NgayTiepNhan", "Ngày tiếp nhận"), required=True),
    Field("promised", "Ngày hẹn trả", "date", ("NgayHenTra", "Ngày hẹn trả")),
    Field("finished", "Ngày kết thúc xử lý", "date",
          ("NgayKetThucXuLy", "NgayKetThuc", "NgayTraKetQua", "Ngày kết thúc xử lý", "Ngày kết thúc")),
    Field("status", "Trạng thái", "text", ("TrangThaiHoSo", "TrangThai", "Trạng thái")),
    Field("sup_count", "Số lần yêu cầu bổ sung", "int",
          ("SoLanYeuCauBoSung", "SoLanBoSung", "Số lần bổ sung", "Số lần yêu cầu bổ sung")),
    Field("sup_requested", "Ngày yêu cầu bổ sung", "date",
          ("NgayYeuCauBoSung", "Ngày yêu cầu bổ sung")),
    Field("sup_completed", "Ngày hoàn thành bổ sung", "date",
          ("NgayHoanThanhBoSung", "NgayBoSung", "NgayNopBoSung", "Ngày hoàn thành bổ sung", "Ngày bổ sung")),
    Field("channel", "Kênh thực hiện", "channel", ("KenhThucHien", "Kênh thực hiện")),
    Field("fee", "Phí, lệ phí (đồng)", "money", ("PhiLePhi", "LePhi", "Phi", "SoTien", "Phí, lệ phí")),
    Field("paid_online", "Thanh toán trực tuyến", "paid",
          ("DuocThanhToanTrucTuyen", "ThanhToanTrucTuyen", "Thanh toán trực tuyến")),
    Field("digitised", "Được số hóa", "bool", ("DuocSoHoa", "SoHoa", "Được số hóa")),
    Field("reused", "Lấy từ kho dữ liệu", "bool",
          ("DuocLayTuKhoDMQG", "LayTuKho", "TaiSuDung", "Lấy từ kho", "Tái sử dụng dữ liệu")),
    Field("result_code", "Mã kết quả", "text", ("MaKetQua", "Mã kết quả")),
    Field("result_link", "Đường dẫn tệp kết quả", "text",
          ("DuongDanTepTinKetQua", "TepKetQua", "Tệp kết quả", "Đường dẫn tệp kết quả")),
    Field("vneid", "Xác thực VNeID", "bool", ("XacThucVNeID", "VNeID", "TaiKhoanVNeID")),
    Field("disliked", "Không hài lòng / có phản ánh", "bool",
          ("KhongHaiLong", "DanhGiaKhongHaiLong", "CoPhanAnh", "Không hài lòng")),
    Field("applicant", "Chủ hồ sơ", "text", ("ChuHoSo", "TenChuHoSo", "NguoiNop", "TenNguoiNop", "Chủ hồ sơ")),
    Field("address", "Địa chỉ", "text", ("DiaChi", "DiaChiChuHoSo", "Địa chỉ")),
]

PAKN_FIELDS = [
    Field("code", "Mã phản ánh, kiến nghị", "text", ("MaPAKN", "MaPhanAnh", "Mã PAKN", "Mã phản ánh"),
          required=True),
    Field("agency", "Mã cơ quan", "text", ("MaCoQuan", "CoQuan", "MaCoQuanXuLy", "Cơ quan", "Mã cơ quan")),
    Field("unit", "Đơn vị xử lý", "text", ("DonViXuLy", "TenDonViXuLy", "PhongBan", "Đơn vị xử lý", "Đơn vị")),
    Field("title", "Nội dung", "text", ("TieuDe", "NoiDung", "Tiêu đề", "Nội dung")),
    Field("received", "Ngày tiếp nhận", "date", ("NgayTiepNhan", "Ngày tiếp nhận"), required=True),
    Field("handled", "Ngày xử lý xong", "date", ("NgayXuLy", "NgayTraLoi", "NgayKetThuc", "Ngày xử lý",
                                                 "Ngày trả lời")),
    Field("outcome", "Hình thức xử lý", "outcome", ("HinhThucXuLy", "KetQuaXuLy", "Hình thức xử lý")),
    Field("published", "Ngày công khai", "date", ("NgayCongKhai", "Ngày công khai")),
    Field("disliked", "Không hài lòng", "bool", ("KhongHaiLong", "Không hài lòng")),
    Field("repeated", "Trùng lặp, kéo dài", "bool", ("TrungLap", "LapLai", "KeoDai", "Trùng lặp")),
    Field("sender", "Người phản ánh", "text", ("NguoiPhanAnh", "TenNguoiGui", "Người phản ánh")),
]

FIELDS = {"dossier": DOSSIER_FIELDS, "pakn": PAKN_FIELDS}
PAKN_ONLY = {"outcome", "handled", "published", "repeated", "sender", "title"} - {f.name for f in DOSSIER_FIELDS}

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(text: str) -> str:
    """A header folded to letters and digits: "Ngày tiếp nhận" / "ngay_tiep_nhan" -> "ngaytiepnhan"."""
    return _NON_ALNUM.sub("", fold(text or ""))


def _index(fields: list[Field]) -> dict[str, str]:
    out = {}
    for f in fields:
        for alias in (f.name, *f.aliases):
            out.setdefault(header_key(alias), f.name)
    return out


INDEX = {kind: _index(fields) for kind, fields in FIELDS.items()}


def guess_kind(headers: list[str]) -> str:
    """PAKN when its own fields outnumber the dossier's."""
    keys = [header_key(h) for h in headers]
    pakn = sum(1 for k in keys if INDEX["pakn"].get(k) in PAKN_ONLY or k in ("mapakn", "maphananh"))
    dossier_only = sum(1 for k in keys if k in INDEX["dossier"] and INDEX["dossier"][k] not in {"code", "agency",
                                                                                                "unit", "received",
                                                                                                "disliked"})
    return "pakn" if pakn > dossier_only else "dossier"


def match(kind: str, headers: list[str], mapping: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """({header: field}, unknown headers). A mapping entry wins over the aliases; "" ignores a column."""
    mapping = mapping or {}
    folded_map = {header_key(k): v for k, v in mapping.items()}
    names = {f.name for f in FIELDS[kind]}
    out, unknown = {}, []
    for h in headers:
        key = header_key(h)
        if h in mapping or key in folded_map:
            target = mapping.get(h, folded_map.get(key, ""))
            if not target:
                continue  # the source says: ignore this column
            if target in names:
                out[h] = target
            else:
                unknown.append(h)
            continue
        target = INDEX[kind].get(key)
        if target:
            out[h] = target
        else:
            unknown.append(h)
    return out, unknown
