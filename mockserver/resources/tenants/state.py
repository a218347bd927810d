"""What the tenants resource keeps in each environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.resources.tenants.models import Tenant
from mockserver.state.store import Environment


@dataclass
class TenantsState:
    # By identifier (unique per environment), in creation order.
    by_identifier: dict[str, Tenant] = field(default_factory=dict)


def tenants_of(environment: Environment) -> TenantsState:
    return environment.state(TenantsState)
