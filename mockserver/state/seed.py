"""The seeded start: one organization, a Development and a Production environment, each
filled by every resource from the seed (integrations: what Novu creates for a new environment
plus a realistic mix of Faker-made ones).

Everything is drawn from random sources derived from the seed, and timestamps from a stepping
clock that starts at a fixed instant, so one seed always gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from faker import Faker

from mockserver.state.clock import SteppingClock
from mockserver.state.ids import IdFactory
from mockserver.state.store import Environment, Organization, Store, environment_rng

if TYPE_CHECKING:  # the resources sit above the state; they are only handed in
    from mockserver.resources.base import Resource

SEED_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
DEVELOPMENT, PRODUCTION = "Development", "Production"
ENVIRONMENT_NAMES = (DEVELOPMENT, PRODUCTION)
# Seeded environments' objects are made 7 min 13 s apart, from SEED_EPOCH on.
SEED_STEP = timedelta(minutes=7, seconds=13)


def seed_store(store: Store, resources: Sequence[Resource], seed: int) -> Organization:
    """Fill an empty store with the seeded organization and its two environments."""
    organization = new_organization(seed, label="organization")
    store.add_organization(organization)
    for name in ENVIRONMENT_NAMES:
        add_seeded_environment(store, resources, organization, seed=seed, label=name, name=name)
    return organization


def new_organization(seed: int, *, label: str) -> Organization:
    rng = random.Random(f"{seed}:{label}")
    ids = IdFactory(rng)
    faker = Faker("en_US")
    faker.seed_instance(f"{seed}:{label}")
    return Organization(
        id=ids.object_id(SEED_EPOCH),
        name=faker.company(),
        owner_id=ids.object_id(SEED_EPOCH),
        dashboard_token="nvsession_" + ids.hex_token(40),
    )


def add_seeded_environment(
    store: Store,
    resources: Sequence[Resource],
    organization: Organization,
    *,
    seed: int,
    label: str,
    name: str,
    api_key: str | None = None,
    empty: bool = False,
) -> Environment:
    """An environment made only from (seed, label): the same label always gives the same
    environment, its key (unless one is given) and every resource's objects (none when
    `empty`), whatever else exists."""
    rng = environment_rng(seed, label)
    ids = IdFactory(rng)
    clock = SteppingClock(SEED_EPOCH, SEED_STEP)
    environment = Environment(
        id=ids.object_id(clock.now()),
        organization_id=organization.id,
        name=name,
        identifier=ids.short_id(),
        api_key=ids.hex_token(32),
        ids=ids,
        seed_label=label,
    )
    if api_key is not None:
        environment.api_key = api_key
    store.add_environment(environment)
    if not empty:
        for resource in resources:
            resource.seed_environment(
                organization, environment, seed=seed, label=label, clock=clock
            )
    return environment
