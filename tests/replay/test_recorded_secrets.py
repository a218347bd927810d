"""Recordings hold no secret: bodies, headers whose names look secret, and query parameters."""

from __future__ import annotations

from pathlib import Path

from werkzeug.test import Client

from mockserver.http.app import create_app
from mockserver.novu.secrets import SECRET_MASK
from mockserver.replay.cassette import Cassette
from mockserver.replay.proxy import CassetteApp
from mockserver.replay.secrets import SecretFilter
from mockserver.replay.upstream import WsgiUpstream
from mockserver.settings import Settings


def test_headers_whose_names_look_secret_are_masked_unless_allowed() -> None:
    headers = [
        ("X-Auth-Token", "t-123"),
        ("X-Api-Key", "k-123"),
        ("X-Hub-Signature", "sha256=abc"),
        ("Session-Id", "s-1"),
        ("Idempotency-Key", "idem-1"),
        ("X-Request-Id", "req-1"),
        ("X-Partner-Key", "public-partner"),
    ]
    kept = SecretFilter.with_extra(allowed_headers=["X-Partner-Key"]).filter_headers(headers)
    assert kept["X-Auth-Token"] == kept["X-Api-Key"] == kept["Session-Id"] == SECRET_MASK
    assert kept["X-Hub-Signature"] == SECRET_MASK
    assert kept["Idempotency-Key"] == "idem-1"
    assert kept["X-Request-Id"] == "req-1"
    assert kept["X-Partner-Key"] == "public-partner"


def test_query_parameters_are_filtered_like_headers() -> None:
    secrets = SecretFilter.with_extra(query=["tenant"])
    assert secrets.filter_query({"token": "abc", "page": "2", "tenant": "acme"}) == {
        "token": SECRET_MASK,
        "page": "2",
        "tenant": SECRET_MASK,
    }


def test_a_recorded_query_secret_never_reaches_the_cassette_and_still_replays(
    tmp_path: Path,
) -> None:
    mock = create_app(Settings())
    server = mock.extensions["mockserver"]
    api_key = next(iter(server.organizations[0].environments.values())).api_key
    path = tmp_path / "query.yaml"
    recorder = CassetteApp(
        server.contract,
        Cassette(path=path),
        mode="all",
        upstream=WsgiUpstream(mock, "an in-process mock"),
    )
    headers = {"Authorization": f"ApiKey {api_key}", "X-Access-Token": "at-secret-9"}
    answer = Client(recorder).get("/v1/integrations?access_token=qs-secret-7", headers=headers)
    assert answer.status_code == 200
    text = path.read_text()
    assert "qs-secret-7" not in text and "at-secret-9" not in text and api_key not in text
    from mockserver.replay.cassette import load_cassette

    player = CassetteApp(server.contract, load_cassette(path, server.contract), mode="none")
    replayed = Client(player).get("/v1/integrations?access_token=another-7", headers=headers)
    assert replayed.status_code == 200  # matched on the masked value, as it was recorded


def test_the_journal_masks_secret_looking_query_parameters() -> None:
    client = create_app(Settings()).test_client()
    client.get("/v1/integrations?token=qs-secret-8")
    shown = client.get("/__mock/requests").get_json()["requests"][0]["request"]["query"]
    assert shown == {"token": SECRET_MASK}
