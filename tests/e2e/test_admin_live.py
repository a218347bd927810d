"""The admin API, faults and --any-key over real HTTP against `mockserver serve`."""

from __future__ import annotations

import httpx
import pytest

from tests.live import live_server

pytestmark = pytest.mark.live


def test_dropped_connection_fault_hangs_up_mid_answer_then_recovers():
    with live_server() as server:
        auth = {"Authorization": f"ApiKey {server.development_key}"}
        fault = httpx.post(
            f"{server.url}/__mock/faults",
            json={
                "operationId": "IntegrationsController_listIntegrations",
                "drop": True,
                "times": 1,
            },
        )
        assert fault.status_code == 201
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{server.url}/v1/integrations", headers=auth)
        assert httpx.get(f"{server.url}/v1/integrations", headers=auth).status_code == 200
        journal = httpx.get(f"{server.url}/__mock/requests").json()["requests"]
        assert [(e["response"]["status"], e["fault"]) for e in journal] == [
            (200, None),
            (0, "fault-1"),
        ]


def test_journal_state_and_reset_over_http():
    with live_server() as server:
        auth = {"Authorization": f"ApiKey {server.development_key}"}
        httpx.post(
            f"{server.url}/v1/integrations",
            headers=auth,
            json={"providerId": "ses", "channel": "email", "identifier": "over-http"},
        )
        count = httpx.get(
            f"{server.url}/__mock/requests/count",
            params={"operationId": "IntegrationsController_createIntegration"},
        )
        assert count.json() == {"count": 1}
        state = httpx.get(f"{server.url}/__mock/state").content
        httpx.post(f"{server.url}/__mock/reset")
        assert "over-http" not in httpx.get(f"{server.url}/v1/integrations", headers=auth).text
        restored = httpx.put(
            f"{server.url}/__mock/state",
            content=state,
            headers={"Content-Type": "application/json"},
        )
        assert restored.status_code == 200
        assert "over-http" in httpx.get(f"{server.url}/v1/integrations", headers=auth).text


def test_any_key_and_admin_token_over_http():
    with live_server("--any-key", "--admin-token", "t0ken") as server:
        mine = httpx.get(
            f"{server.url}/v1/integrations", headers={"Authorization": "ApiKey job-1"}
        ).json()["data"]
        theirs = httpx.get(
            f"{server.url}/v1/integrations", headers={"Authorization": "ApiKey job-2"}
        ).json()["data"]
        assert len(mine) == len(theirs) == 12
        assert mine[0]["_environmentId"] != theirs[0]["_environmentId"]
        assert httpx.get(f"{server.url}/__mock/environments").status_code == 401
        listed = httpx.get(
            f"{server.url}/__mock/environments", headers={"Authorization": "Bearer t0ken"}
        ).json()
        keys = {e["apiKey"] for o in listed["organizations"] for e in o["environments"]}
        assert {"job-1", "job-2"} <= keys


def test_no_admin_over_http():
    with live_server("--no-admin") as server:
        assert httpx.get(f"{server.url}/__mock/environments").status_code == 404
