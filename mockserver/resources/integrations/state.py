"""What the integrations resource keeps in each environment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mockserver.resources.integrations.models import Integration
from mockserver.state.store import Environment, Organization


@dataclass
class IntegrationsState:
    # Soft-deleted ones included, in creation order (Mongo's natural order).
    integrations: dict[str, Integration] = field(default_factory=dict)
    # Whether a subscriber of the Inbox onboarding flow has connected (in-app status route).
    inbox_connected: bool = False
    # Messages sent this month through Novu's demo providers, by channel (limit route).
    demo_usage: dict[str, int] = field(default_factory=dict)

    def live(self) -> Iterator[Integration]:
        """Integrations not soft-deleted, in creation order."""
        return (i for i in self.integrations.values() if not i.deleted)


def integrations_of(environment: Environment) -> IntegrationsState:
    return environment.state(IntegrationsState)


def live(environment: Environment) -> Iterator[Integration]:
    return integrations_of(environment).live()


def find(organization: Organization, integration_id: str) -> Integration | None:
    """A live integration of the organization, in any of its environments (Novu looks them up
    by `{_id, _organizationId}`)."""
    for environment in organization.environments.values():
        found = integrations_of(environment).integrations.get(integration_id)
        if found is not None:
            return None if found.deleted else found
    return None
