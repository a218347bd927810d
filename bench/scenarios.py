"""What the benchmark asks the server, and the state each request needs set up first."""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from bench.load import Request

CREATE_BODY = {
    "providerId": "sendgrid",
    "channel": "email",
    "name": "Bench",
    "active": False,
    "credentials": {"apiKey": "SG.bench", "from": "bench@example.com"},
}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    request: Request


def _call(url: str, method: str, path: str, key: str | None = None, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"ApiKey {key}"
    request = urllib.request.Request(url + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def _environment(url: str, label: str) -> str:
    created = _call(url, "POST", "/__mock/environments", body={"label": label})
    return str(created["apiKey"])


def _fill(url: str, key: str, count: int) -> None:
    """Exactly `count` live integrations in the key's environment."""
    live = _call(url, "GET", "/v1/integrations", key)["data"]
    for extra in live[count:]:
        _call(url, "DELETE", f"/v1/integrations/{extra['_id']}", key)
    for index in range(len(live), count):
        _call(url, "POST", "/v1/integrations", key, {**CREATE_BODY, "name": f"Filler {index}"})


def prepare(url: str, list_sizes: tuple[int, int]) -> list[Scenario]:
    """Set up a fresh server's state for every scenario; the same calls on every server."""
    small, large = list_sizes
    scenarios = []
    for size in (small, large):
        key = _environment(url, f"bench-list-{size}")
        _fill(url, key, size)
        scenarios.append(
            Scenario(
                f"list {size}",
                f"GET /v1/integrations, {size} integrations",
                _request("GET", "/v1/integrations", key),
            )
        )
    key = _environment(url, "bench-create")
    scenarios.append(
        Scenario(
            "create",
            "POST /v1/integrations (each call adds one)",
            _request("POST", "/v1/integrations", key, CREATE_BODY),
        )
    )
    key = _environment(url, "bench-write")
    target = _call(url, "POST", "/v1/integrations", key, {**CREATE_BODY, "name": "Target"})
    target_id = target["data"]["_id"]
    scenarios.append(
        Scenario(
            "update",
            "PUT /v1/integrations/{id}",
            _request("PUT", f"/v1/integrations/{target_id}", key, {"name": "Renamed"}),
        )
    )
    primary = _call(
        url, "POST", "/v1/integrations", key, {**CREATE_BODY, "name": "Primary", "active": True}
    )
    scenarios.append(
        Scenario(
            "set-primary",
            "POST /v1/integrations/{id}/set-primary",
            _request("POST", f"/v1/integrations/{primary['data']['_id']}/set-primary", key),
        )
    )
    scenarios.append(
        Scenario(
            "invalid",
            "POST /v1/integrations with a wrong type: Novu's 422",
            _request("POST", "/v1/integrations", key, {"providerId": 42, "channel": "email"}),
        )
    )
    return scenarios + _box_scenarios(url)


def _box_scenarios(url: str) -> list[Scenario]:
    """Novu in a box: a trigger of the seeded welcome workflow (an in-app and an email step)
    to one seeded subscriber, and the subscriber and topic calls apps make around it."""
    key = _environment(url, "bench-box")
    subscriber = _call(url, "GET", "/v2/subscribers?limit=1", key)["data"][0]["subscriberId"]
    topic = _call(url, "GET", "/v2/topics?limit=1", key)["data"][0]["key"]
    trigger = {"name": "welcome", "to": subscriber, "payload": {"plan": "pro"}}
    person = {"subscriberId": "bench-person", "firstName": "Bench", "email": "b@example.com"}
    _call(url, "POST", "/v2/subscribers", key, person)
    return [
        Scenario(
            "trigger",
            "POST /v1/events/trigger: one subscriber, two steps delivered",
            _request("POST", "/v1/events/trigger", key, trigger),
        ),
        Scenario(
            "sub create",
            "POST /v2/subscribers (one subscriberId: Novu's upsert after the first)",
            _request("POST", "/v2/subscribers", key, person),
        ),
        Scenario(
            "sub get",
            "GET /v2/subscribers/{subscriberId}",
            _request("GET", f"/v2/subscribers/{subscriber}", key),
        ),
        Scenario(
            "topic sub",
            "POST /v2/topics/{key}/subscriptions (one subscriber, already subscribed)",
            _request(
                "POST", f"/v2/topics/{topic}/subscriptions", key, {"subscriberIds": [subscriber]}
            ),
        ),
    ]


def _request(method: str, path: str, key: str, body: Any = None) -> Request:
    headers = {"Authorization": f"ApiKey {key}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    return Request(method, path, headers, json.dumps(body).encode() if body is not None else b"")


def capture(url: str, scenario: Scenario) -> dict[str, Any]:
    """One answer to the scenario's request, status and exact bytes, for the bare app."""
    request = scenario.request
    call = urllib.request.Request(
        url + request.path,
        data=request.body or None,
        method=request.method,
        headers=request.headers,
    )
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            return {"status": answer.status, "body": answer.read().decode()}
    except urllib.error.HTTPError as error:
        return {"status": error.code, "body": error.read().decode()}
