from decimal import Decimal

import pytest

from chiso.frameworks.catalog import CATALOGS, load_initial
from chiso.frameworks.models import Framework, FrameworkNode

pytestmark = pytest.mark.django_db


def _framework(index: str, level: str = "province") -> Framework:
    return Framework.objects.get(index=index, level=level, province__isnull=True)


def test_it_loads_the_five_catalogs_with_migrate():
    assert Framework.objects.count() == len(CATALOGS) == 5
    counts = {(f.index, f.level): f.nodes.count() for f in Framework.objects.all()}
    assert counts == {
        ("PAR_INDEX", "department"): 7,
        ("PAR_INDEX", "province"): 8,
        ("SIPAS", "province"): 5,
        ("PAPI", "province"): 8,
        ("PCI", "province"): 10,
    }


def test_it_gives_par_department_maxima_summing_to_100():
    framework = _framework("PAR_INDEX", "department")
    maxima = [n.max_score for n in framework.nodes.order_by("order")]
    assert maxima == [Decimal(v) for v in (16, 12, 24, 8, 17, 8, 15)]
    assert sum(maxima) == 100
    assert (framework.year, framework.issuer, framework.province) == (2025, "UBND tỉnh", None)
    assert not framework.nodes.filter(is_verified=True).exists()


def test_it_leaves_unverified_maxima_empty_and_codes_numbered():
    par = _framework("PAR_INDEX")
    assert par.year == 2022 and "876/QĐ-BNV" in par.basis
    assert list(par.nodes.values_list("code", flat=True).order_by("order")) == [str(i) for i in range(1, 9)]
    assert not par.nodes.filter(max_score__isnull=False).exists()
    sipas = _framework("SIPAS")
    assert sipas.year == 2023 and "1001/QĐ-BNV" in sipas.basis
    assert set(sipas.nodes.values_list("method", flat=True)) == {"survey"}
    assert not sipas.nodes.filter(max_score__isnull=False).exists()


def test_it_marks_papi_and_pci_maxima_unverified():
    papi, pci = _framework("PAPI"), _framework("PCI")
    assert papi.year == 2018 and set(papi.nodes.values_list("method", flat=True)) == {"survey"}
    assert pci.year == 2024 and pci.issuer == "VCCI"
    for framework in (papi, pci):
        assert set(framework.nodes.values_list("max_score", flat=True)) == {Decimal(10)}
        assert not framework.nodes.filter(is_verified=True).exists()


def test_it_does_not_load_twice_nor_overwrite_corrections():
    node = _framework("PAPI").nodes.get(code="1")
    node.max_score = Decimal("9.5")
    node.save()
    assert load_initial() == 0
    assert Framework.objects.count() == 5
    assert FrameworkNode.objects.get(pk=node.pk).max_score == Decimal("9.5")


def test_it_recreates_a_deleted_catalog():
    _framework("PCI").delete()
    assert load_initial() == 1
    assert _framework("PCI").nodes.count() == 10
