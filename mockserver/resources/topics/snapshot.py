"""Topics and their subscriptions in the state document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.resources.topics.models import Subscription, Topic
from mockserver.resources.topics.state import topics_of
from mockserver.state.clock import iso_timestamp
from mockserver.state.snapshot import OBJECT_ID, TIMESTAMP
from mockserver.state.store import Environment

Moment = Callable[[dict[str, Any], str, str], datetime | None]

_SUBSCRIPTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["_id", "_subscriberId", "subscriberId", "identifier", "createdAt", "updatedAt"],
    "properties": {
        "_id": OBJECT_ID,
        "_subscriberId": OBJECT_ID,
        "subscriberId": {"type": "string", "minLength": 1, "maxLength": 2048},
        "identifier": {"type": "string", "minLength": 1, "maxLength": 2048},
        "name": {"type": "string", "maxLength": 2048},
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
    },
}
_TOPIC = {
    "type": "object",
    "additionalProperties": False,
    "required": ["_id", "key", "createdAt", "updatedAt", "subscriptions"],
    "properties": {
        "_id": OBJECT_ID,
        "key": {"type": "string", "minLength": 1, "maxLength": 100},
        "name": {"type": "string", "maxLength": 2048},
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "subscriptions": {"type": "array", "items": _SUBSCRIPTION},
    },
}
EXPORT_PROPERTIES: dict[str, Any] = {"topics": {"type": "array", "items": _TOPIC}}


def export_environment(environment: Environment) -> dict[str, Any]:
    state = topics_of(environment)
    topics = []
    for topic in state.by_key.values():
        item = topic.to_wire()
        item["subscriptions"] = [
            {
                "_id": held.id,
                "_subscriberId": held.subscriber_internal_id,
                "subscriberId": held.subscriber_id,
                "identifier": held.identifier,
                **({"name": held.name} if held.name is not None else {}),
                "createdAt": iso_timestamp(held.created_at),
                "updatedAt": iso_timestamp(held.updated_at),
            }
            for held in state.members(topic).values()
        ]
        topics.append(item)
    return {"topics": topics}


def import_environment(
    raw: dict[str, Any],
    environment: Environment,
    where: str,
    moment: Moment,
    live_subscribers: dict[str, str],
) -> list[str]:
    """Read the topics back; `live_subscribers` maps each live subscriber's `_id` to its
    `subscriberId`, which a subscription must name (the subscribers are read first)."""
    problems: list[str] = []
    state = topics_of(environment)
    for i, item in enumerate(raw.get("topics", [])):
        here = f"{where}/topics/{i}"
        created, updated = moment(item, "createdAt", here), moment(item, "updatedAt", here)
        if created is None or updated is None:
            continue
        if item["key"] in state.by_key:
            problems.append(
                f"at {here}: environment {environment.id} has two topics {item['key']!r}"
            )
            continue
        topic = Topic(
            id=item["_id"],
            environment_id=environment.id,
            key=item["key"],
            name=item.get("name"),
            created_at=created,
            updated_at=updated,
        )
        state.by_key[topic.key] = topic
        members = state.members(topic)
        for j, held in enumerate(item["subscriptions"]):
            at = f"{here}/subscriptions/{j}"
            made, changed = moment(held, "createdAt", at), moment(held, "updatedAt", at)
            if made is None or changed is None:
                continue
            if live_subscribers.get(held["_subscriberId"]) != held["subscriberId"]:
                problems.append(
                    f"at {at}: no live subscriber {held['subscriberId']!r} with _id "
                    f"{held['_subscriberId']} in environment {environment.id}"
                )
                continue
            members[held["_subscriberId"]] = Subscription(
                id=held["_id"],
                topic_id=topic.id,
                subscriber_internal_id=held["_subscriberId"],
                subscriber_id=held["subscriberId"],
                identifier=held["identifier"],
                name=held.get("name"),
                created_at=made,
                updated_at=changed,
            )
    return problems
