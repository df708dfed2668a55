"""Who may make tokens, and what a token may read and write. A token acts with its creator's rights as they
are at the moment of the call (a role taken away narrows every token the person made), narrowed by the
token's agencies and resource scopes:
- administrators make tokens for any agencies; an agency leader makes tokens for the agencies they lead;
- a token reads an agency only when its creator may (accounts.access) and the token names it (or names none);
- a token writes through the owning app's permission check, with its creator as the actor."""

from django.db.models import Exists, Q, QuerySet

from chiso.accounts.access import LEADER_ROLES, access_of, agencies_readable, readable_args, statement_args
from chiso.org.models import Agency
from chiso.statements import Statement

from .models import ApiToken
from .scopes import Scopes, from_list


def can_make_tokens(user) -> bool:
    acc = access_of(user)
    return acc.is_admin or any(roles & LEADER_ROLES for roles in acc.roles.values())


def token_agency_choices(user) -> QuerySet:
    """Agencies a person may scope a token to: every agency for an administrator, the ones they lead."""
    acc = access_of(user)
    if acc.is_admin:
        return Agency.objects.all()
    return Agency.objects.filter(pk__in=[a for a, r in acc.roles.items() if r & LEADER_ROLES])


def can_manage_token(user, token) -> bool:
    """See, revoke: its creator, or an administrator."""
    return access_of(user).is_admin or token.user_id == getattr(user, "pk", None)


def scopes_of(token) -> Scopes:
    return from_list(token.scopes)


def agency_ids(token) -> list[int]:
    """The agencies the token reads now: its creator's, narrowed to the token's own list when it has one.
    Cached on the token for the request."""
    cached = getattr(token, "_agency_ids", None)
    if cached is not None:
        return cached
    user = token.user
    if not user.is_active:
        ids: list[int] = []
    else:
        shape, who = statement_args(readable_args(access_of(user)))
        ids = [row[0] for row in _TOKEN_AGENCIES.rows(shape, token_id=token.pk, **who)]
    token._agency_ids = ids
    return ids


def _token_agencies(is_admin: bool, token_id: int, read_ids: list[int], provinces: list[int]) -> QuerySet:
    """One query: the creator's agencies, narrowed to the token's own list when it names any."""
    named = ApiToken.agencies.through.objects.filter(apitoken_id=token_id)
    return (agencies_readable(is_admin, list(read_ids), list(provinces))
            .filter(~Exists(named) | Q(pk__in=named.values("agency_id"))).values_list("pk"))


_TOKEN_AGENCIES = Statement("api.token_agencies", _token_agencies)
