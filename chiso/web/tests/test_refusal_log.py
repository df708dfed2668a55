"""A refused request (403) is logged as one line, without a traceback (issue 10)."""

import logging

import pytest

pytestmark = pytest.mark.django_db


def test_a_403_is_one_line_in_the_log(world, login, caplog):
    client = login(world.people.outsider)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/ke-hoach/{world.plan.pk}/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].exc_info is None
    line = logging.Formatter().format(records[0])
    assert line == f"Forbidden (Permission denied): /ke-hoach/{world.plan.pk}/" and "\n" not in line


def test_a_server_error_keeps_its_traceback():
    from chiso.settings import OneLineRefusals

    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error: /x", None,
                               (ValueError, ValueError("hỏng"), None))
    record.status_code = 500
    assert OneLineRefusals().filter(record) and record.exc_info is not None
