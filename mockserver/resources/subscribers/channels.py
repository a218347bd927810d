"""A subscriber's chat and push credentials (v1) and online flag.

From novuhq/novu `apps/api/src/app/subscribers/usecases`: update-subscriber-channel (an
active integration of the provider is needed; only `webhookUrl`, `deviceTokens` and `channel`
are kept; PUT replaces the tokens, PATCH adds to them, and a request without tokens leaves
none), delete-subscriber-credentials (every entry of the provider pulled) and
update-subscriber-online-flag (`lastOnlineAt` set when the subscriber goes offline).
"""

from __future__ import annotations

from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, NotFound
from mockserver.resources.ports import IntegrationSelector
from mockserver.resources.subscribers.models import Subscriber
from mockserver.resources.subscribers.state import subscribers_of
from mockserver.state.clock import Clock, iso_timestamp
from mockserver.state.store import Store

_KEPT = ("webhookUrl", "channel")


class SubscriberChannels:
    def __init__(self, store: Store, clock: Clock, integrations: Any) -> None:
        self.store = store
        self.clock = clock
        # A callable giving the integration selector (ports.IntegrationSelector) or None.
        self.integrations = integrations

    def set_credentials(
        self, caller: Caller, subscriber_id: str, body: dict[str, Any], *, replace: bool
    ) -> Subscriber:
        environment = caller.environment
        with self.store.lock:
            subscriber = subscribers_of(environment).live.get(subscriber_id)
            if subscriber is None:
                raise BadRequest(f"SubscriberId: {subscriber_id} not found")
            provider_id = str(body.get("providerId") or "")
            selector: IntegrationSelector | None = self.integrations()
            integration = selector.active_provider(environment, provider_id) if selector else None
            wanted = body.get("integrationIdentifier")
            if integration is not None and isinstance(wanted, str):
                integration = integration if integration.identifier == wanted else None
            if integration is None:
                raise BadRequest(
                    f"Subscribers environment ({environment.id}) do not have active "
                    f"{provider_id} integration."
                )
            raw = body.get("credentials")
            given: dict[str, Any] = raw if isinstance(raw, dict) else {}
            kept = {key: given[key] for key in _KEPT if key in given}
            tokens = given.get("deviceTokens")
            channels = [dict(entry) for entry in subscriber.channels]
            existing = next(
                (
                    entry
                    for entry in channels
                    if entry.get("providerId") == provider_id
                    and entry.get("_integrationId") == integration.id
                ),
                None,
            )
            if existing is None:
                credentials = dict(kept)
                if isinstance(tokens, list):
                    credentials["deviceTokens"] = _unique(tokens)
                entry = {
                    "providerId": provider_id,
                    "credentials": credentials,
                    "_integrationId": integration.id,
                }
                if isinstance(wanted, str):
                    entry["integrationIdentifier"] = wanted
                channels.append(entry)
            else:
                stored = dict(existing.get("credentials") or {})
                before = stored.get("deviceTokens") or []
                if not isinstance(tokens, list):
                    # Novu's quirk: a request without tokens leaves the list empty.
                    merged: list[str] = []
                elif replace or not tokens:
                    merged = _unique(tokens)
                else:
                    merged = _unique([*before, *tokens])
                existing["credentials"] = {**stored, **kept, "deviceTokens": merged}
            self.store.update(subscriber, channels=channels, updated_at=self.clock.now())
            return subscriber

    def remove_credentials(self, caller: Caller, subscriber_id: str, provider_id: str) -> None:
        with self.store.lock:
            subscriber = subscribers_of(caller.environment).live.get(subscriber_id)
            if subscriber is None:
                raise NotFound(f"Subscriber not found for id {subscriber_id}")
            kept = [e for e in subscriber.channels if e.get("providerId") != provider_id]
            self.store.update(subscriber, channels=kept, updated_at=self.clock.now())

    def set_online(self, caller: Caller, subscriber_id: str, online: bool) -> Subscriber:
        with self.store.lock:
            subscriber = subscribers_of(caller.environment).live.get(subscriber_id)
            if subscriber is None:
                raise NotFound(f"Subscriber not found for id {subscriber_id}")
            profile: dict[str, Any] = {**subscriber.profile, "isOnline": online}
            if not online:
                profile["lastOnlineAt"] = iso_timestamp(self.clock.now())
            self.store.update(subscriber, profile=profile, updated_at=self.clock.now())
            return subscriber


def _unique(tokens: list[Any]) -> list[str]:
    return list(dict.fromkeys(str(token) for token in tokens))
