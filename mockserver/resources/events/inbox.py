"""A subscriber's in-app feed (v2) and its counts, read from the messages triggers made.

From novuhq/novu `apps/api/src/app/inbox/usecases/{get-notifications,notifications-count}`:
in-app messages only, newest first, by offset or after a message id; unread and archived
together is refused; each count stops at 99.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, NotFound
from mockserver.resources.events.models import Message
from mockserver.resources.events.state import events_of

MAX_COUNT = 99
DEFAULT_LIMIT = 10
UNREAD_ARCHIVED = "Filtering for unread and archived notifications is not supported."
_FLAGS = {"read": "read", "seen": "seen", "archived": "archived"}


def feed(
    caller: Caller, internal_id: str, query: Mapping[str, str]
) -> tuple[list[Message], bool, dict[str, Any]]:
    """(page, whether more follow, the filter as Novu echoes it)."""
    wanted = _flags(query)
    limit = int(float(query.get("limit") or DEFAULT_LIMIT))
    offset = int(float(query.get("offset") or 0))
    found = [m for m in _inbox(caller, internal_id) if _fits(m, wanted)]
    after = query.get("after")
    if after:
        position = next((i for i, m in enumerate(found) if m.id == after), None)
        found = found[position + 1 :] if position is not None else []
        offset = 0
    page = found[offset : offset + limit]
    return page, len(found) > offset + limit, wanted


def counts(caller: Caller, internal_id: str, raw_filters: str) -> list[dict[str, Any]]:
    try:
        filters = json.loads(raw_filters)
    except ValueError as wrong:
        raise BadRequest("filters must be a JSON array of filter objects") from wrong
    if not isinstance(filters, list) or not all(isinstance(f, dict) for f in filters):
        raise BadRequest("filters must be a JSON array of filter objects")
    if len(filters) > 30:
        raise BadRequest("filters must contain no more than 30 elements")
    inbox = _inbox(caller, internal_id)
    answers = []
    for given in filters:
        wanted = {k: v for k, v in given.items() if k in (*_FLAGS, "tags")}
        if wanted.get("read") is False and wanted.get("archived") is True:
            raise BadRequest(UNREAD_ARCHIVED)
        total = sum(1 for m in inbox if _fits(m, wanted))
        answers.append({"count": min(total, MAX_COUNT), "filter": given})
    return answers


def unknown(subscriber_id: str) -> NotFound:
    return NotFound(f"Subscriber not found for id {subscriber_id}")


def _inbox(caller: Caller, internal_id: str) -> list[Message]:
    return [
        m
        for m in reversed(list(events_of(caller.environment).messages()))
        if m.channel == "in_app" and m.subscriber_internal_id == internal_id
    ]


def _flags(query: Mapping[str, str]) -> dict[str, Any]:
    wanted: dict[str, Any] = {}
    for name in _FLAGS:
        value = query.get(name)
        if value in ("true", "false"):
            wanted[name] = value == "true"
    if wanted.get("read") is False and wanted.get("archived") is True:
        raise BadRequest(UNREAD_ARCHIVED)
    return wanted


def _fits(message: Message, wanted: Mapping[str, Any]) -> bool:
    for name, attribute in _FLAGS.items():
        if name in wanted and getattr(message, attribute) != wanted[name]:
            return False
    tags = wanted.get("tags")
    return not tags or bool(set(tags) & set(message.tags))
