"""One thin handler per operationId of the subscribers resource."""

from __future__ import annotations

from typing import Any

from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.subscribers.backend import SubscribersBackend


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def create(backend: SubscribersBackend, call: Exchange) -> Reply:
    fail = str(call.query.get("failIfExists", "")).lower() == "true"
    made = backend.create(call.caller, _body(call), fail_if_exists=fail)
    return Reply(201, made.to_wire())


def get(backend: SubscribersBackend, call: Exchange) -> Reply:
    return Reply(200, backend.get(call.caller, call.path["subscriberId"]).to_wire())


def patch(backend: SubscribersBackend, call: Exchange) -> Reply:
    changed = backend.patch(call.caller, call.path["subscriberId"], _body(call))
    return Reply(200, changed.to_wire())


def remove(backend: SubscribersBackend, call: Exchange) -> Reply:
    backend.remove(call.caller, call.path["subscriberId"])
    return Reply(200, {"acknowledged": True, "status": "deleted"})


def search(backend: SubscribersBackend, call: Exchange) -> Reply:
    page = backend.search(call.caller, call.query)
    return Reply(200, page.to_wire(lambda subscriber: subscriber.to_wire()))


def bulk_create(backend: SubscribersBackend, call: Exchange) -> Reply:
    items = _body(call).get("subscribers")
    listed = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return Reply(201, backend.bulk_create(call.caller, listed))


HANDLERS: dict[str, Handler] = {
    "SubscribersController_createSubscriber": create,
    "SubscribersController_getSubscriber": get,
    "SubscribersController_patchSubscriber": patch,
    "SubscribersController_removeSubscriber": remove,
    "SubscribersController_searchSubscribers": search,
    "SubscribersV1Controller_bulkCreateSubscribers": bulk_create,
}
