"""One thin handler per operationId of the workflows resource."""

from __future__ import annotations

from typing import Any

from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.workflows.backend import WorkflowsBackend


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def create(backend: WorkflowsBackend, call: Exchange) -> Reply:
    return Reply(201, backend.create(call.caller, _body(call)).to_wire())


def get(backend: WorkflowsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.get(call.caller, call.path["workflowId"]).to_wire())


def update(backend: WorkflowsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.update(call.caller, call.path["workflowId"], _body(call)).to_wire())


def patch(backend: WorkflowsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.patch(call.caller, call.path["workflowId"], _body(call)).to_wire())


def remove(backend: WorkflowsBackend, call: Exchange) -> Reply:
    backend.remove(call.caller, call.path["workflowId"])
    return Reply(204, None)


def search(backend: WorkflowsBackend, call: Exchange) -> Reply:
    page, total = backend.search(
        call.caller, call.query, tags=call.query_list("tags"), statuses=call.query_list("status")
    )
    return Reply(200, {"workflows": [w.to_list_item() for w in page], "totalCount": total})


def sync(backend: WorkflowsBackend, call: Exchange) -> Reply:
    target = str(_body(call).get("targetEnvironmentId") or "")
    return Reply(200, backend.sync(call.caller, call.path["workflowId"], target).to_wire())


HANDLERS: dict[str, Handler] = {
    "WorkflowController_create": create,
    "WorkflowController_getWorkflow": get,
    "WorkflowController_update": update,
    "WorkflowController_patchWorkflow": patch,
    "WorkflowController_removeWorkflow": remove,
    "WorkflowController_searchWorkflows": search,
    "WorkflowController_sync": sync,
}
