"""Cassette files, record modes, matching and secret filtering, in-process (no sockets)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from werkzeug.test import Client

from mockserver.contract import Contract, load_contract
from mockserver.replay.cassette import Cassette, CassetteError, load_cassette
from mockserver.replay.proxy import CassetteApp
from mockserver.replay.secrets import SecretFilter
from mockserver.replay.upstream import WsgiUpstream
from tests.conftest import Keys
from tests.reference import ROOT

EXAMPLE = ROOT / "fixtures" / "cassettes" / "acme-walkthrough.yaml"


@pytest.fixture(scope="module")
def contract() -> Contract:
    return load_contract(None)


def example() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text())
    return document


def write(tmp_path: Path, document: Any, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


# ---- loading ----------------------------------------------------------------------------


def test_an_unknown_version_says_what_to_do(tmp_path: Path, contract: Contract):
    path = write(tmp_path, {**example(), "version": 2})
    with pytest.raises(CassetteError) as error:
        load_cassette(path, contract)
    message = str(error.value)
    assert str(path) in message and "version 2" in message and "reads version 1" in message
    assert "mockserver record --mode all" in message


def test_a_bad_field_is_named_with_file_and_interaction(tmp_path: Path, contract: Contract):
    document = example()
    document["interactions"][3]["response"]["status"] = "two hundred"
    path = write(tmp_path, document)
    with pytest.raises(CassetteError, match=r"c\.yaml: interaction 3, field response\.status: "):
        load_cassette(path, contract)


def test_a_hand_edit_that_breaks_the_spec_is_refused(tmp_path: Path, contract: Contract):
    document = example()
    document["interactions"][0]["response"]["body"]["data"]["active"] = "yes"
    path = write(tmp_path, document)
    with pytest.raises(CassetteError) as error:
        load_cassette(path, contract)
    assert "interaction 0 (POST /v1/integrations)" in str(error.value)
    assert "$.data.active: 'yes' is not of type 'boolean'" in str(error.value)


def test_a_route_the_spec_does_not_have_is_refused(tmp_path: Path, contract: Contract):
    document = example()
    document["interactions"][1]["request"]["path"] = "/v1/unknown"
    with pytest.raises(CassetteError, match=r"interaction 1 .*no operation"):
        load_cassette(write(tmp_path, document), contract)


def test_not_a_cassette_and_not_yaml(tmp_path: Path, contract: Contract):
    with pytest.raises(CassetteError, match="not a mockserver cassette"):
        load_cassette(write(tmp_path, {"interactions": []}), contract)
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: [unclosed")
    with pytest.raises(CassetteError, match=r"broken\.yaml: not valid JSON or YAML"):
        load_cassette(broken, contract)


def test_json_cassettes_round_trip(tmp_path: Path, contract: Contract):
    loaded = load_cassette(EXAMPLE, contract)
    copy = Cassette(path=tmp_path / "c.json", interactions=loaded.interactions)
    copy.save()
    again = load_cassette(copy.path, contract)
    assert [i.to_json() for i in again.interactions] == [i.to_json() for i in loaded.interactions]


# ---- record modes -----------------------------------------------------------------------


def recorder(app: Flask, contract: Contract, path: Path, mode: str, **options: Any) -> Client:
    cassette = load_cassette(path, contract) if path.exists() else Cassette(path=path)
    proxy = CassetteApp(contract, cassette, mode=mode, upstream=WsgiUpstream(app), **options)
    return Client(proxy)


def create(client: Client, keys: Keys, name: str) -> Any:
    return client.post(
        "/v1/integrations",
        json={"providerId": "sendgrid", "channel": "email", "name": name},
        headers={"Authorization": f"ApiKey {keys.development}"},
    )


def recorded_names(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text())
    return [i["request"]["body"]["name"] for i in document["interactions"]]


def test_once_records_a_new_cassette_then_only_replays_it(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    path = tmp_path / "once.yaml"
    first = create(recorder(app, contract, path, "once"), keys, "A")
    assert first.status_code == 201 and recorded_names(path) == ["A"]
    again = recorder(app, contract, path, "once")
    replayed = create(again, keys, "A")
    assert replayed.headers["X-Mockserver-Replay"] == "interaction 0"
    assert replayed.get_json() == first.get_json()
    assert create(again, keys, "B").status_code == 404  # once: nothing new is recorded
    assert recorded_names(path) == ["A"]


def test_new_episodes_replays_what_it_has_and_appends_the_rest(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    path = tmp_path / "episodes.yaml"
    create(recorder(app, contract, path, "all"), keys, "A")
    client = recorder(app, contract, path, "new_episodes")
    assert "X-Mockserver-Replay" in create(client, keys, "A").headers
    assert "X-Mockserver-Replay" not in create(client, keys, "B").headers
    assert recorded_names(path) == ["A", "B"]


def test_all_records_afresh_and_none_never_forwards(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    path = tmp_path / "all.yaml"
    create(recorder(app, contract, path, "all"), keys, "A")
    create(recorder(app, contract, path, "all"), keys, "B")
    assert recorded_names(path) == ["B"]
    offline = Client(CassetteApp(contract, load_cassette(path, contract), mode="none"))
    assert (
        offline.post(
            "/v1/integrations",
            json={"providerId": "sendgrid", "channel": "email", "name": "B"},
        ).status_code
        == 201
    )
    missed = offline.post(
        "/v1/integrations", json={"providerId": "sendgrid", "channel": "email", "name": "C"}
    )
    assert missed.status_code == 404
    assert "#0 POST /v1/integrations: body differs in name" in missed.get_json()["message"]


def test_matching_can_leave_the_body_out(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    path = tmp_path / "loose.yaml"
    create(recorder(app, contract, path, "all"), keys, "A")
    loose = Client(
        CassetteApp(
            contract, load_cassette(path, contract), mode="none", match_on=("method", "path")
        )
    )
    answer = loose.post("/v1/integrations", json={"providerId": "ses", "name": "Other"})
    assert answer.status_code == 201 and answer.get_json()["data"]["name"] == "A"


def test_violations_are_recorded_and_flagged_never_hidden(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    path = tmp_path / "bad.yaml"
    client = recorder(app, contract, path, "all")
    answer = client.post(
        "/v1/integrations",
        json={"providerId": 5, "channel": "email"},
        headers={"Authorization": f"ApiKey {keys.development}"},
    )
    assert answer.status_code == 422
    assert "request providerId" in answer.headers["X-Mockserver-Contract-Violation"]
    interaction = load_cassette(path, contract).interactions[0]
    assert interaction.violations == ["request providerId: providerId must be a string"]


def test_extra_filters_mask_more_keys_and_headers(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    path = tmp_path / "filtered.yaml"
    client = recorder(
        app,
        contract,
        path,
        "all",
        secrets=SecretFilter.with_extra(body_keys=["from"], headers=["X-Tenant"]),
    )
    client.post(
        "/v1/integrations",
        json={
            "providerId": "sendgrid",
            "channel": "email",
            "credentials": {"apiKey": "SG.top-secret", "from": "private@acme.test"},
        },
        headers={"Authorization": f"ApiKey {keys.development}", "X-Tenant": "Bearer tenant-9"},
    )
    text = path.read_text()
    for secret in ("SG.top-secret", "private@acme.test", "tenant-9", keys.development):
        assert secret not in text
    request = yaml.safe_load(text)["interactions"][0]["request"]
    assert request["headers"]["X-Tenant"] == "Bearer ********"
    assert request["body"]["credentials"] == {"apiKey": "********", "from": "********"}


def test_the_fallback_mock_gets_the_whole_body_of_an_unmatched_request(
    app: Flask, keys: Keys, contract: Contract, tmp_path: Path
):
    player = Client(
        CassetteApp(contract, Cassette(path=tmp_path / "x.yaml"), mode="none", fallback=app)
    )
    created = create(player, keys, "Through the fallback")
    assert created.status_code == 201, created.get_data(as_text=True)
    assert created.get_json()["data"]["name"] == "Through the fallback"


def test_the_recorder_masks_every_key_the_provider_catalogue_calls_secret() -> None:
    # The journal masks by the catalogue's list; a cassette must never keep less.
    from mockserver.novu.secrets import secret_body_keys
    from mockserver.resources.integrations.catalogue import load_catalogue

    assert load_catalogue().secure_keys <= secret_body_keys()
