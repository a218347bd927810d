"""Integrations as a resource of the registry: Novu's 16 integrations operations, their state in
each environment, their seeding, their part of the state document and of datasets."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from mockserver.contract import bundled_path
from mockserver.novu.auth import Caller
from mockserver.novu.errors import NovuError, ValidationFailed
from mockserver.novu.secrets import SecretRules
from mockserver.resources.base import Host, Resource, Table
from mockserver.resources.integrations.backend import IntegrationsBackend
from mockserver.resources.integrations.catalogue import Catalogue, load_catalogue
from mockserver.resources.integrations.models import SIGNING_KEY, Integration
from mockserver.resources.integrations.routes import HANDLERS
from mockserver.resources.integrations.seeding import populate_environment
from mockserver.resources.integrations.selection import select
from mockserver.resources.integrations.snapshot import (
    EXPORT_PROPERTIES,
    EXPORT_REQUIRED,
    rule_problems,
)
from mockserver.resources.integrations.snapshot import (
    export_environment as export_integrations,
)
from mockserver.resources.integrations.snapshot import (
    import_environment as import_integrations,
)
from mockserver.resources.integrations.state import integrations_of, live
from mockserver.resources.ports import SubscriberView
from mockserver.state.clock import Clock
from mockserver.state.errors import DatasetError
from mockserver.state.ids import IdFactory, slugify
from mockserver.state.store import Environment, Organization

CREATE = "IntegrationsController_createIntegration"
_CREDENTIALS_SCHEMA = "CredentialsDto"


class IntegrationsResource(Resource):
    name = "integrations"
    title = "Integrations"
    handlers = HANDLERS
    structures = (bundled_path("IntegrationResponseDto.structure.json"),)
    path_prefixes = ("/v1/integrations*",)
    secrets = SecretRules(
        # The credential keys Novu encrypts (`secureCredentials` in the catalogue) and the
        # signing key, masked wherever an exchange is kept; what an API key never sees
        # (utils/sanitize-integration-response.ts in novuhq/novu).
        body_keys=load_catalogue().secure_keys | {SIGNING_KEY},
        emptied=frozenset({"credentials"}),
        stripped={"configurations": frozenset({SIGNING_KEY})},
    )
    export_properties = EXPORT_PROPERTIES
    export_required = EXPORT_REQUIRED
    dataset_properties: ClassVar[dict[str, Any]] = {
        "integrations": {"type": "array", "items": {"type": "object"}}
    }
    cleanup: ClassVar[dict[str, str]] = {CREATE: "/v1/integrations/{_id}"}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.catalogue: Catalogue = load_catalogue()
        # Credential key -> JSON type, read from the spec's CredentialsDto (empty without one).
        self.credential_types = _credential_types(host)
        self.backend = self.backend_with(host.clock)

    def backend_with(self, clock: Clock) -> IntegrationsBackend:
        return IntegrationsBackend(
            self.host.store,
            self.catalogue,
            clock,
            credential_keys=frozenset(self.credential_types),
            # The reference path builds every answer afresh: no wire forms, no list answers.
            cached_forms=not self.host.settings.reference,
        )

    # ---- what a trigger's delivery reads (ports.IntegrationSelector) ---------------------

    def select_integration(
        self,
        environment: Environment,
        channel: str,
        identifier: str | None = None,
        *,
        tenant: Mapping[str, Any] | None = None,
        subscriber: SubscriberView | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Integration | None:
        """The integration Novu's worker sends a `channel` step through (selection.py)."""
        return select(
            live(environment),
            channel,
            identifier=identifier,
            tenant=tenant,
            subscriber=subscriber,
            context=context,
        )

    def active_provider(self, environment: Environment, provider_id: str) -> Integration | None:
        candidates = [i for i in live(environment) if i.active and i.provider_id == provider_id]
        return max(candidates, key=lambda i: i.created_at, default=None)

    def active_channels(self, environment: Environment) -> set[str]:
        return {i.channel for i in live(environment) if i.active and i.channel}

    def handler_target(self) -> IntegrationsBackend:
        return self.backend

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
        populate_environment(
            # Seeded integrations keep every credential key the generator makes.
            IntegrationsBackend(self.host.store, self.catalogue, clock),
            organization,
            environment,
            seed=seed,
            label=label,
            credential_types=self.credential_types,
        )

    # ---- the state document -------------------------------------------------------------

    def export(self, environment: Environment) -> dict[str, Any]:
        return export_integrations(environment)

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        import_integrations(raw, environment, where, problems, moment)

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        return [("integration id", item["_id"]) for item in raw["integrations"]]

    def import_problems(self, organizations: list[Organization]) -> list[str]:
        problems = rule_problems(organizations, self.catalogue)
        if problems:
            return problems
        return self.objects_problems(
            organizations,
            "integration",
            lambda environment: integrations_of(environment).integrations.values(),
            self.violations,
        )

    def violations(self, integration: Integration) -> list[str]:
        """How an integration, as a dashboard caller would be answered it, breaks the spec or
        the structure document (nothing when the spec has no create operation)."""
        wire = integration.to_wire(reveal_credentials=True, include_virtual_id=True)
        return self.answer_violations(CREATE, 201, wire)

    # ---- datasets -----------------------------------------------------------------------

    def dataset_problems(self, raw: dict[str, Any], where: str) -> list[str]:
        entries = raw.get("integrations") or []
        for i, body in enumerate(entries):
            problems = self.body_problems(
                CREATE, [_create_body(body)], f"{where}.integrations", "integration", start=i
            )
            if problems:
                return problems
            if "primary" in body and not isinstance(body["primary"], bool):
                return [f"{where}.integrations.{i}, field primary: must be true or false"]
        return []

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
        """Each entry is a create request, made by the rules of `POST /v1/integrations` (a
        dashboard caller, so credentials are kept) in file order; `primary: true` then makes
        it primary as set-primary would. Every integration made is checked against the
        contract."""
        backend = self.backend_with(clock)
        caller = Caller("Bearer", organization, environment)
        seed = self.host.seed
        for index, body in enumerate(raw.get("integrations") or []):
            here = f"{where}, integration {index}"
            request = _create_body(body)
            if not request.get("identifier"):
                # Made from (seed, environment, position) alone: giving one entry an
                # identifier must not change the identifier another entry gets.
                name = request.get("name") or self.catalogue.default_name(
                    str(request["providerId"])
                )
                own = IdFactory(random.Random(f"{seed}:{label}:integration:{index}"))
                request["identifier"] = f"{slugify(str(name))}-{own.short_id()}"
            try:
                made = backend.create(caller, request)
                if body.get("primary"):
                    made = backend.set_primary(caller, made.id)
            except ValidationFailed as refused:
                worded = "; ".join(problem.message for problem in refused.problems)
                raise DatasetError(f"{here}: {worded}") from refused
            except NovuError as exc:
                raise DatasetError(f"{here}: {exc.message}") from exc
            problems = self.violations(made)
            if problems:
                raise DatasetError(f"{here}: makes an integration the spec refuses: {problems[0]}")

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"integrations": sum(1 for _ in live(environment))}

    def tables(self, environment: Environment) -> list[Table]:
        """The integrations by channel, the highest priority first (the order Novu picks them
        in), and each channel's primary."""
        ranked = sorted(
            live(environment), key=lambda i: (i.channel or "", not i.active, -i.priority)
        )
        rows = [
            (
                i.channel or "",
                i.name,
                i.provider_id,
                "yes" if i.active else "no",
                "primary" if i.primary else "",
                str(i.priority),
                i.identifier,
            )
            for i in ranked
        ]
        columns = ("Channel", "Name", "Provider", "Active", "Primary", "Priority", "Identifier")
        primaries = {i.channel: i.name for i in ranked if i.primary and i.channel}
        channels = sorted(self.catalogue.channels_with_primary)
        chosen = [(channel, primaries.get(channel, "(none)")) for channel in channels]
        return [
            Table(self.title, columns, rows),
            Table("Primary by channel", ("Channel", "Primary"), chosen),
        ]


def _create_body(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "primary"}


def _credential_types(host: Host) -> dict[str, str]:
    operation = host.contract.operations.get(CREATE)
    if operation is None or operation.body_validator is None:
        return {}
    definitions = operation.body_validator.schema.get("$defs", {})
    properties = definitions.get(_CREDENTIALS_SCHEMA, {}).get("properties", {})
    return {key: str(schema.get("type", "string")) for key, schema in properties.items()}


# The pytest plugin's handle gets these as methods (novu_mock.create_integration(...)).
def _create_integration(resource: IntegrationsResource, caller: Caller, **fields: Any) -> Any:
    """Create an integration in the test's environment directly, without HTTP."""
    created = resource.backend.create(caller, fields)
    return created.to_wire(reveal_credentials=True, include_virtual_id=True)


def _integrations(resource: IntegrationsResource, caller: Caller) -> Any:
    """The test environment's integrations as a dashboard sees them (credentials in clear)."""
    return [
        i.to_wire(reveal_credentials=True, include_virtual_id=False)
        for i in live(caller.environment)
    ]


IntegrationsResource.helpers = {
    "create_integration": _create_integration,
    "integrations": _integrations,
}

# What the registry reads (resources/registry.py).
RESOURCE = IntegrationsResource
