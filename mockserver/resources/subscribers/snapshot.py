"""Subscribers in the state document: every one an environment holds, soft-deleted ones
too, as the answers write them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.resources.subscribers.models import PROFILE_FIELDS, STATUS_FIELDS, Subscriber
from mockserver.resources.subscribers.preferences import PREFERENCES_FORM
from mockserver.resources.subscribers.state import subscribers_of
from mockserver.state.snapshot import OBJECT_ID, TIMESTAMP
from mockserver.state.store import Environment

Moment = Callable[[dict[str, Any], str, str], datetime | None]

_NULLABLE_TEXT = {"type": ["string", "null"]}
_SUBSCRIBER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["_id", "subscriberId", "deleted", "createdAt", "updatedAt", "__v"],
    "properties": {
        "_id": OBJECT_ID,
        "subscriberId": {"type": "string", "minLength": 1, "maxLength": 2048},
        **{name: _NULLABLE_TEXT for name in PROFILE_FIELDS if name != "data"},
        "data": {"type": ["object", "null"]},
        "channels": {"type": "array", "items": {"type": "object"}},
        "isOnline": {"type": ["boolean", "null"]},
        "lastOnlineAt": _NULLABLE_TEXT,
        "preferences": PREFERENCES_FORM,
        "deleted": {"type": "boolean"},
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "__v": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
}
EXPORT_PROPERTIES: dict[str, Any] = {"subscribers": {"type": "array", "items": _SUBSCRIBER}}


def export_environment(environment: Environment) -> dict[str, Any]:
    exported = []
    for subscriber in subscribers_of(environment).by_id.values():
        item = {
            key: value
            for key, value in subscriber.to_wire().items()
            if key not in ("_environmentId", "_organizationId")
        }
        if subscriber.preferences:
            item["preferences"] = subscriber.preferences
        exported.append(item)
    return {"subscribers": exported}


def import_environment(
    raw: dict[str, Any], environment: Environment, where: str, moment: Moment
) -> list[str]:
    """Read the environment's subscribers back; the problems a form cannot say, worded."""
    problems: list[str] = []
    state = subscribers_of(environment)
    for i, item in enumerate(raw.get("subscribers", [])):
        here = f"{where}/subscribers/{i}"
        created, updated = moment(item, "createdAt", here), moment(item, "updatedAt", here)
        if created is None or updated is None:
            continue
        if not item["deleted"] and item["subscriberId"] in state.live:
            problems.append(
                f"at {here}: environment {environment.id} already has a live subscriber "
                f"{item['subscriberId']!r}"
            )
            continue
        state.add(
            Subscriber(
                id=item["_id"],
                environment_id=environment.id,
                organization_id=environment.organization_id,
                subscriber_id=item["subscriberId"],
                profile={
                    name: item[name] for name in (*PROFILE_FIELDS, *STATUS_FIELDS) if name in item
                },
                channels=list(item.get("channels", [])),
                preferences=dict(item.get("preferences", {})),
                created_at=created,
                updated_at=updated,
                deleted=item["deleted"],
                version=item["__v"],
            )
        )
    return problems
