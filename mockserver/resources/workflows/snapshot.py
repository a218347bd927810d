"""Workflows in the state document, as the answers write them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from mockserver.novu.errors import ValidationFailed
from mockserver.resources.workflows.backend import payload_schema_of
from mockserver.resources.workflows.models import STEP_TYPES, Step, Workflow
from mockserver.resources.workflows.state import workflows_of
from mockserver.state.snapshot import OBJECT_ID, TIMESTAMP
from mockserver.state.store import Environment

Moment = Callable[[dict[str, Any], str, str], datetime | None]

_STEP = {
    "type": "object",
    "required": ["_id", "stepId", "name", "type", "controlValues"],
    "properties": {
        "_id": OBJECT_ID,
        "stepId": {"type": "string", "minLength": 1, "maxLength": 200},
        "name": {"type": "string", "maxLength": 2048},
        "type": {"enum": list(STEP_TYPES)},
        "controlValues": {"type": "object"},
        "issues": {"type": "object"},
    },
}
_WORKFLOW = {
    "type": "object",
    "required": ["_id", "workflowId", "name", "steps", "active", "createdAt", "updatedAt"],
    "properties": {
        "_id": OBJECT_ID,
        "workflowId": {"type": "string", "minLength": 1, "maxLength": 200},
        "name": {"type": "string", "maxLength": 2048},
        "description": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "active": {"type": "boolean"},
        "validatePayload": {"type": "boolean"},
        "payloadSchema": {"type": ["object", "null"]},
        "isTranslationEnabled": {"type": "boolean"},
        "severity": {"enum": ["high", "medium", "low", "none"]},
        "steps": {"type": "array", "maxItems": 100, "items": _STEP},
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "lastTriggeredAt": TIMESTAMP,
        # What the v1 routes set (workflows/v1.py).
        "critical": {"type": "boolean"},
        "draft": {"type": "boolean"},
        "notificationGroupId": {"type": "string"},
        "data": {"type": "object"},
    },
}
EXPORT_PROPERTIES: dict[str, Any] = {"workflows": {"type": "array", "items": _WORKFLOW}}


def export_environment(environment: Environment) -> dict[str, Any]:
    workflows = []
    for workflow in workflows_of(environment).by_id.values():
        wire = workflow.to_wire()
        item = {
            key: wire[key]
            for key in (
                "_id",
                "workflowId",
                "name",
                "description",
                "tags",
                "active",
                "validatePayload",
                "payloadSchema",
                "isTranslationEnabled",
                "severity",
                "createdAt",
                "updatedAt",
            )
        }
        item["steps"] = [
            {
                "_id": step.id,
                "stepId": step.step_id,
                "name": step.name,
                "type": step.type,
                "controlValues": step.control_values,
                **({"issues": step.issues} if step.issues else {}),
            }
            for step in workflow.steps
        ]
        if "lastTriggeredAt" in wire:
            item["lastTriggeredAt"] = wire["lastTriggeredAt"]
        item.update({"critical": workflow.critical, "draft": workflow.draft})
        if workflow.notification_group_id is not None:
            item["notificationGroupId"] = workflow.notification_group_id
        if workflow.data is not None:
            item["data"] = workflow.data
        workflows.append(item)
    return {"workflows": workflows}


def import_environment(
    raw: dict[str, Any], environment: Environment, where: str, moment: Moment
) -> list[str]:
    problems: list[str] = []
    state = workflows_of(environment)
    for i, item in enumerate(raw.get("workflows", [])):
        here = f"{where}/workflows/{i}"
        created, updated = moment(item, "createdAt", here), moment(item, "updatedAt", here)
        if created is None or updated is None:
            continue
        if item["workflowId"] in state.by_identifier:
            problems.append(
                f"at {here}: environment {environment.id} already has a workflow "
                f"{item['workflowId']!r}"
            )
            continue
        try:
            payload_schema = payload_schema_of(item.get("payloadSchema"))
        except ValidationFailed as refused:
            problems.append(f"at {here}/payloadSchema: {refused.problems[0].message}")
            continue
        triggered = moment(item, "lastTriggeredAt", here) if "lastTriggeredAt" in item else None
        state.add(
            Workflow(
                id=item["_id"],
                environment_id=environment.id,
                workflow_id=item["workflowId"],
                name=item["name"],
                steps=[
                    Step(
                        id=step["_id"],
                        step_id=step["stepId"],
                        name=step["name"],
                        type=step["type"],
                        control_values=dict(step["controlValues"]),
                        issues=dict(step.get("issues") or {}),
                    )
                    for step in item["steps"]
                ],
                created_at=created,
                updated_at=updated,
                description=item.get("description", ""),
                tags=list(item.get("tags", [])),
                active=item["active"],
                validate_payload=item.get("validatePayload", False),
                payload_schema=payload_schema,
                is_translation_enabled=item.get("isTranslationEnabled", False),
                severity=item.get("severity", "none"),
                last_triggered_at=triggered,
                critical=item.get("critical", False),
                draft=item.get("draft", False),
                notification_group_id=item.get("notificationGroupId"),
                data=item.get("data"),
            )
        )
    return problems
