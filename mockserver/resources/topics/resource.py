"""Topics as a resource of the registry: Novu's v2 topic and subscription operations, their
state in each environment, seeding and state document; who a trigger to a topic reaches."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from mockserver.novu.auth import Caller
from mockserver.resources.base import Host, Resource, Table
from mockserver.resources.ports import SubscriberDirectory, subscriber_directory
from mockserver.resources.topics.backend import TopicsBackend
from mockserver.resources.topics.routes import HANDLERS
from mockserver.resources.topics.seeding import populate_environment
from mockserver.resources.topics.snapshot import (
    EXPORT_PROPERTIES,
)
from mockserver.resources.topics.snapshot import (
    export_environment as export_topics,
)
from mockserver.resources.topics.snapshot import (
    import_environment as import_topics,
)
from mockserver.resources.topics.state import topics_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Organization

GET = "TopicsController_getTopic"
UPSERT = "TopicsController_upsertTopic"


class TopicsResource(Resource):
    name = "topics"
    title = "Topics"
    handlers = HANDLERS
    path_prefixes = (
        "/v2/topics*",
        "/v1/topics*",
        "/v2/subscribers/{subscriberId}/subscriptions",
    )
    export_properties = EXPORT_PROPERTIES
    # A dataset's topics: `{key, name?, subscriberIds?}`, made as the upsert and the
    # subscription routes make them (after the dataset's subscribers).
    dataset_properties: ClassVar[dict[str, Any]] = {
        "topics": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string"},
                    "name": {"type": "string"},
                    "subscriberIds": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    }
    cleanup: ClassVar[dict[str, str]] = {UPSERT: "/v2/topics/{key}"}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.backend = TopicsBackend(host.store, host.clock, self._subscribers)

    def _subscribers(self) -> SubscriberDirectory | None:
        return subscriber_directory(self.host)

    def handler_target(self) -> TopicsBackend:
        return self.backend

    # ---- what a trigger reads (ports.TopicMembership); a deleted subscriber ------------

    def topic_members(self, environment: Environment, keys: list[str]) -> list[str] | str:
        return self.backend.members_of(environment, keys)

    def subscriber_removed(self, environment: Environment, subscriber_internal_id: str) -> None:
        self.backend.forget_subscriber(environment, subscriber_internal_id)

    # ---- seeding ------------------------------------------------------------------------

    def seed_environment(
        self,
        organization: Organization,
        environment: Environment,
        *,
        seed: int,
        label: str,
        clock: Clock,
    ) -> None:
        directory = self._subscribers()
        if directory is None:
            return
        ids = [s.subscriber_id for s in directory.live_subscribers(environment)]
        backend = TopicsBackend(self.host.store, clock, self._subscribers)
        populate_environment(backend, organization, environment, ids, seed=seed, label=label)

    # ---- the state document -------------------------------------------------------------

    def export(self, environment: Environment) -> dict[str, Any]:
        return export_topics(environment)

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        directory = self._subscribers()
        live = (
            {s.id: s.subscriber_id for s in directory.live_subscribers(environment)}
            if directory is not None
            else {}
        )
        problems.extend(import_topics(raw, environment, where, moment, live))

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        topics = raw.get("topics", [])
        return [("topic _id", item["_id"]) for item in topics] + [
            ("subscription _id", held["_id"])
            for item in topics
            for held in item.get("subscriptions", [])
        ]

    def import_problems(self, organizations: list[Organization]) -> list[str]:
        return self.objects_problems(
            organizations,
            "topic",
            lambda environment: topics_of(environment).by_key.values(),
            lambda topic: self.answer_violations(GET, 200, topic.to_wire()),
        )

    # ---- datasets -----------------------------------------------------------------------

    def dataset_problems(self, raw: dict[str, Any], where: str) -> list[str]:
        entries = [
            {k: v for k, v in entry.items() if k != "subscriberIds"}
            for entry in raw.get("topics") or []
        ]
        return self.body_problems(UPSERT, entries, f"{where}.topics", "topic")

    def apply_dataset(
        self,
        organization: Organization,
        environment: Environment,
        raw: dict[str, Any],
        *,
        label: str,
        clock: Clock,
        where: str,
    ) -> None:
        backend = TopicsBackend(self.host.store, clock, self._subscribers)
        caller = Caller("Bearer", organization, environment)

        def make(entry: dict[str, Any]) -> list[str]:
            backend.upsert(caller, entry, fail_if_exists=False)
            ids = entry.get("subscriberIds") or []
            _held, errors, _asked = backend.subscribe(caller, entry["key"], {"subscriberIds": ids})
            return [error["message"] for error in errors]

        self.make_entries(raw.get("topics"), where, "topic", make)

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"topics": len(topics_of(environment).by_key)}

    def tables(self, environment: Environment) -> list[Table]:
        state = topics_of(environment)
        rows = [
            (
                topic.key,
                topic.name or "",
                ", ".join(held.subscriber_id for held in state.members(topic).values()),
            )
            for topic in state.by_key.values()
        ]
        return [Table(self.title, ("Topic", "Name", "Subscribers"), rows)]


def _subscribe(resource: TopicsResource, caller: Caller, key: str, *subscriber_ids: str) -> Any:
    """Subscribe subscribers to a topic (made if missing) in the test's environment."""
    held, errors, _asked = resource.backend.subscribe(
        caller, key, {"subscriberIds": list(subscriber_ids)}
    )
    return {"subscribed": [item[0].subscriber_id for item in held], "errors": errors}


TopicsResource.helpers = {"subscribe_to_topic": _subscribe}

# What the registry reads (resources/registry.py).
RESOURCE = TopicsResource
