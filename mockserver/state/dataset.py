"""Seed datasets: organizations, environments, keys and each resource's objects, by hand.

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

The organizations, environments and keys are this module's; an environment's other entries
belong to the resources (`integrations` to the integrations resource, which makes each as
`POST /v1/integrations` would: Resource.dataset_problems and apply_dataset). Any problem names
the file and the place in it. Ids and timestamps come from the seed and the names, so the same
file and seed give the same state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from mockserver.contract.versioned import load_versioned
from mockserver.state.clock import SteppingClock
from mockserver.state.errors import DatasetError
from mockserver.state.ids import IdFactory
from mockserver.state.seed import SEED_EPOCH, new_organization
from mockserver.state.store import Environment, Organization, Store, environment_rng

if TYPE_CHECKING:  # the resources sit above the state; they are only handed in
    from mockserver.resources.base import Resource

KIND = "mockserver-dataset"
VERSION = 1


def dataset_form(resources: Sequence[Resource]) -> Draft202012Validator:
    """The file's form, with each resource's entries in every environment."""
    environment_properties: dict[str, Any] = {
        "name": {"type": "string", "minLength": 1},
        "apiKey": {"type": "string", "minLength": 8},
    }
    for resource in resources:
        environment_properties.update(resource.dataset_properties)
    return Draft202012Validator(
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
                                    "properties": environment_properties,
                                },
                            },
                        },
                    },
                },
            },
        }
    )


@dataclass(frozen=True)
class Dataset:
    path: Path
    replace_seed: bool
    organizations: list[dict[str, Any]]


def load_dataset(path: Path, resources: Sequence[Resource]) -> Dataset:
    """Read and check a dataset file: its format, then every resource's entries."""
    raw = load_versioned(
        path,
        kind=KIND,
        version=VERSION,
        form=dataset_form(resources),
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
    for o, organization in enumerate(raw["organizations"]):
        for e, environment in enumerate(organization["environments"]):
            where = f"organizations.{o}.environments.{e}"
            for resource in resources:
                problems = resource.dataset_problems(environment, where)
                if problems:
                    raise DatasetError(f"{path}: {problems[0]}")
    return Dataset(path, bool(raw.get("replaceSeed", False)), raw["organizations"])


def apply_dataset(store: Store, resources: Sequence[Resource], seed: int, dataset: Dataset) -> None:
    """Add the dataset's organizations to the store (emptied first with replaceSeed)."""
    with store.lock:
        if dataset.replace_seed:
            store.clear()
        for organization_spec in dataset.organizations:
            label = f"dataset:{organization_spec['name']}"
            organization = new_organization(seed, label=label)
            organization.name = organization_spec["name"]
            organization.dashboard_token = organization_spec.get(
                "dashboardToken", organization.dashboard_token
            )
            store.add_organization(organization)
            for environment_spec in organization_spec["environments"]:
                _add_environment(
                    store, resources, seed, dataset, organization, environment_spec, label
                )


def _add_environment(
    store: Store,
    resources: Sequence[Resource],
    seed: int,
    dataset: Dataset,
    organization: Organization,
    spec: dict[str, Any],
    organization_label: str,
) -> None:
    label = f"{organization_label}:{spec['name']}"
    if store.environment_for_key(spec["apiKey"]) is not None:
        raise DatasetError(f"{dataset.path}: {label}: the API key is already in use")
    ids = IdFactory(environment_rng(seed, label))
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
    store.add_environment(environment)
    for resource in resources:
        resource.apply_dataset(
            organization,
            environment,
            spec,
            label=label,
            clock=clock,
            where=f"{dataset.path}: {label}",
        )
