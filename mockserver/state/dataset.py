"""Seed datasets: organizations, environments, keys and integrations written out by hand.

    kind: mockserver-dataset
    version: 1
    replaceSeed: false        # true: only what the file lists; false: on top of the Faker seed
    organizations:
    - name: Acme
      dashboardToken: nvsession_acme          # optional
      environments:
      - name: Development
        apiKey: acme-development-key
        integrations:
        - {providerId: sendgrid, channel: email, name: SendGrid, active: true, primary: true,
           credentials: {apiKey: SG.example, from: hello@acme.test}}

Each integration is a create request, checked against the spec's create body and then created
by the same rules as `POST /v1/integrations` (a dashboard caller, so credentials are kept), in
file order; `primary: true` then makes it primary as set-primary would. Every integration made is
checked against the spec's response schema and the JSON Structure document. Any problem names
the file and the place in it. Ids and timestamps come from the seed and the names, so the same
file and seed give the same state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from jsonschema import Draft202012Validator

from mockserver.contract import Contract, DocumentError
from mockserver.novu.auth import Caller
from mockserver.novu.errors import NovuError
from mockserver.replay.files import load_versioned
from mockserver.resources.integrations.backend import IntegrationsBackend
from mockserver.resources.integrations.catalogue import Catalogue
from mockserver.resources.integrations.models import Integration
from mockserver.state.clock import SteppingClock
from mockserver.state.ids import IdFactory, slugify
from mockserver.state.seed import SEED_EPOCH, new_organization
from mockserver.state.store import Environment, Store, environment_rng

KIND = "mockserver-dataset"
VERSION = 1
_CREATE = "IntegrationsController_createIntegration"
_UPDATE = "IntegrationsController_updateIntegrationById"

FORMAT = Draft202012Validator(
    {
        "type": "object",
        "required": ["kind", "version", "organizations"],
        "additionalProperties": False,
        "properties": {
            "kind": {"const": KIND},
            "version": {"const": VERSION},
            "replaceSeed": {"type": "boolean"},
            "organizations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "environments"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string", "minLength": 1},
                        "dashboardToken": {"type": "string", "minLength": 8},
                        "environments": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "apiKey"],
                                "additionalProperties": False,
                                "properties": {
                                    "name": {"type": "string", "minLength": 1},
                                    "apiKey": {"type": "string", "minLength": 8},
                                    "integrations": {
                                        "type": "array",
                                        "items": {"type": "object"},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    }
)


class DatasetHost(Protocol):
    """What applying a dataset needs of a server (MockServer is one): described here rather
    than imported, so that the server can build on this module and not the other way round."""

    store: Store
    seed: int
    catalogue: Catalogue
    credential_types: dict[str, str]

    def integration_violations(self, integration: Integration) -> list[str]: ...


class DatasetError(DocumentError):
    pass


@dataclass(frozen=True)
class Dataset:
    path: Path
    replace_seed: bool
    organizations: list[dict[str, Any]]


def load_dataset(path: Path, contract: Contract) -> Dataset:
    """Read and check a dataset file: its format, then every integration against the spec."""
    raw = load_versioned(
        path,
        kind=KIND,
        version=VERSION,
        form=FORMAT,
        error=DatasetError,
        upgrade=f"Change the file to version {VERSION}'s format (see fixtures/README.md).",
        where=lambda parts: ".".join(str(p) for p in parts) or "(top level)",
    )
    keys = [e["apiKey"] for o in raw["organizations"] for e in o["environments"]]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    if duplicated:
        raise DatasetError(f"{path}: an API key is used by two environments: {duplicated[0]}")
    tokens = [o["dashboardToken"] for o in raw["organizations"] if "dashboardToken" in o]
    shared = sorted({token for token in tokens if tokens.count(token) > 1})
    if shared:
        raise DatasetError(f"{path}: a dashboard token is used by two organizations: {shared[0]}")
    names = [o["name"] for o in raw["organizations"]]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        # Ids are made from the organization's name: two of the same name would share them.
        raise DatasetError(f"{path}: two organizations are named {twice[0]!r}")
    create = contract.operations.get(_CREATE)
    for where, body in _integrations(raw["organizations"]):
        if create is not None and create.body_validator is not None:
            for error in create.body_validator.iter_errors(_create_body(body)):
                field = ".".join(str(p) for p in error.absolute_path) or "(the integration)"
                raise DatasetError(f"{path}: {where}, field {field}: {error.message}")
        if "primary" in body and not isinstance(body["primary"], bool):
            raise DatasetError(f"{path}: {where}, field primary: must be true or false")
    return Dataset(path, bool(raw.get("replaceSeed", False)), raw["organizations"])


def _integrations(organizations: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for o, organization in enumerate(organizations):
        for e, environment in enumerate(organization["environments"]):
            for i, body in enumerate(environment.get("integrations") or []):
                found.append((f"organizations.{o}.environments.{e}.integrations.{i}", body))
    return found


def _create_body(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "primary"}


def apply_dataset(server: DatasetHost, dataset: Dataset) -> None:
    """Add the dataset's organizations to the server's store (emptied first with replaceSeed)."""
    store = server.store
    with store.lock:
        if dataset.replace_seed:
            store.clear()
        for organization_spec in dataset.organizations:
            label = f"dataset:{organization_spec['name']}"
            organization = new_organization(server.seed, label=label)
            organization.name = organization_spec["name"]
            organization.dashboard_token = organization_spec.get(
                "dashboardToken", organization.dashboard_token
            )
            store.add_organization(organization)
            for environment_spec in organization_spec["environments"]:
                _add_environment(server, dataset, organization, environment_spec, label)


def _add_environment(
    server: DatasetHost,
    dataset: Dataset,
    organization: Any,
    spec: dict[str, Any],
    organization_label: str,
) -> None:
    label = f"{organization_label}:{spec['name']}"
    if server.store.environment_for_key(spec["apiKey"]) is not None:
        raise DatasetError(f"{dataset.path}: {label}: the API key is already in use")
    ids = IdFactory(environment_rng(server.seed, label))
    clock = SteppingClock(SEED_EPOCH, timedelta(minutes=3))
    environment = Environment(
        id=ids.object_id(clock.now()),
        organization_id=organization.id,
        name=spec["name"],
        identifier=ids.short_id(),
        api_key=spec["apiKey"],
        ids=ids,
        seed_label=None,
    )
    server.store.add_environment(environment)
    backend = IntegrationsBackend(
        server.store,
        server.catalogue,
        clock,
        credential_keys=frozenset(server.credential_types),
    )
    caller = Caller("Bearer", organization, environment)
    for index, body in enumerate(spec.get("integrations") or []):
        where = f"{dataset.path}: {label}, integration {index}"
        request = _create_body(body)
        if not request.get("identifier"):
            # Made from (seed, environment, position) alone: giving one entry an identifier
            # must not change the identifier another entry gets.
            name = request.get("name") or server.catalogue.default_name(str(request["providerId"]))
            own = IdFactory(random.Random(f"{server.seed}:{label}:integration:{index}"))
            request["identifier"] = f"{slugify(str(name))}-{own.short_id()}"
        try:
            made = backend.create(caller, request)
            if body.get("primary"):
                made = backend.set_primary(caller, made.id)
        except NovuError as exc:
            raise DatasetError(f"{where}: {exc.message}") from exc
        problems = server.integration_violations(made)
        if problems:
            raise DatasetError(f"{where}: makes an integration the spec refuses: {problems[0]}")
