"""An integration as the mock stores it, and how it is written on the wire."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.contract.compiled.shared_documents import SharedDocument
from mockserver.state.clock import iso_timestamp

# The configuration key Novu strips from answers to API-key callers.
SIGNING_KEY = "inboundWebhookSigningKey"


# Slots: a store of 100,000 integrations is mostly these objects, and a slotted one is about
# half the size of one with a __dict__.
@dataclass(slots=True)
class Integration:
    id: str
    environment_id: str
    organization_id: str
    name: str
    identifier: str
    provider_id: str
    channel: str | None
    kind: str
    credentials: dict[str, Any]
    configurations: dict[str, Any]
    active: bool
    created_at: datetime
    updated_at: datetime
    primary: bool = False
    priority: int = 0
    conditions: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    deleted_at: datetime | None = None
    deleted_by: str | None = None
    version: int = 0
    # JSON Logic rules choosing the integration (newest update use case): absent from the
    # answer until an update sends `rules` (rules_set), then an object, or null once cleared.
    rules: Any = None
    rules_set: bool = False
    # The store revision of the integration's last change (state/store.py stamps it).
    revision: int = field(default=0, compare=False, repr=False)
    # The wire forms built at `_wire_revision`, at reveal_credentials * 2 + include_virtual_id.
    # A change moves `revision` on, which leaves them stale.
    _wire_cache: list[Any] | None = field(default=None, init=False, repr=False, compare=False)
    _wire_revision: int = field(default=-1, init=False, repr=False, compare=False)

    def wire_view(self, *, reveal_credentials: bool, include_virtual_id: bool) -> dict[str, Any]:
        """`to_wire`, built once per revision of the integration and shared between answers.

        Whoever gets it must not change it (the answer pipeline only reads, encodes and
        validates it); `to_wire` is the copy to hand to code that might.

        The list form (no virtual `id`) is kept: every list answer after a change anywhere is
        rebuilt from these. A single answer's form is held weakly, alive only while something
        else keeps it (the journal keeps recent answers): kept for every integration, it
        doubled the memory of a store built by API calls.
        """
        cache = self._wire_cache
        if cache is None or self._wire_revision != self.revision:
            cache = self._wire_cache = [None, None, None, None]
            self._wire_revision = self.revision
        index = reveal_credentials * 2 + include_virtual_id
        held = cache[index]
        wire: SharedDocument | None = held() if type(held) is weakref.ref else held
        if wire is None:
            wire = SharedDocument(
                self.to_wire(
                    reveal_credentials=reveal_credentials,
                    include_virtual_id=include_virtual_id,
                    share_values=True,
                )
            )
            cache[index] = weakref.ref(wire) if include_virtual_id else wire
        return wire

    def to_wire(
        self, *, reveal_credentials: bool, include_virtual_id: bool, share_values: bool = False
    ) -> dict[str, Any]:
        """The JSON object Novu sends for this document.

        Optional fields are left out rather than sent as null: the strictest official SDK
        rejects null in any optional field. Answers built from a single fetched document carry
        the virtual `id` too; list answers (lean queries) do not.

        The nested objects are copies, unless `share_values` (for a wire form nobody changes):
        the integration's own are never changed in place, only replaced, so a read-only form
        may hold them, and a store of many integrations keeps one of each instead of two.
        """
        copy = _shared if share_values else json_copy
        configurations = self.configurations
        if not reveal_credentials and SIGNING_KEY in configurations:
            configurations = {k: v for k, v in configurations.items() if k != SIGNING_KEY}
        configurations = copy(configurations)
        wire: dict[str, Any] = {
            "_id": self.id,
            "_environmentId": self.environment_id,
            "_organizationId": self.organization_id,
            "name": self.name,
            "identifier": self.identifier,
            "providerId": self.provider_id,
        }
        if self.channel is not None:
            wire["channel"] = self.channel
        wire["kind"] = self.kind
        wire["credentials"] = copy(self.credentials) if reveal_credentials else {}
        wire["configurations"] = configurations
        wire["active"] = self.active
        wire["deleted"] = self.deleted
        if self.deleted_at is not None:
            wire["deletedAt"] = iso_timestamp(self.deleted_at)
        if self.deleted_by is not None:
            wire["deletedBy"] = self.deleted_by
        wire["primary"] = self.primary
        wire["priority"] = self.priority
        wire["conditions"] = copy(self.conditions)
        if self.rules_set:
            wire["rules"] = copy(self.rules)
        wire["createdAt"] = iso_timestamp(self.created_at)
        wire["updatedAt"] = iso_timestamp(self.updated_at)
        wire["__v"] = self.version
        if include_virtual_id:
            wire["id"] = self.id
        return wire


def _shared(value: Any) -> Any:
    return value


def json_copy(value: Any) -> Any:
    """A deep copy of a JSON value: answers must not share objects with the stored state.
    (copy.deepcopy does the same for any object, several times slower.)"""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value
