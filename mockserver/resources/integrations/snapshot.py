"""Integrations in the state document: each environment's integrations (soft-deleted ones
and credentials too), its Inbox status and its demo providers' usage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.resources.integrations.catalogue import Catalogue
from mockserver.resources.integrations.models import Integration
from mockserver.resources.integrations.state import integrations_of
from mockserver.state.snapshot import OBJECT_ID, TIMESTAMP
from mockserver.state.store import Environment, Organization

Moment = Callable[[dict[str, Any], str, str], datetime | None]

_INTEGRATION = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "_id",
        "name",
        "identifier",
        "providerId",
        "kind",
        "credentials",
        "configurations",
        "active",
        "primary",
        "priority",
        "conditions",
        "deleted",
        "createdAt",
        "updatedAt",
        "__v",
    ],
    "properties": {
        "_id": OBJECT_ID,
        "name": {"type": "string"},
        "identifier": {"type": "string", "minLength": 1},
        "providerId": {"type": "string"},
        "channel": {"type": "string"},
        "kind": {"type": "string"},
        "credentials": {"type": "object"},
        "configurations": {"type": "object"},
        "active": {"type": "boolean"},
        "primary": {"type": "boolean"},
        "priority": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        "conditions": {"type": "array", "items": {"type": "object"}},
        "rules": {"type": ["object", "null"]},
        "deleted": {"type": "boolean"},
        "deletedAt": TIMESTAMP,
        "deletedBy": {"type": "string"},
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "__v": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
}
EXPORT_PROPERTIES: dict[str, Any] = {
    "inboxConnected": {"type": "boolean"},
    "demoUsage": {
        "type": "object",
        "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
    "integrations": {"type": "array", "items": _INTEGRATION},
}
EXPORT_REQUIRED = ("integrations",)


def export_environment(environment: Environment) -> dict[str, Any]:
    state = integrations_of(environment)
    return {
        "inboxConnected": state.inbox_connected,
        "demoUsage": dict(state.demo_usage),
        "integrations": [
            {
                key: value
                for key, value in integration.to_wire(
                    reveal_credentials=True, include_virtual_id=False
                ).items()
                if key not in ("_environmentId", "_organizationId")
            }
            for integration in state.integrations.values()
        ],
    }


def import_environment(
    raw: dict[str, Any],
    environment: Environment,
    where: str,
    problems: list[str],
    moment: Moment,
) -> None:
    state = integrations_of(environment)
    state.inbox_connected = raw.get("inboxConnected", False)
    state.demo_usage = dict(raw.get("demoUsage", {}))
    for i, item in enumerate(raw["integrations"]):
        integration = _import_integration(item, environment, f"{where}/integrations/{i}", moment)
        if integration is not None:
            state.integrations[integration.id] = integration


def rule_problems(organizations: list[Organization], catalogue: Catalogue) -> list[str]:
    """Novu's rules, which a form cannot say: providers and channels that exist, identifiers
    unique among an environment's live integrations, one primary per channel."""
    problems: list[str] = []
    for organization in organizations:
        for environment in organization.environments.values():
            primaries: dict[str, str] = {}
            identifiers: set[str] = set()
            for integration in integrations_of(environment).integrations.values():
                where = f"integration {integration.id}"
                provider = catalogue.get(integration.provider_id)
                if provider is None:
                    problems.append(f"{where}: unknown providerId {integration.provider_id!r}")
                elif integration.channel != provider.channel:
                    problems.append(
                        f"{where}: channel {integration.channel!r} is not "
                        f"{integration.provider_id}'s channel ({provider.channel})"
                    )
                if integration.deleted:
                    continue
                if integration.identifier in identifiers:
                    problems.append(
                        f"{where}: environment {environment.id} already has a live "
                        f"integration with identifier {integration.identifier!r}"
                    )
                identifiers.add(integration.identifier)
                if integration.primary:
                    channel = integration.channel or ""
                    if channel not in catalogue.channels_with_primary:
                        problems.append(f"{where}: channel {channel} does not support primary")
                    elif channel in primaries:
                        problems.append(
                            f"{where}: environment {environment.id} already has a primary "
                            f"{channel} integration ({primaries[channel]})"
                        )
                    primaries.setdefault(channel, integration.id)
    return problems


def _import_integration(
    raw: dict[str, Any], environment: Environment, where: str, moment: Moment
) -> Integration | None:
    created = moment(raw, "createdAt", where)
    updated = moment(raw, "updatedAt", where)
    deleted_at = moment(raw, "deletedAt", where)
    if created is None or updated is None or ("deletedAt" in raw and deleted_at is None):
        return None
    return Integration(
        id=raw["_id"],
        environment_id=environment.id,
        organization_id=environment.organization_id,
        name=raw["name"],
        identifier=raw["identifier"],
        provider_id=raw["providerId"],
        channel=raw.get("channel"),
        kind=raw["kind"],
        credentials=dict(raw["credentials"]),
        configurations=dict(raw["configurations"]),
        active=raw["active"],
        primary=raw["primary"],
        priority=raw["priority"],
        conditions=list(raw["conditions"]),
        rules=raw.get("rules"),
        rules_set="rules" in raw,
        deleted=raw["deleted"],
        deleted_at=deleted_at,
        deleted_by=raw.get("deletedBy"),
        created_at=created,
        updated_at=updated,
        version=raw["__v"],
    )
