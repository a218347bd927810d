"""One thin handler per operationId of the subscribers resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.subscribers.backend import SubscribersBackend
from mockserver.resources.subscribers.channels import SubscriberChannels
from mockserver.resources.subscribers.preferences import SubscriberPreferences
from mockserver.resources.subscribers.v1 import SubscribersV1


@dataclass(frozen=True)
class Services:
    """What the handlers work with: the v2 rules, credentials and online flag (v1),
    preferences, and v1's own profile routes."""

    backend: SubscribersBackend
    channels: SubscriberChannels
    preferences: SubscriberPreferences
    v1: SubscribersV1


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def create(services: Services, call: Exchange) -> Reply:
    fail = str(call.query.get("failIfExists", "")).lower() == "true"
    made = services.backend.create(call.caller, _body(call), fail_if_exists=fail)
    return Reply(201, made.to_wire())


def get(services: Services, call: Exchange) -> Reply:
    return Reply(200, services.backend.get(call.caller, call.path["subscriberId"]).to_wire())


def patch(services: Services, call: Exchange) -> Reply:
    changed = services.backend.patch(call.caller, call.path["subscriberId"], _body(call))
    return Reply(200, changed.to_wire())


def remove(services: Services, call: Exchange) -> Reply:
    services.backend.remove(call.caller, call.path["subscriberId"])
    return Reply(200, {"acknowledged": True, "status": "deleted"})


def search(services: Services, call: Exchange) -> Reply:
    page = services.backend.search(call.caller, call.query)
    return Reply(200, page.to_wire(lambda subscriber: subscriber.to_wire()))


def bulk_create(services: Services, call: Exchange) -> Reply:
    items = _body(call).get("subscribers")
    listed = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    return Reply(201, services.backend.bulk_create(call.caller, listed))


def update_credentials(services: Services, call: Exchange) -> Reply:
    subscriber = services.channels.set_credentials(
        call.caller, call.path["subscriberId"], _body(call), replace=True
    )
    return Reply(200, subscriber.to_wire())


def modify_credentials(services: Services, call: Exchange) -> Reply:
    subscriber = services.channels.set_credentials(
        call.caller, call.path["subscriberId"], _body(call), replace=False
    )
    return Reply(200, subscriber.to_wire())


def delete_credentials(services: Services, call: Exchange) -> Reply:
    services.channels.remove_credentials(
        call.caller, call.path["subscriberId"], call.path["providerId"]
    )
    return Reply(204, None)


def online_status(services: Services, call: Exchange) -> Reply:
    online = _body(call).get("isOnline") is True
    subscriber = services.channels.set_online(call.caller, call.path["subscriberId"], online)
    return Reply(200, subscriber.to_wire())


def get_preferences(services: Services, call: Exchange) -> Reply:
    return Reply(200, services.preferences.read(call.caller, call.path["subscriberId"]))


def update_preferences(services: Services, call: Exchange) -> Reply:
    answer = services.preferences.update(call.caller, call.path["subscriberId"], _body(call))
    return Reply(200, answer)


def create_v1(services: Services, call: Exchange) -> Reply:
    return Reply(201, services.v1.create(call.caller, _body(call)).to_wire())


def list_v1(services: Services, call: Exchange) -> Reply:
    return Reply(200, services.v1.page(call.caller, call.query))


def get_v1(services: Services, call: Exchange) -> Reply:
    return Reply(200, services.v1.get(call.caller, call.path["subscriberId"]).to_wire())


def update_v1(services: Services, call: Exchange) -> Reply:
    changed = services.v1.update(call.caller, call.path["subscriberId"], _body(call))
    return Reply(200, changed.to_wire())


def remove_v1(services: Services, call: Exchange) -> Reply:
    services.v1.remove(call.caller, call.path["subscriberId"])
    return Reply(200, {"acknowledged": True, "status": "deleted"})


HANDLERS: dict[str, Handler] = {
    "SubscribersController_createSubscriber": create,
    "SubscribersController_getSubscriber": get,
    "SubscribersController_patchSubscriber": patch,
    "SubscribersController_removeSubscriber": remove,
    "SubscribersController_searchSubscribers": search,
    "SubscribersV1Controller_bulkCreateSubscribers": bulk_create,
    "SubscribersV1Controller_updateSubscriberChannel": update_credentials,
    "SubscribersV1Controller_modifySubscriberChannel": modify_credentials,
    "SubscribersV1Controller_deleteSubscriberCredentials": delete_credentials,
    "SubscribersV1Controller_updateSubscriberOnlineFlag": online_status,
    "SubscribersController_getSubscriberPreferences": get_preferences,
    "SubscribersV1Controller_createSubscriber": create_v1,
    "SubscribersV1Controller_listSubscribers": list_v1,
    "SubscribersV1Controller_getSubscriber": get_v1,
    "SubscribersV1Controller_updateSubscriber": update_v1,
    "SubscribersV1Controller_removeSubscriber": remove_v1,
    "SubscribersController_updateSubscriberPreferences": update_preferences,
}
