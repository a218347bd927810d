"""List answers are kept while nothing changes; after any change they must show it.

Each step below changes the state one way a client or a test can; after each, every list
answer (API key and dashboard, all and active only) must equal one built afresh from the store.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

from flask import Flask

from mockserver.novu.auth import authenticate
from mockserver.server import MockServer
from tests.conftest import Api, Keys
from tests.integrations_resource import integrations


def built_afresh(server: MockServer, authorization: str, *, active_only: bool) -> list[Any]:
    caller = authenticate(server.store, authorization, None)
    listed = integrations(server).backend.list_integrations(caller, active_only=active_only)
    reveal = not caller.is_api_key
    wire = [i.to_wire(reveal_credentials=reveal, include_virtual_id=False) for i in listed]
    plain: list[Any] = json.loads(json.dumps(wire))
    return plain


def test_every_change_shows_in_the_next_list(
    app: Flask, api: Api, dashboard: Api, keys: Keys
) -> None:
    server: MockServer = app.extensions["mockserver"]
    created: dict[str, str] = {}

    def create() -> None:
        body = {"providerId": "sendgrid", "channel": "email", "name": "Cached", "active": True}
        status, answer = api.call("POST", "/v1/integrations", body)
        assert status == 201, answer
        created["id"] = answer["data"]["_id"]

    def call(method: str, path: str, body: Any = None, via: Api = api) -> Callable[[], None]:
        def step() -> None:
            status, answer = via.call(method, path.format(**created), body)
            assert status < 300, answer

        return step

    def restore_renamed() -> None:
        state = api.client.get("/__mock/state").get_json()
        for organization in state["organizations"]:
            for environment in organization["environments"]:
                for integration in environment["integrations"]:
                    integration["name"] = "Restored " + integration["name"]
        assert api.client.put("/__mock/state", json=state).status_code == 200

    steps: list[tuple[str, Callable[[], None]]] = [
        ("create", create),
        ("rename", call("PUT", "/v1/integrations/{id}", {"name": "Renamed"})),
        ("set primary", call("POST", "/v1/integrations/{id}/set-primary")),
        ("deactivate", call("PUT", "/v1/integrations/{id}", {"active": False})),
        ("dashboard edit", call("PUT", "/v1/integrations/{id}", {"name": "D"}, via=dashboard)),
        ("delete", call("DELETE", "/v1/integrations/{id}")),
        ("snapshot restore", restore_renamed),
        (
            "environment reset",
            call("POST", "/__mock/reset", {"environmentId": keys.development_id}),
        ),
        ("create again", create),
        ("reset", call("POST", "/__mock/reset")),
    ]
    seen: list[Any] = []
    for name, step in steps:
        step()
        for authorization in (f"ApiKey {keys.development}", f"Bearer {keys.dashboard_token}"):
            caller = Api(api.client, authorization)
            for path, active_only in (
                ("/v1/integrations", False),
                ("/v1/integrations/active", True),
            ):
                for _ in range(2):  # the second answer comes from what the first one kept
                    status, answer = caller.call("GET", path)
                    assert status == 200, (name, authorization, answer)
                    expected = built_afresh(server, authorization, active_only=active_only)
                    assert answer["data"] == expected, (name, authorization, path)
        seen.append(api.integrations())
    # Every step changed what the list shows (or the test would prove nothing).
    unchanged = [steps[i + 1][0] for i, (a, b) in enumerate(itertools.pairwise(seen)) if a == b]
    assert not unchanged
