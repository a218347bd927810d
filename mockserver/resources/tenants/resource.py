"""Tenants as a resource of the registry: Novu's v1 tenant routes, their state in each
environment, state document and datasets; what a trigger's `tenant` finds and updates
(ports.TenantDirectory)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from mockserver.novu.auth import Caller
from mockserver.resources.base import Host, Resource, Table
from mockserver.resources.tenants.backend import TenantsBackend
from mockserver.resources.tenants.models import Tenant
from mockserver.resources.tenants.routes import HANDLERS
from mockserver.resources.tenants.snapshot import EXPORT_PROPERTIES
from mockserver.resources.tenants.snapshot import export_environment as export_tenants
from mockserver.resources.tenants.snapshot import import_environment as import_tenants
from mockserver.resources.tenants.state import tenants_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Organization

GET = "TenantController_getTenantById"
CREATE = "TenantController_createTenant"


class TenantsResource(Resource):
    name = "tenants"
    title = "Tenants"
    handlers = HANDLERS
    path_prefixes = ("/v1/tenants*",)
    export_properties = EXPORT_PROPERTIES
    dataset_properties: ClassVar[dict[str, Any]] = {
        "tenants": {"type": "array", "items": {"type": "object"}}
    }
    cleanup: ClassVar[dict[str, str]] = {CREATE: "/v1/tenants/{identifier}"}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.backend = TenantsBackend(host.store, host.clock)

    def handler_target(self) -> TenantsBackend:
        return self.backend

    # ---- what a trigger reads (ports.TenantDirectory) -----------------------------------

    def find_tenant(self, environment: Environment, identifier: str) -> Tenant | None:
        return self.backend.find(environment, identifier)

    def refresh_tenant(self, environment: Environment, given: Mapping[str, Any]) -> Tenant | None:
        return self.backend.refresh(environment, given)

    # ---- the state document -------------------------------------------------------------

    def export(self, environment: Environment) -> dict[str, Any]:
        return export_tenants(environment)

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        problems.extend(import_tenants(raw, environment, where, moment))

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        return [("tenant _id", item["_id"]) for item in raw.get("tenants", [])]

    def import_problems(self, organizations: list[Organization]) -> list[str]:
        return self.objects_problems(
            organizations,
            "tenant",
            lambda environment: tenants_of(environment).by_identifier.values(),
            lambda tenant: self.answer_violations(GET, 200, tenant.to_wire()),
        )

    # ---- datasets -----------------------------------------------------------------------

    def dataset_problems(self, raw: dict[str, Any], where: str) -> list[str]:
        return self.body_problems(CREATE, raw.get("tenants") or [], f"{where}.tenants", "tenant")

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
        """Each entry is a create request, made as `POST /v1/tenants` makes it."""
        backend = TenantsBackend(self.host.store, clock)
        caller = Caller("Bearer", organization, environment)

        def make(body: dict[str, Any]) -> list[str]:
            return self.answer_violations(GET, 200, backend.create(caller, body).to_wire())

        self.make_entries(raw.get("tenants"), where, "tenant", make)

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"tenants": len(tenants_of(environment).by_identifier)}

    def tables(self, environment: Environment) -> list[Table]:
        rows = [
            (tenant.identifier, tenant.name or "", ", ".join(sorted(tenant.data or {})))
            for tenant in tenants_of(environment).by_identifier.values()
        ]
        return [Table(self.title, ("Tenant", "Name", "Data keys"), rows)]


# What the registry reads (resources/registry.py).
RESOURCE = TenantsResource
