"""Who may see and do what with the survey. Every survey view asks here.

- the index, comments and XLSX of an agency: whoever reads the agency (its people, the provincial
  coordinator, administrators);
- counters, posters, kiosk links, paper entry and XLSX import of answers, confirming which plan task the
  index measures: the agency's office and administrators;
- the questionnaires (the common one and an agency's own): administrators;
- the ranking of every agency: administrators and provincial coordinators.
Answering the survey needs no login (public_views).
"""

from chiso.accounts.access import can_view_agency as _can_view_agency
from chiso.accounts.access import is_admin, is_office, office_agencies, sees_province, visible_agencies


def can_view_index(user, agency) -> bool:
    return _can_view_agency(user, agency)


def can_manage_counters(user, agency) -> bool:
    return is_office(user, agency)


def can_enter_answers(user, agency) -> bool:
    return is_office(user, agency)


def can_confirm_targets(user, agency) -> bool:
    """Whether the index measures a plan task's target: the agency's office decides."""
    return is_office(user, agency)


def can_edit_questionnaires(user) -> bool:
    return is_admin(user)


def can_view_ranking(user) -> bool:
    return sees_province(user)


def index_agencies(user):
    return visible_agencies(user)


def entry_agencies(user):
    return office_agencies(user)
