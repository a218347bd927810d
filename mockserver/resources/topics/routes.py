"""One thin handler per operationId of the topics resource."""

from __future__ import annotations

from typing import Any

from mockserver.novu.errors import NovuError
from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.topics.backend import TopicsBackend
from mockserver.resources.topics.models import Subscription, Topic, subscriber_summary
from mockserver.resources.topics.v1 import TopicsV1
from mockserver.state.clock import iso_timestamp


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def upsert(backend: TopicsBackend, call: Exchange) -> Reply:
    fail = str(call.query.get("failIfExists", "")).lower() == "true"
    topic, made = backend.upsert(call.caller, _body(call), fail_if_exists=fail)
    return Reply(201 if made else 200, topic.to_wire())


def search(backend: TopicsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.search(call.caller, call.query).to_wire(Topic.to_wire))


def get(backend: TopicsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.get(call.caller, call.path["topicKey"]).to_wire())


def update(backend: TopicsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.update(call.caller, call.path["topicKey"], _body(call)).to_wire())


def remove(backend: TopicsBackend, call: Exchange) -> Reply:
    backend.remove(call.caller, call.path["topicKey"])
    return Reply(200, {"acknowledged": True})


def _held(subscription: Subscription, topic: Topic, subscriber: Any) -> dict[str, Any]:
    """A subscription as the create and delete answers write it."""
    summary = subscriber_summary(subscriber)
    wire = subscriber.to_wire()
    summary.update({"createdAt": wire["createdAt"], "updatedAt": wire["updatedAt"]})
    return {
        "_id": subscription.id,
        "identifier": subscription.identifier,
        "topic": topic.reference(),
        "subscriber": summary,
        "createdAt": iso_timestamp(subscription.created_at),
        "updatedAt": iso_timestamp(subscription.updated_at),
    }


def _outcome(
    status: int, held: list[tuple[Subscription, Topic, Any]], errors: list[Any], asked: int
) -> Reply:
    result: dict[str, Any] = {
        "data": [_held(*item) for item in held],
        "meta": {"totalCount": asked, "successful": len(held), "failed": len(errors)},
    }
    if errors:
        result["errors"] = errors
    if errors and not held:
        # Every one failed: Novu throws the result as a BadRequestException.
        raise NovuError(400, errors[0]["message"], fields=result)
    return Reply(status, result)


def subscribe(backend: TopicsBackend, call: Exchange) -> Reply:
    held, errors, asked = backend.subscribe(call.caller, call.path["topicKey"], _body(call))
    return _outcome(201, held, errors, asked)


def unsubscribe(backend: TopicsBackend, call: Exchange) -> Reply:
    removed, errors, asked = backend.unsubscribe(call.caller, call.path["topicKey"], _body(call))
    return _outcome(200, removed, errors, asked)


def _listed(
    backend: TopicsBackend, call: Exchange, subscription: Subscription, topic: Topic
) -> dict[str, Any]:
    """A subscription as the list routes write it (TopicSubscriptionResponseDto)."""
    subscriber = backend.subscriber(call.caller.environment, subscription.subscriber_id)
    return {
        "_id": subscription.id,
        "identifier": subscription.identifier,
        "createdAt": iso_timestamp(subscription.created_at),
        "topic": topic.to_wire(),
        "subscriber": subscriber_summary(subscriber) if subscriber is not None else None,
    }


def list_subscriptions(backend: TopicsBackend, call: Exchange) -> Reply:
    topic = backend.get(call.caller, call.path["topicKey"])
    page = backend.subscriptions(call.caller, call.path["topicKey"], call.query)
    return Reply(200, page.to_wire(lambda held: _listed(backend, call, held, topic)))


def list_subscriber_topics(backend: TopicsBackend, call: Exchange) -> Reply:
    page = backend.subscriptions_of(call.caller, call.path["subscriberId"], call.query)
    return Reply(200, page.to_wire(lambda item: _listed(backend, call, *item)))


def get_subscription(backend: TopicsBackend, call: Exchange) -> Reply:
    held = backend.subscription(call.caller, call.path["topicKey"], call.path["identifier"])
    wire: dict[str, Any] = {"id": held.id, "identifier": held.identifier, "preferences": []}
    if held.name is not None:
        wire["name"] = held.name
    return Reply(200, wire)


def create_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    return Reply(201, TopicsV1(backend).create(call.caller, _body(call)))


def list_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    return Reply(200, TopicsV1(backend).page(call.caller, call.query))


def get_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    topics = TopicsV1(backend)
    return Reply(200, topics.wire(call.caller, topics.get(call.caller, call.path["topicKey"])))


def rename_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    topics = TopicsV1(backend)
    renamed = topics.rename(call.caller, call.path["topicKey"], _body(call))
    return Reply(200, topics.wire(call.caller, renamed))


def delete_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    TopicsV1(backend).remove(call.caller, call.path["topicKey"])
    return Reply(204, None)


def add_subscribers_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    return Reply(200, TopicsV1(backend).add(call.caller, call.path["topicKey"], _body(call)))


def remove_subscribers_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    TopicsV1(backend).remove_members(call.caller, call.path["topicKey"], _body(call))
    return Reply(204, None)


def get_subscriber_v1(backend: TopicsBackend, call: Exchange) -> Reply:
    held = TopicsV1(backend).member(
        call.caller, call.path["topicKey"], call.path["externalSubscriberId"]
    )
    return Reply(200, held)


HANDLERS: dict[str, Handler] = {
    "TopicsController_upsertTopic": upsert,
    "TopicsController_listTopics": search,
    "TopicsController_getTopic": get,
    "TopicsController_updateTopic": update,
    "TopicsController_deleteTopic": remove,
    "TopicsController_createTopicSubscriptions": subscribe,
    "TopicsController_deleteTopicSubscriptions": unsubscribe,
    "TopicsController_listTopicSubscriptions": list_subscriptions,
    "TopicsController_getTopicSubscription": get_subscription,
    "SubscribersController_listSubscriberTopics": list_subscriber_topics,
    "TopicsV1Controller_createTopic": create_v1,
    "TopicsV1Controller_listTopics": list_v1,
    "TopicsV1Controller_getTopic": get_v1,
    "TopicsV1Controller_renameTopic": rename_v1,
    "TopicsV1Controller_deleteTopic": delete_v1,
    "TopicsV1Controller_addSubscribers": add_subscribers_v1,
    "TopicsV1Controller_removeSubscribers": remove_subscribers_v1,
    "TopicsV1Controller_getTopicSubscriber": get_subscriber_v1,
}
