"""What Novu's worker does after a trigger is answered, done at once: recipients resolved,
subscribers kept, a notification per recipient and, per channel step, a message through the
integration the worker would choose, or the failure it would record.

From novuhq/novu: libs/application-generic `trigger-event` (a reused transaction id is
dropped), `trigger-multicast` (subscribers first, de-duplicated, the last object winning;
then topic members, minus those listed and the actor), apps/worker `subscriber-job-bound` and
`process-subscriber` (a recipient is created or updated, even from a bare id),
`select-integration` (integrations.resource.select_integration) and the send-message use
cases (a message per step; no address: the message is kept with status `warning`).
Digest and delay steps: on a running clock what follows them is delivered at once; on a
frozen clock (`--frozen-time`) the rest of the run waits, as a `delayed` job, until the clock
is moved past its time (`POST /__mock/clock`), and `cancel` can drop it. A digest gathers:
while one waits for a subscriber (per workflow, step and digest key), a later trigger's run
is merged into it instead of running on (Novu's `merged` job), and when it comes due the steps
after it run once, with every event at `steps.<stepId>.events` / `eventCount` (v2, the
framework's digest result `{id, time, payload}`) and `step.events` / `step.total_count` (v1
templates). Cancelling the waiting run's transaction promotes the next merged one (Novu's
cancel-delayed); cancelling a merged one's takes its event out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import orjson

from mockserver.resources.events.models import Failure, Message, Notification
from mockserver.resources.events.state import events_of
from mockserver.resources.events.templates import TemplateError, render
from mockserver.resources.ports import (
    IntegrationSelector,
    SubscriberDirectory,
    TenantDirectory,
    TopicMembership,
)
from mockserver.state.clock import iso_timestamp
from mockserver.state.store import Environment

CHANNEL_STEPS = ("in_app", "email", "sms", "chat", "push")
HOLDING_STEPS = ("delay", "digest")
# A delay's or digest's `unit`, in seconds (a month as Novu's date library adds one, ~30 days).
_UNIT_SECONDS = {
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 604800,
    "months": 2592000,
}
# Chat and push providers keep their address in the subscriber's channel credentials.
_CREDENTIAL_CHANNELS = ("chat", "push")


@dataclass(frozen=True)
class Ports:
    """What delivery reads of the other resources (None: the server runs without one)."""

    subscribers: SubscriberDirectory | None
    integrations: IntegrationSelector | None
    topics: TopicMembership | None
    tenants: TenantDirectory | None = None


@dataclass(frozen=True)
class Trigger:
    """One trigger, accepted: what the worker is handed."""

    environment: Environment
    workflow: Any
    transaction_id: str
    to: Any
    payload: dict[str, Any]
    overrides: dict[str, Any]
    actor: Any
    moment: datetime
    # The stored tenant the trigger named, as its answer writes it (None: none named), and
    # its `context`, each entry `{id, data?}`: what an integration's conditions and rules read.
    tenant: dict[str, Any] | None = None
    context: dict[str, Any] | None = None


@dataclass(frozen=True)
class Merged:
    """One trigger's run as a digest holds it: what it would go on with, and its event."""

    trigger: Trigger
    notification: Notification
    variables: dict[str, Any]


@dataclass(frozen=True)
class Held:
    """What is left of one recipient's run while a delay or digest waits (Novu's `delayed`
    job): the steps from `next_step` on, due at `due`. A digest's run also has its `key`
    (workflow, step, subscriber and digest key value) and the runs merged into it, its own
    first."""

    trigger: Trigger
    subscriber: Any
    notification: Notification
    variables: dict[str, Any]
    next_step: int
    due: datetime
    key: tuple[str, ...] | None = None
    merged: list[Merged] = field(default_factory=list)


def recipients_of(
    to: Any, actor_id: str | None, topics: TopicMembership | None, environment: Environment
) -> list[tuple[str, Mapping[str, Any]]]:
    """(subscriberId, fields to keep) per recipient, in Novu's order: the subscribers listed,
    de-duplicated with the last object winning, then the topics' members not already listed
    and not the actor. A missing topic adds nobody (the worker throws after queueing the
    listed subscribers)."""
    items = to if isinstance(to, list) else [to]
    listed: dict[str, Mapping[str, Any]] = {}
    topic_keys: list[str] = []
    for item in items:
        if isinstance(item, str) and item.strip():
            listed[item.strip()] = listed.get(item.strip(), {})
        elif isinstance(item, dict) and item.get("type") == "Topic":
            if isinstance(item.get("topicKey"), str):
                topic_keys.append(item["topicKey"])
        elif isinstance(item, dict) and isinstance(item.get("subscriberId"), str):
            subscriber_id = item["subscriberId"].strip()
            if subscriber_id:
                listed.pop(subscriber_id, None)
                listed[subscriber_id] = item
    recipients = list(listed.items())
    if topic_keys and topics is not None:
        excluded = {
            str(exclude)
            for item in items
            if isinstance(item, dict) and item.get("type") == "Topic"
            for exclude in (item.get("exclude") or [])
        }
        members = topics.topic_members(environment, topic_keys)
        if isinstance(members, list):
            for subscriber_id in members:
                if (
                    subscriber_id not in listed
                    and subscriber_id != actor_id
                    and subscriber_id not in excluded
                ):
                    listed[subscriber_id] = {}
                    recipients.append((subscriber_id, {}))
    return recipients


def deliver(trigger: Trigger, ports: Ports, *, hold: bool = False) -> int:
    """Run the trigger's workflow for every recipient; how many messages it made. With
    `hold`, a delay or digest keeps the steps after it back until the clock passes it."""
    environment = trigger.environment
    state = events_of(environment)
    if not state.claim_transaction(trigger.transaction_id):
        # The worker: "transactionId property is not unique": dropped, silently.
        return 0
    if ports.subscribers is None:
        return 0
    actor_id = _actor_id(trigger.actor)
    actor_view: dict[str, Any] = {}
    if actor_id is not None:
        fields: Mapping[str, Any] = trigger.actor if isinstance(trigger.actor, dict) else {}
        actor_view = ports.subscribers.upsert_recipient(environment, actor_id, fields).to_wire()
    made = 0
    for subscriber_id, fields in recipients_of(trigger.to, actor_id, ports.topics, environment):
        subscriber = ports.subscribers.upsert_recipient(environment, subscriber_id, fields)
        recipient = {**fields, "subscriberId": subscriber_id}
        made += _run_for(trigger, ports, subscriber, actor_view, recipient, hold=hold)
    return made


def resume(held: Held, ports: Ports) -> int:
    """Run what a delay or digest held back, as at the time it came due; a digest's steps
    see every event merged into it."""
    trigger = replace(held.trigger, moment=held.due)
    variables = held.variables
    if held.key is not None:
        step = trigger.workflow.steps[held.next_step - 1]
        variables = _with_digest(variables, step.step_id, held.merged)
    return _run_steps(trigger, ports, held.subscriber, held.notification, variables, held.next_step)


def promoted(held: Held, cancelled: str) -> Held | None:
    """A digest's run once the transaction `cancelled` is taken out of it: the same run
    without that event, or, when it was the waiting run's own, the next merged run in its
    place (None when none is left)."""
    kept = [m for m in held.merged if m.trigger.transaction_id != cancelled]
    if not kept:
        return None
    if held.trigger.transaction_id != cancelled:
        return replace(held, merged=kept)
    first = kept[0]
    return replace(
        held,
        trigger=first.trigger,
        notification=first.notification,
        variables=first.variables,
        merged=kept,
    )


def _run_for(
    trigger: Trigger,
    ports: Ports,
    subscriber: Any,
    actor: dict[str, Any],
    recipient: dict[str, Any],
    *,
    hold: bool,
) -> int:
    """One recipient's notification and messages; `recipient` is its `to` object (a bare id
    becomes `{subscriberId}`, as the worker's job holds it)."""
    environment, workflow = trigger.environment, trigger.workflow
    state = events_of(environment)
    notification = Notification(
        id=environment.ids.object_id(trigger.moment),
        environment_id=environment.id,
        organization_id=environment.organization_id,
        transaction_id=trigger.transaction_id,
        workflow_db_id=workflow.id,
        workflow_identifier=workflow.workflow_id,
        workflow_name=workflow.name,
        subscriber_internal_id=subscriber.id,
        subscriber_id=subscriber.subscriber_id,
        channels=[step.type for step in workflow.steps],
        payload=trigger.payload,
        to=recipient,
        tags=list(workflow.tags),
        created_at=trigger.moment,
    )
    state.add_notification(notification)
    variables = {
        "subscriber": subscriber.to_wire(),
        "payload": trigger.payload,
        "actor": actor,
        "workflow": {"workflowId": workflow.workflow_id, "name": workflow.name},
    }
    return _run_steps(trigger, ports, subscriber, notification, variables, 0, hold=hold)


def _run_steps(
    trigger: Trigger,
    ports: Ports,
    subscriber: Any,
    notification: Notification,
    variables: dict[str, Any],
    start: int,
    *,
    hold: bool = True,
) -> int:
    """The workflow's steps from `start` on: a message (or failure) per channel step, until a
    delay or digest holds the rest back (when `hold`)."""
    state = events_of(trigger.environment)
    steps = trigger.workflow.steps
    made = 0
    for index in range(start, len(steps)):
        step = steps[index]
        if step.type in HOLDING_STEPS:
            wait = _wait_seconds(step.control_values)
            own = Merged(trigger, notification, variables)
            if hold and wait > 0:
                due = trigger.moment + timedelta(seconds=wait)
                key = _digest_key(trigger, step, subscriber, variables)
                waiting = state.waiting_digest(key, trigger.moment) if key else None
                if waiting is not None:
                    waiting.merged.append(own)
                    return made
                held = Held(trigger, subscriber, notification, variables, index + 1, due, key)
                if key is not None:
                    held.merged.append(own)
                state.hold(held)
                return made
            if step.type == "digest":
                variables = _with_digest(variables, step.step_id, [own])
            continue
        if step.type not in CHANNEL_STEPS:
            continue
        entry = _step_outcome(trigger, ports, subscriber, notification, step, variables)
        state.add(entry)
        made += isinstance(entry, Message)
    return made


def _digest_key(
    trigger: Trigger, step: Any, subscriber: Any, variables: dict[str, Any]
) -> tuple[str, ...] | None:
    """What a digest groups by: the workflow, the step, the subscriber and the value of its
    `digestKey` (a Liquid template, or a path into the trigger's variables as v1 wrote it);
    None for a delay."""
    if step.type != "digest":
        return None
    raw = step.control_values.get("digestKey")
    value = ""
    if isinstance(raw, str) and raw:
        try:
            value = render(raw, variables) if "{{" in raw else _lookup(variables, raw)
        except TemplateError:
            value = raw
    return (trigger.workflow.id, step.id, subscriber.id, value)


def _lookup(variables: dict[str, Any], path: str) -> str:
    """A v1 digest key: a payload field by name (`postId`), or a dotted path."""
    current: Any = variables if "." in path else variables.get("payload", {})
    for part in path.split("."):
        current = current.get(part) if isinstance(current, dict) else None
    return "" if current is None else str(current)


def _with_digest(variables: dict[str, Any], step_id: str, merged: list[Merged]) -> dict[str, Any]:
    """The variables the steps after a digest see: its events, oldest first."""
    events = [
        {
            "id": m.notification.id,
            "time": iso_timestamp(m.trigger.moment),
            "payload": m.trigger.payload,
        }
        for m in merged
    ]
    steps = {**variables.get("steps", {}), step_id: {"events": events, "eventCount": len(events)}}
    v1_step = {
        "digest": True,
        "events": [event["payload"] for event in events],
        "total_count": len(events),
    }
    return {**variables, "steps": steps, "step": v1_step}


def _wait_seconds(values: Mapping[str, Any]) -> float:
    amount, unit = values.get("amount"), values.get("unit")
    if not isinstance(amount, int | float) or isinstance(amount, bool) or amount <= 0:
        return 0
    return float(amount) * _UNIT_SECONDS.get(str(unit), 0)


def _step_outcome(
    trigger: Trigger,
    ports: Ports,
    subscriber: Any,
    notification: Notification,
    step: Any,
    variables: dict[str, Any],
) -> Message | Failure:
    environment, channel = trigger.environment, step.type
    if ports.subscribers is not None and not ports.subscribers.takes(
        subscriber, trigger.workflow, channel
    ):
        return _failure(
            trigger,
            step,
            subscriber,
            "STEP_FILTERED_BY_PREFERENCES",
            f"The subscriber switched {channel} off for this workflow",
            status="skipped",
        )
    chosen = _integration(trigger, ports, channel, subscriber)
    if chosen is None and channel != "in_app":
        return _failure(
            trigger,
            step,
            subscriber,
            "SUBSCRIBER_NO_ACTIVE_INTEGRATION",
            f"No active {channel} integration in the environment",
        )
    values = step.control_values
    scope = {**variables, "step": {**variables.get("step", {}), "stepId": step.step_id}}
    try:
        subject = render(values.get("subject"), scope)
        body = render(values.get("body"), scope)
    except TemplateError as broken:
        return _failure(trigger, step, subscriber, "MESSAGE_CONTENT_NOT_GENERATED", str(broken))
    provider_id = "novu" if chosen is None else chosen.provider_id
    address, missing = _address(channel, subscriber, trigger.payload, provider_id)
    if missing is not None and channel in _CREDENTIAL_CHANNELS:
        return _failure(trigger, step, subscriber, "SUBSCRIBER_NO_CHANNEL_DETAILS", missing)
    message = Message(
        id=environment.ids.object_id(trigger.moment),
        environment_id=environment.id,
        organization_id=environment.organization_id,
        notification_id=notification.id,
        subscriber_internal_id=subscriber.id,
        subscriber_id=subscriber.subscriber_id,
        workflow_db_id=trigger.workflow.id,
        workflow_identifier=trigger.workflow.workflow_id,
        step_db_id=step.id,
        step_id=step.step_id,
        channel=channel,
        transaction_id=trigger.transaction_id,
        provider_id=provider_id,
        integration_identifier=None if chosen is None else chosen.identifier,
        subject=subject,
        content=body,
        address=address,
        payload=trigger.payload,
        overrides=trigger.overrides,
        created_at=trigger.moment,
        cta=_cta(channel, values),
        workflow_name=trigger.workflow.name,
        tags=list(trigger.workflow.tags),
    )
    if missing is not None:
        message.status = "warning"
        message.error_id, message.error_text = _MISSING_ADDRESS[channel]
    message.size = _size(message.to_outbox())
    return message


# send-message-email.usecase.ts ("Subscriber does not have an email address"); the SMS
# wording is send-message-sms.usecase.ts's.
_MISSING_ADDRESS = {
    "email": ("mail_unexpected_error", "Subscriber does not have an email address"),
    "sms": ("no_subscriber_phone", "Subscriber does not have active phone"),
}


def _integration(trigger: Trigger, ports: Ports, channel: str, subscriber: Any) -> Any:
    if ports.integrations is None:
        return None
    chosen_by_override = trigger.overrides.get(channel)
    identifier = None
    if isinstance(chosen_by_override, dict):
        named = chosen_by_override.get("integrationIdentifier")
        identifier = named if isinstance(named, str) else None
    return ports.integrations.select_integration(
        trigger.environment,
        channel,
        identifier,
        tenant=trigger.tenant,
        subscriber=subscriber,
        context=trigger.context,
    )


def _address(
    channel: str, subscriber: Any, payload: dict[str, Any], provider_id: str
) -> tuple[dict[str, Any], str | None]:
    """Where the message goes, and why it cannot go (None: it can)."""
    profile = subscriber.profile
    if channel == "email":
        email = payload.get("email") or profile.get("email")
        return ({"email": email}, None) if email else ({}, "no email")
    if channel == "sms":
        phone = payload.get("phone") or profile.get("phone")
        return ({"phone": phone}, None) if phone else ({}, "no phone")
    if channel in _CREDENTIAL_CHANNELS:
        for entry in subscriber.channels:
            if entry.get("providerId") != provider_id:
                continue
            credentials = entry.get("credentials") or {}
            if channel == "push" and credentials.get("deviceTokens"):
                return {"deviceTokens": list(credentials["deviceTokens"])}, None
            if channel == "chat" and credentials.get("webhookUrl"):
                return {"directWebhookUrl": credentials["webhookUrl"]}, None
        return {}, f"Subscriber has no {provider_id} credentials for {channel}"
    return {}, None


def _cta(channel: str, values: Mapping[str, Any]) -> dict[str, Any]:
    redirect = values.get("redirect")
    if channel == "in_app" and isinstance(redirect, dict) and redirect.get("url"):
        return {"type": "redirect", "data": {"url": redirect["url"]}}
    return {}


def _failure(
    trigger: Trigger,
    step: Any,
    subscriber: Any,
    reason: str,
    detail: str,
    *,
    status: str = "failed",
) -> Failure:
    failure = Failure(
        id=trigger.environment.ids.object_id(trigger.moment),
        environment_id=trigger.environment.id,
        transaction_id=trigger.transaction_id,
        workflow_identifier=trigger.workflow.workflow_id,
        step_id=step.step_id,
        channel=step.type,
        subscriber_id=subscriber.subscriber_id,
        reason=reason,
        detail=detail,
        created_at=trigger.moment,
        status=status,
    )
    failure.size = _size(failure.to_outbox())
    return failure


def _actor_id(actor: Any) -> str | None:
    if isinstance(actor, str) and actor.strip():
        return actor.strip()
    if isinstance(actor, dict) and isinstance(actor.get("subscriberId"), str):
        return actor["subscriberId"].strip() or None
    return None


def _size(entry: dict[str, Any]) -> int:
    return len(orjson.dumps(entry, default=str))
