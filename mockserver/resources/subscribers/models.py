"""A subscriber as the mock stores it, and how it is written on the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.state.clock import iso_timestamp

# The profile fields a create or a patch may set, in the order Novu's documents hold them. A
# field never set is absent from the answer; one set to null is null (subscriber e2e tests).
PROFILE_FIELDS = ("firstName", "lastName", "email", "phone", "avatar", "locale", "timezone", "data")
# What the online-status route sets (v1), kept beside the profile and sent after the channels.
STATUS_FIELDS = ("isOnline", "lastOnlineAt")


@dataclass(slots=True)
class Subscriber:
    id: str
    environment_id: str
    organization_id: str
    subscriber_id: str
    # The profile fields that were set, by their wire names.
    profile: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    channels: list[dict[str, Any]] = field(default_factory=list)
    # What the subscriber set (preferences.py): {"global": {channel: on}, "workflows":
    # {workflow _id: {channel: on}}}; empty: Novu's defaults, every channel on.
    preferences: dict[str, Any] = field(default_factory=dict)
    deleted: bool = False
    version: int = 0
    # The store revision of the subscriber's last change (state/store.py stamps it).
    revision: int = field(default=0, compare=False, repr=False)

    @property
    def full_name(self) -> str:
        first = self.profile.get("firstName") or ""
        last = self.profile.get("lastName") or ""
        return f"{first} {last}".strip()

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"_id": self.id, "subscriberId": self.subscriber_id}
        for name in PROFILE_FIELDS:
            if name in self.profile:
                wire[name] = _copy(self.profile[name])
        if self.channels:
            wire["channels"] = _copy(self.channels)
        for name in STATUS_FIELDS:
            if name in self.profile:
                wire[name] = self.profile[name]
        wire["_organizationId"] = self.organization_id
        wire["_environmentId"] = self.environment_id
        wire["deleted"] = self.deleted
        wire["createdAt"] = iso_timestamp(self.created_at)
        wire["updatedAt"] = iso_timestamp(self.updated_at)
        wire["__v"] = self.version
        return wire


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
