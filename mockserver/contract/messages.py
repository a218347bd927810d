"""Validation failures worded the way Novu's class-validator DTOs word them.

A client that already handles Novu's 422 answers (`providerId must be a string`, `channel must be
one of the following values: ...`) sees the same sentences from the mock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jsonschema.exceptions import ValidationError

from mockserver.errors import FieldProblem

_TYPE_WORDS = {
    "string": "a string",
    "boolean": "a boolean value",
    "object": "an object",
    "array": "an array",
    "number": "a number conforming to the specified constraints",
    "integer": "an integer number",
    "null": "null",
}
_OBJECT_ID_PATTERN = "^[0-9a-fA-F]{24}$"
_MAX_ECHOED_CHARS = 200
MASK = "********"


def field_path(parts: Iterable[Any]) -> str:
    """`credentials.port`, `conditions.0.type`: the key Novu uses in `errors`."""
    return ".".join(str(part) for part in parts)


def describe(error: ValidationError, *, root: str, secret_keys: frozenset[str]) -> FieldProblem:
    """One jsonschema error as one field problem. `root` names the whole document (`general`)."""
    parts = list(error.absolute_path)
    keyword = error.validator
    if keyword == "required":
        missing = _missing_property(error)
        name = field_path([*parts, missing])
        return FieldProblem(field=name, message=f"{missing} should not be null or undefined")
    name = field_path(parts) or root
    subject = str(parts[-1]) if parts else root
    message = _sentence(error, subject)
    value = _echo(error.instance, secret=bool(parts) and str(parts[-1]) in secret_keys)
    if keyword == "additionalProperties":
        return FieldProblem(field=name, message=message)
    return FieldProblem(field=name, message=message, value=value, has_value=True)


def _sentence(error: ValidationError, subject: str) -> str:
    keyword, expected = error.validator, error.validator_value
    if keyword == "type":
        kinds = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(_TYPE_WORDS.get(k, k) for k in kinds if k != "null")
        return f"{subject} must be {words}"
    if keyword == "enum":
        return f"{subject} must be one of the following values: " + ", ".join(
            str(v) for v in expected
        )
    if keyword == "const":
        return f"{subject} must be equal to {expected!r}"
    if keyword == "pattern":
        if expected == _OBJECT_ID_PATTERN:
            return f"{subject} must be a mongodb id"
        return f"{subject} must match {expected} regular expression"
    if keyword == "additionalProperties":
        extras = ", ".join(sorted(_unexpected_properties(error)))
        return f"property {extras} should not exist"
    if keyword in ("maxLength", "minLength"):
        bound = "shorter than or equal to" if keyword == "maxLength" else "longer than or equal to"
        return f"{subject} must be {bound} {expected} characters"
    if keyword in ("oneOf", "anyOf"):
        return f"{subject} does not match any of the allowed shapes"
    return f"{subject}: {error.message}"


def _missing_property(error: ValidationError) -> str:
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            return str(name)
    return str(error.validator_value[0])


def _unexpected_properties(error: ValidationError) -> list[str]:
    allowed = set(error.schema.get("properties", {}))
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [key for key in instance if key not in allowed]


def _echo(value: Any, *, secret: bool) -> Any:
    """The offending value as the answer repeats it: secrets masked, long strings cut."""
    if secret:
        return MASK
    if isinstance(value, str) and len(value) > _MAX_ECHOED_CHARS:
        return value[:_MAX_ECHOED_CHARS] + "…"
    if isinstance(value, dict | list):
        return f"<{type(value).__name__} of {len(value)} items>"
    return value
