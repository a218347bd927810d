"""One thin handler per operationId of the tenants resource."""

from __future__ import annotations

from typing import Any

from mockserver.resources.base import Exchange, Handler, Reply
from mockserver.resources.tenants.backend import TenantsBackend


def _body(call: Exchange) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


def create(backend: TenantsBackend, call: Exchange) -> Reply:
    return Reply(201, backend.create(call.caller, _body(call)).to_wire())


def listed(backend: TenantsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.page(call.caller, call.query))


def get(backend: TenantsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.get(call.caller, call.path["identifier"]).to_wire())


def update(backend: TenantsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.update(call.caller, call.path["identifier"], _body(call)).to_wire())


def remove(backend: TenantsBackend, call: Exchange) -> Reply:
    backend.remove(call.caller, call.path["identifier"])
    return Reply(204, None)


HANDLERS: dict[str, Handler] = {
    "TenantController_createTenant": create,
    "TenantController_listTenants": listed,
    "TenantController_getTenantById": get,
    "TenantController_updateTenant": update,
    "TenantController_removeTenant": remove,
}
