"""What a resource is: one part of Novu's API (integrations, subscribers, ...) as a plug-in.

A resource is a package under `mockserver/resources/` whose `resource.py` defines `RESOURCE`, a
subclass of `Resource`, named by one line of `registry.py`. It declares its handlers by
operationId, keeps its state per environment (a state class of its own, which
`Environment.state` makes on first use), seeds an environment, writes its state into the
exported document and reads it back, adds its objects from datasets, and names the JSON
Structure documents of its objects and the secrets in them. The pipeline, the admin API, the
journal, snapshots, datasets, record/replay and the pytest plugin know a resource only through
this class.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Protocol

from mockserver.contract import Contract
from mockserver.contract.checks import query_list, response_violations
from mockserver.contract.operations import Operation
from mockserver.novu.auth import Caller
from mockserver.novu.errors import NovuError, ValidationFailed
from mockserver.novu.secrets import SecretRules, scrub_message
from mockserver.settings import Settings
from mockserver.state.clock import Clock
from mockserver.state.errors import DatasetError
from mockserver.state.store import Environment, Organization, Store


@dataclass(frozen=True)
class Exchange:
    """What a handler is given: the authenticated caller, the path parameters (by the spec's
    names), the parsed body and the query."""

    caller: Caller
    path: dict[str, str] = field(default_factory=dict)
    body: Any = None
    # The query parameters, for an operation that declares any (first value of each).
    query: Mapping[str, str] = field(default_factory=dict)

    def query_list(self, name: str) -> list[str]:
        """Every value of a repeated query parameter (`?tags=a&tags=b`), in order."""
        return query_list(self.query, name) if name in self.query else []


@dataclass(frozen=True)
class Reply:
    """What a handler decides: the status and the payload, which the pipeline wraps as Novu's
    interceptor does (`{"data": ...}`, but a page with a `data` of its own goes out as it is:
    novu/envelope.py) and checks against the contract."""

    status: int
    payload: Any


# A handler takes what its resource's `handler_target` gives (its backend) and the exchange.
Handler = Callable[[Any, Exchange], Reply]
BoundHandler = Callable[[Exchange], Reply]


@dataclass(frozen=True)
class Table:
    """Rows for people (the inspector): one table per kind of object an environment holds."""

    title: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]


class Host(Protocol):
    """What a resource needs of the server it runs in (MockServer is one)."""

    settings: Settings
    store: Store
    clock: Clock
    contract: Contract
    operations: dict[str, Operation]
    seed: int
    resources: list[Resource]

    def resource(self, name: str) -> Resource: ...


class Resource(ABC):
    """One resource of one server. Subclasses set the class attributes and the methods."""

    # The resource's key: in exported environments, datasets, summaries and the registry.
    name: ClassVar[str]
    # Its heading in IMPLEMENTATION_COVERAGE.md and the inspector.
    title: ClassVar[str]
    handlers: ClassVar[Mapping[str, Handler]]
    # JSON Structure documents of its objects, each applied wherever the spec uses the schema
    # component it names.
    structures: ClassVar[tuple[Path, ...]] = ()
    # The paths of its operations, for `mockserver spec-diff` to compare: `/v1/integrations*`
    # is every path under it, `/v2/subscribers` that path alone.
    path_prefixes: ClassVar[tuple[str, ...]] = ()
    secrets: ClassVar[SecretRules] = SecretRules()
    # JSON Schema properties this resource adds to an exported environment, and to a dataset's.
    export_properties: ClassVar[Mapping[str, Any]] = {}
    export_required: ClassVar[tuple[str, ...]] = ()
    dataset_properties: ClassVar[Mapping[str, Any]] = {}
    # operationId of a create -> the path that deletes what it made (each `{field}` is that
    # field of the created object, `{_id}` its id), for `mockserver verify --cleanup`.
    cleanup: ClassVar[Mapping[str, str]] = {}
    # Larger body limits Novu sets for some of its paths (apps/api/src/bootstrap.ts raises
    # body-parser's 100 kB to 20 MB for /v1/events and a few others): path prefix -> bytes.
    body_limits: ClassVar[Mapping[str, int]] = {}
    # Helpers of the pytest plugin's handle (`novu_mock.<name>(...)`): fn(resource, caller, ...).
    helpers: ClassVar[Mapping[str, Callable[..., Any]]] = {}
    # Read-only views of what an environment holds, for tests and people:
    # fn(resource, environment, filters) -> entries. `GET /__mock/<name>` lists them across
    # environments (or one: `?environmentId=`), `novu_mock.<name>` for the test's own.
    views: ClassVar[Mapping[str, Callable[..., list[dict[str, Any]]]]] = {}

    def __init__(self, host: Host) -> None:
        self.host = host

    # ---- the contract, for objects that did not come through a request -----------------

    def answer_violations(self, operation_id: str, status: int, payload: Any) -> list[str]:
        """How `payload`, answered by the operation at `status` in Novu's envelope, breaks the
        spec or a structure document (nothing when the spec lacks the operation): what an
        imported or dataset-made object is held to."""
        operation = self.host.contract.operations.get(operation_id)
        if operation is None:
            return []
        return response_violations(
            operation,
            status=status,
            headers={"Content-Type": "application/json"},
            body={"data": payload},
            structures=self.host.contract.structures,
            redact=scrub_message,
        )

    def body_problems(
        self, operation_id: str, bodies: list[Any], where: str, noun: str, *, start: int = 0
    ) -> list[str]:
        """The first way one of `bodies` breaks the operation's request schema, with its place
        (`<where>.<start + index>, field <field>: <message>`); nothing without a schema."""
        operation = self.host.contract.operations.get(operation_id)
        validator = operation.body_validator if operation is not None else None
        if validator is None:
            return []
        for index, body in enumerate(bodies, start):
            for error in validator.iter_errors(body):
                field = ".".join(str(p) for p in error.absolute_path) or f"(the {noun})"
                return [f"{where}.{index}, field {field}: {error.message}"]
        return []

    def bound_handlers(self) -> dict[str, BoundHandler]:
        target = self.handler_target()
        return {name: functools.partial(handler, target) for name, handler in self.handlers.items()}

    def claim_rest(self, unclaimed: frozenset[str]) -> dict[str, BoundHandler]:
        """Handlers for operations of the loaded document that no resource handles by name
        (the inferred engine answers them all); a resource with fixed handlers claims none."""
        return {}

    def handler_target(self) -> Any:
        """What the handlers are called with: the resource itself unless it says otherwise."""
        return self

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
        """Fill a new environment from (seed, label) alone: the same label, the same objects.
        A resource that seeds nothing leaves this as it is."""
        return

    # ---- the state document (GET and PUT /__mock/state) ---------------------------------

    @abstractmethod
    def export(self, environment: Environment) -> dict[str, Any]:
        """This resource's state in the environment, as properties of the exported object."""

    @abstractmethod
    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        """Read the state back into a new environment (its form is already checked); append
        what is wrong to `problems`. `moment(raw, key, where)` reads a timestamp."""

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        """(kind, id) of every object an exported environment holds: each must be unique in
        the whole document."""
        return []

    def import_problems(self, organizations: list[Organization]) -> list[str]:
        """Rules a form cannot say, checked across the imported organizations, and each
        object against the contract. Called only when everything else is right."""
        return []

    @staticmethod
    def objects_problems(
        organizations: list[Organization],
        noun: str,
        objects: Callable[[Environment], Iterable[Any]],
        violations: Callable[[Any], list[str]],
    ) -> list[str]:
        """`violations` of every object of every imported environment, each line naming the
        object (`<noun> <_id>: <problem>`)."""
        return [
            f"{noun} {item.id}: {problem}"
            for organization in organizations
            for environment in organization.environments.values()
            for item in objects(environment)
            for problem in violations(item)
        ]

    # ---- datasets -----------------------------------------------------------------------

    def dataset_problems(self, raw: dict[str, Any], where: str) -> list[str]:
        """What is wrong with a dataset environment's entries for this resource."""
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
        """Make a dataset environment's entries; raise DatasetError naming `where`. A
        resource with no dataset entries leaves this as it is."""
        return

    @staticmethod
    def make_entries(
        entries: list[Any] | None, where: str, noun: str, make: Callable[[dict[str, Any]], Any]
    ) -> None:
        """Make each dataset entry with `make` (the resource's own rules), in order: a refusal
        (Novu's 4xx, or a list of problems `make` returns) stops the whole dataset, naming the
        entry (`<where>, <noun> <index>: <why>`)."""
        for index, entry in enumerate(entries or []):
            try:
                problems = make(dict(entry))
            except ValidationFailed as refused:
                worded = "; ".join(problem.message for problem in refused.problems)
                raise DatasetError(f"{where}, {noun} {index}: {worded}") from refused
            except NovuError as exc:
                raise DatasetError(f"{where}, {noun} {index}: {exc.message}") from exc
            if problems:
                raise DatasetError(f"{where}, {noun} {index}: {problems[0]}")

    # ---- time ---------------------------------------------------------------------------

    def clock_moved(self) -> None:
        """The frozen clock was moved forward: do what has come due (held steps)."""
        return

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        """Counts for GET /__mock/environments."""
        return {}

    def tables(self, environment: Environment) -> list[Table]:
        return []
