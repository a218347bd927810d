"""One mock server's parts, built from its settings: contract, store, rules and clock.

A Flask app keeps its `MockServer` in `app.extensions["mockserver"]`, never in module globals,
so any number of servers can live in one process (tests, the pytest plugin, xdist workers).
"""

from __future__ import annotations

from datetime import UTC, datetime

from mockserver.catalogue import Catalogue, load_catalogue
from mockserver.clock import Clock
from mockserver.contract import Contract, load_contract
from mockserver.contract.operations import Operation, SecurityScheme
from mockserver.idempotency import IdempotencyStore
from mockserver.integrations.backend import IntegrationsBackend
from mockserver.integrations.routes import HANDLERS
from mockserver.ratelimit import RateLimiter
from mockserver.seed import seed_store
from mockserver.settings import Settings
from mockserver.store import Organization, Store

_CREDENTIALS_SCHEMA = "CredentialsDto"
_CREATE = "IntegrationsController_createIntegration"


class MockServer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.contract: Contract = load_contract(
            settings.spec_path,
            settings.structure_path,
            check_spec=settings.check_spec,
            implemented=frozenset(HANDLERS),
        )
        # Operations the mock implements that the loaded document does not describe (Novu's
        # published document hides three) are served as the bundled document describes them.
        self.operations: dict[str, Operation] = dict(self.contract.operations)
        self.security_schemes: dict[str, SecurityScheme] = dict(self.contract.security_schemes)
        self.borrowed: list[str] = sorted(set(HANDLERS) - set(self.operations))
        if self.borrowed:
            bundled = load_contract(implemented=frozenset(self.borrowed))
            self.operations.update({name: bundled.operations[name] for name in self.borrowed})
            self.security_schemes.update(bundled.security_schemes)
        self.catalogue: Catalogue = load_catalogue()
        self.clock = Clock(settings.frozen_time)
        self.store = Store()
        self.credential_types = _credential_types(self.contract)
        self.backend = IntegrationsBackend(
            self.store,
            self.catalogue,
            self.clock,
            credential_keys=frozenset(self.credential_types),
        )
        self.idempotency = IdempotencyStore(self.clock, max_entries=settings.idempotency_capacity)
        self.rate_limiter = (
            RateLimiter(settings.rate_limit, self.clock) if settings.rate_limit else None
        )
        self.reset()

    def reset(self) -> None:
        """Back to the seeded start: the same organizations, keys and integrations as at boot,
        with no remembered idempotency keys and full rate-limit buckets."""
        self.idempotency.clear()
        if self.rate_limiter is not None:
            self.rate_limiter.clear()
        with self.store.lock:
            self.store.clear()
            seed_store(
                self.store,
                self.catalogue,
                self.settings.seed,
                credential_types=self.credential_types,
            )

    @property
    def organizations(self) -> list[Organization]:
        return list(self.store.organizations.values())

    def now(self) -> datetime:
        return self.clock.now().astimezone(UTC)


def _credential_types(contract: Contract) -> dict[str, str]:
    """Credential key -> JSON type, read from the spec's CredentialsDto (empty if it has none)."""
    operation = contract.operations.get(_CREATE)
    if operation is None or operation.body_validator is None:
        return {}
    definitions = operation.body_validator.schema.get("$defs", {})
    properties = definitions.get(_CREDENTIALS_SCHEMA, {}).get("properties", {})
    return {key: str(schema.get("type", "string")) for key, schema in properties.items()}
