"""Printed unit names to the agency's units, and printed fields to catalog nodes."""

import pytest

from chiso.frameworks.models import FrameworkNode
from chiso.org.models import Unit, UnitAlias
from chiso.plans.importing import Match, NodeMapper, match_units, normalize

pytestmark = pytest.mark.django_db


def kinds_and_units(world, names):
    return [(m.kind, m.unit) for m in match_units(world.home, names)]


def test_it_matches_exact_names_and_names_without_diacritics(world):
    assert kinds_and_units(world, ["Phòng Hành chính tư pháp", "PHONG HANH CHINH TU PHAP",
                                   "phong xay dung va kiem tra van ban"]) == [
        (Match.EXACT, world.civil), (Match.EXACT, world.civil), (Match.EXACT, world.laws)]


def test_it_ignores_the_words_documents_add_around_a_unit(world):
    assert kinds_and_units(world, ["Văn phòng", "VP Sở", "Văn phòng thuộc Sở"]) == [
        (Match.EXACT, world.office_unit)] * 3


def test_it_tolerates_typos_and_ocr_damage(world):
    matches = match_units(world.home, ["Phòng Hành chinh tư phá", "Van phong S&", "Phong Xay dung va kiem tra vb"])
    assert [m.unit for m in matches[:2]] == [world.civil, world.office_unit]
    assert matches[0].kind == Match.FUZZY and 85 <= matches[0].score < 100


def test_it_uses_aliases_and_acronyms(world):
    UnitAlias.objects.create(unit=world.laws, alias="Phòng XD&KTVB")
    assert kinds_and_units(world, ["phòng xd&ktvb", "Phòng HCTP"]) == [
        (Match.EXACT, world.laws), (Match.EXACT, world.civil)]


def test_it_reads_past_a_parenthesis(world):
    assert kinds_and_units(world, ["Văn phòng Sở (Bộ phận Một cửa)"]) == [(Match.EXACT, world.office_unit)]


def test_it_expands_common_abbreviations():
    assert normalize("Sở KH&CN") == "so khoa hoc va cong nghe"
    assert normalize("Sở TT&TT") == "so thong tin va truyen thong"
    assert normalize("UBND tỉnh, HĐND tỉnh") == "uy ban nhan dan tinh hoi dong nhan dan tinh"
    assert normalize("Sở VHTTDL") == "so van hoa the thao va du lich"
    assert normalize("Phòng TTHC") == "phong thu tuc hanh chinh"
    assert normalize("Kế hoạch CCHC") == "ke hoach cai cach hanh chinh"


def test_it_keeps_collective_phrases_as_text(world):
    matches = match_units(world.home, ["Các phòng, đơn vị thuộc Sở", "Các phòng chuyên môn",
                                       "Phòng chuyên môn có TTHC", "các đơn vị liên quan"])
    assert all(m.kind == Match.COLLECTIVE and m.unit is None and not m.flagged for m in matches)


def test_it_flags_unknown_units_and_creates_nothing(world):
    before = Unit.objects.count()
    matches = match_units(world.home, ["Phòng Tôn giáo", "Phòng Quản lý xây dựng", ""])
    assert [(m.kind, m.flagged) for m in matches] == [(Match.UNKNOWN, True), (Match.UNKNOWN, True)]
    assert matches[0].text == "Phòng Tôn giáo"
    assert Unit.objects.count() == before  # another agency's unit is not ours either


def test_it_matches_units_of_the_given_agency_only(world):
    assert kinds_and_units(world, ["Phòng Quản lý xây dựng"]) == [(Match.UNKNOWN, None)]
    assert [m.unit for m in match_units(world.other, ["Phong quan ly xay dung"])] == [world.other_unit]


@pytest.mark.parametrize("index, field, code", [
    ("PAR_INDEX", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "1"),
    ("PAR_INDEX", "Cải cách thủ tục hành chính (TTHC)", "3"),
    ("PAR_INDEX", "Cải cách tổ chức bộ máy", "4"),
    ("PAR_INDEX", "XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN, CHÍNH QUYỀN SỐ", "7"),
    ("PAR_INDEX", "Tác động của CCHC đến người dân, tổ chức và phát triển kinh tế - xã hội", "8"),
    ("SIPAS", 'Cải thiện "mức độ hài lòng về tiếp cận dịch vụ"', "1"),
    ("SIPAS", '"Cải thiện mức độ hài lòng về TTHC"', "2"),
    ("PAPI", "Tham gia của người dân", "1"),
    ("PAPI", "Kiem soat tham nhung trong khu vuc cong", "4"),
])
def test_it_maps_printed_fields_to_catalog_nodes_confidently(world, index, field, code):
    node, confidence = NodeMapper(world.home, 2025).map(index, field)
    assert node is not None and node.framework.index == index and node.code == code
    assert confidence >= 0.8


def test_it_prefers_the_catalog_of_the_agency_level(world):
    node, _confidence = NodeMapper(world.home, 2025).map("PAR_INDEX", "Cải cách thể chế")
    assert node.framework.level == "department"


def test_it_is_not_confident_about_vague_or_foreign_fields(world):
    mapper = NodeMapper(world.home, 2025)
    for index, field in [("PAR_INDEX", "Cải cách"), ("PAR_INDEX", "Công tác thi đua khen thưởng"),
                         ("SIPAS", None)]:
        _node, confidence = mapper.map(index, field)
        assert confidence < 0.8, field


def test_the_catalogs_exist_from_migrations(db):
    assert FrameworkNode.objects.filter(framework__index="PAR_INDEX").exists()


def test_a_name_close_to_two_units_is_flagged_not_guessed(world):
    Unit.objects.create(agency=world.home, name="Phòng Kiểm tra khu vực Bắc")
    Unit.objects.create(agency=world.home, name="Phòng Kiểm tra khu vực Nam")
    matches = match_units(world.home, ["Phòng Kiểm tra khu vực"])
    assert (matches[0].kind, matches[0].unit) == (Match.UNKNOWN, None)
