import csv
from datetime import date

import pytest

HEADERS = ["MaHoSo", "MaCoQuan", "DonViXuLy", "MaTTHC", "TenTTHC", "MucDo", "ThoiHanGiaiQuyet", "NgayNop",
           "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo", "SoLanYeuCauBoSung",
           "NgayYeuCauBoSung", "NgayHoanThanhBoSung", "KenhThucHien", "PhiLePhi", "DuocThanhToanTrucTuyen",
           "DuocSoHoa", "DuocLayTuKhoDMQG", "MaKetQua", "DuongDanTepTinKetQua", "XacThucVNeID", "KhongHaiLong",
           "ChuHoSo", "DiaChi"]
PAKN_HEADERS = ["MaPAKN", "MaCoQuan", "DonViXuLy", "NoiDung", "NgayTiepNhan", "NgayXuLy", "HinhThucXuLy",
                "NgayCongKhai", "KhongHaiLong", "TrungLap", "NguoiPhanAnh"]


@pytest.fixture(autouse=True)
def data_in_tmp(settings, tmp_path):
    """Every test gets its own dossier store (and media folder)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.CHISO_DOSSIER_DIR = tmp_path / "data" / "dossiers"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.DATA_DIR


def d(day: str) -> str:
    """"2025-03-07" -> the national exchange's 20250307000000 (empty stays empty)."""
    return day.replace("-", "") + "080000" if day else ""


def dossier_row(code, agency="STP", unit="Phòng Hành chính tư pháp", procedure="TTHC-1", received="", promised="",
                finished="", sup_count="", sup_req="", sup_done="", legal="10", level="4", channel="2", fee="0",
                paid="0", digitised="1", reused="0", result="https://kq.example/1.pdf", disliked="0",
                applicant="Nguyễn Văn An"):
    return {"MaHoSo": code, "MaCoQuan": agency, "DonViXuLy": unit, "MaTTHC": procedure,
            "TenTTHC": "Thủ tục " + procedure,
            "MucDo": level, "ThoiHanGiaiQuyet": legal, "NgayNop": d(received), "NgayTiepNhan": d(received),
            "NgayHenTra": d(promised), "NgayKetThucXuLy": d(finished), "TrangThaiHoSo": "",
            "SoLanYeuCauBoSung": sup_count, "NgayYeuCauBoSung": d(sup_req), "NgayHoanThanhBoSung": d(sup_done),
            "KenhThucHien": channel, "PhiLePhi": fee, "DuocThanhToanTrucTuyen": paid, "DuocSoHoa": digitised,
            "DuocLayTuKhoDMQG": reused, "MaKetQua": "KQ" if finished else "",
            "DuongDanTepTinKetQua": result if finished else "",
            "XacThucVNeID": "1", "KhongHaiLong": disliked, "ChuHoSo": applicant, "DiaChi": "Số 1, phường Tân An"}


def write_rows(path, rows, headers=HEADERS):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=headers)
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


AS_OF = date(2025, 12, 31)
