"""`mockserver verify` is repeatable and tidy: fresh idempotency keys each run, no invented
credentials, one early error for a wrong key, and --cleanup removes what it made."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from werkzeug.test import Client

from mockserver.http.app import create_app
from mockserver.replay.cassette import Cassette
from mockserver.replay.proxy import CassetteApp
from mockserver.replay.upstream import WsgiUpstream
from mockserver.settings import Settings
from tests.cli import run_mockserver
from tests.live import LiveServer, live_server

pytestmark = pytest.mark.live

BODY = {"providerId": "ses", "channel": "email", "identifier": "verified-once"}


def record_cassette(path: Path) -> None:
    """Recorded in-process: a 401 probe without credentials, then a create sent twice with one
    idempotency key (the second answer is a replay of the first)."""
    mock = create_app(Settings())
    organization = mock.extensions["mockserver"].organizations[0]
    api_key = next(iter(organization.environments.values())).api_key
    player = CassetteApp(
        mock.extensions["mockserver"].contract,
        Cassette(path=path),
        mode="all",
        upstream=WsgiUpstream(mock, "an in-process mock"),
    )
    recorder = Client(player)
    assert recorder.get("/v1/integrations").status_code == 401
    for _ in range(2):
        made = recorder.post(
            "/v1/integrations",
            json=BODY,
            headers={"Authorization": f"ApiKey {api_key}", "Idempotency-Key": "recorded-key"},
        )
        assert made.status_code == 201


def verify(
    cassette: Path, target: LiveServer, *extra: str, api_key: str | None = None
) -> subprocess.CompletedProcess[str]:
    key = api_key or target.development_key
    return run_mockserver(
        "verify", str(cassette), "--target", target.url, "--api-key", key, *extra, timeout=120
    )


def test_verify_twice_with_cleanup_gives_the_same_result(tmp_path: Path) -> None:
    cassette = tmp_path / "created.yaml"
    record_cassette(cassette)
    with live_server() as target:
        for _ in range(2):
            run = verify(cassette, target, "--cleanup")
            assert run.returncode == 0, run.stdout + run.stderr
            assert "3 of 3 interactions match" in run.stdout
        journal = httpx.get(f"{target.url}/__mock/requests").json()["requests"]
        keys = [
            e["request"]["headers"].get("Idempotency-Key")
            for e in reversed(journal)
            if e["request"]["method"] == "POST"
        ]
        # Each run sends a key of its own, the same for the two recorded POSTs of that run.
        assert len(keys) == 4 and "recorded-key" not in keys
        assert keys[0] == keys[1] != keys[2] == keys[3]
        listed = httpx.get(
            f"{target.url}/v1/integrations",
            headers={"Authorization": f"ApiKey {target.development_key}"},
        ).json()["data"]
        assert "verified-once" not in {i["identifier"] for i in listed}  # cleaned up


def test_a_wrong_api_key_is_one_early_error(tmp_path: Path) -> None:
    cassette = tmp_path / "created.yaml"
    record_cassette(cassette)
    with live_server() as target:
        run = verify(cassette, target, api_key="not-a-key-of-the-target")
        journal = httpx.get(f"{target.url}/__mock/requests").json()["requests"]
    assert run.returncode == 2
    assert "refuses --api-key (401" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert len(journal) == 1  # the check alone; no interaction was sent
