"""A workflow and its steps as the mock stores them, and their wire forms.

Field names and shapes from Novu's `WorkflowResponseDto`, `StepResponseDto` and
`WorkflowListResponseDto` (apps/api/src/app/workflows-v2/dtos); the slug from
`apps/api/src/app/shared/helpers/build-slug.ts` (`<slugified name>_wf_<base62 of _id>`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.state.clock import iso_timestamp
from mockserver.state.ids import slugify

# The step types that send a message, and those that only shape when (Novu's StepTypeEnum).
CHANNEL_STEPS = ("in_app", "email", "sms", "chat", "push")
ACTION_STEPS = ("digest", "delay", "throttle", "custom", "http_request")
STEP_TYPES = CHANNEL_STEPS + ACTION_STEPS
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62(hex_id: str) -> str:
    number = int(hex_id, 16)
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    return digits or "0"


def slug_of(name: str, kind: str, object_id: str) -> str:
    """`<slugify(name)>_<kind>_<base62(id)>`: `wf` for a workflow, `st` for a step."""
    return f"{slugify(name) or 'untitled'}_{kind}_{base62(object_id)}"


@dataclass(slots=True)
class Step:
    id: str
    step_id: str
    name: str
    type: str
    control_values: dict[str, Any]
    # Control values a step needs and lacks (Novu's step `issues`): the workflow is ERROR.
    issues: dict[str, Any] = field(default_factory=dict)

    def to_wire(self, workflow: Workflow) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "controls": {"values": dict(self.control_values)},
            "controlValues": dict(self.control_values),
            "variables": {},
            "stepId": self.step_id,
            "_id": self.id,
            "name": self.name,
            "slug": slug_of(self.name, "st", self.id),
            "type": self.type,
            "origin": workflow.origin,
            "workflowId": workflow.workflow_id,
            "workflowDatabaseId": workflow.id,
        }
        if self.issues:
            wire["issues"] = self.issues
        return wire


@dataclass(slots=True)
class Workflow:
    id: str
    environment_id: str
    workflow_id: str
    name: str
    steps: list[Step]
    created_at: datetime
    updated_at: datetime
    description: str = ""
    tags: list[str] = field(default_factory=list)
    active: bool = True
    validate_payload: bool = False
    payload_schema: dict[str, Any] | None = None
    is_translation_enabled: bool = False
    severity: str = "none"
    critical: bool = False
    origin: str = "novu-cloud"
    last_triggered_at: datetime | None = None
    # The preferences a create or update gave (`preferences.user`); None: Novu's defaults.
    user_preferences: dict[str, Any] | None = None
    # What only the v1 routes set (v1.py): the notification group (None: the environment's
    # General group), whether it is a draft, and its custom data.
    notification_group_id: str | None = None
    draft: bool = False
    data: dict[str, Any] | None = None
    revision: int = field(default=0, compare=False, repr=False)

    @property
    def slug(self) -> str:
        return slug_of(self.name, "wf", self.id)

    @property
    def status(self) -> str:
        """ACTIVE, INACTIVE, or ERROR when a step lacks what it needs (Novu computes it so)."""
        if any(step.issues for step in self.steps):
            return "ERROR"
        return "ACTIVE" if self.active else "INACTIVE"

    def default_preferences(self) -> dict[str, Any]:
        return {
            "all": {"enabled": True, "readOnly": self.critical},
            "channels": {channel: {"enabled": True} for channel in CHANNEL_STEPS},
        }

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "tags": list(self.tags),
            "active": self.active,
            "validatePayload": self.validate_payload,
            "payloadSchema": self.payload_schema,
            "isTranslationEnabled": self.is_translation_enabled,
            "_id": self.id,
            "workflowId": self.workflow_id,
            "slug": self.slug,
            "updatedAt": iso_timestamp(self.updated_at),
            "createdAt": iso_timestamp(self.created_at),
            "steps": [step.to_wire(self) for step in self.steps],
            "origin": self.origin,
            "preferences": {"user": self.user_preferences, "default": self.default_preferences()},
            "status": self.status,
            "severity": self.severity,
        }
        if self.last_triggered_at is not None:
            wire["lastTriggeredAt"] = iso_timestamp(self.last_triggered_at)
        return wire

    def to_list_item(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "name": self.name,
            "tags": list(self.tags),
            "updatedAt": iso_timestamp(self.updated_at),
            "createdAt": iso_timestamp(self.created_at),
            "_id": self.id,
            "workflowId": self.workflow_id,
            "slug": self.slug,
            "status": self.status,
            "origin": self.origin,
            "stepTypeOverviews": [step.type for step in self.steps],
            "isTranslationEnabled": self.is_translation_enabled,
            "steps": [
                {"slug": slug_of(step.name, "st", step.id), "type": step.type}
                for step in self.steps
            ],
        }
        if self.last_triggered_at is not None:
            wire["lastTriggeredAt"] = iso_timestamp(self.last_triggered_at)
        return wire
