"""The topic of a seeded environment: one named group holding the first seeded subscribers,
the same for the same (seed, label)."""

from __future__ import annotations

from faker import Faker

from mockserver.novu.auth import Caller
from mockserver.resources.topics.backend import TopicsBackend
from mockserver.state.store import Environment, Organization

MEMBERS = 3


def populate_environment(
    backend: TopicsBackend,
    organization: Organization,
    environment: Environment,
    subscriber_ids: list[str],
    *,
    seed: int,
    label: str,
) -> None:
    faker = Faker("en_US")
    faker.seed_instance(f"{seed}:{label}:topics")
    team = faker.word()
    caller = Caller("Bearer", organization, environment)
    backend.upsert(
        caller, {"key": f"team-{team}", "name": f"Team {team.capitalize()}"}, fail_if_exists=False
    )
    backend.subscribe(caller, f"team-{team}", {"subscriberIds": subscriber_ids[:MEMBERS]})
