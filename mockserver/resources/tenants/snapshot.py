"""Tenants in the state document, as the answers write them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.resources.tenants.models import Tenant
from mockserver.resources.tenants.state import tenants_of
from mockserver.state.snapshot import OBJECT_ID, TIMESTAMP
from mockserver.state.store import Environment

Moment = Callable[[dict[str, Any], str, str], datetime | None]

_TENANT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["_id", "identifier", "_environmentId", "createdAt", "updatedAt"],
    "properties": {
        "_id": OBJECT_ID,
        "identifier": {"type": "string", "minLength": 1, "maxLength": 2048},
        "name": {"type": "string", "maxLength": 2048},
        "data": {"type": "object"},
        "_environmentId": OBJECT_ID,
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
    },
}
EXPORT_PROPERTIES: dict[str, Any] = {"tenants": {"type": "array", "items": _TENANT}}


def export_environment(environment: Environment) -> dict[str, Any]:
    return {"tenants": [t.to_wire() for t in tenants_of(environment).by_identifier.values()]}


def import_environment(
    raw: dict[str, Any], environment: Environment, where: str, moment: Moment
) -> list[str]:
    problems: list[str] = []
    state = tenants_of(environment)
    for i, item in enumerate(raw.get("tenants", [])):
        here = f"{where}/tenants/{i}"
        created, updated = moment(item, "createdAt", here), moment(item, "updatedAt", here)
        if created is None or updated is None:
            continue
        if item["_environmentId"] != environment.id:
            problems.append(f"at {here}: _environmentId is not {environment.id}")
            continue
        if item["identifier"] in state.by_identifier:
            problems.append(
                f"at {here}: environment {environment.id} has two tenants {item['identifier']!r}"
            )
            continue
        state.by_identifier[item["identifier"]] = Tenant(
            id=item["_id"],
            environment_id=environment.id,
            identifier=item["identifier"],
            name=item.get("name"),
            data=item.get("data"),
            created_at=created,
            updated_at=updated,
        )
    return problems
