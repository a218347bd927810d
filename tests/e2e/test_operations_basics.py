"""What CI users take for granted: health and readiness, a log line per request, the banner."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from flask import Flask

from mockserver.http.app import create_app
from mockserver.settings import Settings
from tests.live import live_server

pytestmark = pytest.mark.live

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("settings", [{}, {"admin_token": "t0ken-123"}, {"admin": False}])
def test_health_and_ready_answer_whatever_the_admin_settings(settings: dict[str, object]) -> None:
    app: Flask = create_app(Settings(**settings))  # type: ignore[arg-type]
    client = app.test_client()
    assert client.get("/__mock/health").get_json() == {"status": "ok"}
    ready = client.get("/__mock/ready")
    assert ready.status_code == 200
    assert ready.get_json()["ready"] is True
    server = app.extensions["mockserver"]
    assert len(server.journal) == 0


def test_ready_is_503_while_the_state_is_rebuilt() -> None:
    app = create_app(Settings())
    server = app.extensions["mockserver"]
    server.ready = False  # as during a reset
    answer = app.test_client().get("/__mock/ready")
    assert answer.status_code == 503 and answer.get_json()["ready"] is False


def test_a_browser_favicon_request_stays_out_of_the_journal() -> None:
    app = create_app(Settings())
    client = app.test_client()
    assert client.get("/favicon.ico").status_code == 404
    assert client.get("/v1/integration").status_code == 404  # a typo is still journaled
    paths = [e["request"]["path"] for e in client.get("/__mock/requests").get_json()["requests"]]
    assert paths == ["/v1/integration"]


def test_one_log_line_per_request(tmp_path: Path) -> None:
    capture = tmp_path / "log-lines.txt"
    with live_server(capture=capture) as server:
        auth = {"Authorization": f"ApiKey {server.development_key}"}
        httpx.get(f"{server.url}/v1/integrations", headers=auth)
        httpx.post(f"{server.url}/v1/integrations", headers=auth, json={"providerId": 5})
        httpx.get(f"{server.url}/__mock/health")
        time.sleep(0.3)
    lines = capture.read_text().splitlines()
    listed = [line for line in lines if " GET /v1/integrations 200 " in line]
    assert len(listed) == 1
    assert re.search(r"IntegrationsController_listIntegrations \d+\.\d\d ms$", listed[0])
    refused = [line for line in lines if " POST /v1/integrations 422 " in line]
    assert len(refused) == 1 and refused[0].endswith("violation(s)")
    assert not [line for line in lines if "/__mock/health" in line]


def test_json_log_lines_and_quiet_at_warning(tmp_path: Path) -> None:
    capture = tmp_path / "log-json.txt"
    with live_server("--log-format", "json", capture=capture) as server:
        httpx.get(
            f"{server.url}/v1/integrations",
            headers={"Authorization": f"ApiKey {server.development_key}"},
        )
        time.sleep(0.3)
    entries = [json.loads(line) for line in capture.read_text().splitlines() if line[:1] == "{"]
    assert [e["status"] for e in entries if e.get("path") == "/v1/integrations"] == [200]
    assert entries[-1]["operationId"] == "IntegrationsController_listIntegrations"
    with live_server("--log-level", "warning", capture=capture) as server:
        httpx.get(
            f"{server.url}/v1/integrations",
            headers={"Authorization": f"ApiKey {server.development_key}"},
        )
        time.sleep(0.3)
    quiet = capture.read_text()
    assert "/v1/integrations" not in quiet


def test_the_banner_names_the_dataset() -> None:
    dataset = ROOT / "fixtures" / "datasets" / "acme.yaml"
    with live_server("--fixtures", str(dataset)) as server:
        assert f"dataset: {dataset}" in server.banner


def test_version_from_the_command_line() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "mockserver", "--version"], capture_output=True, text=True
    )
    assert shown.returncode == 0 and shown.stdout.startswith("mockserver ")


def test_a_request_to_no_route_is_timed_like_any_other() -> None:
    app = create_app(Settings())
    client = app.test_client()
    client.get("/v1/integration")
    entry = app.extensions["mockserver"].journal.entries()[0]
    assert entry.status == 404 and entry.duration_ms > 0  # measured, not left at zero
