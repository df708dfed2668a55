from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.frameworks.exchange import export_framework
from chiso.frameworks.models import Framework, FrameworkNode

from .conftest import NEW_CATALOG, workbook_bytes

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "bo-chi-so.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.mark.parametrize("name, args", [("framework_list", []), ("framework_detail", [1]),
                                        ("framework_export", [1])])
def test_it_sends_anonymous_visitors_to_login(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_it_lists_catalogs_grouped_by_index_for_a_signed_in_colleague(client, colleague):
    client.force_login(colleague)
    response = client.get(reverse("framework_list"))
    assert response.status_code == 200
    body = response.content.decode()
    labels = [label for label, _frameworks in response.context["groups"]]
    assert labels == ["PAR INDEX", "SIPAS", "PAPI", "PCI"]
    assert "Chỉ số cải cách hành chính cấp sở" in body
    assert 'class="table-wrap"' in body and "2025" in body
    assert reverse("framework_import") not in body  # no upload form for a non-administrator


def test_it_lists_catalogs_in_a_fixed_number_of_queries(client, outsider, django_assert_max_num_queries):
    client.force_login(outsider)
    with django_assert_max_num_queries(6):
        client.get(reverse("framework_list"))


def test_it_shows_the_tree_with_localized_maxima_and_unverified_badges(client, outsider, catalog):
    client.force_login(outsider)
    response = client.get(reverse("framework_detail", args=[catalog.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert [n.code for n in response.context["nodes"]] == ["1", "1.1", "1.1.a", "1.2", "2"]
    assert "9,28" in body and "0,125" in body
    # every node but the verified field "1"
    assert body.count('<span class="badge">chưa xác minh</span>') == 4
    assert "Điều tra xã hội học" in body
    assert response.context["field_total"] == Decimal(28)


def test_it_shows_an_empty_catalog(client, outsider):
    framework = Framework.objects.create(index="PCI", year=2030, level="province", name="PCI 2030")
    client.force_login(outsider)
    assert 'class="empty"' in client.get(reverse("framework_detail", args=[framework.pk])).content.decode()


def test_it_downloads_the_xlsx_for_any_signed_in_user(client, outsider, catalog):
    client.force_login(outsider)
    response = client.get(reverse("framework_export", args=[catalog.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert response.content[:2] == b"PK"


def test_it_refuses_the_import_to_a_non_administrator(client, colleague, outsider, catalog):
    for person in (colleague, outsider):
        client.force_login(person)
        response = client.post(reverse("framework_import"),
                               {"file": upload(export_framework(catalog)), "into": catalog.pk})
        assert response.status_code == 403


def test_it_sends_an_anonymous_import_to_login(client):
    response = client.post(reverse("framework_import"), {"file": upload(b"x")})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_accepts_only_post_for_the_import(client, admin):
    client.force_login(admin)
    assert client.get(reverse("framework_import")).status_code == 405


def test_it_imports_a_new_catalog_for_an_administrator(client, admin):
    client.force_login(admin)
    data = workbook_bytes([["1", "", 1, "Tiếp cận dịch vụ", 20, "survey", "", "", 1]], NEW_CATALOG)
    response = client.post(reverse("framework_import"), {"file": upload(data)})
    framework = Framework.objects.get(name="SIPAS 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("framework_detail", args=[framework.pk])
    assert framework.nodes.get().max_score == Decimal(20)


def test_it_updates_a_catalog_from_its_page(client, admin, catalog):
    client.force_login(admin)
    page = client.get(reverse("framework_detail", args=[catalog.pk])).content.decode()
    assert reverse("framework_import") in page
    data = workbook_bytes([["1", "", 1, "Lĩnh vực mới", 100, "", "", "Có", 1]])
    response = client.post(reverse("framework_import"), {"file": upload(data), "into": catalog.pk},
                           follow=True)
    assert response.status_code == 200
    assert "Đã nhập" in response.content.decode()
    assert list(catalog.nodes.values_list("name", flat=True)) == ["Lĩnh vực mới"]


def test_it_shows_row_errors_and_saves_nothing(client, admin, catalog):
    client.force_login(admin)
    data = workbook_bytes([["1", "", 1, "Lĩnh vực", -1, "", "", "", 1],
                           ["2", "", 1, "Khác", 1, "đoán", "", "", 2]])
    before = list(FrameworkNode.objects.values_list("pk", "name", "max_score"))
    response = client.post(reverse("framework_import"), {"file": upload(data), "into": catalog.pk})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Tệp bị từ chối" in body
    assert "Dòng 2: điểm tối đa không được âm" in body and "Dòng 3: phương pháp" in body
    assert list(FrameworkNode.objects.values_list("pk", "name", "max_score")) == before


def test_it_refuses_a_file_that_is_not_xlsx(client, admin):
    client.force_login(admin)
    response = client.post(reverse("framework_import"), {"file": upload(b"a;b", name="bang.csv")})
    assert response.status_code == 400
    assert "Chỉ nhận tệp .xlsx." in response.content.decode()
    assert Framework.objects.count() == 5


def test_it_shows_a_catalog_in_a_fixed_number_of_queries(client, outsider, catalog,
                                                         django_assert_max_num_queries):
    client.force_login(outsider)
    with django_assert_max_num_queries(6):
        client.get(reverse("framework_detail", args=[catalog.pk]))
