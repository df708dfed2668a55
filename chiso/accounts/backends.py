"""Django's ModelBackend, with the read every signed-in request makes (the person, with their unit) held as a
compiled statement (chiso.statements): building and compiling that query cost more CPU than running it."""

from django.contrib.auth.backends import ModelBackend

from chiso.statements import Statement

from .models import User

_BY_ID = Statement("accounts.user", lambda pk: User.objects.filter(pk=pk).select_related("unit"))


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _BY_ID.objects(pk=pk)
        return found[0] if found and self.user_can_authenticate(found[0]) else None
