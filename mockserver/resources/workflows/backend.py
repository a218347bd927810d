"""Novu's rules for workflows (v2), per environment.

From novuhq/novu `apps/api/src/app/workflows-v2`: the upsert use case
(`usecases/upsert-workflow/upsert-workflow.usecase.ts`: a taken `workflowId` is
`WorkflowAlreadyExistException`, 400 "Workflow with the same name already exists";
`active` defaults to true), the step ids (`stepId = slugify(name)`, made unique; duplicate
explicit ones refused), `WorkflowNotFoundException` (404 "Workflow cannot be found") and
the search (`limit` 50, `offset`, newest first by `createdAt`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import SchemaError

from mockserver.contract.keywords import SLUG_IDENTIFIER_PATTERN
from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, FieldProblem, NotFound, NovuError, ValidationFailed
from mockserver.resources.workflows.models import STEP_TYPES, Step, Workflow
from mockserver.resources.workflows.state import workflows_of
from mockserver.state.clock import Clock
from mockserver.state.ids import slugify
from mockserver.state.store import Environment, Store

DEFAULT_PAGE = 50
SLUG_IDENTIFIER = re.compile(SLUG_IDENTIFIER_PATTERN)
_ORDER_FIELDS = {"createdAt", "updatedAt", "name", "lastTriggeredAt"}


def not_found(key: str) -> NovuError:
    return NovuError(404, "Workflow cannot be found", fields={"workflowId": key})


class WorkflowsBackend:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, caller: Caller, body: dict[str, Any]) -> Workflow:
        environment = caller.environment
        identifier = _identifier(body.get("workflowId"))
        _check(body)
        with self.store.lock:
            state = workflows_of(environment)
            if identifier in state.by_identifier:
                raise NovuError(
                    400,
                    "Workflow with the same name already exists",
                    fields={"workflowName": body.get("name"), "environmentId": environment.id},
                )
            now = self.clock.now()
            workflow = Workflow(
                id=environment.ids.object_id(now),
                environment_id=environment.id,
                workflow_id=identifier,
                name=str(body.get("name") or identifier),
                steps=self._steps(environment, body.get("steps"), []),
                created_at=now,
                updated_at=now,
            )
            _apply_fields(workflow, body, active_default=True)
            state.add(workflow)
            self.store.changed(workflow)
            return workflow

    def get(self, caller: Caller, key: str) -> Workflow:
        found = workflows_of(caller.environment).find(key)
        if found is None:
            raise not_found(key)
        return found

    def update(self, caller: Caller, key: str, body: dict[str, Any]) -> Workflow:
        """PUT: the whole workflow again. Steps with an `_id` keep it; others are new; steps
        left out are gone. `active` is true again unless the body says otherwise."""
        _check(body)
        with self.store.lock:
            workflow = self.get(caller, key)
            steps = self._steps(caller.environment, body.get("steps"), workflow.steps)
            if "name" in body:
                workflow.name = str(body["name"])
            workflow.steps = steps
            _apply_fields(workflow, body, active_default=True)
            self.store.update(workflow, updated_at=self.clock.now())
            return workflow

    def patch(self, caller: Caller, key: str, body: dict[str, Any]) -> Workflow:
        _check(body)
        with self.store.lock:
            workflow = self.get(caller, key)
            if "name" in body:
                workflow.name = str(body["name"])
            _apply_fields(workflow, body, active_default=None)
            self.store.update(workflow, updated_at=self.clock.now())
            return workflow

    def sync(self, caller: Caller, key: str, target_environment_id: str) -> Workflow:
        """Copy the workflow into another environment of the organization under the same
        `workflowId`, made or replaced there (how Novu promotes a workflow from Development);
        the target's copy keeps its own `_id` and step ids."""
        with self.store.lock:
            source = self.get(caller, key)
            target = caller.organization.environments.get(target_environment_id)
            if target is None:
                # Novu's sync use case looks the environment up in the organization; the
                # wording of its 404 was not read.
                raise NotFound(f"Environment {target_environment_id} not found")
            body = source_body(source)
            copy = workflows_of(target).by_identifier.get(source.workflow_id)
            target_caller = Caller(caller.scheme, caller.organization, target)
            if copy is None:
                return self.create(target_caller, body)
            kept = {step.step_id: step.id for step in copy.steps}
            body["steps"] = [
                {**step, **({"_id": kept[step["stepId"]]} if step["stepId"] in kept else {})}
                for step in body["steps"]
            ]
            return self.update(target_caller, copy.workflow_id, body)

    def remove(self, caller: Caller, key: str) -> None:
        with self.store.lock:
            workflow = self.get(caller, key)
            workflows_of(caller.environment).remove(workflow)
            self.store.changed(workflow)

    def search(
        self,
        caller: Caller,
        query: Mapping[str, str],
        *,
        tags: list[str],
        statuses: list[str],
    ) -> tuple[list[Workflow], int]:
        limit = int(float(query.get("limit") or DEFAULT_PAGE))
        offset = int(float(query.get("offset") or 0))
        if limit < 1 or limit > 100 or offset < 0:
            raise BadRequest("limit must be between 1 and 100, offset not negative")
        order_by = query.get("orderBy") or "createdAt"
        order_by = order_by if order_by in _ORDER_FIELDS else "createdAt"
        descending = (query.get("orderDirection") or "DESC").upper() == "DESC"
        text = (query.get("query") or "").lower()
        wanted_tags = {tag for tag in tags if tag}
        wanted_statuses = {status for status in statuses if status}
        matches = [
            w
            for w in workflows_of(caller.environment).by_id.values()
            if (not text or text in w.name.lower() or text in w.workflow_id.lower())
            and (not wanted_tags or wanted_tags & set(w.tags))
            and (not wanted_statuses or w.status in wanted_statuses)
        ]

        def sort_key(workflow: Workflow) -> tuple[str, str]:
            if order_by == "name":
                return (workflow.name, workflow.id)
            moment = {
                "createdAt": workflow.created_at,
                "updatedAt": workflow.updated_at,
                "lastTriggeredAt": workflow.last_triggered_at,
            }[order_by]
            return (moment.isoformat() if moment else "", workflow.id)

        matches.sort(key=sort_key, reverse=descending)
        return matches[offset : offset + limit], len(matches)

    def triggered(self, workflow: Workflow) -> None:
        self.store.update(workflow, last_triggered_at=self.clock.now())

    # ---- steps --------------------------------------------------------------------------

    def _steps(self, environment: Environment, raw: Any, kept: list[Step]) -> list[Step]:
        """The steps of a body `_check` passed: those with a kept `_id` keep it; a step id
        made from a name is made unique."""
        items = [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
        previous = {step.id: step for step in kept}
        taken = {item["stepId"] for item in items if item.get("stepId")}
        steps: list[Step] = []
        for item in items:
            step_type = item["type"]
            name = str(item.get("name") or step_type)
            existing = previous.get(str(item.get("_id") or ""))
            step_id = item.get("stepId") or (existing.step_id if existing else None)
            if not step_id:
                step_id = slugify(name) or step_type
                while step_id in taken:
                    step_id = f"{slugify(name) or step_type}-{environment.ids.short_id()}"
            taken.add(step_id)
            values = item.get("controlValues")
            values = dict(values) if isinstance(values, dict) else {}
            steps.append(
                Step(
                    id=existing.id if existing else environment.ids.object_id(self.clock.now()),
                    step_id=step_id,
                    name=name,
                    type=step_type,
                    control_values=_with_defaults(step_type, values),
                    issues=_issues(step_type, values),
                )
            )
        return steps


def source_body(workflow: Workflow) -> dict[str, Any]:
    """A create (or PUT) body that makes the same workflow."""
    return {
        "name": workflow.name,
        "workflowId": workflow.workflow_id,
        "description": workflow.description,
        "tags": list(workflow.tags),
        "active": workflow.active,
        "validatePayload": workflow.validate_payload,
        "payloadSchema": workflow.payload_schema,
        "isTranslationEnabled": workflow.is_translation_enabled,
        "severity": workflow.severity,
        "steps": [
            {
                "name": step.name,
                "type": step.type,
                "stepId": step.step_id,
                "controlValues": dict(step.control_values),
            }
            for step in workflow.steps
        ],
    }


def _check(body: dict[str, Any]) -> None:
    """Everything about a create, update or patch that can refuse it, before anything is made
    or changed (no id drawn, no field set): step types, explicit step ids given twice, the
    payload schema."""
    raw = body.get("steps")
    items = [item for item in raw if isinstance(item, dict)] if isinstance(raw, list) else []
    given = [item["stepId"] for item in items if item.get("stepId")]
    repeated = sorted({s for s in given if given.count(s) > 1})
    if repeated:
        raise BadRequest(f"Duplicate stepIds are not allowed: {', '.join(repeated)}")
    problems = [
        FieldProblem(
            f"steps.{index}.type",
            f"type must be one of the following values: {', '.join(STEP_TYPES)}",
            item.get("type"),
            True,
        )
        for index, item in enumerate(items)
        if item.get("type") not in STEP_TYPES
    ]
    if problems:
        raise ValidationFailed(problems)
    if "payloadSchema" in body:
        payload_schema_of(body["payloadSchema"])


def _identifier(raw: Any) -> str:
    if not isinstance(raw, str) or not SLUG_IDENTIFIER.match(raw):
        raise ValidationFailed(
            [
                FieldProblem(
                    "workflowId",
                    "workflowId must be a valid slug format (letters, numbers, hyphens, dot "
                    "and underscores only)",
                    raw,
                    True,
                )
            ]
        )
    return raw


def _apply_fields(workflow: Workflow, body: dict[str, Any], *, active_default: bool | None) -> None:
    if "active" in body or active_default is not None:
        workflow.active = bool(body.get("active", active_default))
    if "description" in body:
        workflow.description = str(body["description"] or "")
    if isinstance(body.get("tags"), list):
        workflow.tags = [str(tag) for tag in body["tags"]]
    if "validatePayload" in body:
        workflow.validate_payload = bool(body["validatePayload"])
    if "payloadSchema" in body:
        workflow.payload_schema = payload_schema_of(body["payloadSchema"])
    if "isTranslationEnabled" in body:
        workflow.is_translation_enabled = bool(body["isTranslationEnabled"])
    if isinstance(body.get("severity"), str):
        workflow.severity = body["severity"]
    preferences = body.get("preferences")
    if isinstance(preferences, dict) and isinstance(preferences.get("user"), dict):
        workflow.user_preferences = preferences["user"]


def payload_schema_of(raw: Any) -> dict[str, Any] | None:
    """A JSON Schema a trigger's payload will be checked against: refused now (Novu's DTO
    rule) rather than failing every trigger later."""
    if not isinstance(raw, dict):
        return None
    try:
        Draft7Validator.check_schema(raw)
    except SchemaError as broken:
        raise _schema_problem(broken.message) from broken
    outside = _outside_reference(raw)
    if outside is not None:
        # A reference to another document would have the mock fetch it (or fail) on every
        # trigger; AJV in Novu resolves none either.
        raise _schema_problem(f"$ref {outside!r} points outside the schema")
    return dict(raw)


def _schema_problem(message: str) -> ValidationFailed:
    return ValidationFailed(
        [FieldProblem("payloadSchema", f"payloadSchema must be a valid JSON schema: {message}")]
    )


def _outside_reference(node: Any) -> str | None:
    """The first `$ref` that is not a pointer into the schema itself, if any."""
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                return ref
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return None


# The control values Novu's control schemas require, as it stores them when a step leaves
# them out (their schema defaults, or empty, with the issue reported): EmailControlDto,
# DelayControlDto, ThrottleControlDto and HttpRequestControlDto in Novu's document.
_CONTROL_DEFAULTS: dict[str, dict[str, Any]] = {
    "email": {"subject": "", "body": ""},
    "delay": {"type": "regular"},
    "throttle": {"type": "fixed"},
    "http_request": {"method": "GET", "url": ""},
}


def _with_defaults(step_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """A step's control values with what its control schema requires always present."""
    return {**_CONTROL_DEFAULTS.get(step_type, {}), **values}


def _issues(step_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """What a channel step lacks to be sent: Novu's step `issues.controls`."""
    missing: list[str] = []
    if step_type == "email" and not values.get("subject"):
        missing.append("subject")
    if step_type in ("sms", "chat", "push") and not values.get("body"):
        missing.append("body")
    if step_type == "in_app" and not (values.get("body") or values.get("subject")):
        missing.append("body")
    return (
        {
            "controls": {
                name: [
                    {
                        "issueType": "MISSING_VALUE",
                        "variableName": name,
                        "message": f"{name.capitalize()} is required",
                    }
                ]
                for name in missing
            }
        }
        if missing
        else {}
    )
