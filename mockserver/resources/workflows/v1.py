"""Novu's v1 workflow routes (`/v1/notification-templates`, which @novu/node's
`notificationTemplates` calls) and the notification groups they name, over the same
workflows the v2 routes and a trigger read.

From novuhq/novu (2024) `apps/api/src/app/workflows-v1`: the controller (`active` false and
`draft` true unless given; create, delete and status only in the Development environment:
`RootEnvironmentGuard`, 401 `This action is only allowed in Development environment`), the
create-workflow use case (the trigger identifier is the name slugified, `slugify(name,
{lower, strict})`, with `-<shortid>` added when taken; a step without `template` is 400
`Unexpected error: message template is missing`), get-notification-template (by `_id` or
identifier; 404 `Template with id <id> not found`), get-notification-templates (`page` from
0, `limit` 10 by default, at most 100, `query` on name or identifier; a total),
change-template-active-status (404 `Template with id <id> not found`; the same status again is
400 `You must provide a different status from the current status`) and delete (`true`).

A v1 step's template becomes the step's control values (`subject`; `content`, its blocks'
text joined when it is a list, as `body`; an in-app `cta` URL as `redirect`; a delay's or
digest's `metadata` amount and unit), so its answer writes `content` back as that text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, NotFound, NovuError
from mockserver.resources.page_numbers import page_number
from mockserver.resources.workflows.backend import WorkflowsBackend
from mockserver.resources.workflows.models import Step, Workflow
from mockserver.resources.workflows.state import workflows_of
from mockserver.state.clock import iso_timestamp
from mockserver.state.store import Environment

DEVELOPMENT = "Development"
_ACTION_STEPS = ("delay", "digest")


class WorkflowsV1:
    def __init__(self, backend: WorkflowsBackend) -> None:
        self.backend = backend

    # ---- routes -------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Workflow:
        _development_only(caller)
        steps = _steps(body.get("steps"))
        name = str(body.get("name"))
        with self.backend.store.lock:
            state = workflows_of(caller.environment)
            identifier = slugify_name(name) or "untitled"
            if identifier in state.by_identifier:
                # Novu adds a shortid; one of letters and digits only keeps the identifier a
                # slug the v2 routes take.
                suffix = re.sub(r"[^a-zA-Z0-9]", "", caller.environment.ids.short_id())
                identifier = f"{identifier}-{suffix or 'x'}"
            active = body.get("active") is True
            v2_body = {**_fields(body), "name": name, "workflowId": identifier}
            workflow = self.backend.create(caller, {**v2_body, "steps": steps, "active": active})
            self.backend.store.update(
                workflow,
                notification_group_id=str(body.get("notificationGroupId")),
                draft=not active,
                **_v1_only(body),
            )
            return workflow

    def page(self, caller: Caller, query: Mapping[str, str]) -> dict[str, Any]:
        page = page_number(query.get("page"), 0)
        limit = page_number(query.get("limit"), 10, low=1, high=100)
        text = (query.get("query") or "").lower()
        listed = [
            w
            for w in workflows_of(caller.environment).by_id.values()
            if not text or text in w.name.lower() or text in w.workflow_id.lower()
        ]
        # The repository lists the newest first.
        listed.reverse()
        shown = listed[page * limit : page * limit + limit]
        return {
            "totalCount": len(listed),
            "data": [self.wire(caller, w) for w in shown],
            "pageSize": limit,
            "page": page,
        }

    def get(self, caller: Caller, key: str) -> Workflow:
        state = workflows_of(caller.environment)
        found = state.by_id.get(key) or state.by_identifier.get(key)
        if found is None:
            raise NotFound(f"Template with id {key} not found")
        return found

    def update(self, caller: Caller, template_id: str, body: dict[str, Any]) -> Workflow:
        with self.backend.store.lock:
            workflow = self._by_id(caller, template_id)
            changes = _fields(body)
            if "name" in body:
                changes["name"] = str(body["name"])
            if "steps" in body:
                changes["steps"] = _steps(body["steps"])
            changes["active"] = workflow.active
            if "steps" not in changes:
                changes["steps"] = [_v2_step(step) for step in workflow.steps]
            updated = self.backend.update(caller, workflow.workflow_id, changes)
            extras = _v1_only(body)
            if isinstance(body.get("notificationGroupId"), str):
                extras["notification_group_id"] = body["notificationGroupId"]
            if extras:
                self.backend.store.update(updated, **extras)
            return updated

    def set_active(self, caller: Caller, template_id: str, active: bool) -> Workflow:
        _development_only(caller)
        with self.backend.store.lock:
            workflow = self._by_id(caller, template_id)
            if workflow.active == active:
                raise BadRequest("You must provide a different status from the current status")
            self.backend.store.update(
                workflow, active=active, draft=not active, updated_at=self.backend.clock.now()
            )
            return workflow

    def remove(self, caller: Caller, template_id: str) -> None:
        _development_only(caller)
        with self.backend.store.lock:
            workflow = self._by_id(caller, template_id)
            self.backend.remove(caller, workflow.id)

    def _by_id(self, caller: Caller, template_id: str) -> Workflow:
        found = workflows_of(caller.environment).by_id.get(template_id)
        if found is None:
            raise NotFound(f"Template with id {template_id} not found")
        return found

    # ---- the wire -----------------------------------------------------------------------

    def wire(self, caller: Caller, workflow: Workflow) -> dict[str, Any]:
        """WorkflowResponse (workflows-v1/dto/workflow-response.dto.ts)."""
        environment = caller.environment
        wire = {
            "_id": workflow.id,
            "name": workflow.name,
            "description": workflow.description,
            "active": workflow.active,
            "draft": workflow.draft,
            "preferenceSettings": {
                channel: True for channel in ("email", "sms", "in_app", "chat", "push")
            },
            "critical": workflow.critical,
            "tags": list(workflow.tags),
            "steps": [_v1_step(step) for step in workflow.steps],
            "_organizationId": environment.organization_id,
            "_creatorId": caller.organization.owner_id,
            "_environmentId": environment.id,
            "triggers": [
                {
                    "type": "event",
                    "identifier": workflow.workflow_id,
                    "variables": [],
                    "subscriberVariables": [],
                }
            ],
            "_notificationGroupId": workflow.notification_group_id
            or general_group(environment)["_id"],
            "deleted": False,
            "createdAt": iso_timestamp(workflow.created_at),
            "updatedAt": iso_timestamp(workflow.updated_at),
        }
        if workflow.data is not None:
            wire["data"] = workflow.data
        return wire


def general_group(environment: Environment) -> dict[str, str]:
    """The environment's one notification group, `General`, as Novu makes it with the
    environment (its `_id` stable for the environment)."""
    digest = hashlib.sha256(f"{environment.id}:notification-group".encode()).hexdigest()
    return {
        "_id": digest[:24],
        "name": "General",
        "_environmentId": environment.id,
        "_organizationId": environment.organization_id,
    }


def slugify_name(name: str) -> str:
    """npm slugify with `{lower: true, strict: true}`: accents dropped, anything but letters,
    digits, spaces and dashes removed, runs of spaces and dashes made one dash."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    kept = re.sub(r"[^a-z0-9\s-]", "", plain.lower())
    return re.sub(r"[\s-]+", "-", kept).strip("-")


def _development_only(caller: Caller) -> None:
    if caller.environment.name != DEVELOPMENT:
        raise NovuError(401, "This action is only allowed in Development environment")


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """What a v1 body sets that the v2 workflow holds."""
    fields: dict[str, Any] = {}
    if isinstance(body.get("description"), str):
        fields["description"] = body["description"]
    if isinstance(body.get("tags"), list):
        fields["tags"] = body["tags"]
    return fields


def _v1_only(body: dict[str, Any]) -> dict[str, Any]:
    """The model fields only a v1 body sets."""
    extras: dict[str, Any] = {}
    if isinstance(body.get("critical"), bool):
        extras["critical"] = body["critical"]
    if isinstance(body.get("data"), dict):
        extras["data"] = body["data"]
    return extras


def _steps(raw: Any) -> list[dict[str, Any]]:
    """v1 steps as v2 step bodies."""
    items = raw if isinstance(raw, list) else []
    steps = []
    for item in items:
        template = item.get("template") if isinstance(item, dict) else None
        if not isinstance(template, dict):
            raise BadRequest("Unexpected error: message template is missing")
        step_type = template.get("type")
        values: dict[str, Any] = {}
        if isinstance(template.get("subject"), str):
            values["subject"] = template["subject"]
        elif isinstance(template.get("title"), str):
            values["subject"] = template["title"]
        content = _text(template.get("content"))
        if content is not None:
            values["body"] = content
        url = ((template.get("cta") or {}).get("data") or {}).get("url")
        if step_type == "in_app" and isinstance(url, str):
            values["redirect"] = {"url": url, "target": "_self"}
        metadata = item.get("metadata")
        if step_type in _ACTION_STEPS and isinstance(metadata, dict):
            values.update({k: metadata[k] for k in ("amount", "unit") if k in metadata})
        step: dict[str, Any] = {"type": step_type, "controlValues": values}
        for source, target in (("name", "name"), ("stepId", "stepId"), ("_id", "_id")):
            if isinstance(item.get(source), str):
                step[target] = item[source]
        steps.append(step)
    return steps


def _text(content: Any) -> str | None:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(block.get("content") or "") for block in content if isinstance(block, dict)
        )
    return None


def _v2_step(step: Step) -> dict[str, Any]:
    return {
        "_id": step.id,
        "stepId": step.step_id,
        "name": step.name,
        "type": step.type,
        "controlValues": dict(step.control_values),
    }


def _v1_step(step: Step) -> dict[str, Any]:
    values = step.control_values
    template: dict[str, Any] = {"_id": step.id, "type": step.type, "name": step.name}
    if "body" in values:
        template["content"] = values["body"]
    if step.type == "email" and "subject" in values:
        template["subject"] = values["subject"]
    elif step.type in ("push", "in_app") and "subject" in values:
        template["title" if step.type == "push" else "subject"] = values["subject"]
    redirect = values.get("redirect")
    if isinstance(redirect, dict) and redirect.get("url"):
        template["cta"] = {"type": "redirect", "data": {"url": redirect["url"]}}
    wire: dict[str, Any] = {
        "_id": step.id,
        "_templateId": step.id,
        "active": True,
        "name": step.name,
        "stepId": step.step_id,
        "filters": [],
        "template": template,
    }
    if step.type in _ACTION_STEPS:
        timing = {key: values[key] for key in ("amount", "unit") if key in values}
        wire["metadata"] = {**timing, "type": "regular"}
    return wire
