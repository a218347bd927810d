"""What an attack run found (loopback only, with the tools a hostile or careless client has),
each kept closed by a test here. The numbers are the findings' in the hardening issue."""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import socket
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from flask import Flask

from mockserver.cli.main import is_loopback
from mockserver.contract import DocumentError
from mockserver.contract.checks import response_violations
from mockserver.contract.documents import load_document
from mockserver.http.app import create_app
from mockserver.novu.secrets import SECRET_MASK, scrub_message
from mockserver.replay.secrets import SecretFilter
from mockserver.resources.integrations.state import live
from mockserver.runtime.wsgi_servers import PRE_READ_LIMIT, read_body_first
from mockserver.server import MockServer
from mockserver.settings import Settings, ValidationMode
from mockserver.state.dataset import load_dataset
from mockserver.state.errors import DatasetError
from mockserver.state.store import StoreConflict
from mockserver.testing.admin import MAX_ADMIN_BODY
from mockserver.testing.journal import MAX_KEPT_BODY, Journal, JournalEntry, truncation_marker
from tests.cli import run_mockserver
from tests.live import live_server

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
        ("GET", "/__mock/inspector/state"),
        ("DELETE", "/__mock/faults/fault-1"),
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


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "mock.example"])
def test_serving_beyond_loopback_without_a_token_is_refused(host: str) -> None:
    run = run_mockserver("serve", "--host", host, "--port", "0")
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
                        "request": {
                            "method": "GET",
                            "path": "/v1/integrations",
                            "headers": headers,
                        },
                        "response": {"status": 200, "body": {"data": []}},
                    }
                ],
            }
        )
    )
    run = run_mockserver(
        "verify", str(cassette), "--target", "http://127.0.0.1:9", "--api-key", "k" * 8
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert str(cassette) in run.stderr and "headers" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


# ---- 7. the journal is bounded in bytes, keeps bodies once ---------------------------------


def big_list_body(items: int) -> bytes:
    wide = [
        {"_id": f"{n:024x}", "name": "x" * 200, "credentials": {"apiKey": "SG.s"}}
        for n in range(items)
    ]
    return orjson.dumps({"data": wide})


def journal_entry(journal: Journal, body: bytes) -> JournalEntry:
    return JournalEntry(
        id=journal.next_id(),
        moment=datetime(2026, 12, 1, tzinfo=UTC),
        method="GET",
        path="/v1/integrations",
        query={},
        environ={"HTTP_AUTHORIZATION": "ApiKey 0123456789abcdef"},
        request_bytes=None,
        status=200,
        response_headers={"Content-Type": "application/json"},
        response_bytes=body,
        duration_ms=1.0,
        operation_id="IntegrationsController_listIntegrations",
    )


def test_the_journal_holds_no_more_bytes_than_its_bound() -> None:
    journal = Journal(1000, max_bytes=2 * 1024 * 1024)
    body = big_list_body(1500)  # about 400 kB
    for _ in range(40):
        journal.record(journal_entry(journal, body))
    assert journal.bytes_held <= 2 * 1024 * 1024
    assert 1 <= len(journal) <= 6
    assert journal.entries()[0].id == 40  # the newest stay


def test_a_body_over_the_limit_is_kept_as_a_marker() -> None:
    journal = Journal(10)
    huge = big_list_body(5000)
    assert len(huge) > MAX_KEPT_BODY
    journal.record(journal_entry(journal, huge))
    shown = journal.entries()[0].to_json()["response"]["body"]
    assert shown == truncation_marker(len(huge))
    assert journal.bytes_held < 10_000


def test_reading_the_journal_keeps_no_copies_of_its_bodies() -> None:
    journal = Journal(100)
    for _ in range(20):
        journal.record(journal_entry(journal, big_list_body(1000)))
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(2):
            shown = [entry.to_json() for entry in journal.entries()]
            assert shown[0]["response"]["body"]["data"][0]["credentials"]["apiKey"] == "********"
            del shown
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert retained < 256 * 1024, retained


def test_served_list_answers_keep_the_journal_within_its_bound() -> None:
    app = fresh(journal_max_bytes=1024 * 1024)
    client = app.test_client()
    server = app.extensions["mockserver"]
    key = server.organizations[0].environments
    development = next(iter(key.values()))
    headers = {"Authorization": f"ApiKey {development.api_key}"}
    for n in range(300):
        created = client.post(
            "/v1/integrations",
            json={"providerId": "sendgrid", "channel": "email", "name": "n" * 150 + str(n)},
            headers=headers,
        )
        assert created.status_code == 201
    for _ in range(30):
        assert client.get("/v1/integrations", headers=headers).status_code == 200
        client.get("/__mock/requests")
    assert server.journal.bytes_held <= 1024 * 1024


# ---- 8. the inbound webhook signing key is a secret everywhere -----------------------------

SIGNING_SECRET = "whsec_inbound_0123456789abcdefghij"


def test_the_signing_key_never_reaches_the_journal_or_the_inspector() -> None:
    app = fresh()
    client = app.test_client()
    organization = app.extensions["mockserver"].organizations[0]
    session = {"Authorization": f"Bearer {organization.dashboard_token}"}
    created = client.post(
        "/v1/integrations",
        json={
            "providerId": "sendgrid",
            "channel": "email",
            "configurations": {
                "inboundWebhookEnabled": True,
                "inboundWebhookSigningKey": SIGNING_SECRET,
            },
        },
        headers=session,
    )
    assert created.status_code == 201
    # The dashboard is shown it, as Novu shows it; nothing that keeps the exchange is.
    assert SIGNING_SECRET in created.get_data(as_text=True)
    journal = client.get("/__mock/requests").get_data(as_text=True)
    assert "inboundWebhookSigningKey" in journal
    assert SIGNING_SECRET not in journal
    assert SIGNING_SECRET not in client.get("/__mock/").get_data(as_text=True)
    assert SIGNING_SECRET not in client.get("/__mock/inspector/state").get_data(as_text=True)


def test_the_recorder_masks_the_signing_key() -> None:
    recorded = SecretFilter().filter_body(
        {"data": {"configurations": {"inboundWebhookSigningKey": SIGNING_SECRET}}}
    )
    assert recorded["data"]["configurations"]["inboundWebhookSigningKey"] == SECRET_MASK


def test_a_violation_report_never_repeats_a_secret_value() -> None:
    server = fresh().extensions["mockserver"]
    operation = server.operations["IntegrationsController_createIntegration"]
    environment = server.organizations[0].environments
    wire = next(live(next(iter(environment.values())))).to_wire(
        reveal_credentials=True, include_virtual_id=True
    )
    wire["credentials"] = {"apiKey": 987654321987}
    wire["configurations"] = {"inboundWebhookSigningKey": 123456789123}
    found = response_violations(
        operation,
        status=201,
        headers={"Content-Type": "application/json"},
        body={"data": wire},
        structures=server.contract.structures,
        # As the pipeline, the cassette checks and the state import all call it.
        redact=scrub_message,
    )
    assert found, "the broken answer must be reported"
    report = "\n".join(found)
    assert "987654321987" not in report and "123456789123" not in report
    assert SECRET_MASK in report


# ---- 6. YAML alias bombs and oversized or deep documents are refused -----------------------


def alias_bomb(kind: str, top: str) -> str:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 9):
        levels.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join([f"kind: {kind}", "version: 1", *levels, f"{top}: [*a8]", ""])


def test_replay_refuses_a_cassette_with_aliases(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb("mockserver-cassette", "interactions"))
    run = run_mockserver("replay", str(bomb), "--port", "0")
    assert run.returncode == 2
    assert "aliases" in run.stderr and str(bomb) in run.stderr
    assert "Traceback" not in run.stderr


def test_serve_refuses_a_dataset_with_aliases(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb("mockserver-dataset", "organizations"))
    run = run_mockserver("serve", "--fixtures", str(bomb), "--port", "0")
    assert run.returncode == 2
    assert "aliases" in run.stderr
    assert "listening" not in run.stdout


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_deeply_nested_dataset_is_refused(tmp_path: Path, suffix: str) -> None:
    deep = tmp_path / f"deep{suffix}"
    nested = "[" * 100_000 + "]" * 100_000
    deep.write_text(
        '{"kind": "mockserver-dataset", "version": 1, "organizations": ' + nested + "}"
        if suffix == ".json"
        else f"kind: mockserver-dataset\nversion: 1\norganizations: {nested}\n"
    )
    run = run_mockserver("serve", "--fixtures", str(deep), "--port", "0")
    assert run.returncode == 2
    assert "nested" in run.stderr and "Traceback" not in run.stderr


def test_an_oversized_document_is_refused_before_it_is_read(tmp_path: Path) -> None:
    large = tmp_path / "large.yaml"
    large.write_text("kind: mockserver-cassette\n" + "#" * 5000 + "\n")
    with pytest.raises(DocumentError, match="over the limit of 4096 bytes"):
        load_document(large, max_bytes=4096, untrusted=True)


# ---- 5. a state import is checked whole before anything changes ----------------------------


def first_live(document: dict[str, Any], channel: str) -> dict[str, Any]:
    integrations = document["organizations"][0]["environments"][0]["integrations"]
    return next(i for i in integrations if i.get("channel") == channel and not i["deleted"])


# (what is set on the first live email integration, to what, and what the refusal names)
FIELD_CORRUPTIONS = [
    ("createdAt", "0001-01-01T00:00:00.000Z", "createdAt"),  # before 1970
    ("updatedAt", "2026-01-01T00:00:00", "updatedAt"),  # no offset
    ("providerId", "carrier-pigeon", "unknown providerId"),
    ("channel", "sms", "is not"),  # not the provider's channel
    ("credentials", {"apiKey": 12345}, "credentials"),  # breaks the response contract
]


def field_corruption(field: str, value: Any, expected: str) -> Any:
    def corrupt(document: dict[str, Any]) -> str:
        first_live(document, "email")[field] = value
        return expected

    corrupt.__name__ = f"{field}={value!r}"
    return corrupt


def duplicate_organization(document: dict[str, Any]) -> str:
    copy_of = json.loads(json.dumps(document["organizations"][0]))
    copy_of["dashboardToken"] = "another-token-123"
    for environment in copy_of["environments"]:
        environment["apiKey"] += "x"
        environment["_id"] = environment["_id"][:-1] + (
            "0" if environment["_id"][-1] != "0" else "1"
        )
        environment["integrations"] = []
    document["organizations"].append(copy_of)
    return "organization id"


def duplicate_environment(document: dict[str, Any]) -> str:
    environments = document["organizations"][0]["environments"]
    environments[1]["_id"] = environments[0]["_id"]
    return "environment id"


def duplicate_integration(document: dict[str, Any]) -> str:
    environments = document["organizations"][0]["environments"]
    environments[1]["integrations"][0]["_id"] = environments[0]["integrations"][0]["_id"]
    return "integration id"


def two_primaries(document: dict[str, Any]) -> str:
    integrations = document["organizations"][0]["environments"][0]["integrations"]
    emails = [i for i in integrations if i.get("channel") == "email" and not i["deleted"]]
    for integration in emails[:2]:
        integration["primary"] = True
        integration["active"] = True
    return "already has a primary email integration"


def no_environment(document: dict[str, Any]) -> str:
    document["organizations"][0]["environments"] = []
    return "environments"


def shared_api_key(document: dict[str, Any]) -> str:
    environments = document["organizations"][0]["environments"]
    environments[1]["apiKey"] = environments[0]["apiKey"]
    return "API key"


CORRUPTIONS = [
    *(field_corruption(*corruption) for corruption in FIELD_CORRUPTIONS),
    duplicate_organization,
    duplicate_environment,
    duplicate_integration,
    two_primaries,
    no_environment,
    shared_api_key,
]


@pytest.fixture(scope="module")
def state_app() -> Flask:
    return fresh()


@pytest.mark.parametrize("corrupt", CORRUPTIONS, ids=lambda f: f.__name__)
def test_a_corrupt_state_document_is_refused_whole(state_app: Flask, corrupt: Any) -> None:
    client = state_app.test_client()
    client.post("/__mock/reset")
    before = client.get("/__mock/state").data
    document = json.loads(before)
    expected = corrupt(document)
    answer = client.put("/__mock/state", json=document)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    body = answer.get_json()
    assert expected in body["message"], body["message"]
    assert body["problems"], body
    assert client.get("/__mock/state").data == before
    key = json.loads(before)["organizations"][0]["environments"][0]["apiKey"]
    listed = client.get("/v1/integrations", headers={"Authorization": f"ApiKey {key}"})
    assert listed.status_code == 200


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b'{"version": 1, "organizations": [], "x": Infinity}', "not valid JSON"),
        (b'{"version": 1, "organizations": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
        (b'{"version": 1, "organizations": ' + b"[" * 150 + b"]" * 150 + b"}", "nested"),
    ],
    ids=["Infinity", "100,000 deep", "150 deep"],
)
def test_an_admin_body_that_is_not_plain_json_is_refused(
    state_app: Flask, raw: bytes, expected: str
) -> None:
    client = state_app.test_client()
    before = client.get("/__mock/state").data
    answer = client.put("/__mock/state", data=raw, content_type="application/json")
    assert answer.status_code == 400
    assert expected in answer.get_json()["message"]
    assert client.get("/__mock/state").data == before


def test_counter_infinity_in_the_ids_state_is_refused(state_app: Flask) -> None:
    client = state_app.test_client()
    document = json.loads(client.get("/__mock/state").data)
    document["organizations"][0]["environments"][0]["ids"]["counter"] = 2**40
    answer = client.put("/__mock/state", json=document)
    assert answer.status_code == 400
    assert "counter" in answer.get_json()["message"]


def test_an_admin_body_over_the_limit_is_413(state_app: Flask) -> None:
    client = state_app.test_client()
    answer = client.put(
        "/__mock/state",
        data=b" " * (MAX_ADMIN_BODY + 10),
        content_type="application/json",
    )
    assert answer.status_code == 413


def test_a_clean_export_still_imports(state_app: Flask) -> None:
    client = state_app.test_client()
    exported = client.get("/__mock/state").data
    assert (
        client.put("/__mock/state", data=exported, content_type="application/json").status_code
        == 200
    )
    assert client.get("/__mock/state").data == exported


@pytest.mark.parametrize(
    "organizations,expected",
    [
        (
            [
                {"name": "A", "dashboardToken": "same-token-1", "environments": []},
                {"name": "B", "dashboardToken": "same-token-1", "environments": []},
            ],
            "dashboard token is used by two organizations",
        ),
        (
            [{"name": "A", "environments": []}, {"name": "A", "environments": []}],
            "two organizations are named 'A'",
        ),
    ],
)
def test_a_dataset_that_would_collide_is_refused(
    tmp_path: Path, organizations: list[dict[str, Any]], expected: str
) -> None:
    dataset = tmp_path / "dataset.json"
    dataset.write_text(
        json.dumps({"kind": "mockserver-dataset", "version": 1, "organizations": organizations})
    )
    with pytest.raises(DatasetError, match=expected):
        load_dataset(dataset, MockServer(Settings()).resources)


# ---- 4. environments never share ids or keys, and none is overwritten ----------------------


def create_in(client: Any, api_key: str, identifier: str) -> None:
    made = client.post(
        "/v1/integrations",
        json={"providerId": "sendgrid", "channel": "email", "identifier": identifier},
        headers={"Authorization": f"ApiKey {api_key}"},
    )
    assert made.status_code == 201


def identifiers_in(client: Any, api_key: str) -> set[str]:
    listed = client.get("/v1/integrations", headers={"Authorization": f"ApiKey {api_key}"})
    return {i["identifier"] for i in listed.get_json()["data"]}


def test_an_unlabelled_environment_skips_a_label_already_taken() -> None:
    client = fresh().test_client()
    first = client.post("/__mock/environments", json={"label": "isolated-1"})
    assert first.status_code == 201
    first_key = first.get_json()["apiKey"]
    create_in(client, first_key, "kept")
    second = client.post("/__mock/environments", json={})
    assert second.status_code == 201
    assert second.get_json()["_id"] != first.get_json()["_id"]
    assert second.get_json()["apiKey"] != first_key
    assert second.get_json()["label"] == "isolated-2"
    assert "kept" in identifiers_in(client, first_key)


def test_a_label_in_use_is_409_and_changes_nothing() -> None:
    client = fresh().test_client()
    assert client.post("/__mock/environments", json={"label": "ci"}).status_code == 201
    before = client.get("/__mock/state").data
    again = client.post("/__mock/environments", json={"label": "ci"})
    assert again.status_code == 409
    assert client.get("/__mock/state").data == before


def test_any_key_never_lands_on_an_environment_an_admin_label_made() -> None:
    app = fresh(any_key=True)
    client = app.test_client()
    made = client.post("/__mock/environments", json={"label": "key:ci-job-key"})
    assert made.status_code == 201
    admin_key = made.get_json()["apiKey"]
    create_in(client, admin_key, "admins")
    caller = client.get("/v1/integrations", headers={"Authorization": "ApiKey ci-job-key"})
    assert caller.status_code == 200
    caller_environment = {i["_environmentId"] for i in caller.get_json()["data"]}
    assert made.get_json()["_id"] not in caller_environment
    assert "admins" in identifiers_in(client, admin_key)
    ids = [
        e["_id"]
        for o in client.get("/__mock/state").get_json()["organizations"]
        for e in o["environments"]
    ]
    assert len(ids) == len(set(ids))


def test_the_store_refuses_to_overwrite_an_environment() -> None:
    server = fresh().extensions["mockserver"]
    organization = server.organizations[0]
    existing = next(iter(organization.environments.values()))
    twin = dataclasses.replace(existing, resources={})
    with pytest.raises(StoreConflict):
        server.store.add_environment(twin)
    assert organization.environments[existing.id] is existing


# ---- 3. an idempotent replay is shown only as its caller may see it ------------------------

CREDENTIAL = "SG.replayed-secret-0123456789"


@pytest.fixture
def strict_app() -> Flask:
    return fresh(validation=ValidationMode.STRICT)


def callers(app: Flask) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    organization = app.extensions["mockserver"].organizations[0]
    development, production = organization.environments.values()
    return (
        {"Authorization": f"Bearer {organization.dashboard_token}"},
        {"Authorization": f"ApiKey {development.api_key}"},
        {"Authorization": f"ApiKey {production.api_key}"},
    )


CREATE = {"providerId": "sendgrid", "channel": "email", "credentials": {"apiKey": CREDENTIAL}}


def test_a_dashboard_answer_replays_to_an_api_key_without_credentials(strict_app: Flask) -> None:
    client = strict_app.test_client()
    session, development, _ = callers(strict_app)
    first = client.post(
        "/v1/integrations", json=CREATE, headers={**session, "Idempotency-Key": "shared-1"}
    )
    assert first.status_code == 201 and CREDENTIAL in first.get_data(as_text=True)
    again = client.post(
        "/v1/integrations", json=CREATE, headers={**development, "Idempotency-Key": "shared-1"}
    )
    assert again.status_code == 201
    assert again.headers["Idempotency-Replay"] == "true"
    assert CREDENTIAL not in again.get_data(as_text=True)
    assert again.get_json()["data"]["credentials"] == {}
    assert again.get_json()["data"]["_id"] == first.get_json()["data"]["_id"]


def test_an_answer_about_another_environment_is_never_replayed(strict_app: Flask) -> None:
    client = strict_app.test_client()
    session, _, production = callers(strict_app)
    client.post("/v1/integrations", json=CREATE, headers={**session, "Idempotency-Key": "k2"})
    again = client.post(
        "/v1/integrations", json=CREATE, headers={**production, "Idempotency-Key": "k2"}
    )
    assert again.status_code == 422
    assert "another environment" in again.get_json()["message"]
    assert CREDENTIAL not in again.get_data(as_text=True)


def test_a_key_reused_on_another_route_replays_without_a_5xx(strict_app: Flask) -> None:
    client = strict_app.test_client()
    session, _, _ = callers(strict_app)
    listed = client.get("/v1/integrations", headers=session).get_json()["data"]
    email = [i["_id"] for i in listed if i["channel"] == "email"]
    primary = client.post(
        f"/v1/integrations/{email[0]}/set-primary", headers={**session, "Idempotency-Key": "k3"}
    )
    assert primary.status_code == 200
    other = client.post(
        f"/v1/integrations/{email[1]}/auto-configure",
        json={},
        headers={**session, "Idempotency-Key": "k3"},
    )
    assert other.status_code == 200, other.get_data(as_text=True)
    assert other.headers["Idempotency-Replay"] == "true"
    assert other.get_json() == primary.get_json()
    journal = client.get("/__mock/requests?limit=1").get_json()["requests"][0]
    assert journal["replayOf"] == "IntegrationsController_setIntegrationAsPrimary"
    assert journal["violations"] == []


# ---- 2. slow uploads do not starve other clients -------------------------------------------

SLOW_CLIENTS = 16


def start_slow_upload(url: str, key: str) -> socket.socket:
    """A client that declares a 1,000-byte body and sends only its first byte."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    sock.sendall(
        b"POST /v1/integrations HTTP/1.1\r\n"
        + f"Host: {parts.netloc}\r\nAuthorization: ApiKey {key}\r\n".encode()
        + b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )
    return sock


@pytest.mark.live
@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_sixteen_slow_uploads_leave_the_server_answering(server: str) -> None:
    with live_server("--server", server) as running:
        auth = {"Authorization": f"ApiKey {running.development_key}"}
        slow = [
            start_slow_upload(running.url, running.development_key) for _ in range(SLOW_CLIENTS)
        ]
        try:
            for sock in slow:  # each keeps trickling: a byte now and then, never the whole body
                sock.sendall(b" ")
            # Without the fix every server thread waits on a slow body and this times out.
            with httpx.Client(base_url=running.url, headers=auth, timeout=5) as probe:
                for n in range(10):
                    assert probe.get("/v1/integrations").status_code == 200
                    made = probe.post(
                        "/v1/integrations",
                        json={"providerId": "ses", "channel": "email", "name": f"probe {n}"},
                    )
                    assert made.status_code == 201
        finally:
            for sock in slow:
                sock.close()


def test_a_body_read_first_reads_the_same_bytes() -> None:
    """The pre-read body is what the app would have read itself, whole or in part."""
    for body in (b"", b"{}", b"x" * (PRE_READ_LIMIT - 1), b"y" * (PRE_READ_LIMIT + 5000)):
        environ: dict[str, Any] = {
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
        }
        read_body_first(environ)
        assert environ["wsgi.input"].read() == body
        chunked: dict[str, Any] = {
            "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input": io.BytesIO(body),
        }
        read_body_first(chunked)
        assert chunked["wsgi.input"].read(10) + chunked["wsgi.input"].read() == body


def test_a_shared_answer_is_journaled_as_itself_and_shows_what_was_sent() -> None:
    """The fast path (a cached answer kept by reference) against the plain one (its bytes)."""
    app = fresh()
    client = app.test_client()
    server = app.extensions["mockserver"]
    session = {"Authorization": f"Bearer {server.organizations[0].dashboard_token}"}
    answers = [client.get("/v1/integrations", headers=session) for _ in range(2)]
    first, second = server.journal.entries()[1], server.journal.entries()[0]
    assert first.response_shared is not None and first.response_shared is second.response_shared
    assert first.response_bytes is None
    sent = orjson.loads(answers[0].data)
    # What the journal shows is what was sent, with the same masking as bytes would get.
    plain = Journal(10)
    plain.record(journal_entry(plain, answers[0].data))
    assert second.response_body == plain.entries()[0].response_body
    assert second.response_body["data"][0]["_id"] == sent["data"][0]["_id"]


def test_a_long_chunked_body_read_first_reads_line_by_line_as_sent() -> None:
    body = b"a" * (PRE_READ_LIMIT + 3) + b"\nbcd\nef"  # the first line ends past the head
    chunked: dict[str, Any] = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body)}
    read_body_first(chunked)
    stream = chunked["wsgi.input"]
    assert stream.readline() == body[: PRE_READ_LIMIT + 4]
    assert stream.readline(2) == b"bc"
    assert stream.readline() == b"d\n"
    assert stream.read() == b"ef"
