"""Validation failures worded the way Novu's class-validator DTOs word them.

A client that already handles Novu's 422 answers (`providerId must be a string`, `channel must be
one of the following values: ...`) sees the same sentences from the mock.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import Headers

from mockserver.contract.checks import request_problems
from mockserver.contract.compiled.failures import Failure
from mockserver.contract.keywords import (
    ISO_DATE_TIME_PATTERN,
    OBJECT_ID_PATTERN,
    SLUG_IDENTIFIER_PATTERN,
)
from mockserver.contract.operations import Operation
from mockserver.novu.errors import FieldProblem, ValidationFailed, js_text

_TYPE_WORDS = {
    "string": "a string",
    "boolean": "a boolean value",
    "object": "an object",
    "array": "an array",
    "number": "a number conforming to the specified constraints",
    "integer": "an integer number",
    "null": "null",
}
_MAX_ECHOED_CHARS = 200
MASK = "********"


def check_request(
    operation: Operation,
    *,
    path_params: Mapping[str, str],
    query: Mapping[str, str],
    headers: Mapping[str, str] | Headers,
    body: Any,
    secret_keys: frozenset[str],
    plain: bool = False,
) -> None:
    """Raise ValidationFailed (Novu's 422) listing every problem the contract finds with the
    request, each worded as Novu's validation pipe words it: a body's root is `general`, a
    parameter's its name, and a missing parameter `should not be null or undefined`."""
    found = request_problems(
        operation, path_params=path_params, query=query, headers=headers, body=body, plain=plain
    )
    if not found:
        return
    problems = []
    for problem in found:
        root = problem.name or "general"
        if problem.failure is None:
            problems.append(FieldProblem(root, f"{root} should not be null or undefined"))
        else:
            problems.append(describe(problem.failure, root=root, secret_keys=secret_keys))
    # By field, then by sentence: the answer reads the same whichever engine found them.
    if len(problems) > 1:
        problems.sort(key=_BY_FIELD_AND_SENTENCE)
    raise ValidationFailed(problems)


_BY_FIELD_AND_SENTENCE = operator.attrgetter("field", "message")


def field_path(parts: Iterable[Any]) -> str:
    """`credentials.port`, `conditions.0.type`: the key Novu uses in `errors`."""
    return ".".join(map(str, parts))


def describe(failure: Failure, *, root: str, secret_keys: frozenset[str]) -> FieldProblem:
    """One schema failure as one field problem. `root` names the whole document (`general`)."""
    parts = failure.path
    keyword = failure.keyword
    if keyword == "required":
        missing = str(failure.expected)
        name = field_path([*parts, missing])
        return FieldProblem(field=name, message=f"{missing} should not be null or undefined")
    if parts:
        subject = str(parts[-1])
        name = subject if len(parts) == 1 else field_path(parts)
    else:
        name = subject = root
    message = _sentence(failure, subject)
    if keyword == "additionalProperties":
        return FieldProblem(name, message)
    value = _echo(failure.instance, secret=bool(parts) and subject in secret_keys)
    return FieldProblem(name, message, value, True)


@functools.lru_cache(maxsize=64)
def _type_words(kinds: tuple[str, ...]) -> str:
    """`a string or an integer number`: null is left out, as class-validator says nothing of it."""
    return " or ".join(_TYPE_WORDS.get(kind, kind) for kind in kinds if kind != "null")


def _sentence(failure: Failure, subject: str) -> str:
    keyword, expected = failure.keyword, failure.expected
    if keyword == "type":
        kinds = (expected,) if isinstance(expected, str) else tuple(expected)
        return f"{subject} must be {_type_words(kinds)}"
    if keyword == "enum":
        return f"{subject} must be one of the following values: " + ", ".join(
            str(v) for v in expected
        )
    if keyword == "const":
        # class-validator's @Equals writes the value as JavaScript would, unquoted.
        return f"{subject} must be equal to {js_text(expected)}"
    if keyword == "pattern":
        if expected == OBJECT_ID_PATTERN:
            return f"{subject} must be a mongodb id"
        if expected == ISO_DATE_TIME_PATTERN:
            return f"{subject} must be a valid ISO 8601 date string"  # @IsISO8601
        if expected == SLUG_IDENTIFIER_PATTERN:
            return (
                f"{subject} must be a valid slug format (letters, numbers, hyphens, dot and "
                "underscores only)"
            )
        return f"{subject} must match {expected} regular expression"
    if keyword == "additionalProperties":
        return f"property {', '.join(sorted(expected))} should not exist"
    if keyword == "minLength" and expected == 1:
        return f"{subject} should not be empty"  # @IsNotEmpty
    if keyword in ("maxLength", "minLength"):
        bound = "shorter than or equal to" if keyword == "maxLength" else "longer than or equal to"
        return f"{subject} must be {bound} {expected} characters"
    if keyword == "maxItems":
        return f"{subject} must contain no more than {expected} elements"  # @ArrayMaxSize
    if keyword == "minItems":
        return f"{subject} must contain at least {expected} elements"  # @ArrayMinSize
    if keyword in ("oneOf", "anyOf"):
        return f"{subject} does not match any of the allowed shapes"
    return f"{subject}: {failure.message}"


def _echo(value: Any, *, secret: bool) -> Any:
    """The offending value as the answer repeats it: secrets masked, long strings cut."""
    if secret:
        return MASK
    if isinstance(value, str) and len(value) > _MAX_ECHOED_CHARS:
        return value[:_MAX_ECHOED_CHARS] + "…"
    if isinstance(value, dict | list):
        return f"<{type(value).__name__} of {len(value)} items>"
    return value
