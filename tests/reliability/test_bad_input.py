"""A corpus of bad input, sent as raw bytes over real HTTP. Each gets a Novu-shaped 4xx, never a
500, and leaves the state exactly as it was."""

from __future__ import annotations

import http.client
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from mockserver.contract import load_contract
from tests.live import LiveServer, live_server

pytestmark = pytest.mark.live

ID = "6a1b2c3d4e5f60718293a4b5"  # an ObjectId no integration has


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: bytes | None = None
    content_type: str | None = "application/json"
    auth: bool = True
    expect: int | None = None  # None: any 4xx


def js(value: Any) -> bytes:
    return json.dumps(value).encode()


def wrong_type_cases() -> Iterator[Case]:
    """Every field of the create and update bodies, with a value of the wrong type."""
    contract = load_contract()
    wrong = {
        "string": 12345,
        "boolean": "yes",
        "object": "not-an-object",
        "array": {"a": 1},
        "integer": "7",
        "number": "7",
    }
    targets = [
        ("POST", "/v1/integrations", "IntegrationsController_createIntegration"),
        ("PUT", "/v1/integrations/{id}", "IntegrationsController_updateIntegrationById"),
    ]
    for method, path, operation_id in targets:
        validator = contract.operations[operation_id].body_validator
        assert validator is not None
        definitions = validator.schema["$defs"]
        root = definitions[validator.schema["$ref"].rsplit("/", 1)[1]]
        for name, schema in root["properties"].items():
            if "$ref" not in schema and "type" not in schema:
                continue  # takes any JSON (`rules`: the use case judges it), so nothing is wrong
            if "$ref" in schema:
                definition = definitions[schema["$ref"].rsplit("/", 1)[1]]
                kind = definition.get("type", "object")
            else:
                kind = schema.get("type", "string")
            body = (
                {"providerId": "ses", name: wrong[kind]}
                if method == "POST"
                else {name: wrong[kind]}
            )
            yield Case(f"{method} wrong type {name}", method, path, js(body), expect=422)


def corpus() -> list[Case]:
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    cases = [
        # body-parser's strict mode (Express's default): a JSON body is an object or an array.
        Case("empty body JSON null", "POST", "/v1/integrations", b"null", expect=400),
        Case("truncated JSON", "POST", "/v1/integrations", b'{"providerId": "ses"', expect=400),
        Case(
            "trailing garbage", "POST", "/v1/integrations", b'{"providerId": "ses"} x', expect=400
        ),
        Case("single quotes", "POST", "/v1/integrations", b"{'providerId': 'ses'}", expect=400),
        Case("NaN literal", "POST", "/v1/integrations", b'{"providerId": NaN}', expect=400),
        Case(
            "Infinity deep inside",
            "POST",
            "/v1/integrations",
            b'{"providerId": "ses", "channel": "email", "configurations": {"x": -Infinity}}',
            expect=400,
        ),
        Case(
            "integer past 64 bits",
            "POST",
            "/v1/integrations",
            b'{"providerId": 123456789012345678901234567890}',
            expect=422,
        ),
        Case(
            "escaped lone surrogate",
            "POST",
            "/v1/integrations",
            b'{"providerId": "ses", "channel": "email", "active": "\\ud800"}',
            expect=422,
        ),
        Case("JSON array", "POST", "/v1/integrations", b"[1,2,3]", expect=422),
        Case("JSON string", "POST", "/v1/integrations", b'"ses"', expect=400),
        Case(
            "invalid UTF-8", "POST", "/v1/integrations", b'{"providerId": "\xff\xfe"}', expect=400
        ),
        Case(
            "text/plain body",
            "POST",
            "/v1/integrations",
            b'{"providerId":"ses"}',
            content_type="text/plain",
            expect=422,  # no parser takes it: the DTO sees {} (Novu has no 415)
        ),
        Case(
            "form body",
            "POST",
            "/v1/integrations",
            b"providerId=ses&active=true",
            content_type="application/x-www-form-urlencoded",
            expect=422,  # parsed as a form: every value a string, so `active` is no boolean
        ),
        Case(
            "no content type",
            "POST",
            "/v1/integrations",
            b'{"providerId":"ses"}',
            content_type=None,
            expect=422,
        ),
        Case(
            "over 100 kB",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses", "name": "n" * (100 * 1024)}),
            expect=413,
        ),
        Case(
            "deeply nested",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses", "conditions": deep}),
            expect=400,
        ),
        Case(
            "nesting past the parser",
            "POST",
            "/v1/integrations",
            b"[" * 20000 + b"]" * 20000,
            expect=400,
        ),
        Case(
            "huge array of wrong items",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses", "conditions": [1] * 20000}),
            expect=422,
        ),
        Case(
            "very long environment id",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses", "_environmentId": "f" * 5000}),
            expect=422,
        ),
        Case(
            "null byte in enum",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses", "channel": "email\u0000"}),
            expect=422,
        ),
        Case(
            "unicode lookalike channel",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses", "channel": "\u0435mail"}),  # Cyrillic ie
            expect=422,
        ),
        Case("null providerId", "POST", "/v1/integrations", js({"providerId": None}), expect=422),
        Case(
            "unknown fields only on update",
            "PUT",
            f"/v1/integrations/{ID}",
            js({"colour": "red"}),
            expect=404,
        ),
        Case(
            "condition with bad operator",
            "POST",
            "/v1/integrations",
            js(
                {
                    "providerId": "ses",
                    "conditions": [
                        {
                            "isNegated": False,
                            "type": "BOOLEAN",
                            "value": "AND",
                            "children": [
                                {
                                    "field": "f",
                                    "value": "v",
                                    "operator": "DROP TABLE",
                                    "on": "payload",
                                }
                            ],
                        }
                    ],
                }
            ),
            expect=422,
        ),
        Case(
            "not an ObjectId (update)", "PUT", "/v1/integrations/abc", js({"name": "x"}), expect=404
        ),
        Case("not an ObjectId (delete)", "DELETE", "/v1/integrations/abc", expect=404),
        Case(
            "not an ObjectId (set-primary)", "POST", "/v1/integrations/abc/set-primary", expect=400
        ),
        Case(
            "not an ObjectId (auto-configure)",
            "POST",
            "/v1/integrations/abc/auto-configure",
            expect=404,
        ),
        Case("unknown ObjectId", "DELETE", f"/v1/integrations/{ID}", expect=404),
        Case("very long id", "DELETE", "/v1/integrations/" + "a" * 8000, expect=404),
        Case("null byte in id", "DELETE", "/v1/integrations/%00", expect=404),
        Case(
            "path traversal, encoded",
            "DELETE",
            "/v1/integrations/..%2F..%2Fetc%2Fpasswd",
            expect=404,
        ),
        Case("path traversal, raw", "GET", "/v1/integrations/../../etc/passwd", expect=404),
        Case("unicode id", "PUT", "/v1/integrations/%F0%9F%92%A5", js({"name": "x"}), expect=404),
        Case("unknown route", "GET", "/v1/no-such-resource", expect=404),
        Case("unknown method", "PATCH", "/v1/integrations", expect=405),
        Case("TRACE", "TRACE", "/v1/integrations", expect=405),
        Case(
            "missing auth",
            "POST",
            "/v1/integrations",
            js({"providerId": "ses"}),
            auth=False,
            expect=401,
        ),
        Case(
            "unknown mobile-link identifier",
            "POST",
            "/v1/integrations/nope/mobile-link",
            js({}),
            expect=404,
        ),
        Case(
            "OAuth for an unknown identifier",
            "POST",
            "/v1/integrations/channel-connections/oauth",
            js({"integrationIdentifier": "x" * 3000}),
            expect=404,
        ),
        Case("limit with an API key", "GET", "/v1/integrations/email/limit", expect=401),
    ]
    cases.extend(wrong_type_cases())
    return cases


def send(
    server: LiveServer, case: Case, integration_id: str, idempotency_key: str | None = None
) -> tuple[int, Any]:
    parts = urlsplit(server.url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {}
    if case.auth:
        headers["Authorization"] = f"ApiKey {server.development_key}"
    if case.content_type:
        headers["Content-Type"] = case.content_type
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    path = case.path.replace("{id}", integration_id)
    connection.request(case.method, path, body=case.body, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    connection.close()
    return response.status, json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server("--validation", "strict") as running:
        yield running


def test_the_corpus_is_large():
    assert len(corpus()) >= 50


@pytest.mark.parametrize("with_key", [False, True], ids=["no key", "idempotency key"])
@pytest.mark.parametrize("case", corpus(), ids=lambda case: case.name)
def test_bad_input_gets_a_novu_shaped_4xx_and_changes_nothing(
    server: LiveServer, case: Case, with_key: bool
):
    """Every case twice: an idempotency key makes the body be fingerprinted and the answer
    kept, which must not turn bad input into a 5xx either."""
    state = f"{server.url}/__mock/state"
    before = httpx.get(state).content
    existing = httpx.get(
        f"{server.url}/v1/integrations",
        headers={"Authorization": f"ApiKey {server.development_key}"},
    ).json()
    target = existing["data"][3]["_id"]
    key = f"bad-input-{uuid.uuid4()}" if with_key else None
    status, body = send(server, case, target, key)
    assert 400 <= status < 500, (status, body)
    if case.expect is not None:
        assert status == case.expect, body
    assert isinstance(body, dict)
    assert {"statusCode", "timestamp", "path", "message"} <= set(body)
    assert body["statusCode"] == status
    if status == 422:
        assert body["errors"], body
    assert httpx.get(state).content == before
