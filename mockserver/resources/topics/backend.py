"""Novu's rules for topics (v2), per environment.

From novuhq/novu `apps/api/src/app/topics-v2/usecases`: upsert (201 made, 200 found;
`failIfExists` 409; a bad key 400 with Novu's wording), get/update/delete (404 `Topic with
key <key> not found`; delete takes the subscriptions with it), create-topic-subscriptions
(the topic is made if missing; idempotent; unknown subscribers are per-item errors; all
failing is a 400), delete-topic-subscriptions, and the cursor pages shared with subscribers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, Conflict, NotFound
from mockserver.resources.cursor_pages import Page, cursor_page
from mockserver.resources.ports import SubscriberDirectory
from mockserver.resources.topics.models import Subscription, Topic
from mockserver.resources.topics.state import topics_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Store

# VALID_ID_REGEX of the topic key: letters, digits, `-`, `_`, `:`; or an email address.
_KEY = re.compile(r"^[a-zA-Z0-9_:-]+$")
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")


def missing(key: str) -> NotFound:
    return NotFound(f"Topic with key {key} not found")


class TopicsBackend:
    def __init__(self, store: Store, clock: Clock, subscribers: Any) -> None:
        self.store = store
        self.clock = clock
        # A callable giving the subscriber directory (ports.SubscriberDirectory) or None.
        self.subscribers = subscribers

    # ---- topics -------------------------------------------------------------------------

    def upsert(
        self, caller: Caller, body: dict[str, Any], *, fail_if_exists: bool
    ) -> tuple[Topic, bool]:
        """(the topic, whether it was made)."""
        key = str(body.get("key") or "")
        with self.store.lock:
            state = topics_of(caller.environment)
            existing = state.by_key.get(key)
            if existing is not None:
                if fail_if_exists:
                    raise Conflict(f'Topic with key "{key}" already exists')
                if "name" in body and body["name"] != existing.name:
                    self.store.update(existing, name=body["name"], updated_at=self.clock.now())
                return existing, False
            return self.make(caller.environment, key, body.get("name")), True

    def get(self, caller: Caller, key: str) -> Topic:
        found = topics_of(caller.environment).by_key.get(key)
        if found is None:
            raise missing(key)
        return found

    def update(self, caller: Caller, key: str, body: dict[str, Any]) -> Topic:
        with self.store.lock:
            topic = self.get(caller, key)
            if "name" in body:
                self.store.update(topic, name=body["name"], updated_at=self.clock.now())
            return topic

    def remove(self, caller: Caller, key: str) -> None:
        with self.store.lock:
            topic = self.get(caller, key)
            topics_of(caller.environment).drop(topic)
            self.store.changed(topic)

    def search(self, caller: Caller, query: Mapping[str, str]) -> Page[Topic]:
        wanted_key, wanted_name = query.get("key"), query.get("name")
        topics = [
            t
            for t in topics_of(caller.environment).by_key.values()
            if (not wanted_key or t.key == wanted_key)
            and (not wanted_name or t.name == wanted_name)
        ]
        order_by = query.get("orderBy") or "_id"

        def sort_key(topic: Topic) -> tuple[str, str]:
            if order_by == "key":
                return (topic.key, topic.id)
            if order_by == "updatedAt":
                return (topic.updated_at.isoformat(), topic.id)
            return (topic.id, topic.id)

        return cursor_page(topics, sort_key=sort_key, id_of=lambda topic: topic.id, query=query)

    # ---- subscriptions ------------------------------------------------------------------

    def subscribe(
        self, caller: Caller, key: str, body: dict[str, Any]
    ) -> tuple[list[tuple[Subscription, Topic, Any]], list[dict[str, str]], int]:
        """(subscriptions held, errors, ids asked for). The topic is made if missing."""
        asked = _requested(body)
        with self.store.lock:
            state = topics_of(caller.environment)
            topic = state.by_key.get(key) or self.make(caller.environment, key, body.get("name"))
            held: list[tuple[Subscription, Topic, Any]] = []
            errors: list[dict[str, str]] = []
            for subscriber_id, identifier in asked:
                subscriber = self.subscriber(caller.environment, subscriber_id)
                if subscriber is None:
                    errors.append(_not_found(subscriber_id))
                    continue
                joined = self.join(caller.environment, topic, subscriber, subscriber_id, identifier)
                held.append((joined, topic, subscriber))
        return held, errors, len(asked)

    def join(
        self,
        environment: Environment,
        topic: Topic,
        subscriber: Any,
        subscriber_id: str,
        identifier: str | None,
    ) -> Subscription:
        """The subscriber's subscription to the topic, made if it has none (idempotent)."""
        members = topics_of(environment).members(topic)
        existing = members.get(subscriber.id)
        if existing is None:
            now = self.clock.now()
            existing = Subscription(
                id=environment.ids.object_id(now),
                topic_id=topic.id,
                subscriber_internal_id=subscriber.id,
                subscriber_id=subscriber_id,
                identifier=identifier or f"tk={topic.key}:si={subscriber_id}",
                created_at=now,
                updated_at=now,
            )
            members[subscriber.id] = existing
            self.store.changed(existing)
        return existing

    def unsubscribe(
        self, caller: Caller, key: str, body: dict[str, Any]
    ) -> tuple[list[tuple[Subscription, Topic, Any]], list[dict[str, str]], int]:
        asked = _requested(body)
        with self.store.lock:
            topic = self.get(caller, key)
            members = topics_of(caller.environment).members(topic)
            removed: list[tuple[Subscription, Topic, Any]] = []
            errors: list[dict[str, str]] = []
            for subscriber_id, _identifier in asked:
                subscriber = self.subscriber(caller.environment, subscriber_id)
                if subscriber is None:
                    errors.append(_not_found(subscriber_id))
                    continue
                found = members.pop(subscriber.id, None)
                if found is None:
                    errors.append(
                        {
                            "subscriberId": subscriber_id,
                            "code": "SUBSCRIPTION_NOT_FOUND",
                            "message": f"Subscription for subscriber '{subscriber_id}' not found.",
                        }
                    )
                    continue
                self.store.changed(found)
                removed.append((found, topic, subscriber))
        return removed, errors, len(asked)

    def subscriptions(
        self, caller: Caller, key: str, query: Mapping[str, str]
    ) -> Page[Subscription]:
        topic = self.get(caller, key)
        wanted = query.get("subscriberId")
        held = [
            s
            for s in topics_of(caller.environment).members(topic).values()
            if not wanted or s.subscriber_id == wanted
        ]
        order_by = query.get("orderBy") or "_id"

        def sort_key(subscription: Subscription) -> tuple[str, str]:
            if order_by == "createdAt":
                return (subscription.created_at.isoformat(), subscription.id)
            return (subscription.id, subscription.id)

        return cursor_page(
            held, sort_key=sort_key, id_of=lambda subscription: subscription.id, query=query
        )

    def subscriptions_of(
        self, caller: Caller, subscriber_id: str, query: Mapping[str, str]
    ) -> Page[tuple[Subscription, Topic]]:
        """One subscriber's subscriptions across topics (`key` narrows to one topic)."""
        subscriber = self.subscriber(caller.environment, subscriber_id)
        if subscriber is None:
            raise NotFound(f"Subscriber: {subscriber_id} was not found")
        state = topics_of(caller.environment)
        wanted = query.get("key")
        held = [
            (members[subscriber.id], topic)
            for topic in state.by_key.values()
            if (not wanted or topic.key == wanted)
            and subscriber.id in (members := state.members(topic))
        ]
        order_by = query.get("orderBy") or "_id"

        def sort_key(item: tuple[Subscription, Topic]) -> tuple[str, str]:
            subscription = item[0]
            if order_by == "createdAt":
                return (subscription.created_at.isoformat(), subscription.id)
            return (subscription.id, subscription.id)

        return cursor_page(held, sort_key=sort_key, id_of=lambda item: item[0].id, query=query)

    def subscription(self, caller: Caller, key: str, identifier: str) -> Subscription:
        topic = self.get(caller, key)
        for held in topics_of(caller.environment).members(topic).values():
            if identifier in (held.identifier, held.id):
                return held
        raise NotFound(f"Subscription with identifier {identifier} not found")

    def members_of(self, environment: Environment, keys: list[str]) -> list[str] | str:
        state = topics_of(environment)
        absent = [key for key in keys if key not in state.by_key]
        if absent:
            return f"Topic with key {','.join(absent)} not found in current environment"
        seen: dict[str, None] = {}
        for key in keys:
            for held in state.members(state.by_key[key]).values():
                seen.setdefault(held.subscriber_id, None)
        return list(seen)

    def forget_subscriber(self, environment: Environment, internal_id: str) -> None:
        for members in topics_of(environment).subscriptions.values():
            members.pop(internal_id, None)

    # ---- helpers ------------------------------------------------------------------------

    def make(self, environment: Environment, key: str, name: Any) -> Topic:
        if not (1 <= len(key) <= 100 and (_KEY.match(key) or _EMAIL.match(key))):
            raise BadRequest(
                f'Invalid topic key: "{key}". Topic keys must contain only alphanumeric '
                "characters (a-z, A-Z, 0-9), hyphens (-), underscores (_), colons (:), or be a "
                "valid email address."
            )
        now = self.clock.now()
        topic = Topic(
            id=environment.ids.object_id(now),
            environment_id=environment.id,
            key=key,
            name=name if isinstance(name, str) else None,
            created_at=now,
            updated_at=now,
        )
        topics_of(environment).by_key[key] = topic
        self.store.changed(topic)
        return topic

    def subscriber(self, environment: Environment, subscriber_id: str) -> Any:
        directory: SubscriberDirectory | None = self.subscribers()
        return directory.find_subscriber(environment, subscriber_id) if directory else None


def _requested(body: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(subscriberId, identifier or None) per item of `subscriptions`, else `subscriberIds`."""
    items = body.get("subscriptions")
    if not isinstance(items, list):
        fallback = body.get("subscriberIds")
        items = fallback if isinstance(fallback, list) else []
    asked: list[tuple[str, str | None]] = []
    for item in items:
        if isinstance(item, str):
            asked.append((item, None))
        elif isinstance(item, dict) and isinstance(item.get("subscriberId"), str):
            named = item.get("identifier")
            asked.append((item["subscriberId"], named if isinstance(named, str) else None))
    return asked


def _not_found(subscriber_id: str) -> dict[str, str]:
    return {
        "subscriberId": subscriber_id,
        "code": "SUBSCRIBER_NOT_FOUND",
        "message": f"Subscriber with ID '{subscriber_id}' could not be found.",
    }
