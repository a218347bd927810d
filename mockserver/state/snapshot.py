"""The whole state as JSON: what `GET /__mock/state` exports and `PUT /__mock/state` imports.

Exporting, importing and exporting again gives the same document, byte for byte: every
resource writes all it keeps (soft-deleted objects and secrets too), and each environment's id
generator travels, so the ids made after an import are the ones the exporting server would
have made. The organizations, environments and keys are this module's; what each environment
holds is its resources' (Resource.export and import_environment).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from mockserver.state.clock import parse_timestamp
from mockserver.state.ids import IdFactory
from mockserver.state.store import Environment, Organization, Store

if TYPE_CHECKING:  # the resources sit above the state; they are only handed in
    from mockserver.resources.base import Resource

FORMAT_VERSION = 1
# An import is refused past this many problems' worth of listing: the first ones say enough.
MAX_LISTED_PROBLEMS = 20

# maxLength and "not" rather than "$" alone: Python's `$` also matches before a final newline.
OBJECT_ID = {"type": "string", "pattern": "^[0-9a-f]{24}$", "maxLength": 24}
_KEY = {"type": "string", "minLength": 8, "maxLength": 512, "not": {"pattern": "[^!-~]"}}
# An instant with its offset, as the export writes it (`2026-11-23T10:00:00.000Z`); the year
# and the offset are checked again once parsed.
TIMESTAMP = {
    "type": "string",
    "pattern": (
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
        "(\\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
    ),
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
_ENVIRONMENT_PROPERTIES = {
    "_id": OBJECT_ID,
    "name": {"type": "string", "minLength": 1},
    "identifier": {"type": "string", "minLength": 1},
    "apiKey": _KEY,
    "seedLabel": {"type": ["string", "null"]},
    "ids": {
        "type": "object",
        "additionalProperties": False,
        "required": ["random", "counter"],
        "properties": {
            "random": _RANDOM_STATE,
            "counter": {"type": "integer", "minimum": 0, "maximum": 2**24 - 1},
        },
    },
}


@functools.cache
def document_schema(resources: tuple[type[Resource], ...]) -> Draft202012Validator:
    """The state document's form, with each resource's properties in every environment."""
    properties = dict(_ENVIRONMENT_PROPERTIES)
    required = ["_id", "name", "identifier", "apiKey", "ids"]
    for resource in resources:
        properties.update(resource.export_properties)
        required.extend(resource.export_required)
    environment = {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }
    return Draft202012Validator(
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
                            "_id": OBJECT_ID,
                            "name": {"type": "string"},
                            "ownerId": OBJECT_ID,
                            "dashboardToken": _KEY,
                            "environments": {
                                "type": "array",
                                "minItems": 1,
                                "items": environment,
                            },
                        },
                    },
                },
            },
        }
    )


class SnapshotError(ValueError):
    """A state document that cannot be imported; lists each problem and where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems[:MAX_LISTED_PROBLEMS]
        more = len(problems) - len(self.problems)
        listed = "; ".join(self.problems) + (f"; and {more} more" if more > 0 else "")
        super().__init__(f"state document refused, nothing changed: {listed}")


def export_state(store: Store, resources: Sequence[Resource]) -> dict[str, Any]:
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
                        _export_environment(environment, resources)
                        for environment in organization.environments.values()
                    ],
                }
                for organization in store.organizations.values()
            ],
        }


def _export_environment(environment: Environment, resources: Sequence[Resource]) -> dict[str, Any]:
    exported: dict[str, Any] = {
        "_id": environment.id,
        "name": environment.name,
        "identifier": environment.identifier,
        "apiKey": environment.api_key,
        "seedLabel": environment.seed_label,
        "ids": environment.ids.state(),
    }
    for resource in resources:
        exported.update(resource.export(environment))
    return exported


def import_state(store: Store, document: Any, resources: Sequence[Resource]) -> None:
    """Replace the whole state with the document's, or change nothing if anything in it is
    wrong: the document is checked whole (its form, that ids, keys and tokens are unique, and
    then each resource's rules and objects against the contract) before the store is
    touched."""
    schema = document_schema(tuple(type(resource) for resource in resources))
    errors = sorted(schema.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise SnapshotError([f"at {_where(e.absolute_path)}: {e.message}" for e in errors])
    problems: list[str] = []
    organizations: list[Organization] = []
    for o, raw in enumerate(document["organizations"]):
        organizations.append(_import_organization(raw, f"organizations/{o}", problems, resources))
    problems.extend(_duplicates(document["organizations"], resources))
    for resource in resources:
        if problems:
            break
        problems.extend(resource.import_problems(organizations))
    if problems:
        raise SnapshotError(problems)
    with store.lock:
        store.clear()
        for organization in organizations:
            store.add_organization(organization)


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "(root)"


def _duplicates(organizations: list[dict[str, Any]], resources: Sequence[Resource]) -> list[str]:
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
            for resource in resources:
                for kind, value in resource.identities(environment):
                    unique(kind, value)
    return problems


def _import_organization(
    raw: dict[str, Any], where: str, problems: list[str], resources: Sequence[Resource]
) -> Organization:
    organization = Organization(
        id=raw["_id"],
        name=raw["name"],
        owner_id=raw["ownerId"],
        dashboard_token=raw["dashboardToken"],
    )

    def moment(raw: dict[str, Any], key: str, where: str) -> datetime | None:
        return _instant(raw, key, where, problems)

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
        )
        for resource in resources:
            resource.import_environment(env_raw, environment, here, problems, moment)
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
