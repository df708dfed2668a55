import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chiso.audit.models import AuditEntry
from chiso.frameworks.exchange import (
    ATTRIBUTE_SHEET,
    NODE_SHEET,
    CatalogRejected,
    do_import_framework,
    export_framework,
    export_to_path,
)
from chiso.frameworks.models import Framework, FrameworkNode, PublishedResult

from .conftest import NEW_CATALOG, workbook_bytes

pytestmark = pytest.mark.django_db


def described(framework: Framework):
    """Everything a catalog holds, without database ids."""
    f = Framework.objects.get(pk=framework.pk)
    attributes = (f.index, f.year, f.level, f.name, f.issuer, f.basis, f.province_id, f.notes)
    nodes = sorted((n.code, n.parent.code if n.parent_id else "", n.depth, n.name, n.max_score, n.method,
                    n.evidence, n.is_verified, n.order) for n in f.nodes.select_related("parent"))
    return attributes, nodes


def counts():
    return Framework.objects.count(), FrameworkNode.objects.count(), AuditEntry.objects.count()


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    workbook[sheet][cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_round_trips_a_catalog_into_a_new_framework(catalog):
    before = described(catalog)
    data = export_framework(catalog)
    catalog.delete()
    result = do_import_framework(data)
    assert result.created and result.nodes_created == 5
    assert described(result.framework) == before


def test_it_round_trips_into_the_same_framework_without_changes(catalog, admin):
    before = described(catalog)
    ids = set(catalog.nodes.values_list("pk", flat=True))
    result = do_import_framework(export_framework(catalog), into=catalog, actor=admin)
    assert not result.created
    assert (result.nodes_created, result.nodes_updated, result.nodes_deleted) == (0, 0, 0)
    assert described(catalog) == before
    assert set(catalog.nodes.values_list("pk", flat=True)) == ids
    assert not AuditEntry.objects.exists()  # nothing changed, nothing recorded


@pytest.mark.parametrize("index", ["PAR_INDEX", "SIPAS", "PAPI", "PCI"])
def test_it_round_trips_the_initial_catalogs(index):
    for framework in Framework.objects.filter(index=index):
        before = described(framework)
        data = export_framework(framework)
        framework.delete()
        assert described(do_import_framework(data).framework) == before


def test_it_keeps_formula_like_text_as_text(catalog):
    sheet = load_workbook(io.BytesIO(export_framework(catalog)))[NODE_SHEET]
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "=Ban hành đúng hạn" in names


def test_it_updates_matches_by_code_adds_and_deletes(catalog, admin):
    kept = catalog.nodes.get(code="1.1")
    data = export_framework(catalog)
    data = edited(data, NODE_SHEET, "E3", 9.5)  # row 3 is "1.1" (tree order)
    data = edited(data, NODE_SHEET, "A6", "3")  # the last row "2" becomes a new field "3"
    result = do_import_framework(data, into=catalog, actor=admin)
    assert (result.nodes_created, result.nodes_updated, result.nodes_deleted) == (1, 1, 1)
    assert catalog.nodes.get(code="1.1").pk == kept.pk
    assert catalog.nodes.get(code="1.1").max_score == Decimal("9.5")
    assert set(catalog.nodes.values_list("code", flat=True)) == {"1", "1.1", "1.1.a", "1.2", "3"}
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete", "update"]
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {admin.pk}


def test_it_creates_a_copy_for_another_year(catalog):
    data = edited(export_framework(catalog), ATTRIBUTE_SHEET, "B3", 2027)
    result = do_import_framework(data)
    assert result.created and result.framework.year == 2027
    assert described(result.framework)[1] == described(catalog)[1]


def test_it_refuses_a_second_framework_of_the_same_version(catalog):
    before = counts()
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(export_framework(catalog))
    assert "đã có" in rejected.value.errors[0]
    assert counts() == before


def test_it_refuses_to_delete_a_node_with_published_results(catalog, agency):
    node = catalog.nodes.get(code="2")
    PublishedResult.objects.create(framework=catalog, node=node, agency=agency, year=2025, score=Decimal(10))
    data = edited(export_framework(catalog), NODE_SHEET, "A6", "3")
    before = described(catalog)
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(data, into=catalog)
    assert "“2”" in rejected.value.errors[0]
    assert described(catalog) == before
    assert PublishedResult.objects.count() == 1


def test_it_writes_a_file_atomically(catalog, tmp_path):
    target = tmp_path / "catalog.xlsx"
    export_to_path(catalog, target)
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.xlsx"]
    assert load_workbook(target)[NODE_SHEET].max_row == 6


GOOD = [
    ["1", "", 1, "Lĩnh vực 1", 10, "Tự đánh giá", "", "Có", 1],
    ["1.1", "1", 2, "Tiêu chí 1.1", 5, "self", "", "Không", 1],
]
BAD_ROWS = {
    "unknown parent": (["1.2", "9", 2, "Tiêu chí", 1, "", "", "", 2], "“9” không có trong tệp"),
    "bad number": (["1.2", "1", 2, "Tiêu chí", "mười", "", "", "", 2], "không phải là số"),
    "negative max": (["1.2", "1", 2, "Tiêu chí", -1, "", "", "", 2], "không được âm"),
    "duplicate code": (["1.1", "1", 2, "Tiêu chí", 1, "", "", "", 2], "trùng với dòng 3"),
    "unknown method": (["1.2", "1", 2, "Tiêu chí", 1, "Phỏng đoán", "", "", 2], "phương pháp “Phỏng đoán”"),
    "unknown level": (["1.2", "1", 7, "Tiêu chí", 1, "", "", "", 2], "cấp “7” không hợp lệ"),
    "level not matching parent": (["1.2", "1", 3, "Tiêu chí", 1, "", "", "", 2], "không khớp"),
    "missing name": (["1.2", "1", 2, "", 1, "", "", "", 2], "thiếu tên"),
    "too many decimals": (["1.2", "1", 2, "Tiêu chí", 1.2345, "", "", "", 2], "3 chữ số thập phân"),
    "bad verified flag": (["1.2", "1", 2, "Tiêu chí", 1, "", "", "có lẽ", 2], "Đã đối chiếu"),
    "negative order": (["1.2", "1", 2, "Tiêu chí", 1, "", "", "", -2], "thứ tự"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_it_rejects_a_bad_row_of_a_new_catalog_with_its_row_number(case):
    row, message = BAD_ROWS[case]
    before = counts()
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes([*GOOD, row], NEW_CATALOG))
    assert len(rejected.value.errors) == 1
    assert rejected.value.errors[0].startswith("Dòng 4: ")
    assert message in rejected.value.errors[0]
    assert counts() == before


@pytest.mark.parametrize("case", BAD_ROWS)
def test_it_rejects_a_bad_row_into_an_existing_catalog_and_changes_nothing(case, catalog):
    row, _message = BAD_ROWS[case]
    before, before_counts = described(catalog), counts()
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes([*GOOD, row], {"Tên": "Tên mới"}), into=catalog)
    assert rejected.value.errors[0].startswith("Dòng 4: ")
    assert described(catalog) == before
    assert counts() == before_counts


def test_it_reports_every_bad_row():
    rows = [
        ["1", "", 1, "Lĩnh vực", "x", "", "", "", 1],
        ["2", "", 1, "Lĩnh vực", -3, "", "", "", 2],
        ["2.1", "7", 2, "Tiêu chí", 1, "", "", "", 1],
    ]
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes(rows, NEW_CATALOG))
    assert [e.split(":")[0] for e in rejected.value.errors] == ["Dòng 2", "Dòng 3", "Dòng 4"]


def test_it_rejects_a_parent_cycle():
    rows = [["a", "b", "", "A", 1, "", "", "", 1], ["b", "a", "", "B", 1, "", "", "", 2]]
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes(rows, NEW_CATALOG))
    assert [e.split(":")[0] for e in rejected.value.errors] == ["Dòng 2", "Dòng 3"]
    assert "vòng lặp" in rejected.value.errors[0]


def test_it_rejects_bad_framework_attributes_with_their_row():
    attributes = {**NEW_CATALOG, "Chỉ số": "ABC", "Năm áp dụng": "năm nay"}
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes(GOOD, attributes))
    assert rejected.value.errors == [
        "Trang “Bộ chỉ số”, dòng 2: chỉ số “ABC” không có; chọn một trong: PAR INDEX, SIPAS, PAPI, PCI.",
        "Trang “Bộ chỉ số”, dòng 3: năm áp dụng “năm nay” không hợp lệ.",
    ]


def test_it_needs_the_attributes_to_create_a_framework():
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes(GOOD, {"Tên": "Không đủ"}))
    assert len(rejected.value.errors) == 3


def test_it_infers_missing_levels_and_accepts_a_decimal_comma():
    rows = [["1", "", "", "Lĩnh vực", "9,28", "", "", "", 1],
            ["1.1", "1", "", "Tiêu chí", "1,5", "", "", "", 1]]
    framework = do_import_framework(workbook_bytes(rows, NEW_CATALOG)).framework
    assert {n.code: (n.depth, n.max_score) for n in framework.nodes.all()} == {
        "1": (1, Decimal("9.28")), "1.1": (2, Decimal("1.5"))}


def test_it_rejects_a_file_that_is_not_a_workbook():
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(b"not a spreadsheet")
    assert rejected.value.errors == ["Không đọc được tệp: tệp không phải bảng tính XLSX hợp lệ."]


def test_it_still_exports_nodes_caught_in_a_parent_cycle(catalog):
    first, second = catalog.nodes.get(code="1.2"), catalog.nodes.get(code="2")
    FrameworkNode.objects.filter(pk=first.pk).update(parent=second)
    FrameworkNode.objects.filter(pk=second.pk).update(parent=first)
    sheet = load_workbook(io.BytesIO(export_framework(catalog)))[NODE_SHEET]
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "1", "1.1", "1.1.a", "1.2", "2"]
