"""Scoring rules as data: each kind computed, the text form read and written, the XLSX column, copying a
catalog to next year."""

from decimal import Decimal

import pytest

from chiso.audit.models import AuditEntry
from chiso.frameworks import rules
from chiso.frameworks.actions import CatalogError, do_copy_framework
from chiso.frameworks.exchange import CatalogRejected, do_import_framework, export_framework
from chiso.frameworks.models import Framework, FrameworkNode

from .conftest import NEW_CATALOG, workbook_bytes

D = Decimal


def test_it_scores_yes_no():
    rule = rules.parse_text("có/không", D("2"))
    assert rule.score(D("2"), yes=True) == D("2.000")
    assert rule.score(D("2"), yes=False) == D("0")
    assert rule.score(D("2"), yes=None) is None
    assert rule.value_kind == "yes_no"


def test_it_scores_tiers_by_rate():
    rule = rules.parse_text("bậc: 80% → 0,5; 100% → 1", D("1"))
    assert rule.tiers == ((D(100), D(1)), (D(80), D("0.5")))  # highest threshold first
    assert rule.score(D(1), rate=D(100)) == D("1.000")
    assert rule.score(D(1), rate=D("99.9")) == D("0.500")
    assert rule.score(D(1), rate=D(80)) == D("0.500")
    assert rule.score(D(1), rate=D("79.99")) == D("0")
    assert rule.value_kind == "rate"


def test_it_scores_counts_up_to_the_maximum():
    rule = rules.parse_text("đếm: 0,5", D("3"))
    assert rule.score(D(3), count=0) == D("0")
    assert rule.score(D(3), count=5) == D("2.500")
    assert rule.score(D(3), count=9) == D("3.000")


def test_it_scores_proportionally_to_a_threshold():
    rule = rules.parse_text("tỷ lệ: 30%", D("1.5"))
    assert rule.score(D("1.5"), rate=D(20)) == D("1.000")
    assert rule.score(D("1.5"), rate=D(10)) == D("0.500")
    assert rule.score(D("1.5"), rate=D(45)) == D("1.500")  # capped


def test_text_and_data_round_trip():
    for text in ("có/không", "bậc: 100% → 1; 80% → 0,5", "đếm: 0,5", "tỷ lệ: 100%"):
        rule = rules.parse_text(text, D("1"))
        assert rule.to_text() == text
        assert rules.from_data(rule.to_data()) == rule


@pytest.mark.parametrize("text, fragment", [
    ("bậc: 120% → 1", "từ 0 đến 100"),
    ("bậc: 100% → 3", "lớn hơn điểm tối đa"),
    ("bậc: 100% 1", "phải viết dạng"),
    ("đếm: 0", "lớn hơn 0"),
    ("tỷ lệ: 0%", "lớn hơn 0"),
    ("tính sao cũng được", "không hiểu"),
    ("đếm: nhiều", "không phải là số"),
])
def test_bad_rules_are_refused_in_vietnamese(text, fragment):
    with pytest.raises(rules.RuleError, match=fragment):
        rules.parse_text(text, D("2"))


def test_a_rule_needs_a_maximum():
    with pytest.raises(rules.RuleError, match="điểm tối đa"):
        rules.parse_text("có/không", None)


@pytest.mark.django_db
def test_the_workbook_carries_rule_text_and_rule(catalog):
    node = FrameworkNode.objects.get(framework=catalog, code="1.1.a")
    node.rule_text, node.rule = "Đúng hạn: đủ điểm", rules.parse_text("có/không", node.max_score).to_data()
    node.save()
    data = export_framework(catalog)
    # importing the export into the same catalog changes nothing
    result = do_import_framework(data, into=catalog)
    assert result.nodes_updated == 0
    node.refresh_from_db()
    assert node.rule == {"kind": "yes_no"} and node.rule_text == "Đúng hạn: đủ điểm"


@pytest.mark.django_db
def test_a_bad_rule_cell_rejects_the_file_with_its_line(province):
    rows = [["1", "", 1, "Lĩnh vực", "10", "", "", "", 1, "", ""],
            ["1.1", "1", 2, "Tiêu chí", "2", "", "", "", 1, "Đúng hạn", "bậc: 100% → 5"],
            ["1.2", "1", 2, "Tiêu chí hai", "2", "", "", "", 2, "", "đếm: 0,5"]]
    with pytest.raises(CatalogRejected) as rejected:
        do_import_framework(workbook_bytes(rows, NEW_CATALOG))
    assert rejected.value.errors == ["Dòng 3: cột Quy tắc tính: điểm của bậc (5) lớn hơn điểm tối đa (2)."]
    assert not Framework.objects.filter(name="SIPAS 2027").exists()
    rows[1][10] = "bậc: 100% → 2; 80% → 1"
    result = do_import_framework(workbook_bytes(rows, NEW_CATALOG))
    node = result.framework.nodes.get(code="1.1")
    assert node.rule == {"kind": "tiers", "tiers": [["100", "2"], ["80", "1"]]}
    assert node.rule_text == "Đúng hạn"
    assert result.framework.nodes.get(code="1.2").rule == {"kind": "count", "per": "0.5"}


@pytest.mark.django_db
def test_copying_makes_next_years_version_with_the_whole_tree(catalog, admin):
    node = catalog.nodes.get(code="1.1.a")
    node.rule = {"kind": "yes_no"}
    node.save()
    copy = do_copy_framework(admin, catalog, 2027)
    assert (copy.year, copy.province_id, copy.index, copy.level) == (2027, catalog.province_id, "PAR_INDEX",
                                                                      "department")
    old = {(n.code, n.parent.code if n.parent_id else "", n.max_score, str(n.rule),
            n.evidence) for n in catalog.nodes.select_related("parent")}
    new = {(n.code, n.parent.code if n.parent_id else "", n.max_score, str(n.rule), n.evidence)
           for n in copy.nodes.select_related("parent")}
    assert old == new and len(new) == 5
    assert not set(copy.nodes.values_list("pk", flat=True)) & set(catalog.nodes.values_list("pk", flat=True))
    assert AuditEntry.objects.filter(model="frameworks.framework", object_id=str(copy.pk)).exists()
    with pytest.raises(CatalogError, match="Đã có"):
        do_copy_framework(admin, catalog, 2027)


@pytest.mark.django_db
@pytest.mark.parametrize("who, status", [("admin", 302), ("colleague", 403), ("outsider", 403)])
def test_copy_page_permissions(client, catalog, request, who, status):
    client.force_login(request.getfixturevalue(who))
    before = Framework.objects.count()
    response = client.post(f"/bo-chi-so/{catalog.pk}/sao-chep/", {"year": "2027"})
    assert response.status_code == status
    assert Framework.objects.count() == before + (1 if status == 302 else 0)


@pytest.mark.django_db
def test_copy_page_refuses_an_existing_year_in_vietnamese(client, catalog, admin):
    client.force_login(admin)
    response = client.post(f"/bo-chi-so/{catalog.pk}/sao-chep/", {"year": "2026"}, follow=True)
    assert "Đã có" in response.content.decode()
    response = client.post(f"/bo-chi-so/{catalog.pk}/sao-chep/", {"year": "năm sau"}, follow=True)
    assert "Năm không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_form_reads_and_checks_the_rule_text(catalog):
    from chiso.frameworks.admin import NodeAdminForm

    node = FrameworkNode.objects.get(framework=catalog, code="1.1")
    data = {"framework": catalog.pk, "code": "1.1", "parent": node.parent_id, "depth": 2, "name": node.name,
            "max_score": "9.28", "method": "mixed", "order": 1, "evidence": "", "rule_text": "Theo tỷ lệ",
            "rule_input": "bậc: 100% → 10"}
    form = NodeAdminForm(data, instance=node)
    assert not form.is_valid() and "lớn hơn điểm tối đa" in str(form.errors["rule_input"])
    data["rule_input"] = "bậc: 100% → 9,28; 50% → 4"
    form = NodeAdminForm(data, instance=node)
    assert form.is_valid(), form.errors
    form.save()
    node.refresh_from_db()
    assert node.rule == {"kind": "tiers", "tiers": [["100", "9.28"], ["50", "4"]]}
    assert NodeAdminForm(instance=node).fields["rule_input"].initial == "bậc: 100% → 9,28; 50% → 4"
