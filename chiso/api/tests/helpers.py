"""Tokens for tests, made through the same action as the page and the command."""

from chiso.api.tokens import do_create_token

_made = 0


def token_for(user, *scopes, name=None, agencies=None, **kwargs) -> str:
    """A new token of `user` (its raw value). Tokens without a name get a fresh one each time."""
    global _made
    _made += 1
    name = name or f"{user.username}-{'-'.join(scopes)}-{_made}"
    return do_create_token(user, name, list(scopes) or ["*:read"], agency_codes=agencies, **kwargs).raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
