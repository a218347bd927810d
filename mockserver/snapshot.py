"""The whole state as JSON: what `GET /__mock/state` exports and `PUT /__mock/state` imports.

Exporting, importing and exporting again gives the same document, byte for byte: soft-deleted
integrations, credentials and each environment's id generator travel too, so the ids made
after an import are the ones the exporting server would have made.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from mockserver.clock import parse_timestamp
from mockserver.ids import IdFactory
from mockserver.integrations.models import Integration
from mockserver.store import Environment, Organization, Store

FORMAT_VERSION = 1

_INTEGRATION = {
    "type": "object",
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
        "_id": {"type": "string", "pattern": "^[0-9a-f]{24}$"},
        "name": {"type": "string"},
        "identifier": {"type": "string"},
        "providerId": {"type": "string"},
        "channel": {"type": "string"},
        "kind": {"type": "string"},
        "credentials": {"type": "object"},
        "configurations": {"type": "object"},
        "active": {"type": "boolean"},
        "primary": {"type": "boolean"},
        "priority": {"type": "integer", "minimum": 0},
        "conditions": {"type": "array", "items": {"type": "object"}},
        "deleted": {"type": "boolean"},
        "deletedAt": {"type": "string"},
        "deletedBy": {"type": "string"},
        "createdAt": {"type": "string"},
        "updatedAt": {"type": "string"},
        "__v": {"type": "integer"},
    },
}
SCHEMA = Draft202012Validator(
    {
        "type": "object",
        "required": ["version", "organizations"],
        "properties": {
            "version": {"const": FORMAT_VERSION},
            "organizations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["_id", "name", "ownerId", "dashboardToken", "environments"],
                    "properties": {
                        "_id": {"type": "string"},
                        "name": {"type": "string"},
                        "ownerId": {"type": "string"},
                        "dashboardToken": {"type": "string"},
                        "environments": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": [
                                    "_id",
                                    "name",
                                    "identifier",
                                    "apiKey",
                                    "ids",
                                    "integrations",
                                ],
                                "properties": {
                                    "_id": {"type": "string"},
                                    "name": {"type": "string"},
                                    "identifier": {"type": "string"},
                                    "apiKey": {"type": "string"},
                                    "seedLabel": {"type": ["string", "null"]},
                                    "inboxConnected": {"type": "boolean"},
                                    "demoUsage": {
                                        "type": "object",
                                        "additionalProperties": {"type": "integer"},
                                    },
                                    "ids": {"type": "object", "required": ["random", "counter"]},
                                    "integrations": {"type": "array", "items": _INTEGRATION},
                                },
                            },
                        },
                    },
                },
            },
        },
    }
)


class SnapshotError(ValueError):
    """A state document that cannot be imported; says where and why."""


def export_state(store: Store) -> dict[str, Any]:
    with store.lock:
        return {
            "version": FORMAT_VERSION,
            "organizations": [
                {
                    "_id": organization.id,
                    "name": organization.name,
                    "ownerId": organization.owner_id,
                    "dashboardToken": organization.dashboard_token,
                    "environments": [
                        _export_environment(environment)
                        for environment in organization.environments.values()
                    ],
                }
                for organization in store.organizations.values()
            ],
        }


def _export_environment(environment: Environment) -> dict[str, Any]:
    return {
        "_id": environment.id,
        "name": environment.name,
        "identifier": environment.identifier,
        "apiKey": environment.api_key,
        "seedLabel": environment.seed_label,
        "inboxConnected": environment.inbox_connected,
        "demoUsage": dict(environment.demo_usage),
        "ids": environment.ids.state(),
        "integrations": [
            {
                key: value
                for key, value in integration.to_wire(
                    reveal_credentials=True, include_virtual_id=False
                ).items()
                if key not in ("_environmentId", "_organizationId")
            }
            for integration in environment.integrations.values()
        ],
    }


def import_state(store: Store, document: Any) -> None:
    """Replace the whole state with the document's, or change nothing if it is invalid."""
    errors = sorted(SCHEMA.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(part) for part in first.absolute_path) or "(root)"
        raise SnapshotError(f"state document at {where}: {first.message}")
    organizations = [_import_organization(raw) for raw in document["organizations"]]
    keys = [e.api_key for o in organizations for e in o.environments.values()]
    if len(keys) != len(set(keys)):
        raise SnapshotError("state document: two environments share an API key")
    with store.lock:
        store.clear()
        for organization in organizations:
            store.add_organization(organization)


def _import_organization(raw: dict[str, Any]) -> Organization:
    organization = Organization(
        id=raw["_id"],
        name=raw["name"],
        owner_id=raw["ownerId"],
        dashboard_token=raw["dashboardToken"],
    )
    for env_raw in raw["environments"]:
        try:
            ids = IdFactory.from_state(env_raw["ids"])
        except (TypeError, ValueError) as exc:
            raise SnapshotError(f"environment {env_raw['_id']}: bad ids state: {exc}") from exc
        environment = Environment(
            id=env_raw["_id"],
            organization_id=organization.id,
            name=env_raw["name"],
            identifier=env_raw["identifier"],
            api_key=env_raw["apiKey"],
            ids=ids,
            seed_label=env_raw.get("seedLabel"),
            inbox_connected=env_raw.get("inboxConnected", False),
            demo_usage=dict(env_raw.get("demoUsage", {})),
        )
        for item in env_raw["integrations"]:
            integration = _import_integration(item, environment)
            environment.integrations[integration.id] = integration
        organization.environments[environment.id] = environment
    return organization


def _import_integration(raw: dict[str, Any], environment: Environment) -> Integration:
    try:
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
            deleted=raw["deleted"],
            deleted_at=parse_timestamp(raw["deletedAt"]) if "deletedAt" in raw else None,
            deleted_by=raw.get("deletedBy"),
            created_at=parse_timestamp(raw["createdAt"]),
            updated_at=parse_timestamp(raw["updatedAt"]),
            version=raw["__v"],
        )
    except ValueError as exc:
        raise SnapshotError(f"integration {raw.get('_id')}: {exc}") from exc
