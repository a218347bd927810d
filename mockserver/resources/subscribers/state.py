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
    # The last soft-deleted one of each `subscriberId`, which a bulk create revives.
    deleted: dict[str, Subscriber] = field(default_factory=dict)

    def add(self, subscriber: Subscriber) -> None:
        self.by_id[subscriber.id] = subscriber
        if subscriber.deleted:
            self.deleted[subscriber.subscriber_id] = subscriber
        else:
            self.live[subscriber.subscriber_id] = subscriber

    def retire(self, subscriber: Subscriber) -> None:
        """A live subscriber, soft-deleted."""
        self.live.pop(subscriber.subscriber_id, None)
        self.deleted[subscriber.subscriber_id] = subscriber

    def revive(self, subscriber: Subscriber) -> None:
        self.deleted.pop(subscriber.subscriber_id, None)
        self.live[subscriber.subscriber_id] = subscriber

    def in_order(self) -> Iterator[Subscriber]:
        return iter(self.live.values())


def subscribers_of(environment: Environment) -> SubscribersState:
    return environment.state(SubscribersState)
