"""The dashboards print the status labels ~170 times a page: the view hands the template plain text in the
request's language, translated once, not lazy labels translated at each use."""

from django.utils import translation

from chiso.plans.status import STATUS_ORDER, Status
from chiso.tracking.queries import status_labels


def test_status_labels_are_plain_text_in_the_active_language():
    with translation.override("vi"):
        vi = status_labels()
    with translation.override("en"):
        en = status_labels()
    assert set(STATUS_ORDER) <= set(vi)
    assert all(type(label) is str for label in vi.values())
    assert vi[Status.NOT_STARTED] == "Chưa thực hiện"
    assert en[Status.NOT_STARTED] != vi[Status.NOT_STARTED]
