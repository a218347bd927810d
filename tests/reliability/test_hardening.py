"""What an attack run found (loopback only, with the tools a hostile or careless client has),
each kept closed by a test here. The numbers are the findings' in the hardening issue."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mockserver.app import create_app
from mockserver.cli import is_loopback
from mockserver.settings import Settings

TOKEN = "adm1n-t0ken-for-tests"


def fresh(**settings: Any) -> Flask:
    return create_app(Settings(**settings))


# ---- 1. every path under /__mock obeys --admin-token ----------------------------------------


@pytest.fixture(scope="module")
def guarded() -> Flask:
    return fresh(admin_token=TOKEN)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/__mock/"),
        ("GET", "/__mock"),
        ("GET", "/__mock/state"),
        ("GET", "/__mock/requests"),
        ("POST", "/__mock/reset"),
        ("GET", "/__mock/no-such-admin-route"),
    ],
)
def test_no_admin_path_answers_without_the_token(guarded: Flask, method: str, path: str) -> None:
    client = guarded.test_client()
    environment = guarded.extensions["mockserver"].organizations[0].environments
    api_keys = [e.api_key for e in environment.values()]
    answer = client.open(path, method=method)
    assert answer.status_code == 401
    assert not any(key in answer.get_data(as_text=True) for key in api_keys)
    wrong = client.open(path, method=method, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_the_inspector_works_with_the_token_in_the_address(guarded: Flask) -> None:
    client = guarded.test_client()
    page = client.get(f"/__mock/?token={TOKEN}")
    assert page.status_code == 200
    assert "mockserver inspector" in page.get_data(as_text=True)
    assert client.get("/__mock/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


# ---- 10. beyond loopback, the admin API needs a token -------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "mock.example"])
def test_serving_beyond_loopback_without_a_token_is_refused(host: str) -> None:
    run = run_cli("serve", "--host", host, "--port", "0")
    assert run.returncode == 2
    assert "--admin-token" in run.stderr and "--unsafe-open-admin" in run.stderr
    assert "Traceback" not in run.stderr
    assert "listening" not in run.stdout


@pytest.mark.parametrize(
    "host,loopback",
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
        ("mock.example", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# ---- 11. a cassette header with a line break is a cassette error ---------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Trace": "abc\r\nX-Injected: 1"},
        {"X-Trace": "abc\n"},
        {"Bad Name": "x"},
    ],
)
def test_verify_refuses_a_cassette_whose_header_would_split(
    tmp_path: Path, headers: dict[str, str]
) -> None:
    cassette = tmp_path / "split.json"
    cassette.write_text(
        json.dumps(
            {
                "kind": "mockserver-cassette",
                "version": 1,
                "interactions": [
                    {
                        "operationId": "IntegrationsController_listIntegrations",
                        "request": {"method": "GET", "path": "/v1/integrations", "headers": headers},
                        "response": {"status": 200, "body": {"data": []}},
                    }
                ],
            }
        )
    )
    run = run_cli("verify", str(cassette), "--target", "http://127.0.0.1:9", "--api-key", "k" * 8)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert str(cassette) in run.stderr and "headers" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
