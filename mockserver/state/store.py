"""In-memory state: organizations, their environments, and what each resource keeps in each.

One re-entrant lock guards everything; every read and write of a resource holds it, so a
request sees and leaves the state consistent however many server threads run.

The store keeps a revision that every write moves on: the write itself, through `update` or
`changed`, stamps the objects it touched with the new revision. A cached form of an object is
good while the object's revision stands still, a cached answer built from many while the
store's does. Each store counts for itself, so servers sharing a process never share a count.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

from mockserver.state.ids import IdFactory


class Revised(Protocol):
    """An object whose cached forms are kept by revision (a resource's stored objects)."""

    revision: int


StateT = TypeVar("StateT")


@dataclass
class Environment:
    id: str
    organization_id: str
    name: str
    identifier: str
    api_key: str
    ids: IdFactory
    # Each resource's state in this environment, by the resource's state class (state()).
    resources: dict[type, Any] = field(default_factory=dict)
    # What the environment was seeded from, so it can be rebuilt on its own.
    seed_label: str | None = None

    def state(self, kind: type[StateT]) -> StateT:
        """This environment's state of one resource, made empty on first use (as moto's
        BackendDict makes a region's backend when it is first asked for)."""
        found = self.resources.get(kind)
        if found is None:
            found = self.resources[kind] = kind()
        return cast(StateT, found)


@dataclass
class Organization:
    id: str
    name: str
    # The user every key and token of this organization acts as (`deletedBy` names them).
    owner_id: str
    dashboard_token: str
    environments: dict[str, Environment] = field(default_factory=dict)


class StoreConflict(ValueError):
    """An id, key or token the store already holds: adding it would overwrite what exists."""


class Store:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.organizations: dict[str, Organization] = {}
        self.revision = 0
        self._by_api_key: dict[str, Environment] = {}
        self._by_token: dict[str, Organization] = {}

    # ---- writes, each one a new revision ------------------------------------------------

    def changed(self, *objects: Revised) -> None:
        """Note a write: the store's revision moves on and the objects touched carry it."""
        with self.lock:
            self.revision += 1
            for changed in objects:
                changed.revision = self.revision

    def update(self, target: Revised, **fields: Any) -> None:
        """Assign fields of a stored object, as one write. Fields are always replaced, never
        changed in place, so this is the one way a stored object changes."""
        with self.lock:
            for name, value in fields.items():
                setattr(target, name, value)
            self.changed(target)

    def add_organization(self, organization: Organization) -> None:
        with self.lock:
            if organization.id in self.organizations:
                raise StoreConflict(f"organization {organization.id} already exists")
            if organization.dashboard_token in self._by_token:
                raise StoreConflict("another organization already has that dashboard token")
            for environment in organization.environments.values():
                self._refuse_existing(environment)
            self.organizations[organization.id] = organization
            self._by_token[organization.dashboard_token] = organization
            for environment in organization.environments.values():
                self.add_environment(environment)

    def add_environment(self, environment: Environment) -> None:
        with self.lock:
            organization = self.organizations[environment.organization_id]
            if organization.environments.get(environment.id) is not environment:
                self._refuse_existing(environment)
            organization.environments[environment.id] = environment
            self._by_api_key[environment.api_key] = environment
            self.changed()

    def _refuse_existing(self, environment: Environment) -> None:
        if any(environment.id in o.environments for o in self.organizations.values()):
            raise StoreConflict(f"environment {environment.id} already exists")
        if environment.api_key in self._by_api_key:
            raise StoreConflict("another environment already has that API key")

    def remove_environment(self, environment: Environment) -> None:
        with self.lock:
            organization = self.organizations[environment.organization_id]
            organization.environments.pop(environment.id, None)
            self._by_api_key.pop(environment.api_key, None)
            self.changed()

    def clear(self) -> None:
        with self.lock:
            self.organizations.clear()
            self._by_api_key.clear()
            self._by_token.clear()
            self.changed()

    # ---- reads --------------------------------------------------------------------------

    def environment_for_key(self, api_key: str) -> Environment | None:
        return self._by_api_key.get(api_key)

    def organization_for_token(self, token: str) -> Organization | None:
        return self._by_token.get(token)

    def environment(self, organization_id: str, environment_id: str) -> Environment | None:
        organization = self.organizations.get(organization_id)
        return organization.environments.get(environment_id) if organization else None


def environment_rng(seed: int, label: str) -> random.Random:
    """A random source of its own per environment, so one environment's traffic never shifts
    the ids another environment generates."""
    return random.Random(f"{seed}:{label}")
