"""What the topics resource keeps in each environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.resources.topics.models import Subscription, Topic
from mockserver.state.store import Environment


@dataclass
class TopicsState:
    # By key (unique per environment), in creation order.
    by_key: dict[str, Topic] = field(default_factory=dict)
    # Topic _id -> its subscriptions by subscriber's internal id, in the order they were made.
    subscriptions: dict[str, dict[str, Subscription]] = field(default_factory=dict)

    def members(self, topic: Topic) -> dict[str, Subscription]:
        return self.subscriptions.setdefault(topic.id, {})

    def drop(self, topic: Topic) -> None:
        self.by_key.pop(topic.key, None)
        self.subscriptions.pop(topic.id, None)


def topics_of(environment: Environment) -> TopicsState:
    return environment.state(TopicsState)
