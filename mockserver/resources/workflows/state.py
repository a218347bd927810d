"""What the workflows resource keeps in each environment."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockserver.resources.workflows.models import Workflow
from mockserver.state.store import Environment


@dataclass
class WorkflowsState:
    # By `_id`, in creation order.
    by_id: dict[str, Workflow] = field(default_factory=dict)
    # By trigger identifier (`workflowId`), unique per environment.
    by_identifier: dict[str, Workflow] = field(default_factory=dict)

    def add(self, workflow: Workflow) -> None:
        self.by_id[workflow.id] = workflow
        self.by_identifier[workflow.workflow_id] = workflow

    def remove(self, workflow: Workflow) -> None:
        self.by_id.pop(workflow.id, None)
        self.by_identifier.pop(workflow.workflow_id, None)

    def find(self, key: str) -> Workflow | None:
        """By identifier, `_id` or slug, as Novu's ParseSlugIdPipe reads the path."""
        found = self.by_identifier.get(key) or self.by_id.get(key)
        if found is not None:
            return found
        return next((w for w in self.by_id.values() if w.slug == key), None)


def workflows_of(environment: Environment) -> WorkflowsState:
    return environment.state(WorkflowsState)
