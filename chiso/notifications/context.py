"""The bell in the top bar: unread notifications of the signed-in person, in one query (made only when a
page shows the bell)."""

from .models import Notification


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count}
