import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_calendar(request):
    """A transactional test (ours or another app's) flushes the rows migration 0002 wrote: put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "world", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    from chiso.periods.models import ensure_default_rules

    ensure_default_rules()
