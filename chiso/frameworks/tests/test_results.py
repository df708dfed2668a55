"""Published results from XLSX: all or nothing, every bad row by its line number; `chiso results import`."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from chiso.audit.models import AuditEntry
from chiso.frameworks.models import FrameworkNode, PublishedResult
from chiso.frameworks.results import RESULT_COLUMNS, ResultsRejected, do_import_results
from chiso.org.models import Agency, Province

pytestmark = pytest.mark.django_db


def xlsx(rows, header=RESULT_COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả công bố"
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def two(catalog, agency):
    other = Agency.objects.create(province=catalog.province, code="SXD", name="Sở Xây dựng")
    Agency.objects.create(province=Province.objects.create(name="Tỉnh Xa", code="xa"), code="SKX", name="Sở Xa")
    return agency, other


GOOD = [[2026, "STP", "", "86,5", 100, 3, 20], [2026, "STP", "1", 12.25, 16, 5, 20],
        [2026, "sxd", "2", "9", "12", 2, 20]]


def test_a_good_file_is_written_with_audit(catalog, two):
    result = do_import_results(xlsx(GOOD))
    assert (result.created, result.updated) == (3, 0)
    total = PublishedResult.objects.get(agency=two[0], node__isnull=True)
    assert (total.framework, total.score, total.rank, total.rank_of, total.rank_display) == (
        catalog, Decimal("86.5"), 3, 20, "03/20")
    assert PublishedResult.objects.get(agency=two[1]).node == FrameworkNode.objects.get(framework=catalog, code="2")
    assert AuditEntry.objects.filter(model="frameworks.publishedresult").count() == 3
    again = do_import_results(xlsx([[2026, "STP", "", "87", 100, 2, 20]]))
    assert (again.created, again.updated) == (0, 1)
    assert PublishedResult.objects.get(agency=two[0], node__isnull=True).rank == 2


def test_every_bad_row_is_reported_and_nothing_is_written(catalog, two):
    rows = GOOD + [
        [2026, "KHONGCO", "1", 5, 16, 1, 20],
        [2026, "STP", "9", 5, 16, 1, 20],
        [2026, "STP", "1", "năm", 16, 1, 20],
        [2026, "STP", "2", 13, 12, 1, 20],
        [2026, "SXD", "", 50, 100, 25, 20],
        [1800, "SXD", "1", 5, 16, 1, 20],
        [2026, "STP", "1", 12, 16, 5, 20],
        [2026, "SKX", "", 50, 100, 1, 20],
    ]
    with pytest.raises(ResultsRejected) as rejected:
        do_import_results(xlsx(rows), provinces={catalog.province_id})
    assert rejected.value.errors == [
        "Dòng 5: không có cơ quan mã “KHONGCO”.",
        "Dòng 6: mã lĩnh vực “9” không có trong “Bộ tiêu chí cấp sở 2026”.",
        "Dòng 7: điểm “năm” không phải là số.",
        "Dòng 8: điểm lớn hơn điểm tối đa.",
        "Dòng 9: xếp hạng lớn hơn tổng số cơ quan.",
        "Dòng 10: năm “1800” không hợp lệ.",
        "Dòng 11: trùng với dòng 3.",
        "Dòng 12: cơ quan “SKX” không thuộc tỉnh bạn theo dõi.",
    ]
    assert not PublishedResult.objects.exists()


def test_unreadable_files_and_missing_columns():
    with pytest.raises(ResultsRejected, match="không phải bảng tính XLSX"):
        do_import_results(b"not a workbook")
    with pytest.raises(ResultsRejected, match="thiếu cột Mã cơ quan"):
        do_import_results(xlsx([[2026, 5]], header=["Năm", "Điểm"]))


def test_the_command(catalog, two, tmp_path, capsys):
    good = tmp_path / "ket-qua.xlsx"
    good.write_bytes(xlsx(GOOD))
    call_command("results", "import", str(good))
    assert "thêm 3" in capsys.readouterr().out
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(xlsx([[2026, "KHONGCO", "", 5, 100, 1, 20]]))
    with pytest.raises(SystemExit) as exit_info:
        call_command("results", "import", str(bad))
    err = capsys.readouterr().err
    assert exit_info.value.code == 1 and err.count("\n") == 1 and "Dòng 2: không có cơ quan mã" in err
    with pytest.raises(SystemExit):
        call_command("results", "import", str(tmp_path / "khong-co.xlsx"))
    assert "Không có tệp" in capsys.readouterr().err
    assert PublishedResult.objects.count() == 3
