"""Who may do what in an assessment round (issue 11), from the shared access core:
- the agency's readers (leader, office, units, viewer) see its own self-assessment; the province's coordinator
  sees every agency's; nobody sees another agency's before the round's results are published;
- units edit the sub-criteria their tasks are mapped to; the office edits all of its agency's, submits them
  and answers the review; the leader approves the submission (or returns it);
- the coordinator (Sở Nội vụ) opens rounds, reviews, enters survey points, finalizes and publishes, and never
  changes an agency's self-score; administrators may do everything.
Every view asks one of these functions; the querysets lists filter by are here too."""

from django.db.models import Q, QuerySet

from chiso.accounts.access import (  # noqa: F401  (access_of re-exported for the views)
    LEADER_ROLES,
    UNIT_ROLES,
    access_of,
    can_view_agency,
    coordinates,
    is_office,
)
from chiso.plans.models import Task

from .models import Round, Score, Submission


def can_manage_rounds(user, province) -> bool:
    return coordinates(user, province)


def visible_rounds(user) -> QuerySet:
    acc = access_of(user)
    if acc.is_admin:
        return Round.objects.all()
    agencies = [a for a, roles in acc.roles.items() if roles]
    return Round.objects.filter(Q(province_id__in=acc.coordinator_provinces)
                                | Q(submissions__agency_id__in=agencies)).distinct()


def visible_submissions(user) -> QuerySet:
    """Submissions whose scores the person may read: their own agency's, a coordinator's province, and every
    agency of a round once it is published."""
    acc = access_of(user)
    if acc.is_admin:
        return Submission.objects.all()
    own = [a for a, roles in acc.roles.items() if roles - {"coordinator"}]
    return Submission.objects.filter(
        Q(agency_id__in=own) | Q(round__province_id__in=acc.coordinator_provinces)
        | Q(round__published_at__isnull=False, round__province_id__in=_provinces_of(own)))


def _provinces_of(agency_ids) -> set[int]:
    from chiso.org.models import Agency

    return set(Agency.objects.filter(pk__in=agency_ids).values_list("province_id", flat=True))


def can_view_submission(user, submission: Submission) -> bool:
    """can_view_agency covers the agency's own people, its province's coordinator and administrators."""
    if can_view_agency(user, submission.agency):
        return True
    if submission.round.published_at is not None:
        acc = access_of(user)
        own = [a for a, roles in acc.roles.items() if roles]
        return submission.round.province_id in _provinces_of(own)
    return False


def is_coordinator_of(user, submission: Submission) -> bool:
    return coordinates(user, submission.round.province)


def unit_node_ids(user, submission: Submission) -> set[int]:
    """Sub-criteria the person's unit may draft: those its led tasks in the agency's plans of the round's
    year are mapped to (a task on a criterion covers its sub-criteria)."""
    acc = access_of(user)
    if acc.unit_id is None or not (acc.roles_in(submission.agency_id) & UNIT_ROLES):
        return set()
    rows = Task.objects.filter(plan__agency_id=submission.agency_id, plan__year=submission.round.year,
                               lead_units=acc.unit_id, node__framework_id=submission.round.framework_id
                               ).values_list("node_id", "node__children__id")
    ids: set[int] = set()
    for node_id, child_id in rows:
        ids.add(node_id)
        if child_id:
            ids.add(child_id)
    return ids


def can_edit_score(user, score: Score, unit_nodes: set[int] | None = None) -> bool:
    submission = score.submission
    if submission.state != Submission.State.DRAFT:
        return False
    if is_office(user, submission.agency_id):
        return True
    if unit_nodes is None:
        unit_nodes = unit_node_ids(user, submission)
    return score.node_id in unit_nodes


def can_submit(user, submission: Submission) -> bool:
    return submission.state == Submission.State.DRAFT and is_office(user, submission.agency_id)


def is_leader(user, submission: Submission) -> bool:
    return access_of(user).holds(submission.agency_id, LEADER_ROLES)


def can_approve(user, submission: Submission) -> bool:
    return submission.state == Submission.State.AWAITING and is_leader(user, submission)


def can_review(user, submission: Submission) -> bool:
    return (submission.state in (Submission.State.SUBMITTED, Submission.State.REVIEWED)
            and is_coordinator_of(user, submission))


def can_answer(user, submission: Submission) -> bool:
    return submission.state == Submission.State.REVIEWED and is_office(user, submission.agency_id)


def can_finalize(user, submission: Submission) -> bool:
    return submission.state == Submission.State.REVIEWED and is_coordinator_of(user, submission)


def can_enter_survey(user, submission: Submission) -> bool:
    return submission.state != Submission.State.FINAL and is_coordinator_of(user, submission)


def can_export_pack(user, submission: Submission) -> bool:
    """The agency's own people and the coordinator: the pack holds the agency's files."""
    return can_view_agency(user, submission.agency) or is_coordinator_of(user, submission)
