"""A tenant as the mock stores it, and its wire form (GetTenantResponseDto)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.state.clock import iso_timestamp


@dataclass(slots=True)
class Tenant:
    id: str
    environment_id: str
    identifier: str
    created_at: datetime
    updated_at: datetime
    name: str | None = None
    data: dict[str, Any] | None = None
    revision: int = field(default=0, compare=False, repr=False)

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"_id": self.id, "identifier": self.identifier}
        if self.name is not None:
            wire["name"] = self.name
        if self.data is not None:
            wire["data"] = dict(self.data)
        wire["_environmentId"] = self.environment_id
        wire["createdAt"] = iso_timestamp(self.created_at)
        wire["updatedAt"] = iso_timestamp(self.updated_at)
        return wire
