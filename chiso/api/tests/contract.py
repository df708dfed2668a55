"""Validate an API answer against the OpenAPI description the app serves."""

import functools

from jsonschema import Draft202012Validator, FormatChecker


@functools.cache
def _validator(doc_id: int, ref: str, doc_json: str):
    import json

    doc = json.loads(doc_json)
    return Draft202012Validator({"$ref": ref, "components": doc["components"]}, format_checker=FormatChecker())


def operation(doc: dict, template: str, method: str) -> dict:
    return doc["paths"][template][method.lower()]


def check(doc: dict, doc_json: str, template: str, method: str, response) -> None:
    """The status must be one the operation declares; a JSON answer must match its schema."""
    op = operation(doc, template, method)
    declared = op["responses"].get(str(response.status_code))
    assert declared is not None, f"{method} {template} answered {response.status_code}, not in the description"
    content = declared.get("content", {}).get("application/json")
    if content is None:
        assert not response["Content-Type"].startswith("application/json") or response.status_code == 204, \
            f"{method} {template} {response.status_code}: JSON answer with no schema"
        return
    assert response["Content-Type"].startswith("application/json"), f"{method} {template}: not JSON"
    schema = content["schema"]
    ref = schema.get("$ref")
    if ref is None:  # an inline schema (a list of items)
        validator = Draft202012Validator({**schema, "components": doc["components"]}, format_checker=FormatChecker())
    else:
        validator = _validator(id(doc), ref, doc_json)
    body = response.json() if hasattr(response, "json") else None
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {template} {response.status_code}: " + "; ".join(
        f"{list(e.path)}: {e.message}" for e in errors[:5])
