import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """The questionnaire in use and the survey links are kept 30 s by id (survey.memo): ids repeat from one test
    to the next."""
    from django.core.cache import cache

    from chiso.survey import memo

    cache.clear()
    memo.forget()
    yield
    cache.clear()
    memo.forget()
