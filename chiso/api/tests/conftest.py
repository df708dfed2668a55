import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Evidence files posted through the API land in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
