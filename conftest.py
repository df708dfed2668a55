"""Shared test data: a province, two agencies with units, and one named person per role.

Built through the same action functions the application uses (no fixture files)."""

import os
from datetime import date
from types import SimpleNamespace

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API under live_server


@pytest.fixture(autouse=True)
def _seed_rows_in_transactional_tests(request):
    """A transactional test (live server, concurrency) empties every table when it ends, including the
    rows migrations seed: index catalogs, the default reporting calendar, public holidays. Put them back
    before the next such test (tests on the `db` fixture all run earlier and never lose them)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db", "live_server"} & set(request.fixturenames)
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from chiso.frameworks.catalog import load_initial
    from chiso.periods.models import ensure_default_rules
    from chiso.periods.workdays import seed_holidays

    load_initial()
    ensure_default_rules()
    seed_holidays(range(2025, 2029))
    import importlib

    from django.apps import apps

    importlib.import_module("chiso.dossiers.migrations.0002_seed_rules").seed(apps, None)


def make_world():
    from chiso.accounts.models import Role, RoleGrant, User
    from chiso.org.models import Agency, Province, Unit
    from chiso.plans import actions
    from chiso.plans.models import Plan, Task

    province = Province.objects.create(code="tinh-thu", name="Tỉnh Thử")
    other_province = Province.objects.create(code="tinh-khac", name="Tỉnh Khác")
    home = Agency.objects.create(province=province, code="STP", name="Sở Tư pháp")
    other = Agency.objects.create(province=province, code="SXD", name="Sở Xây dựng")
    far = Agency.objects.create(province=other_province, code="SKX", name="Sở Khác Xa")
    coordinator_agency = Agency.objects.create(province=province, code="SNV", name="Sở Nội vụ",
                                               is_coordinator=True)
    office_unit = Unit.objects.create(agency=home, name="Văn phòng Sở", kind="office")
    civil = Unit.objects.create(agency=home, name="Phòng Hành chính tư pháp")
    laws = Unit.objects.create(agency=home, name="Phòng Xây dựng và kiểm tra văn bản")
    other_unit = Unit.objects.create(agency=other, name="Phòng Quản lý xây dựng")

    def person(username, role, agency, unit=None):
        user = User.objects.create_user(username=username, password="pw-test-123", full_name=username.title(),
                                        unit=unit, email=f"{username}@example.test")
        if role:
            RoleGrant.objects.create(user=user, role=role, agency=agency)
        return user

    people = SimpleNamespace(
        admin=person("admin", Role.ADMIN, None),
        coordinator=person("coordinator", Role.COORDINATOR, coordinator_agency),
        leader=person("leader", Role.LEADER, home),
        office=person("office", Role.OFFICE, home, office_unit),
        head=person("head", Role.UNIT_HEAD, home, civil),
        staff=person("staff", Role.UNIT_STAFF, home, civil),
        laws_staff=person("laws_staff", Role.UNIT_STAFF, home, laws),
        viewer=person("viewer", Role.VIEWER, home),
        outsider=person("outsider", Role.OFFICE, other, other_unit),
        far_coordinator=person("far_coordinator", Role.COORDINATOR, far),
        nobody=person("nobody", None, None),
    )
    plan = actions.do_create_plan(people.office, Plan(
        agency=home, title="Kế hoạch cải cách hành chính năm 2026", number="12/KH-STP", year=2026,
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), indices=["PAR_INDEX", "SIPAS"],
        status=Plan.Status.IN_FORCE))
    civil_task = actions.do_save_task(people.office, Task(
        plan=plan, index="PAR_INDEX", field_name="Cải cách thủ tục hành chính", ref="1",
        title="Giải quyết hồ sơ đúng hạn đạt 98%", due=date(2026, 6, 30)), [civil], [laws])
    laws_task = actions.do_save_task(people.office, Task(
        plan=plan, index="PAR_INDEX", field_name="Cải cách thể chế", ref="2",
        title="Rà soát văn bản quy phạm pháp luật", due=date(2026, 9, 30)), [laws], [])
    other_plan = actions.do_create_plan(people.outsider, Plan(
        agency=other, title="Kế hoạch của Sở Xây dựng", number="5/KH-SXD", year=2026))
    return SimpleNamespace(province=province, home=home, other=other, far=far, office_unit=office_unit,
                           civil=civil, laws=laws, other_unit=other_unit, people=people, plan=plan,
                           civil_task=civil_task, laws_task=laws_task, other_plan=other_plan)


@pytest.fixture(autouse=True)
def _dossier_store_per_test(settings, tmp_path):
    """The dossier store is files, outside the test database's rollback: each test gets its own."""
    settings.CHISO_DOSSIER_DIR = tmp_path / "dossier-store"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing strength is not under test; the default hasher costs ~0.3 s a user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def login(client):
    """login(user) -> the test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
