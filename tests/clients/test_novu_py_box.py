"""Novu in a box through the official Python SDK (novu-py), unchanged: an app's first calls
(workflows, subscribers, topics, triggers) against a live `mockserver serve`, with the bundled
spec and with Novu's published document as the contract (strict both times), and what the
trigger delivered read back from the outbox, messages and the activity feed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from novu_py import Novu, models

from tests.live import LiveServer

pytestmark = pytest.mark.live


def outbox(server: LiveServer, **filters: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = httpx.get(f"{server.url}/__mock/outbox", params=filters).json()[
        "data"
    ]
    return entries


def test_workflow_subscriber_topic_trigger_and_the_outbox(novu: Novu, server: LiveServer):
    workflow = novu.workflows.create(
        create_workflow_dto={
            "name": "Comment posted",
            "workflow_id": "comment-posted",
            # novu-py sends its model's default, `active: false`, unless told otherwise: Novu
            # then stores the workflow inactive, and a trigger answers trigger_not_active.
            "active": True,
            "steps": [
                {
                    "name": "Email",
                    "type": "email",
                    "control_values": {
                        "subject": "{{ payload.author }} commented",
                        "body": "Hi {{ subscriber.firstName }}: {{ payload.text }}",
                    },
                },
                {
                    "name": "Inbox",
                    "type": "in_app",
                    "control_values": {"body": "{{ payload.text }}"},
                },
            ],
        }
    ).result
    assert (workflow.workflow_id, workflow.status) == ("comment-posted", "ACTIVE")
    assert [step.type for step in workflow.steps] == ["email", "in_app"]

    novu.subscribers.create(
        create_subscriber_request_dto={
            "subscriber_id": "ada",
            "first_name": "Ada",
            "email": "ada@example.com",
        }
    )
    novu.subscribers.create(
        create_subscriber_request_dto={"subscriber_id": "bob", "email": "bob@example.com"}
    )
    topic = novu.topics.create(
        create_update_topic_request_dto={"key": "post-42", "name": "Post 42"}
    ).result
    assert topic.key == "post-42"
    subscribed = novu.topics.subscriptions.create(
        topic_key="post-42",
        create_topic_subscriptions_request_dto={"subscriber_ids": ["ada", "bob"]},
    ).result
    assert (subscribed.meta.successful, subscribed.meta.failed) == (2, 0)

    direct = novu.trigger(
        trigger_event_request_dto={
            "workflow_id": "comment-posted",
            "to": "ada",
            "payload": {"author": "Bob", "text": "Nice post"},
        }
    ).result
    assert direct.status == models.TriggerEventResponseDtoStatus.PROCESSED
    assert direct.transaction_id is not None
    (email,) = outbox(server, transaction=direct.transaction_id, channel="email")
    assert email["to"] == {"email": "ada@example.com"}
    assert (email["subject"], email["body"]) == ("Bob commented", "Hi Ada: Nice post")

    to_topic = novu.trigger(
        trigger_event_request_dto={
            "workflow_id": "comment-posted",
            "to": {"type": "Topic", "topic_key": "post-42"},
            "actor": "bob",
            "payload": {"author": "Bob", "text": "Reply"},
        }
    ).result
    assert to_topic.transaction_id is not None
    reached = {e["subscriberId"] for e in outbox(server, transaction=to_topic.transaction_id)}
    assert reached == {"ada"}  # bob is the actor

    bulk = novu.trigger_bulk(
        bulk_trigger_event_dto={
            "events": [
                {"workflow_id": "comment-posted", "to": "bob", "payload": {"text": "1"}},
                {"workflow_id": "missing", "to": "bob", "payload": {}},
            ]
        }
    ).result
    assert [item.status for item in bulk] == [
        models.TriggerEventResponseDtoStatus.PROCESSED,
        models.TriggerEventResponseDtoStatus.ERROR,
    ]
    assert novu.cancel(transaction_id=direct.transaction_id).result is False

    messages = novu.messages.retrieve(request={"subscriber_id": "ada", "channel": "email"}).result
    assert [m.transaction_id for m in messages.data] == [
        to_topic.transaction_id,
        direct.transaction_id,
    ]
    activity = novu.notifications.list(request={"subscriber_ids": ["ada"]}).result
    assert len(activity.data) == 2


def test_workflow_and_topic_lifecycles(novu: Novu):
    made = novu.workflows.create(
        create_workflow_dto={
            "name": "Digest",
            "workflow_id": "digest",
            "active": True,
            "steps": [{"name": "Inbox", "type": "in_app", "control_values": {"body": "x"}}],
        }
    ).result
    listed = novu.workflows.list(request={}).result
    assert "digest" in {w.workflow_id for w in listed.workflows}
    patched = novu.workflows.patch(workflow_id="digest", patch_workflow_dto={"active": False})
    assert patched.result.status == "INACTIVE"
    fetched = novu.workflows.get(workflow_id=made.id).result
    assert fetched.workflow_id == "digest"
    inactive = novu.trigger(trigger_event_request_dto={"workflow_id": "digest", "to": "x"})
    assert inactive.result.status == models.TriggerEventResponseDtoStatus.TRIGGER_NOT_ACTIVE
    novu.workflows.delete(workflow_id="digest")
    with pytest.raises(models.ErrorDto) as missing:
        novu.workflows.get(workflow_id="digest")
    assert missing.value.data.status_code == 404

    novu.topics.create(create_update_topic_request_dto={"key": "ops"})
    renamed = novu.topics.update(topic_key="ops", update_topic_request_dto={"name": "Ops"})
    assert renamed.result.name == "Ops"
    assert "ops" in {t.key for t in novu.topics.list(request={}).result.data}
    assert novu.topics.get(topic_key="ops").result.name == "Ops"
    assert novu.topics.delete(topic_key="ops").result.acknowledged is True
