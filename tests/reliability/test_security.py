"""Security: API keys stay in their environment and never see credentials; secrets stay out of
logs, the journal and error messages; the server listens on loopback and fetches nothing."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live import LiveServer, live_server

pytestmark = pytest.mark.live

SECRETS = {
    "apiKey": "SG.Zq3xV9pLk2Rt7Yw1Nm5Bc8Hd4Jf6Gs0Qa.Ue3Oi9Py2Ta7Sd1Fg5Hj8Kl4Zx6Cv0Bn",
    "secretKey": "sk_live_51Hx7Qm2Lp9Wr4Tz8Vn3Yb6Kd1Fs5Gh0Jc",
    "token": "5f2d8c1e9a7b4306d1f8e2c7b9a4d6e3",
    "signingSecret": "whsec_9Kq2Lm7Np4Rs1Tv8Wx3Yz6Ab5Cd0Ef2Gh",
    "password": "Tr0ub4dor&3-horse-battery-staple",
}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"ApiKey {key}"}


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server("--validation", "strict") as running:
        yield running


@pytest.fixture
def clean(server: LiveServer) -> LiveServer:
    httpx.post(f"{server.url}/__mock/reset")
    return server


def session(server: LiveServer, environment_id: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {server.dashboard_token}"}
    if environment_id:
        headers["Novu-Environment-Id"] = environment_id
    return headers


def production_targets(server: LiveServer) -> tuple[str, str, str]:
    """A Production email integration, a Production telegram identifier, Production's id."""
    listed = httpx.get(f"{server.url}/v1/integrations", headers=auth(server.production_key))
    production = listed.json()["data"]
    environment_id = production[0]["_environmentId"]
    email = next(i for i in production if i["channel"] == "email")
    created = httpx.post(
        f"{server.url}/v1/integrations",
        headers=auth(server.production_key),
        json={"providerId": "telegram", "channel": "chat", "identifier": "tg"},
    )
    assert created.status_code == 201
    return email["_id"], "tg", environment_id


def test_an_api_key_cannot_reach_another_environment_on_any_route(clean: LiveServer):
    server = clean
    integration_id, identifier, production_id = production_targets(server)
    before = httpx.get(f"{server.url}/v1/integrations", headers=auth(server.production_key))
    dev = auth(server.development_key)
    attempts = [
        ("PUT", f"/v1/integrations/{integration_id}", {"name": "taken over"}),
        ("PUT", f"/v1/integrations/{integration_id}", {"active": False}),
        ("DELETE", f"/v1/integrations/{integration_id}", None),
        ("POST", f"/v1/integrations/{integration_id}/set-primary", None),
        ("POST", f"/v1/integrations/{integration_id}/auto-configure", None),
        ("GET", f"/v1/integrations/webhook/provider/{integration_id}/status", None),
        ("POST", f"/v1/integrations/{identifier}/mobile-link", {}),
        ("POST", f"/v1/integrations/{identifier}/webhook/configure", None),
        (
            "POST",
            "/v1/integrations/channel-endpoints/link",
            {"integrationIdentifier": identifier, "subscriberId": "s"},
        ),
        (
            "POST",
            "/v1/integrations/channel-connections/oauth",
            {"integrationIdentifier": identifier},
        ),
        (
            "POST",
            "/v1/integrations/channel-endpoints/oauth",
            {"integrationIdentifier": identifier, "subscriberId": "s"},
        ),
        ("POST", "/v1/integrations/chat/oauth", {"integrationIdentifier": identifier}),
        ("POST", "/v1/integrations", {"providerId": "ses", "_environmentId": production_id}),
        ("PUT", "/v1/integrations/" + "0" * 24, {"_environmentId": production_id}),
        ("GET", "/v1/integrations/email/limit", None),
        ("GET", "/v1/integrations/in-app/status", None),
    ]
    for method, path, body in attempts:
        response = httpx.request(method, f"{server.url}{path}", headers=dev, json=body)
        assert response.status_code in (401, 403, 404), (method, path, response.text)
    for path in ("/v1/integrations", "/v1/integrations/active"):
        listed = httpx.get(f"{server.url}{path}", headers=dev).json()["data"]
        assert production_id not in {i["_environmentId"] for i in listed}
    after = httpx.get(f"{server.url}/v1/integrations", headers=auth(server.production_key))
    assert after.json() == before.json()


def exercise_every_route(server: LiveServer, key: str) -> list[httpx.Response]:
    """Call every route as an API-key client would, after a dashboard stored real secrets."""
    created = httpx.post(
        f"{server.url}/v1/integrations",
        headers=session(server),
        json={
            "providerId": "sendgrid",
            "channel": "email",
            "active": True,
            "credentials": {**SECRETS, "from": "ops@acme.test"},
        },
    ).json()["data"]
    httpx.post(
        f"{server.url}/v1/integrations",
        headers=session(server),
        json={
            "providerId": "telegram",
            "channel": "chat",
            "identifier": "tg",
            "credentials": {"token": SECRETS["token"]},
        },
    )
    httpx.post(
        f"{server.url}/v1/integrations",
        headers=session(server),
        json={
            "providerId": "slack",
            "channel": "chat",
            "identifier": "sl",
            "credentials": {
                "clientId": "1.2",
                "secretKey": SECRETS["secretKey"],
                "signingSecret": SECRETS["signingSecret"],
            },
        },
    )
    target = created["_id"]
    base, headers = server.url, auth(key)
    calls: list[tuple[str, str, Any]] = [
        ("GET", "/v1/integrations", None),
        ("GET", "/v1/integrations/active", None),
        (
            "POST",
            "/v1/integrations",
            {
                "providerId": "mailjet",
                "channel": "email",
                "credentials": {"apiKey": SECRETS["apiKey"]},
            },
        ),
        ("PUT", f"/v1/integrations/{target}", {"name": "Renamed", "credentials": {**SECRETS}}),
        ("POST", f"/v1/integrations/{target}/set-primary", None),
        ("POST", f"/v1/integrations/{target}/auto-configure", None),
        ("GET", "/v1/integrations/webhook/provider/sendgrid/status", None),
        ("POST", "/v1/integrations/tg/mobile-link", {"subscriberId": "s"}),
        ("POST", "/v1/integrations/tg/webhook/configure", None),
        (
            "POST",
            "/v1/integrations/channel-endpoints/link",
            {"integrationIdentifier": "tg", "subscriberId": "s"},
        ),
        ("POST", "/v1/integrations/channel-connections/oauth", {"integrationIdentifier": "sl"}),
        (
            "POST",
            "/v1/integrations/channel-endpoints/oauth",
            {"integrationIdentifier": "sl", "subscriberId": "s"},
        ),
        ("POST", "/v1/integrations/chat/oauth", {"integrationIdentifier": "sl"}),
        # Errors that repeat the offending input.
        (
            "POST",
            "/v1/integrations",
            {"providerId": "ses", "credentials": {"apiKey": 123456789, "token": ["x"]}},
        ),
        ("PUT", f"/v1/integrations/{target}", {"credentials": SECRETS["password"]}),
        ("POST", "/v1/integrations", {"providerId": "ses", "identifier": "tg"}),
        ("DELETE", f"/v1/integrations/{target}", None),
    ]
    return [httpx.request(m, f"{base}{p}", headers=headers, json=b) for m, p, b in calls]


def test_credentials_never_reach_an_api_key_caller(clean: LiveServer):
    responses = exercise_every_route(clean, clean.development_key)
    assert all(r.status_code < 500 for r in responses)
    for response in responses:
        for secret in SECRETS.values():
            assert secret not in response.text, response.request.url
        body = response.json()
        data = body.get("data") if isinstance(body, dict) else None
        for integration in data if isinstance(data, list) else [data]:
            if isinstance(integration, dict) and "credentials" in integration:
                assert integration["credentials"] == {}
                assert "inboundWebhookSigningKey" not in integration.get("configurations", {})


def test_secrets_stay_out_of_logs_journal_and_errors():
    with live_server("--validation", "strict") as server:
        responses = exercise_every_route(server, server.development_key)
        journal = httpx.get(f"{server.url}/__mock/requests").text
        errors = [r.text for r in responses if r.status_code >= 400]
        assert len(errors) >= 3
        # What the inspector shows: its page, and the state it reads for people.
        inspector = httpx.get(f"{server.url}/__mock/").text
        inspector += httpx.get(f"{server.url}/__mock/inspector/state").text
    log = server.banner  # what the server printed before the run
    for secret in SECRETS.values():
        assert secret not in journal
        assert secret not in inspector
        assert all(secret not in error for error in errors)
        assert secret not in log
    assert server.development_key not in journal
    assert server.development_key not in inspector and server.dashboard_token not in inspector


def test_the_process_output_never_shows_a_secret(tmp_path):
    """Everything the server writes to stdout and stderr during a run, scanned afterwards."""
    with live_server("--validation", "strict", capture=tmp_path / "server.log") as server:
        exercise_every_route(server, server.development_key)
        httpx.post(f"{server.url}/__mock/faults", json={"status": 500, "times": 1})
        httpx.get(f"{server.url}/v1/integrations", headers=auth(server.development_key))
    output = (tmp_path / "server.log").read_text()
    assert "mockserver listening on" in output  # the capture really holds the server's output
    for secret in SECRETS.values():
        assert secret not in output


def test_the_server_binds_loopback_by_default(server: LiveServer):
    assert server.url.startswith("http://127.0.0.1:")
    port = int(server.url.rsplit(":", 1)[1])
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]  # noqa: PTH123, SIM115
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, and nothing else


def test_the_server_never_fetches_a_url_it_is_given(clean: LiveServer):
    """URLs in credentials (webhooks, base URLs, SMTP hosts) are stored, never called."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    host, port = listener.getsockname()
    connections: list[Any] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    url = f"http://{host}:{port}/hook"
    try:
        dev = auth(clean.development_key)
        for provider, channel in (
            ("email-webhook", "email"),
            ("nodemailer", "email"),
            ("generic-sms", "sms"),
            ("push-webhook", "push"),
            ("sendgrid", "email"),
        ):
            created = httpx.post(
                f"{clean.url}/v1/integrations",
                headers=dev,
                json={
                    "providerId": provider,
                    "channel": channel,
                    "active": True,
                    "check": True,
                    "credentials": {
                        "webhookUrl": url,
                        "baseUrl": url,
                        "host": host,
                        "port": str(port),
                        "redirectUrl": url,
                        "imageUrl": url,
                    },
                },
            )
            assert created.status_code == 201
            target = created.json()["data"]["_id"]
            httpx.put(
                f"{clean.url}/v1/integrations/{target}",
                headers=dev,
                json={"check": True, "credentials": {"webhookUrl": url}},
            )
            httpx.post(f"{clean.url}/v1/integrations/{target}/auto-configure", headers=dev)
            httpx.get(f"{clean.url}/v1/integrations/webhook/provider/{target}/status", headers=dev)
    finally:
        stop.set()
        thread.join(timeout=2)
        listener.close()
    assert connections == []


def test_journal_is_bounded_in_a_long_run():
    with live_server("--journal-size", "25", "--any-key") as server:
        for index in range(60):
            key = f"job-{index % 6}"
            httpx.post(
                f"{server.url}/v1/integrations",
                headers={"Authorization": f"ApiKey {key}", "idempotency-key": f"k-{index}"},
                json={"providerId": "ses", "channel": "email"},
            )
        journal = httpx.get(f"{server.url}/__mock/requests").json()
        assert (len(journal["requests"]), journal["capacity"]) == (25, 25)
    assert "ApiKey job-" not in json.dumps(journal)  # keys are masked in what is kept
