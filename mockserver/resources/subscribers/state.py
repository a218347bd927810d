"""What the subscribers resource keeps in each environment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from mockserver.resources.subscribers.models import Subscriber
from mockserver.state.store import Environment


@dataclass
class SubscribersState:
    # Every subscriber by `_id`, soft-deleted ones included, in creation order.
    by_id: dict[str, Subscriber] = field(default_factory=dict)
    # The live ones by their `subscriberId` (unique among live subscribers, as Novu's index is).
    live: dict[str, Subscriber] = field(default_factory=dict)

    def add(self, subscriber: Subscriber) -> None:
        self.by_id[subscriber.id] = subscriber
        if not subscriber.deleted:
            self.live[subscriber.subscriber_id] = subscriber

    def in_order(self) -> Iterator[Subscriber]:
        return iter(self.live.values())


def subscribers_of(environment: Environment) -> SubscribersState:
    return environment.state(SubscribersState)
