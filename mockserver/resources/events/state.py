"""What the events resource keeps in each environment: the outbox (messages and failed
steps, in order), the notifications, and the transaction ids already used.

All three are bounded, in entries and in bytes: a long-running server that is triggered
forever keeps the newest and forgets the oldest, as Novu's TTL forgets messages.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from mockserver.resources.events.models import Failure, Message, Notification
from mockserver.state.store import Environment

MAX_OUTBOX_ENTRIES = 10_000
MAX_OUTBOX_BYTES = 32 * 1024 * 1024
MAX_NOTIFICATIONS = 10_000
MAX_TRANSACTIONS = 20_000
# Runs a delay holds back at once (a frozen clock that is never moved keeps them all).
MAX_HELD = 10_000

Entry = Message | Failure


@dataclass
class EventsState:
    outbox: deque[Entry] = field(default_factory=deque)
    outbox_bytes: int = 0
    notifications: deque[Notification] = field(default_factory=deque)
    # Transaction id -> whether a trigger with it ran (Novu's worker drops a reused one).
    transactions: OrderedDict[str, bool] = field(default_factory=OrderedDict)
    # Runs a delay or digest holds back (delivery.Held), oldest first.
    held: deque[Any] = field(default_factory=deque)

    def hold(self, held: Any) -> None:
        self.held.append(held)
        while len(self.held) > MAX_HELD:
            self.held.popleft()

    def take_due(self, now: Any) -> list[Any]:
        """The held runs whose time has come, earliest first; they are no longer held."""
        due = sorted((h for h in self.held if h.due <= now), key=lambda h: h.due)
        if due:
            self.held = deque(h for h in self.held if h.due > now)
        return due

    def waiting_digest(self, key: tuple[str, ...], now: Any) -> Any:
        """The digest run still waiting under `key`, if any (a later run merges into it)."""
        return next((h for h in self.held if h.key == key and h.due > now), None)

    def cancel(self, transaction_id: str, promoted: Callable[[Any, str], Any]) -> bool:
        """Take the transaction's runs out of what is held; whether there were any (Novu's
        cancel). A digest that loses its own run goes on with the next merged one
        (`promoted`), or is gone when none is left."""
        kept: deque[Any] = deque()
        cancelled = False
        for held in self.held:
            involved = held.trigger.transaction_id == transaction_id or any(
                m.trigger.transaction_id == transaction_id for m in held.merged
            )
            if not involved:
                kept.append(held)
                continue
            cancelled = True
            if held.key is not None:
                remaining = promoted(held, transaction_id)
                if remaining is not None:
                    kept.append(remaining)
        self.held = kept
        return cancelled

    def add(self, entry: Entry) -> None:
        self.outbox.append(entry)
        self.outbox_bytes += entry.size
        while self.outbox and (
            len(self.outbox) > MAX_OUTBOX_ENTRIES or self.outbox_bytes > MAX_OUTBOX_BYTES
        ):
            self.outbox_bytes -= self.outbox.popleft().size

    def add_notification(self, notification: Notification) -> None:
        self.notifications.append(notification)
        while len(self.notifications) > MAX_NOTIFICATIONS:
            self.notifications.popleft()

    def claim_transaction(self, transaction_id: str) -> bool:
        """True the first time a transaction id is seen; False (a duplicate) after."""
        if transaction_id in self.transactions:
            return False
        self.transactions[transaction_id] = True
        while len(self.transactions) > MAX_TRANSACTIONS:
            self.transactions.popitem(last=False)
        return True

    def messages(self) -> Iterator[Message]:
        return (entry for entry in self.outbox if isinstance(entry, Message))

    def forget_subscriber(self, subscriber_internal_id: str) -> None:
        """Novu's remove-subscriber deletes the subscriber's messages."""
        kept = deque(
            entry
            for entry in self.outbox
            if not isinstance(entry, Message)
            or entry.subscriber_internal_id != subscriber_internal_id
        )
        self.outbox = kept
        self.outbox_bytes = sum(entry.size for entry in kept)
        self.held = deque(h for h in self.held if h.subscriber.id != subscriber_internal_id)


def events_of(environment: Environment) -> EventsState:
    return environment.state(EventsState)
