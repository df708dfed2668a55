"""Who may turn an agency's public page on or off: its leader, and administrators. Reading a public page
needs nothing (it shows only what the leader published)."""

from chiso.accounts.access import LEADER_ROLES, access_of


def can_publish(user, agency) -> bool:
    return access_of(user).holds(agency.pk, LEADER_ROLES)
