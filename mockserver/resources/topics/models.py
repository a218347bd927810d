"""A topic and its subscriptions as the mock stores them, and their wire forms
(`mapTopicEntityToDto` and the subscription DTOs of apps/api/src/app/topics-v2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.state.clock import iso_timestamp


@dataclass(slots=True)
class Topic:
    id: str
    environment_id: str
    key: str
    created_at: datetime
    updated_at: datetime
    name: str | None = None
    revision: int = field(default=0, compare=False, repr=False)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"_id": self.id, "key": self.key}
        if self.name is not None:
            wire["name"] = self.name
        wire["createdAt"] = iso_timestamp(self.created_at)
        wire["updatedAt"] = iso_timestamp(self.updated_at)
        return wire

    def reference(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"_id": self.id, "key": self.key}
        if self.name is not None:
            wire["name"] = self.name
        return wire


@dataclass(slots=True)
class Subscription:
    id: str
    topic_id: str
    subscriber_internal_id: str
    subscriber_id: str
    # `tk=<topic key>:si=<subscriberId>` unless the caller named it.
    identifier: str
    created_at: datetime
    updated_at: datetime
    name: str | None = None
    revision: int = field(default=0, compare=False, repr=False)


def subscriber_summary(subscriber: Any) -> dict[str, Any]:
    """A subscriber as a subscription shows it (SubscriberDto)."""
    wire = subscriber.to_wire()
    summary = {"_id": wire["_id"], "subscriberId": wire["subscriberId"]}
    for name in ("avatar", "firstName", "lastName", "email"):
        if name in wire:
            summary[name] = wire[name]
    return summary
