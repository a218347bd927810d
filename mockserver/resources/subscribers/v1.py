"""Novu's v1 subscriber routes, which @novu/node and older apps call: create (an upsert), a
paged list, get, update (PUT) and delete.

From novuhq/novu (2024, before the v2 routes replaced them): `apps/api/src/app/subscribers/
subscribers.controller.ts`; `libs/application-generic/src/usecases/create-subscriber` (a
subscriber with that id is updated instead; a new one is answered as stored before its
`channels` are set, so the answer lacks them), `update-subscriber` (400 `SubscriberId: <id>
not found`; `email` may be set to null, every other field only to a value), the api's
`get-subscriber` (404 `Subscriber not found for id <id>`), `get-subscribers` (`page` from 0,
`limit` 10 by default and at most 100; `hasMore` when the page is full; no total) and
`remove-subscriber` (`{acknowledged, status: "deleted"}`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, NotFound
from mockserver.resources.page_numbers import limited_page
from mockserver.resources.subscribers.backend import (
    SubscribersBackend,
    checked_profile,
    subscriber_id_of,
)
from mockserver.resources.subscribers.channels import SubscriberChannels
from mockserver.resources.subscribers.models import Subscriber
from mockserver.resources.subscribers.state import subscribers_of

# The fields the v1 create and update commands carry (no `timezone`).
V1_FIELDS = ("firstName", "lastName", "email", "phone", "avatar", "locale", "data")


class SubscribersV1:
    def __init__(self, backend: SubscribersBackend, channels: SubscriberChannels) -> None:
        self.backend = backend
        self.channels = channels

    def create(self, caller: Caller, body: dict[str, Any]) -> Subscriber:
        subscriber_id = subscriber_id_of(body)
        fields = _fields(body)
        given = body.get("channels")
        channels = [c for c in given if isinstance(c, dict)] if isinstance(given, list) else []
        with self.backend.store.lock:
            existing = subscribers_of(caller.environment).live.get(subscriber_id)
            if existing is not None:
                # update-subscriber sets the credentials first: one refused changes nothing.
                for channel in channels:
                    self.channels.set_credentials(caller, subscriber_id, channel, replace=False)
                self._change(existing, fields)
                return existing
            made = self.backend.make(
                caller.environment,
                subscriber_id,
                {name: value for name, value in fields.items() if value is not None},
            )
            # The answer is the subscriber as stored before its credentials are set.
            answer = replace(made, channels=list(made.channels))
            for channel in channels:
                self.channels.set_credentials(caller, subscriber_id, channel, replace=False)
            return answer

    def page(self, caller: Caller, query: Mapping[str, str]) -> dict[str, Any]:
        live = subscribers_of(caller.environment).in_order()
        return limited_page(live, query, Subscriber.to_wire)

    def get(self, caller: Caller, subscriber_id: str) -> Subscriber:
        found = subscribers_of(caller.environment).live.get(subscriber_id)
        if found is None:
            raise NotFound(f"Subscriber not found for id {subscriber_id}")
        return found

    def update(self, caller: Caller, subscriber_id: str, body: dict[str, Any]) -> Subscriber:
        fields = _fields(body)
        with self.backend.store.lock:
            found = subscribers_of(caller.environment).live.get(subscriber_id)
            if found is None:
                raise BadRequest(f"SubscriberId: {subscriber_id} not found")
            self._change(found, fields)
            return found

    def remove(self, caller: Caller, subscriber_id: str) -> None:
        self.get(caller, subscriber_id)
        self.backend.remove(caller, subscriber_id)

    def _change(self, subscriber: Subscriber, fields: dict[str, Any]) -> None:
        """update-subscriber: `email` is set when given (null too), the rest when not null;
        nothing changes (and `updatedAt` stays) when every value is the stored one."""
        changes = {
            name: value for name, value in fields.items() if value is not None or name == "email"
        }
        if any(subscriber.profile.get(name, None) != value for name, value in changes.items()):
            self.backend.change(subscriber, changes)


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The v1 fields the body gives, checked as the v2 DTO checks them (`@IsEmail`,
    `@IsLocale`)."""
    profile = checked_profile({name: body[name] for name in V1_FIELDS if name in body})
    return {name: profile[name] for name in V1_FIELDS if name in profile}
