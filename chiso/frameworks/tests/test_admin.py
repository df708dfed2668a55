import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.accounts.models import User
from chiso.frameworks.models import Framework, FrameworkNode

from .conftest import NEW_CATALOG, workbook_bytes

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:frameworks_framework_import"


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("sieuquantri", password="mat-khau-dai-4")


@pytest.fixture
def staff_without_rights(db) -> User:
    return User.objects.create_user("nhanvien", password="mat-khau-dai-5", is_staff=True)


def test_it_shows_the_changelist_the_change_page_and_the_other_models(client, superuser, catalog):
    client.force_login(superuser)
    changelist = client.get(reverse("admin:frameworks_framework_changelist"))
    assert changelist.status_code == 200
    assert reverse(IMPORT_URL) in changelist.content.decode()
    change = client.get(reverse("admin:frameworks_framework_change", args=[catalog.pk]))
    assert change.status_code == 200 and "1.1.a" in change.content.decode()
    for name in ("admin:frameworks_frameworknode_changelist", "admin:frameworks_publishedresult_changelist"):
        assert client.get(reverse(name)).status_code == 200


def test_it_exports_one_xlsx_or_a_zip_of_several(client, superuser, catalog):
    client.force_login(superuser)
    url = reverse("admin:frameworks_framework_changelist")
    one = client.post(url, {"action": "export_xlsx", "_selected_action": [catalog.pk]})
    assert one["Content-Type"].startswith("application/vnd.openxmlformats") and one.content[:2] == b"PK"
    every = client.post(url, {"action": "export_xlsx",
                              "_selected_action": list(Framework.objects.values_list("pk", flat=True))})
    assert len(zipfile.ZipFile(io.BytesIO(every.content)).namelist()) == 6


def test_it_imports_from_the_upload_page(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse(IMPORT_URL)).status_code == 200
    data = workbook_bytes([["1", "", 1, "Tiếp cận dịch vụ", 20, "", "", "", 1]], NEW_CATALOG)
    response = client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile("a.xlsx", data)})
    framework = Framework.objects.get(name="SIPAS 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:frameworks_framework_change", args=[framework.pk])


def test_it_lists_row_errors_on_the_upload_page_and_saves_nothing(client, superuser, catalog):
    client.force_login(superuser)
    before = FrameworkNode.objects.count()
    data = workbook_bytes([["1", "9", 1, "Lĩnh vực", 1, "", "", "", 1]])
    response = client.post(reverse(IMPORT_URL),
                           {"file": SimpleUploadedFile("a.xlsx", data), "into": catalog.pk})
    assert response.status_code == 400
    assert "Dòng 2: mã cấp trên “9” không có trong tệp." in response.content.decode()
    assert FrameworkNode.objects.count() == before


def test_it_refuses_the_upload_page_to_staff_without_rights_and_to_outsiders(client, staff_without_rights,
                                                                             outsider):
    client.force_login(staff_without_rights)
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    client.force_login(outsider)
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "login" in response["Location"]
