"""What a trigger leaves behind: a notification per recipient and a message per channel
step (Novu's `notifications` and `messages` collections), and their wire forms.

Field names from libs/dal's message and notification schemas and the DTOs of
`GET /v1/messages` (MessageResponseDto) and `GET /v1/notifications` (ActivityNotification...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.state.clock import iso_timestamp


@dataclass(slots=True)
class Notification:
    id: str
    environment_id: str
    organization_id: str
    transaction_id: str
    workflow_db_id: str
    workflow_identifier: str
    workflow_name: str
    subscriber_internal_id: str
    subscriber_id: str
    channels: list[str]
    payload: dict[str, Any]
    to: Any
    tags: list[str]
    created_at: datetime

    def to_wire(self, subscriber: dict[str, Any] | None) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "_id": self.id,
            "_environmentId": self.environment_id,
            "_organizationId": self.organization_id,
            "_subscriberId": self.subscriber_internal_id,
            "_templateId": self.workflow_db_id,
            "transactionId": self.transaction_id,
            "createdAt": iso_timestamp(self.created_at),
            "updatedAt": iso_timestamp(self.created_at),
            "channels": list(self.channels),
            "payload": self.payload,
            "tags": list(self.tags),
            "to": self.to,
            "template": {
                "_id": self.workflow_db_id,
                "name": self.workflow_name,
                "triggers": [
                    {"type": "event", "identifier": self.workflow_identifier, "variables": []}
                ],
            },
        }
        if subscriber is not None:
            # Novu's activity DTO types these as strings: a null one is left out.
            wire["subscriber"] = {
                key: subscriber[key]
                for key in ("_id", "subscriberId", "firstName", "lastName", "email", "phone")
                if subscriber.get(key) is not None
            }
        return wire


@dataclass(slots=True)
class Message:
    id: str
    environment_id: str
    organization_id: str
    notification_id: str
    subscriber_internal_id: str
    subscriber_id: str
    workflow_db_id: str
    workflow_identifier: str
    step_db_id: str
    step_id: str
    channel: str
    transaction_id: str
    provider_id: str
    integration_identifier: str | None
    subject: str
    content: str
    # Where it went: the address for the channel (email, phone, device tokens, webhook URL).
    address: dict[str, Any]
    payload: dict[str, Any]
    overrides: dict[str, Any]
    created_at: datetime
    status: str = "sent"
    error_id: str | None = None
    error_text: str | None = None
    cta: dict[str, Any] = field(default_factory=dict)
    workflow_name: str = ""
    tags: list[str] = field(default_factory=list)
    seen: bool = False
    read: bool = False
    archived: bool = False
    # Its size as the outbox holds it, counted once (state.py bounds the bytes kept).
    size: int = 0

    def to_wire(self, subscriber: dict[str, Any] | None) -> dict[str, Any]:
        """As `GET /v1/messages` lists it."""
        wire: dict[str, Any] = {
            "_id": self.id,
            "_templateId": self.workflow_db_id,
            "_environmentId": self.environment_id,
            "_messageTemplateId": self.step_db_id,
            "_organizationId": self.organization_id,
            "_notificationId": self.notification_id,
            "_subscriberId": self.subscriber_internal_id,
            "templateIdentifier": self.workflow_identifier,
            "createdAt": iso_timestamp(self.created_at),
            "deliveredAt": [iso_timestamp(self.created_at)] if self.status == "sent" else [],
            "content": self.content,
            "transactionId": self.transaction_id,
            "channel": self.channel,
            "read": self.read,
            "seen": self.seen,
            "cta": self.cta,
            "status": self.status,
            "providerId": self.provider_id,
            "payload": self.payload,
            "overrides": self.overrides,
            **self.address,
        }
        if self.subject:
            wire["subject"] = self.subject
        if self.error_id is not None:
            wire["errorId"] = self.error_id
            wire["errorText"] = self.error_text
        if subscriber is not None:
            wire["subscriber"] = subscriber
        return wire

    def to_inbox(self, subscriber: dict[str, Any] | None) -> dict[str, Any]:
        """An in-app message as the subscriber's feed lists it (Novu's InboxNotification)."""
        to: dict[str, Any] = {"id": self.subscriber_internal_id, "subscriberId": self.subscriber_id}
        for name in ("firstName", "lastName", "avatar"):
            if subscriber is not None and subscriber.get(name) is not None:
                to[name] = subscriber[name]
        wire: dict[str, Any] = {
            "id": self.id,
            "transactionId": self.transaction_id,
            "body": self.content,
            "to": to,
            "isRead": self.read,
            "isSeen": self.seen,
            "isArchived": self.archived,
            "isSnoozed": False,
            "createdAt": iso_timestamp(self.created_at),
            "channelType": self.channel,
            "severity": "none",
            "tags": list(self.tags),
            "workflow": {
                "id": self.workflow_db_id,
                "identifier": self.workflow_identifier,
                "name": self.workflow_name,
                "critical": False,
                "severity": "none",
                "tags": list(self.tags),
            },
        }
        if self.subject:
            wire["subject"] = self.subject
        if self.cta.get("data", {}).get("url"):
            wire["redirect"] = {"url": self.cta["data"]["url"]}
        return wire

    def to_outbox(self) -> dict[str, Any]:
        """As the outbox shows it: what was sent, to whom, through what."""
        entry: dict[str, Any] = {
            "id": self.id,
            "environmentId": self.environment_id,
            "transactionId": self.transaction_id,
            "workflowId": self.workflow_identifier,
            "stepId": self.step_id,
            "channel": self.channel,
            "providerId": self.provider_id,
            "integrationIdentifier": self.integration_identifier,
            "subscriberId": self.subscriber_id,
            "to": dict(self.address),
            "subject": self.subject,
            "body": self.content,
            "status": self.status,
            "createdAt": iso_timestamp(self.created_at),
            "payload": self.payload,
        }
        if self.error_text is not None:
            entry["error"] = self.error_text
        return entry


@dataclass(slots=True)
class Failure:
    """A step that made no message (Novu's execution detail): `failed` when the channel has no
    active integration, nothing to send it to, or a template that would not render;
    `skipped` when the subscriber's preferences switch the channel off."""

    id: str
    environment_id: str
    transaction_id: str
    workflow_identifier: str
    step_id: str
    channel: str
    subscriber_id: str
    reason: str
    detail: str
    created_at: datetime
    status: str = "failed"
    size: int = 0

    def to_outbox(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "environmentId": self.environment_id,
            "transactionId": self.transaction_id,
            "workflowId": self.workflow_identifier,
            "stepId": self.step_id,
            "channel": self.channel,
            "providerId": None,
            "integrationIdentifier": None,
            "subscriberId": self.subscriber_id,
            "to": {},
            "subject": "",
            "body": "",
            "status": self.status,
            "reason": self.reason,
            "error": self.detail,
            "createdAt": iso_timestamp(self.created_at),
        }
