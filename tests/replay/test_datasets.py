"""Seed datasets: checked against the spec on load, applied by Novu's rules, kept on reset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.http.app import create_app
from mockserver.resources.integrations.state import integrations_of, live
from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.state.dataset import load_dataset
from mockserver.state.errors import DatasetError
from tests.reference import ROOT

EXAMPLE = ROOT / "fixtures" / "datasets" / "acme.yaml"


def dataset(tmp_path: Path, **changes: Any) -> Path:
    document = yaml.safe_load(EXAMPLE.read_text())
    document.update(changes)
    path = tmp_path / "dataset.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def server_for(path: Path) -> MockServer:
    server: MockServer = create_app(Settings(fixtures_path=path)).extensions["mockserver"]
    return server


def names(server: MockServer, api_key: str) -> list[str]:
    environment = server.store.environment_for_key(api_key)
    assert environment is not None
    return [i.name for i in live(environment)]


def test_replace_seed_starts_from_the_dataset_alone(tmp_path: Path):
    server = server_for(dataset(tmp_path, replaceSeed=True))
    assert [o.name for o in server.organizations] == ["Acme Corp"]
    assert names(server, "acme-production-key-0001") == ["SendGrid"]


def test_reset_brings_the_dataset_back(tmp_path: Path):
    server = server_for(EXAMPLE)
    environment = server.store.environment_for_key("acme-development-key-0001")
    assert environment is not None
    for integration in list(integrations_of(environment).integrations.values()):
        integration.deleted = True
    server.reset()
    assert names(server, "acme-development-key-0001")[0] == "SendGrid (transactional)"
    assert len(server.organizations) == 2


def test_the_same_file_and_seed_give_the_same_ids(tmp_path: Path):
    first, second = server_for(EXAMPLE), server_for(EXAMPLE)
    ids = [
        [i.id for e in o.environments.values() for i in live(e)]
        for o in (first.organizations[1], second.organizations[1])
    ]
    assert ids[0] == ids[1] and len(ids[0]) == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["organizations"][0]["environments"][0]["integrations"][1].update(
                channel="pigeon"
            ),
            "organizations.0.environments.0.integrations.1, field channel: 'pigeon' is not one of",
        ),
        (
            lambda d: d["organizations"][0]["environments"][1].update(
                apiKey="acme-development-key-0001"
            ),
            "an API key is used by two environments: acme-development-key-0001",
        ),
        (
            lambda d: d["organizations"][0]["environments"][0].pop("apiKey"),
            "organizations.0.environments.0: 'apiKey' is a required property",
        ),
        (
            lambda d: d.update(version=3),
            "dataset format version 3 is not one this mockserver reads",
        ),
        (
            lambda d: d["organizations"][0]["environments"][0]["integrations"][1].update(
                identifier="sendgrid-transactional"
            ),
            "Development, integration 1: ",
        ),
    ],
)
def test_a_bad_dataset_is_refused_naming_the_place(tmp_path: Path, change: Any, message: str):
    document = yaml.safe_load(EXAMPLE.read_text())
    change(document)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(DatasetError) as error:
        server_for(path)
    assert str(path) in str(error.value) and message in str(error.value)


def test_a_dataset_error_states_the_rule(tmp_path: Path) -> None:
    short = tmp_path / "short-key.yaml"
    short.write_text(
        "kind: mockserver-dataset\nversion: 1\norganizations:\n"
        "- name: Acme\n  environments:\n  - {name: Development, apiKey: abc}\n"
    )
    with pytest.raises(DatasetError) as refused:
        load_dataset(short, MockServer(Settings()).resources)
    assert "apiKey: must be at least 8 characters long ('abc' is too short)" in str(refused.value)


def test_an_identifier_given_to_one_entry_leaves_the_others_alone(tmp_path: Path) -> None:
    def identifiers(first_identifier: str | None) -> list[str]:
        first: dict[str, object] = {"providerId": "ses", "channel": "email"}
        if first_identifier:
            first["identifier"] = first_identifier
        document = {
            "kind": "mockserver-dataset",
            "version": 1,
            "replaceSeed": True,
            "organizations": [
                {
                    "name": "Acme",
                    "environments": [
                        {
                            "name": "Development",
                            "apiKey": "acme-development-key",
                            "integrations": [
                                first,
                                {"providerId": "twilio", "channel": "sms"},
                                {"providerId": "slack", "channel": "chat"},
                            ],
                        }
                    ],
                }
            ],
        }
        path = tmp_path / f"d-{first_identifier}.json"
        path.write_text(json.dumps(document))
        server = create_app(Settings(fixtures_path=path)).extensions["mockserver"]
        environment = server.store.environment_for_key("acme-development-key")
        return [i.identifier for i in live(environment) if i.provider_id != "novu"]

    plain, named = identifiers(None), identifiers("chosen")
    assert named[0] == "chosen" != plain[0]
    assert named[1:] == plain[1:]
