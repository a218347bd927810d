"""One mock server's parts, built from its settings: contract, store, rules and clock.

A Flask app keeps its `MockServer` in `app.extensions["mockserver"]`, never in module globals,
so any number of servers can live in one process (tests, the pytest plugin, xdist workers).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from mockserver.contract import Contract, DocumentError, load_contract
from mockserver.contract.operations import Operation, SecurityScheme
from mockserver.novu.errors import Conflict, NovuError
from mockserver.novu.idempotency import IdempotencyStore
from mockserver.novu.ratelimit import RateLimiter
from mockserver.novu.secrets import secret_body_keys
from mockserver.resources.base import BoundHandler, Resource
from mockserver.resources.registry import resource_classes
from mockserver.runtime.request_log import RequestLog
from mockserver.settings import Settings
from mockserver.state.clock import Clock
from mockserver.state.dataset import Dataset, apply_dataset, load_dataset
from mockserver.state.seed import add_seeded_environment, new_organization, seed_store
from mockserver.state.snapshot import import_state
from mockserver.state.store import Environment, Organization, Store
from mockserver.testing.faults import Faults
from mockserver.testing.journal import Journal


class MockServer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # False until the seeded start (and any dataset) is loaded, and while a reset rebuilds it.
        self.ready = False
        classes = resource_classes()
        implemented = frozenset(name for cls in classes for name in cls.handlers)
        # The resources' own structure documents, then the user's (which replace any of the
        # same name).
        structure_paths = [path for cls in classes for path in cls.structures]
        structure_paths += settings.structure_paths
        self.contract: Contract = load_contract(
            settings.spec_path,
            structure_paths,
            check_spec=settings.check_spec,
            # Inferring, every operation is answered, so every one is compiled.
            implemented=None if settings.infer else implemented,
        )
        if not self.contract.operations:
            # Served, it would answer every request with a 404 and pass no test by accident.
            raise DocumentError(
                f"{self.contract.spec_path}: the document describes no operations to serve"
            )
        # Operations the mock implements that the loaded document does not describe (Novu's
        # published document hides three) are served as the bundled document describes them.
        self.operations: dict[str, Operation] = dict(self.contract.operations)
        self.security_schemes: dict[str, SecurityScheme] = dict(self.contract.security_schemes)
        self._implemented = implemented
        self._structure_paths = structure_paths
        self._wire_operations: dict[str, Operation] | None = None
        self.borrowed: list[str] = sorted(implemented - set(self.operations))
        if self.borrowed:
            bundled = load_contract(None, structure_paths, implemented=frozenset(self.borrowed))
            self.operations.update(
                {
                    name: bundled.operations[name]
                    for name in self.borrowed
                    if name in bundled.operations
                }
            )
            self.security_schemes.update(bundled.security_schemes)
        self.clock = Clock(settings.frozen_time)
        self.store = Store()
        self.seed = settings.seed
        self.resources: list[Resource] = [cls(self) for cls in classes]
        self.handlers: dict[str, BoundHandler] = {
            name: handler
            for resource in self.resources
            for name, handler in resource.bound_handlers().items()
        }
        # What no resource handles by name, a resource may claim (the inferred engine).
        unclaimed = frozenset(set(self.operations) - set(self.handlers))
        self.inferred_operations: frozenset[str] = frozenset()
        for resource in self.resources:
            claimed = resource.claim_rest(unclaimed)
            self.handlers.update(claimed)
            self.inferred_operations |= frozenset(claimed)
            unclaimed -= frozenset(claimed)
        # The larger body limits some paths have, longest prefix first.
        self.body_limits: list[tuple[str, int]] = sorted(
            {p: n for r in self.resources for p, n in r.body_limits.items()}.items(),
            key=lambda item: -len(item[0]),
        )
        # Body keys whose values a 422 never repeats (every resource's secrets).
        self.secret_keys = secret_body_keys()
        self.idempotency = IdempotencyStore(self.clock, max_entries=settings.idempotency_capacity)
        self.rate_limiter = (
            RateLimiter(settings.rate_limit, self.clock) if settings.rate_limit else None
        )
        self.journal = Journal(settings.journal_size, max_bytes=settings.journal_max_bytes)
        self.request_log = RequestLog(settings.request_log) if settings.request_log else None
        self.faults = Faults(self.seed)
        self._isolated = 0
        self.dataset: Dataset | None = None
        if settings.fixtures_path is not None:
            self.dataset = load_dataset(settings.fixtures_path, self.resources)
        self.reset()

    def wire_operation(self, operation_id: str) -> Operation | None:
        """The operation as the bundled document describes it (how Novu's server really
        answers), when the server runs on another document; None on the bundled one.

        Novu's published document is wrong about some of its own error answers (a trigger's
        `workflow_not_found` 422 has no `errors`, which the document requires); an error
        answer that fits the bundled description is the document's fault, not the mock's."""
        if self.settings.spec_path is None:
            return None
        if self._wire_operations is None:
            bundled = load_contract(None, self._structure_paths, implemented=self._implemented)
            self._wire_operations = dict(bundled.operations)
        return self._wire_operations.get(operation_id)

    def body_limit(self, path: str) -> int:
        """The most bytes a request body to `path` may have."""
        for prefix, limit in self.body_limits:
            if path.startswith(prefix):
                return limit
        return self.settings.max_body_bytes

    def resource(self, name: str) -> Resource:
        """The resource registered under `name` (KeyError if there is none)."""
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)

    def reset(self) -> None:
        """Back to the seeded start: the same organizations, keys and objects as at boot,
        with no remembered idempotency keys, full rate-limit buckets, no faults and an empty
        journal."""
        self.ready = False
        self.idempotency.clear()
        self.faults = Faults(self.seed)
        self.journal.clear()
        if self.rate_limiter is not None:
            self.rate_limiter.clear()
        with self.store.lock:
            self.store.clear()
            self.clock.restart()
            self._isolated = 0
            seed_store(self.store, self.resources, self.seed)
            if self.dataset is not None:
                apply_dataset(self.store, self.resources, self.seed, self.dataset)
        self.ready = True

    def advance_clock(self, seconds: float) -> datetime:
        """Move the frozen clock forward and let every resource do what came due (ValueError
        when the clock is not frozen)."""
        with self.store.lock:
            moment = self.clock.advance(seconds)
            for resource in self.resources:
                resource.clock_moved()
            return moment

    def reseed(self, seed: int) -> None:
        """Start again from another seed."""
        self.seed = seed
        self.reset()

    def reset_environment(self, environment: Environment) -> Environment:
        """Rebuild one environment as it was seeded; the others are left alone."""
        with self.store.lock:
            organization = self.store.organizations[environment.organization_id]
            self.store.remove_environment(environment)
            label = environment.seed_label or environment.id
            return self._seed_environment(
                organization, label, environment.name, environment.api_key
            )

    def isolated_environment(
        self, label: str | None = None, *, api_key: str | None = None, empty: bool = False
    ) -> Environment:
        """A new organization with one environment of its own, made from (seed, label) only.

        Nothing else can see or touch it, so tests and CI jobs sharing one server never collide.
        A label names exactly one environment: one already in use is refused (Conflict), and
        with no label the next free `isolated-N` is taken. Ids, keys and tokens come from the
        label, so distinct labels never share them (the store refuses any that would).
        """
        with self.store.lock:
            count = sum(len(o.environments) for o in self.store.organizations.values())
            if count >= self.settings.max_environments:
                raise NovuError(
                    503,
                    f"mockserver already holds {count} environments, its maximum "
                    "(max_environments); reset it (POST /__mock/reset) to make room",
                )
            if label is None:
                label = self._free_label("isolated-", self._isolated + 1)
                self._isolated = int(label.rsplit("-", 1)[1])
            elif label in self._labels():
                raise Conflict(f"an environment already has the label {label!r}")
            if api_key is not None and self.store.environment_for_key(api_key) is not None:
                raise Conflict("an environment already has that API key")
            organization = new_organization(self.seed, label=f"org:{label}")
            self.store.add_organization(organization)
            return self._seed_environment(organization, label, "Development", api_key, empty=empty)

    def _labels(self) -> set[str | None]:
        return {
            e.seed_label for o in self.store.organizations.values() for e in o.environments.values()
        }

    def _free_label(self, prefix: str, start: int) -> str:
        taken = self._labels()
        number = start
        while f"{prefix}{number}" in taken:
            number += 1
        return f"{prefix}{number}"

    def _seed_environment(
        self,
        organization: Organization,
        label: str,
        name: str,
        api_key: str | None,
        *,
        empty: bool = False,
    ) -> Environment:
        return add_seeded_environment(
            self.store,
            self.resources,
            organization,
            seed=self.seed,
            label=label,
            name=name,
            api_key=api_key,
            empty=empty,
        )

    def environment_for_new_key(self, api_key: str) -> Environment:
        """With --any-key: the environment an unseen API key gets, the same for the same key."""
        with self.store.lock:
            existing = self.store.environment_for_key(api_key)
            if existing is not None:
                return existing
            # The same key gets the same data on every server; should an admin call already
            # have taken the label `key:<apiKey>`, the key takes the next free one instead.
            label = f"key:{api_key}"
            if label in self._labels():
                label = self._free_label(f"{label}#", 2)
            return self.isolated_environment(label, api_key=api_key)

    def import_state(self, document: Any) -> None:
        """Replace the whole state with an exported document, checked whole first; raises
        SnapshotError, naming each problem, and changes nothing when it is refused."""
        import_state(self.store, document, self.resources)

    @property
    def organizations(self) -> list[Organization]:
        return list(self.store.organizations.values())

    def now(self) -> datetime:
        return self.clock.now().astimezone(UTC)
