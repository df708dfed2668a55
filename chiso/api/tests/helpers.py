"""Tokens for tests, made through the same action as the page and the command."""

from chiso.api.tokens import do_create_token


def token_for(user, *scopes, name=None, agencies=None, **kwargs) -> str:
    name = name or f"{user.username}-{'-'.join(scopes)}-{len(scopes)}"
    return do_create_token(user, name, list(scopes) or ["*:read"], agency_codes=agencies, **kwargs).raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
