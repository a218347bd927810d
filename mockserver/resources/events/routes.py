"""One thin handler per operationId of the events resource."""

from __future__ import annotations

from typing import Any

from mockserver.novu.errors import BadRequest
from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.events import inbox
from mockserver.resources.events.backend import EventsBackend


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def trigger(backend: EventsBackend, call: Exchange) -> Reply:
    return Reply(201, backend.trigger(call.caller, _body(call)))


def trigger_bulk(backend: EventsBackend, call: Exchange) -> Reply:
    events = _body(call).get("events")
    return Reply(201, backend.bulk(call.caller, events if isinstance(events, list) else []))


def broadcast(backend: EventsBackend, call: Exchange) -> Reply:
    return Reply(201, backend.broadcast(call.caller, _body(call)))


def cancel(backend: EventsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.cancel(call.caller, call.path["transactionId"]))


def messages(backend: EventsBackend, call: Exchange) -> Reply:
    page, total, number, size = backend.messages(
        call.caller, call.query, call.query_list("transactionId")
    )
    environment = call.caller.environment
    data = []
    for message in page:
        subscriber = backend.subscriber_view(environment, message.subscriber_internal_id)
        data.append(message.to_wire(subscriber.to_wire() if subscriber is not None else None))
    return Reply(
        200,
        {
            "page": number,
            "totalCount": total,
            "hasMore": number * size + len(page) < total,
            "pageSize": size,
            "data": data,
        },
    )


def notifications(backend: EventsBackend, call: Exchange) -> Reply:
    lists = {name: call.query_list(name) for name in ("channels", "templates", "subscriberIds")}
    page, number, size = backend.notifications(call.caller, call.query, lists)
    environment = call.caller.environment
    data = []
    for notification in page:
        subscriber = backend.subscriber_view(environment, notification.subscriber_internal_id)
        data.append(notification.to_wire(subscriber.to_wire() if subscriber else None))
    return Reply(
        200, {"page": number, "hasMore": len(page) == size, "pageSize": size, "data": data}
    )


def subscriber_feed(backend: EventsBackend, call: Exchange) -> Reply:
    subscriber_id = call.path["subscriberId"]
    subscriber = backend.find_subscriber(call.caller.environment, subscriber_id)
    if subscriber is None:
        raise inbox.unknown(subscriber_id)
    page, more, wanted = inbox.feed(call.caller, subscriber.id, call.query)
    wire = subscriber.to_wire()
    return Reply(200, {"data": [m.to_inbox(wire) for m in page], "hasMore": more, "filter": wanted})


def subscriber_feed_count(backend: EventsBackend, call: Exchange) -> Reply:
    subscriber_id = call.path["subscriberId"]
    environment = call.caller.environment
    subscriber = backend.find_subscriber(environment, subscriber_id)
    if subscriber is None:
        raise BadRequest(
            f"Subscriber {subscriber_id} doesn't exist in environment {environment.id}"
        )
    return Reply(200, inbox.counts(call.caller, subscriber.id, call.query.get("filters", "[]")))


HANDLERS: dict[str, Handler] = {
    "EventsController_trigger": trigger,
    "EventsController_triggerBulk": trigger_bulk,
    "EventsController_broadcastEventToAll": broadcast,
    "EventsController_cancel": cancel,
    "MessagesController_getMessages": messages,
    "NotificationsController_listNotifications": notifications,
    "SubscribersController_getSubscriberNotifications": subscriber_feed,
    "SubscribersController_getSubscriberNotificationsCount": subscriber_feed_count,
}
