"""Turning the public page on and off (the leader's decision), in one transaction with its audit record."""

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.audit.log import Action, record, snapshot

from .models import PublicPage


class Refused(Exception):
    pass


@transaction.atomic
def do_set_public_page(actor, agency, *, enabled: bool, show_survey: bool, show_services: bool,
                       version: int | None = None) -> PublicPage:
    page, created = PublicPage.objects.select_for_update().get_or_create(agency=agency)
    if not created and version is not None and page.version != version:
        raise Refused(_("Cài đặt vừa được người khác thay đổi; hãy mở lại trang."))
    before = None if created else snapshot(page)
    page.enabled, page.show_survey, page.show_services = enabled, show_survey, show_services
    page.version += 0 if created else 1
    page.updated_by = actor
    page.save()
    record(actor, Action.CREATE if created else Action.UPDATE, page, before, snapshot(page), agency=agency,
           summary=_("Trang công khai: %(s)s") % {"s": _("bật") if enabled else _("tắt")})
    return page
