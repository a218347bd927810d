"""The whole state as JSON: what `GET /__mock/state` exports and `PUT /__mock/state` imports.

Exporting, importing and exporting again gives the same document, byte for byte: soft-deleted
integrations, credentials and each environment's id generator travel too, so the ids made
after an import are the ones the exporting server would have made.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from jsonschema import Draft202012Validator

from mockserver.resources.integrations.catalogue import Catalogue
from mockserver.resources.integrations.models import Integration
from mockserver.state.clock import parse_timestamp
from mockserver.state.ids import IdFactory
from mockserver.state.store import Environment, Organization, Store

FORMAT_VERSION = 1
# An import is refused past this many problems' worth of listing: the first ones say enough.
MAX_LISTED_PROBLEMS = 20

# maxLength and "not" rather than "$" alone: Python's `$` also matches before a final newline.
_OBJECT_ID = {"type": "string", "pattern": "^[0-9a-f]{24}$", "maxLength": 24}
_KEY = {"type": "string", "minLength": 8, "maxLength": 512, "not": {"pattern": "[^!-~]"}}
# An instant with its offset, as the export writes it (`2026-11-23T10:00:00.000Z`); the year
# and the offset are checked again once parsed.
_TIMESTAMP = {
    "type": "string",
    "pattern": (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
        "(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
    ),
}
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
        "_id": _OBJECT_ID,
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
        "deletedAt": _TIMESTAMP,
        "deletedBy": {"type": "string"},
        "createdAt": _TIMESTAMP,
        "updatedAt": _TIMESTAMP,
        "__v": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
    },
}
# What random.Random.getstate() gives (version 3: 624 words and a position, then gauss).
_RANDOM_STATE = {
    "type": "array",
    "minItems": 3,
    "maxItems": 3,
    "prefixItems": [
        {"const": 3},
        {
            "type": "array",
            "minItems": 625,
            "maxItems": 625,
            "items": {"type": "integer", "minimum": 0, "maximum": 2**32 - 1},
        },
        {"type": ["number", "null"]},
    ],
}
_ENVIRONMENT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["_id", "name", "identifier", "apiKey", "ids", "integrations"],
    "properties": {
        "_id": _OBJECT_ID,
        "name": {"type": "string", "minLength": 1},
        "identifier": {"type": "string", "minLength": 1},
        "apiKey": _KEY,
        "seedLabel": {"type": ["string", "null"]},
        "inboxConnected": {"type": "boolean"},
        "demoUsage": {
            "type": "object",
            "additionalProperties": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
        },
        "ids": {
            "type": "object",
            "additionalProperties": False,
            "required": ["random", "counter"],
            "properties": {
                "random": _RANDOM_STATE,
                "counter": {"type": "integer", "minimum": 0, "maximum": 2**24 - 1},
            },
        },
        "integrations": {"type": "array", "items": _INTEGRATION},
    },
}
SCHEMA = Draft202012Validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "organizations"],
        "properties": {
            "version": {"const": FORMAT_VERSION},
            # GET /__mock/state writes the seed beside the state; PUT takes it back.
            "seed": {"type": "integer"},
            "organizations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["_id", "name", "ownerId", "dashboardToken", "environments"],
                    "properties": {
                        "_id": _OBJECT_ID,
                        "name": {"type": "string"},
                        "ownerId": _OBJECT_ID,
                        "dashboardToken": _KEY,
                        "environments": {"type": "array", "minItems": 1, "items": _ENVIRONMENT},
                    },
                },
            },
        },
    }
)
# What one integration, as an answer would show it, must satisfy: the spec and the structure
# document. Returns the problems, worded.
ObjectCheck = Callable[[Integration], list[str]]


class SnapshotError(ValueError):
    """A state document that cannot be imported; lists each problem and where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(self.problems)
        listed = "; ".join(self.problems) + (f"; and {more} more" if more > 0 else "")
        super().__init__(f"state document refused, nothing changed: {listed}")


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


def import_state(
    store: Store,
    document: Any,
    *,
    catalogue: Catalogue,
    check_object: ObjectCheck | None = None,
) -> None:
    """Replace the whole state with the document's, or change nothing if anything in it is
    wrong: the document is checked whole (its form, that ids, keys and tokens are unique, one
    primary per channel, providers and channels that exist, timestamps in range, every
    integration against the response contract) before the store is touched."""
    errors = sorted(SCHEMA.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise SnapshotError([f"at {_where(e.absolute_path)}: {e.message}" for e in errors])
    problems: list[str] = []
    organizations: list[Organization] = []
    for o, raw in enumerate(document["organizations"]):
        organizations.append(_import_organization(raw, f"organizations/{o}", problems))
    problems.extend(_duplicates(document["organizations"]))
    if not problems:
        problems.extend(_rule_problems(organizations, catalogue))
    if not problems and check_object is not None:
        for organization in organizations:
            for environment in organization.environments.values():
                for integration in environment.integrations.values():
                    problems.extend(
                        f"integration {integration.id}: {problem}"
                        for problem in check_object(integration)
                    )
    if problems:
        raise SnapshotError(problems)
    with store.lock:
        store.clear()
        for organization in organizations:
            store.add_organization(organization)


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "(root)"


def _duplicates(organizations: list[dict[str, Any]]) -> list[str]:
    """Ids, keys and tokens used twice anywhere in the document (read from the document:
    once built, a second object with the same id has already replaced the first)."""
    problems: list[str] = []
    seen: dict[str, set[str]] = {}

    def unique(kind: str, value: str) -> None:
        if value in seen.setdefault(kind, set()):
            problems.append(f"two {kind}s are {value!r}")
        seen[kind].add(value)

    for organization in organizations:
        unique("organization id", organization["_id"])
        unique("dashboard token", organization["dashboardToken"])
        for environment in organization["environments"]:
            unique("environment id", environment["_id"])
            unique("API key", environment["apiKey"])
            for integration in environment["integrations"]:
                unique("integration id", integration["_id"])
    return problems


def _rule_problems(organizations: list[Organization], catalogue: Catalogue) -> list[str]:
    """Novu's rules, which a form cannot say: providers and channels that exist, identifiers
    unique among an environment's live integrations, one primary per channel."""
    problems: list[str] = []
    for organization in organizations:
        for environment in organization.environments.values():
            primaries: dict[str, str] = {}
            identifiers: set[str] = set()
            for integration in environment.integrations.values():
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


def _import_organization(raw: dict[str, Any], where: str, problems: list[str]) -> Organization:
    organization = Organization(
        id=raw["_id"],
        name=raw["name"],
        owner_id=raw["ownerId"],
        dashboard_token=raw["dashboardToken"],
    )
    for e, env_raw in enumerate(raw["environments"]):
        here = f"{where}/environments/{e}"
        try:
            ids = IdFactory.from_state(env_raw["ids"])
        except (TypeError, ValueError, OverflowError) as exc:
            problems.append(f"at {here}/ids: not a state of the id generator: {exc}")
            ids = IdFactory(random.Random(0))
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
        for i, item in enumerate(env_raw["integrations"]):
            integration = _import_integration(
                item, environment, f"{here}/integrations/{i}", problems
            )
            if integration is not None:
                environment.integrations[integration.id] = integration
        organization.environments[environment.id] = environment
    return organization


# Timestamps the encoder, Mongo's ObjectIds (seconds in 32 bits) and JavaScript's Date all take.
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2106, 2, 7, tzinfo=UTC)


def _instant(raw: dict[str, Any], key: str, where: str, problems: list[str]) -> datetime | None:
    text = raw.get(key)
    if text is None:
        return None
    try:
        moment = parse_timestamp(text)
    except ValueError as exc:
        problems.append(f"at {where}/{key}: not a timestamp: {exc}")
        return None
    if not _EARLIEST <= moment < _LATEST:
        problems.append(f"at {where}/{key}: {text} is outside 1970-01-01 to 2106-02-07")
        return None
    return moment


def _import_integration(
    raw: dict[str, Any], environment: Environment, where: str, problems: list[str]
) -> Integration | None:
    created = _instant(raw, "createdAt", where, problems)
    updated = _instant(raw, "updatedAt", where, problems)
    deleted_at = _instant(raw, "deletedAt", where, problems)
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
