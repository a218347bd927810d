"""The outbox: every message a trigger delivered and every step that failed, for tests and
people to read (`GET /__mock/outbox`, `novu_mock.outbox`, the inspector) and assert on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.resources.events.state import events_of
from mockserver.state.store import Environment

# Query parameter -> the outbox field it filters on, exactly.
FILTERS = {
    "channel": "channel",
    "subscriber": "subscriberId",
    "subscriberId": "subscriberId",
    "transaction": "transactionId",
    "transactionId": "transactionId",
    "workflow": "workflowId",
    "workflowId": "workflowId",
    "provider": "providerId",
    "providerId": "providerId",
    "status": "status",
}


def outbox_entries(
    environment: Environment, filters: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The environment's outbox, oldest first, narrowed by any of FILTERS."""
    wanted = {FILTERS[key]: value for key, value in (filters or {}).items() if key in FILTERS}
    entries = (entry.to_outbox() for entry in events_of(environment).outbox)
    return [e for e in entries if all(e.get(key) == value for key, value in wanted.items())]


def assert_sent(
    environment: Environment,
    *,
    times: int | None = None,
    subject_contains: str | None = None,
    body_contains: str | None = None,
    **fields: Any,
) -> list[dict[str, Any]]:
    """The sent messages whose fields equal `fields` (channel="email", subscriberId=...,
    providerId=..., to={"email": ...}, ...) and whose subject and body contain the texts;
    AssertionError, listing what was sent instead, when none (or not `times`) match. Only
    messages with status `sent` count unless `status=` says otherwise: a step that failed for
    want of an integration never passes for a sent one."""
    unknown = set(fields) - {
        "channel",
        "subscriberId",
        "transactionId",
        "workflowId",
        "stepId",
        "providerId",
        "integrationIdentifier",
        "status",
        "to",
        "subject",
        "body",
    }
    if unknown:
        raise TypeError(f"assert_sent does not know {sorted(unknown)}")
    everything = outbox_entries(environment)
    wanted_fields = {"status": "sent", **fields}
    matching = [
        entry
        for entry in everything
        if all(entry.get(key) == value for key, value in wanted_fields.items())
        and (subject_contains is None or subject_contains in entry["subject"])
        and (body_contains is None or body_contains in entry["body"])
    ]
    if (times is None and matching) or (times is not None and len(matching) == times):
        return matching
    wanted = ", ".join(
        [f"{key}={value!r}" for key, value in wanted_fields.items()]
        + ([f"subject containing {subject_contains!r}"] if subject_contains else [])
        + ([f"body containing {body_contains!r}"] if body_contains else [])
    )
    count = "at least one message" if times is None else f"{times} message(s)"
    raise AssertionError(
        f"expected {count} with {wanted or 'anything'}, found {len(matching)}.\n"
        f"What the outbox holds:\n{describe(everything)}"
    )


def describe(entries: list[dict[str, Any]]) -> str:
    if not entries:
        return "  (nothing was sent)"
    lines = []
    for entry in entries:
        where = ", ".join(f"{k}={v}" for k, v in entry["to"].items()) or "-"
        line = (
            f"  {entry['status']:7} {entry['channel']:6} to {entry['subscriberId']} ({where}) "
            f"via {entry['providerId'] or '-'} [{entry['workflowId']}/{entry['stepId']}] "
            f"subject={entry['subject']!r}"
        )
        if "error" in entry:
            line += f" error={entry['error']!r}"
        lines.append(line)
    return "\n".join(lines)
