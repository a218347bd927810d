"""Novu's rules for tenants, per environment.

From novuhq/novu: the api's `tenant/tenant.controller.ts` (served, left out of the published
document; a Novu Cloud organization with the code-first flag `IS_V2_ENABLED` gets 405 `Tenants
is not supported in code first version of the API.` instead, the default is to serve) and
`libs/application-generic/src/usecases`: create-tenant (409 `Tenant with identifier: <id>
already exists under environment <env>`), get-tenant (404 `Tenant with identifier: <id> does
not exist under environment <env>`), update-tenant (a `name` or `data` given replaces it; a
new `identifier` must be free, else the same 409), the api's get-tenants (`page` from 0,
`limit` 10 by default and at most 100; `hasMore` when the page is full) and delete-tenant
(404 when missing). A trigger's tenant object updates a stored tenant (process-tenant).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import Conflict, NotFound
from mockserver.resources.page_numbers import limited_page
from mockserver.resources.tenants.models import Tenant
from mockserver.resources.tenants.state import tenants_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Store


class TenantsBackend:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def create(self, caller: Caller, body: dict[str, Any]) -> Tenant:
        environment = caller.environment
        identifier = str(body.get("identifier"))
        with self.store.lock:
            state = tenants_of(environment)
            if identifier in state.by_identifier:
                raise _taken(identifier, environment)
            now = self.clock.now()
            tenant = Tenant(
                id=environment.ids.object_id(now),
                environment_id=environment.id,
                identifier=identifier,
                name=_text(body.get("name")),
                data=_data(body.get("data")),
                created_at=now,
                updated_at=now,
            )
            state.by_identifier[identifier] = tenant
            self.store.changed(tenant)
            return tenant

    def get(self, caller: Caller, identifier: str) -> Tenant:
        found = tenants_of(caller.environment).by_identifier.get(identifier)
        if found is None:
            raise NotFound(
                f"Tenant with identifier: {identifier} does not exist under environment "
                f"{caller.environment.id}"
            )
        return found

    def update(self, caller: Caller, identifier: str, body: dict[str, Any]) -> Tenant:
        environment = caller.environment
        with self.store.lock:
            tenant = self.get(caller, identifier)
            state = tenants_of(environment)
            changes: dict[str, Any] = {}
            # update-tenant sets what is truthy.
            if body.get("name"):
                changes["name"] = str(body["name"])
            if body.get("data"):
                changes["data"] = _data(body["data"])
            renamed = body.get("identifier")
            if isinstance(renamed, str) and renamed and renamed != tenant.identifier:
                if renamed in state.by_identifier:
                    raise _taken(renamed, environment)
                state.by_identifier.pop(tenant.identifier, None)
                state.by_identifier[renamed] = tenant
                changes["identifier"] = renamed
            self.store.update(tenant, **changes, updated_at=self.clock.now())
            return tenant

    def remove(self, caller: Caller, identifier: str) -> None:
        with self.store.lock:
            tenant = self.get(caller, identifier)
            tenants_of(caller.environment).by_identifier.pop(identifier, None)
            self.store.changed(tenant)

    def page(self, caller: Caller, query: Mapping[str, str]) -> dict[str, Any]:
        tenants = tenants_of(caller.environment).by_identifier.values()
        return limited_page(tenants, query, Tenant.to_wire)

    def find(self, environment: Environment, identifier: str) -> Tenant | None:
        return tenants_of(environment).by_identifier.get(identifier)

    def refresh(self, environment: Environment, given: Mapping[str, Any]) -> Tenant | None:
        """process-tenant: a trigger's tenant object updates the stored tenant when its name
        or data differ (the trigger was refused before the worker if none is stored)."""
        identifier = given.get("identifier")
        with self.store.lock:
            tenant = tenants_of(environment).by_identifier.get(str(identifier))
            if tenant is None:
                return None
            name, data = _text(given.get("name")), _data(given.get("data"))
            changes: dict[str, Any] = {}
            if name and name != tenant.name:
                changes["name"] = name
            if data and data != tenant.data:
                changes["data"] = data
            if changes:
                self.store.update(tenant, **changes, updated_at=self.clock.now())
            return tenant


def _taken(identifier: str, environment: Environment) -> Conflict:
    return Conflict(
        f"Tenant with identifier: {identifier} already exists under environment {environment.id}"
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _data(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None
