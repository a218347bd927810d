"""Novu's error answers: the exceptions the rules raise, and the bodies Novu's filter renders.

Novu's global exception filter writes `{...ctx, statusCode, timestamp, path, message, ctx}` for
its built-in HTTP exceptions, `errors` keyed by field for 422, and `errorId` on 500. Error bodies
are never wrapped in `{"data": ...}`.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from mockserver.novu.secrets import SECRET_MASK, secret_rules

INTERNAL_ERROR_MESSAGE = "Internal server error, contact support and provide them with the errorId"


class NovuError(Exception):
    """An error answer with Novu's status and message."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        reason: str | None = None,
        ctx: dict[str, Any] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        # Fields Novu raises beside the message (`new NotFoundException({message,
        # externalSubscriberId})`): in the body, and in its ctx.
        self.fields = fields
        self.headers = headers or {}
        # Errors Novu raises itself (throttling) carry an empty ctx instead of Nest's.
        self.ctx = ctx
        # Nest's built-in exceptions carry their reason phrase as `error`; a bare
        # `new UnauthorizedException()` does not, so callers can pass reason="".
        self.reason = HTTPStatus(status).phrase if reason is None else reason


class BadRequest(NovuError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def js_text(value: object) -> str:
    """A value as JavaScript's template literals write it: Novu's messages are built that way,
    so a missing channel reads `undefined`, never Python's `None`."""
    if value is None:
        return "undefined"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class CommandInvalid(NovuError):
    """A use case's command that fails its class-validator checks: Nest's BadRequestException
    built from the failed constraints, whose `message` is their list (`BaseCommand.create` in
    apps/api/src/app/shared/commands/base.command.ts)."""

    def __init__(self, constraints: list[str]) -> None:
        super().__init__(400, "; ".join(constraints))
        self.constraints = constraints


class Unauthorized(NovuError):
    def __init__(self, message: str = "Unauthorized", *, bare: bool = False) -> None:
        super().__init__(401, message, reason="" if bare else None)


class Forbidden(NovuError):
    def __init__(self, message: str) -> None:
        super().__init__(403, message)


class NotFound(NovuError):
    def __init__(self, message: str) -> None:
        super().__init__(404, message)


class Conflict(NovuError):
    def __init__(self, message: str) -> None:
        super().__init__(409, message)


@dataclass
class FieldProblem:
    """One failed constraint on one field, as ValidationErrorDto reports it."""

    field: str
    message: str
    # Kept out of repr: a value may be a secret, and reprs end up in tracebacks and logs.
    value: Any = dataclasses.field(default=None, repr=False)
    has_value: bool = False


@dataclass
class ValidationFailed(Exception):
    """A request that breaks its schema: Novu answers 422 with `errors` keyed by field."""

    problems: list[FieldProblem] = field(default_factory=list)
    message: str = "Validation Error"
    headers: dict[str, str] = field(default_factory=dict)

    def errors_by_field(self) -> dict[str, dict[str, Any]]:
        grouped: dict[str, dict[str, Any]] = {}
        secret_fields = secret_rules().emptied
        for problem in self.problems:
            entry = grouped.setdefault(problem.field, {"messages": []})
            if problem.message not in entry["messages"]:
                entry["messages"].append(problem.message)
            if problem.has_value and "value" not in entry:
                # Whatever a client sent in a secret field (credentials) may be a secret,
                # whatever its shape: an error never repeats it.
                in_secret = problem.field.split(".", 1)[0] in secret_fields
                entry["value"] = SECRET_MASK if in_secret else problem.value
        return grouped


def error_body(error: NovuError, *, path: str, timestamp: str) -> dict[str, Any]:
    if error.status >= 500:
        return {
            "statusCode": error.status,
            "timestamp": timestamp,
            "path": path,
            "message": error.message,
            "errorId": str(uuid.uuid4()),
        }
    if error.fields:
        return {
            "statusCode": error.status,
            "timestamp": timestamp,
            "path": path,
            "message": error.message,
            **error.fields,
            "ctx": dict(error.fields),
        }
    if error.ctx is not None:
        return {
            "statusCode": error.status,
            "timestamp": timestamp,
            "path": path,
            "message": error.message,
            "ctx": error.ctx,
        }
    ctx: dict[str, Any] = {"statusCode": error.status}
    if error.reason:
        ctx = {"error": error.reason, "statusCode": error.status}
    message: str | list[str] = (
        error.constraints if isinstance(error, CommandInvalid) else error.message
    )
    return {**ctx, "timestamp": timestamp, "path": path, "message": message, "ctx": ctx}


def validation_error_body(
    failure: ValidationFailed, *, path: str, timestamp: str
) -> dict[str, Any]:
    return {
        "statusCode": 422,
        "timestamp": timestamp,
        "path": path,
        "message": failure.message,
        "ctx": {},
        "errors": failure.errors_by_field(),
    }
