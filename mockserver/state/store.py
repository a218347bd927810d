"""In-memory state: organizations, their environments, and each environment's integrations.

One re-entrant lock guards everything; every read and write of the backend holds it, so a
request sees and leaves the state consistent however many server threads run. Every change of
what lives where is noted in StateChanges, which cached list answers are checked against.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from mockserver.resources.integrations.models import Integration, StateChanges
from mockserver.state.ids import IdFactory


@dataclass
class Environment:
    id: str
    organization_id: str
    name: str
    identifier: str
    api_key: str
    ids: IdFactory
    integrations: dict[str, Integration] = field(default_factory=dict)
    # Whether a subscriber of the Inbox onboarding flow has connected (in-app status route).
    inbox_connected: bool = False
    # Messages sent this month through Novu's demo providers, by channel (limit route).
    demo_usage: dict[str, int] = field(default_factory=dict)
    # What the environment was seeded from, so it can be rebuilt on its own.
    seed_label: str | None = None

    def live(self) -> Iterator[Integration]:
        """Integrations not soft-deleted, in creation order (Mongo's natural order)."""
        return (i for i in self.integrations.values() if not i.deleted)


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
        self._by_api_key: dict[str, Environment] = {}
        self._by_token: dict[str, Organization] = {}
        self._integrations: dict[str, Integration] = {}

    def add_organization(self, organization: Organization) -> None:
        with self.lock:
            if organization.id in self.organizations:
                raise StoreConflict(f"organization {organization.id} already exists")
            if organization.dashboard_token in self._by_token:
                raise StoreConflict("another organization already has that dashboard token")
            for environment in organization.environments.values():
                self._refuse_existing(environment)
            # Its environments are added below, each noted as a change; nothing else is listed.
            self.organizations[organization.id] = organization
            self._by_token[organization.dashboard_token] = organization
            for environment in organization.environments.values():
                self.add_environment(environment)

    def add_environment(self, environment: Environment) -> None:
        with self.lock:
            organization = self.organizations[environment.organization_id]
            if organization.environments.get(environment.id) is not environment:
                self._refuse_existing(environment)
            StateChanges.note()
            organization.environments[environment.id] = environment
            self._by_api_key[environment.api_key] = environment
            for integration in environment.integrations.values():
                self._integrations[integration.id] = integration

    def _refuse_existing(self, environment: Environment) -> None:
        if any(environment.id in o.environments for o in self.organizations.values()):
            raise StoreConflict(f"environment {environment.id} already exists")
        if environment.api_key in self._by_api_key:
            raise StoreConflict("another environment already has that API key")

    def environment_for_key(self, api_key: str) -> Environment | None:
        return self._by_api_key.get(api_key)

    def organization_for_token(self, token: str) -> Organization | None:
        return self._by_token.get(token)

    def environment(self, organization_id: str, environment_id: str) -> Environment | None:
        organization = self.organizations.get(organization_id)
        return organization.environments.get(environment_id) if organization else None

    def integration(self, organization_id: str, integration_id: str) -> Integration | None:
        """A live integration of the organization, in any of its environments."""
        found = self._integrations.get(integration_id)
        if found is None or found.deleted or found.organization_id != organization_id:
            return None
        return found

    def insert(self, integration: Integration) -> None:
        environment = self.environment(integration.organization_id, integration.environment_id)
        if environment is None:  # pragma: no cover - the backend checks first
            raise KeyError(integration.environment_id)
        environment.integrations[integration.id] = integration
        self._integrations[integration.id] = integration
        StateChanges.note()

    def move(self, integration: Integration, environment_id: str) -> None:
        """Re-home an integration in another environment of the same organization."""
        source = self.environment(integration.organization_id, integration.environment_id)
        target = self.environment(integration.organization_id, environment_id)
        if source is None or target is None:  # pragma: no cover - the backend checks first
            raise KeyError(environment_id)
        source.integrations.pop(integration.id, None)
        integration.environment_id = environment_id
        target.integrations[integration.id] = integration
        StateChanges.note()

    def remove_environment(self, environment: Environment) -> None:
        with self.lock:
            StateChanges.note()
            organization = self.organizations[environment.organization_id]
            organization.environments.pop(environment.id, None)
            self._by_api_key.pop(environment.api_key, None)
            for integration_id in environment.integrations:
                self._integrations.pop(integration_id, None)

    def clear(self) -> None:
        with self.lock:
            StateChanges.note()
            self.organizations.clear()
            self._by_api_key.clear()
            self._by_token.clear()
            self._integrations.clear()


def environment_rng(seed: int, label: str) -> random.Random:
    """A random source of its own per environment, so one environment's traffic never shifts
    the ids another environment generates."""
    return random.Random(f"{seed}:{label}")
