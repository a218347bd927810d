"""The subscribers of a seeded environment: a few people with Faker-made names, addresses,
phones, locales and time zones, the same for the same (seed, label)."""

from __future__ import annotations

import random

from faker import Faker

from mockserver.novu.auth import Caller
from mockserver.resources.subscribers.backend import SubscribersBackend
from mockserver.state.store import Environment, Organization

SUBSCRIBERS_PER_ENVIRONMENT = 5
_LOCALES = ("en-US", "en-GB", "de-DE", "fr-FR", "es-ES")
_TIME_ZONES = ("America/New_York", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "UTC")


def populate_environment(
    backend: SubscribersBackend,
    organization: Organization,
    environment: Environment,
    *,
    seed: int,
    label: str,
) -> None:
    rng = random.Random(f"{seed}:{label}:subscribers")
    faker = Faker("en_US")
    faker.seed_instance(f"{seed}:{label}:subscribers")
    caller = Caller("Bearer", organization, environment)
    for _ in range(SUBSCRIBERS_PER_ENVIRONMENT):
        first, last = faker.first_name(), faker.last_name()
        body = {
            "subscriberId": f"user-{rng.getrandbits(40):010x}",
            "firstName": first,
            "lastName": last,
            "email": f"{first}.{last}@{faker.free_email_domain()}".lower(),
            "phone": faker.numerify("+1##########"),
            "locale": rng.choice(_LOCALES),
            "timezone": rng.choice(_TIME_ZONES),
            "data": {"plan": rng.choice(("free", "pro", "business"))},
        }
        backend.create(caller, body, fail_if_exists=False)
