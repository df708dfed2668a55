import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from chiso.cli import main
from chiso.frameworks.models import Framework, FrameworkNode

from .conftest import NEW_CATALOG, workbook_bytes

pytestmark = pytest.mark.django_db


def refused(capsys, *args) -> str:
    """Run the command expecting a refusal: exit status 1 and exactly one line on stderr."""
    with pytest.raises(SystemExit) as exit_info:
        call_command("frameworks", *args)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.endswith("\n") and err.count("\n") == 1
    assert "Traceback" not in err
    return err.strip()


def test_it_lists_the_catalogs(capsys):
    call_command("frameworks", "list")
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == 5
    assert "PCI" in out and "Cấp sở" in out


def test_it_exports_to_a_file(catalog, tmp_path, capsys):
    target = tmp_path / "out.xlsx"
    call_command("frameworks", "export", str(catalog.pk), "--out", str(target))
    assert "Đã xuất" in capsys.readouterr().out
    assert load_workbook(target).sheetnames == ["Bộ chỉ số", "Lĩnh vực, tiêu chí"]


def test_it_imports_a_new_catalog_and_updates_one(catalog, tmp_path, capsys):
    source = tmp_path / "in.xlsx"
    source.write_bytes(workbook_bytes([["1", "", 1, "Lĩnh vực", 5, "", "", "", 1]], NEW_CATALOG))
    call_command("frameworks", "import", str(source))
    assert "Đã tạo" in capsys.readouterr().out
    assert Framework.objects.filter(name="SIPAS 2027").exists()
    call_command("frameworks", "import", str(source), "--into", str(catalog.pk))
    assert "Đã cập nhật" in capsys.readouterr().out
    assert list(catalog.nodes.values_list("code", flat=True)) == ["1"]


def test_it_refuses_an_unknown_id(capsys, tmp_path):
    assert "Không có bộ chỉ số số 999" in refused(capsys, "export", "999", "--out", str(tmp_path / "x.xlsx"))
    assert "không hợp lệ" in refused(capsys, "import", str(tmp_path / "x.xlsx"), "--into", "abc")


def test_it_refuses_a_missing_or_broken_file(capsys, tmp_path):
    assert refused(capsys, "import", str(tmp_path / "khong-co.xlsx")).startswith("Không có tệp")
    broken = tmp_path / "hong.xlsx"
    broken.write_text("không phải xlsx")
    assert "không phải bảng tính XLSX" in refused(capsys, "import", str(broken))


def test_it_refuses_bad_rows_in_one_line_and_writes_nothing(capsys, tmp_path):
    source = tmp_path / "bad.xlsx"
    source.write_bytes(workbook_bytes([["1", "", 1, "Lĩnh vực", -5, "", "", "", 1],
                                       ["1.1", "9", 2, "Tiêu chí", 1, "", "", "", 1]], NEW_CATALOG))
    before = (Framework.objects.count(), FrameworkNode.objects.count())
    line = refused(capsys, "import", str(source))
    assert line.startswith("Tệp bị từ chối, không ghi gì:")
    assert "Dòng 2" in line and "Dòng 3" in line
    assert (Framework.objects.count(), FrameworkNode.objects.count()) == before


def test_it_refuses_bad_arguments(capsys):
    assert refused(capsys, "export", "1").startswith("Tham số không hợp lệ")
    assert refused(capsys, "bogus").startswith("Tham số không hợp lệ")


def test_it_exits_with_status_1_from_the_console(capsys, tmp_path):
    assert main(["frameworks", "export", "999", "--out", str(tmp_path / "x.xlsx")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "999" in err
