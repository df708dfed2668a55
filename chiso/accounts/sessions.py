"""Django's database sessions, with the one read every signed-in request makes held as a compiled statement
(chiso.statements: building and compiling that query cost more CPU than running it). Same table, same rules:
a session past its expiry is not found."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from chiso.statements import Statement

_BY_KEY = Statement("accounts.session", lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _BY_KEY.objects(key=self.session_key, now=timezone.now()) if self.session_key else []
        if not found:
            self._session_key = None
            return None
        return found[0]
