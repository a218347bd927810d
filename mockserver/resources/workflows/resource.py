"""Workflows as a resource of the registry: Novu's v2 workflow operations, their state in each
environment, seeding, state document and datasets; what a trigger reads of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from mockserver.novu.auth import Caller
from mockserver.resources.base import Host, Resource, Table
from mockserver.resources.workflows.backend import WorkflowsBackend
from mockserver.resources.workflows.models import Workflow
from mockserver.resources.workflows.routes import HANDLERS
from mockserver.resources.workflows.seeding import populate_environment
from mockserver.resources.workflows.snapshot import (
    EXPORT_PROPERTIES,
)
from mockserver.resources.workflows.snapshot import (
    export_environment as export_workflows,
)
from mockserver.resources.workflows.snapshot import (
    import_environment as import_workflows,
)
from mockserver.resources.workflows.state import workflows_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Organization

GET = "WorkflowController_getWorkflow"
CREATE = "WorkflowController_create"


class WorkflowsResource(Resource):
    name = "workflows"
    title = "Workflows"
    handlers = HANDLERS
    path_prefixes = (
        "/v2/workflows",
        "/v2/workflows/{workflowId}",
        "/v2/workflows/{workflowId}/sync",
        "/v1/notification-templates*",
        "/v1/notification-groups",
    )
    export_properties = EXPORT_PROPERTIES
    dataset_properties: ClassVar[dict[str, Any]] = {
        "workflows": {"type": "array", "items": {"type": "object"}}
    }
    cleanup: ClassVar[dict[str, str]] = {CREATE: "/v2/workflows/{_id}"}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.backend = WorkflowsBackend(host.store, host.clock)

    def handler_target(self) -> WorkflowsBackend:
        return self.backend

    # ---- what a trigger reads (ports.WorkflowCatalogue) ----------------------------------

    def find_workflow(self, environment: Environment, identifier: str) -> Workflow | None:
        return workflows_of(environment).by_identifier.get(identifier)

    def find_any_workflow(self, environment: Environment, key: str) -> Workflow | None:
        return workflows_of(environment).find(key)

    def all_workflows(self, environment: Environment) -> list[Workflow]:
        return list(workflows_of(environment).by_id.values())

    def workflow_triggered(self, environment: Environment, workflow: Workflow) -> None:
        self.backend.triggered(workflow)

    # ---- seeding ------------------------------------------------------------------------

    def seed_environment(
        self,
        organization: Organization,
        environment: Environment,
        *,
        seed: int,
        label: str,
        clock: Clock,
    ) -> None:
        backend = WorkflowsBackend(self.host.store, clock)
        populate_environment(backend, organization, environment, seed=seed, label=label)

    # ---- the state document -------------------------------------------------------------

    def export(self, environment: Environment) -> dict[str, Any]:
        return export_workflows(environment)

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        problems.extend(import_workflows(raw, environment, where, moment))

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        return [("workflow _id", item["_id"]) for item in raw.get("workflows", [])] + [
            ("step _id", step["_id"])
            for item in raw.get("workflows", [])
            for step in item.get("steps", [])
        ]

    def import_problems(self, organizations: list[Organization]) -> list[str]:
        return self.objects_problems(
            organizations,
            "workflow",
            lambda environment: workflows_of(environment).by_id.values(),
            lambda workflow: self.answer_violations(GET, 200, workflow.to_wire()),
        )

    # ---- datasets -----------------------------------------------------------------------

    def dataset_problems(self, raw: dict[str, Any], where: str) -> list[str]:
        entries = raw.get("workflows") or []
        return self.body_problems(CREATE, entries, f"{where}.workflows", "workflow")

    def apply_dataset(
        self,
        organization: Organization,
        environment: Environment,
        raw: dict[str, Any],
        *,
        label: str,
        clock: Clock,
        where: str,
    ) -> None:
        """Each entry is a create request, made as `POST /v2/workflows` makes it."""
        backend = WorkflowsBackend(self.host.store, clock)
        caller = Caller("Bearer", organization, environment)

        def make(body: dict[str, Any]) -> list[str]:
            return self.answer_violations(GET, 200, backend.create(caller, body).to_wire())

        self.make_entries(raw.get("workflows"), where, "workflow", make)

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"workflows": len(workflows_of(environment).by_id)}

    def tables(self, environment: Environment) -> list[Table]:
        rows = [
            (
                w.workflow_id,
                w.name,
                w.status,
                ", ".join(step.type for step in w.steps),
            )
            for w in workflows_of(environment).by_id.values()
        ]
        return [Table(self.title, ("Workflow", "Name", "Status", "Steps"), rows)]


def _create_workflow(resource: WorkflowsResource, caller: Caller, **fields: Any) -> Any:
    """Create a workflow in the test's environment directly, without HTTP."""
    return resource.backend.create(caller, fields).to_wire()


WorkflowsResource.helpers = {"create_workflow": _create_workflow}

# What the registry reads (resources/registry.py).
RESOURCE = WorkflowsResource
