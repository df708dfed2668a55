import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """The questionnaire in use is cached for 30 s by agency id: ids repeat from one test to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
