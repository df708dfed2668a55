"""The bell in the top bar: unread notifications of the signed-in person, in one query (made only when a
page shows the bell)."""

from django.db.models import Count

from chiso.statements import Statement

from .models import Notification

# held compiled (chiso.statements): every signed-in page draws the bell
_UNREAD = Statement("notifications.unread", lambda user_id: Notification.objects.filter(
    user_id=user_id, read_at__isnull=True).values("user_id").annotate(n=Count("pk")).values_list("n"))


def unread_count(user_id: int) -> int:
    found = _UNREAD.rows(user_id=user_id)
    return found[0][0] if found else 0


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: unread_count(user.pk)}
