"""People and catalogs the frameworks tests share.

Named roles: ``admin`` holds the administrator grant, ``colleague`` is a signed-in viewer of an
agency, ``outsider`` has an account but no grant; anonymous visitors are the client without login.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from chiso.accounts.models import Role, RoleGrant, User
from chiso.frameworks.exchange import ATTRIBUTE_SHEET, NODE_COLUMNS, NODE_SHEET
from chiso.frameworks.models import Framework, FrameworkNode
from chiso.org.models import Agency, Province


@pytest.fixture
def province(db) -> Province:
    return Province.objects.create(name="Cao Bằng", code="cao-bang")


@pytest.fixture
def agency(province) -> Agency:
    return Agency.objects.create(province=province, code="STP", name="Sở Tư pháp")


@pytest.fixture
def admin(db) -> User:
    user = User.objects.create_user("quantri", password="mat-khau-dai-1")
    RoleGrant.objects.create(user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def colleague(agency) -> User:
    user = User.objects.create_user("canbo", password="mat-khau-dai-2")
    RoleGrant.objects.create(user=user, role=Role.VIEWER, agency=agency)
    return user


@pytest.fixture
def outsider(db) -> User:
    return User.objects.create_user("nguoingoai", password="mat-khau-dai-3")


@pytest.fixture
def catalog(province) -> Framework:
    """A three-level department catalog with decimals, evidence, mixed verification and a province."""
    framework = Framework.objects.create(index="PAR_INDEX", year=2026, level="department", province=province,
                                         name="Bộ tiêu chí cấp sở 2026", issuer="UBND tỉnh Cao Bằng",
                                         basis="Quyết định 12/QĐ-UBND", notes="Dòng 1\nDòng 2")
    field = FrameworkNode.objects.create(framework=framework, code="1", name="Công tác chỉ đạo, điều hành",
                                         max_score=Decimal("16"), order=1, is_verified=True)
    criterion = FrameworkNode.objects.create(framework=framework, parent=field, depth=2, code="1.1",
                                             name="Kế hoạch CCHC năm", max_score=Decimal("9.28"),
                                             order=1, evidence="Kế hoạch\nBáo cáo", method="mixed")
    FrameworkNode.objects.create(framework=framework, parent=criterion, depth=3, code="1.1.a",
                                 name="=Ban hành đúng hạn", max_score=Decimal("0.125"), order=1,
                                 method="survey")
    FrameworkNode.objects.create(framework=framework, parent=field, depth=2, code="1.2",
                                 name="Tuyên truyền CCHC", max_score=None, order=2)
    FrameworkNode.objects.create(framework=framework, code="2", name="Cải cách thể chế",
                                 max_score=Decimal("12"), order=2)
    return framework


def workbook_bytes(rows: list[list], attributes: dict | None = None) -> bytes:
    """A workbook in the exchange format: attribute rows (label -> value) and node rows under the header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ATTRIBUTE_SHEET
    sheet.append(["Thuộc tính", "Giá trị"])
    for label, value in (attributes or {}).items():
        sheet.append([label, value])
    nodes = workbook.create_sheet(NODE_SHEET)
    nodes.append(NODE_COLUMNS)
    for row in rows:
        nodes.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NEW_CATALOG = {"Chỉ số": "SIPAS", "Năm áp dụng": 2027, "Cấp đánh giá": "Cấp tỉnh", "Tên": "SIPAS 2027"}
