"""One thin handler per operationId of the workflows resource."""

from __future__ import annotations

from typing import Any

from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.workflows.backend import WorkflowsBackend
from mockserver.resources.workflows.v1 import WorkflowsV1, general_group


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


def create_v1(backend: WorkflowsBackend, call: Exchange) -> Reply:
    templates = WorkflowsV1(backend)
    return Reply(201, templates.wire(call.caller, templates.create(call.caller, _body(call))))


def list_v1(backend: WorkflowsBackend, call: Exchange) -> Reply:
    return Reply(200, WorkflowsV1(backend).page(call.caller, call.query))


def get_v1(backend: WorkflowsBackend, call: Exchange) -> Reply:
    templates = WorkflowsV1(backend)
    found = templates.get(call.caller, call.path["templateId"])
    return Reply(200, templates.wire(call.caller, found))


def update_v1(backend: WorkflowsBackend, call: Exchange) -> Reply:
    templates = WorkflowsV1(backend)
    changed = templates.update(call.caller, call.path["templateId"], _body(call))
    return Reply(200, templates.wire(call.caller, changed))


def status_v1(backend: WorkflowsBackend, call: Exchange) -> Reply:
    templates = WorkflowsV1(backend)
    active = _body(call).get("active") is True
    changed = templates.set_active(call.caller, call.path["templateId"], active)
    return Reply(200, templates.wire(call.caller, changed))


def remove_v1(backend: WorkflowsBackend, call: Exchange) -> Reply:
    WorkflowsV1(backend).remove(call.caller, call.path["templateId"])
    return Reply(200, True)


def notification_groups(backend: WorkflowsBackend, call: Exchange) -> Reply:
    return Reply(200, [general_group(call.caller.environment)])


HANDLERS: dict[str, Handler] = {
    "WorkflowController_create": create,
    "WorkflowController_getWorkflow": get,
    "WorkflowController_update": update,
    "WorkflowController_patchWorkflow": patch,
    "WorkflowController_removeWorkflow": remove,
    "WorkflowController_searchWorkflows": search,
    "WorkflowController_sync": sync,
    "NotificationTemplateController_create": create_v1,
    "NotificationTemplateController_getNotificationTemplates": list_v1,
    "NotificationTemplateController_getNotificationTemplateById": get_v1,
    "NotificationTemplateController_updateTemplateById": update_v1,
    "NotificationTemplateController_changeActiveStatus": status_v1,
    "NotificationTemplateController_deleteTemplateById": remove_v1,
    "NotificationGroupsController_listNotificationGroups": notification_groups,
}
