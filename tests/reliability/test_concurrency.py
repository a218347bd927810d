"""Many threads at once over real HTTP: no lost or duplicated write, every invariant kept."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.live import LiveServer, live_server

pytestmark = pytest.mark.live

THREADS = 16
OPERATIONS_PER_THREAD = 60
CHANNELS = {"email": "sendgrid", "sms": "twilio", "chat": "slack", "push": "fcm"}


@dataclass
class Ledger:
    """What the server acknowledged, per environment key."""

    created: dict[str, set[str]] = field(default_factory=dict)
    deleted: dict[str, set[str]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1


def worker(server: LiveServer, key: str, seed: int, ledger: Ledger) -> None:
    rng = random.Random(seed)
    auth = {"Authorization": f"ApiKey {key}"}
    mine: list[str] = []
    with httpx.Client(base_url=server.url, headers=auth, timeout=30) as client:
        for _ in range(OPERATIONS_PER_THREAD):
            action = rng.choice(
                [
                    "create",
                    "create",
                    "update",
                    "activate",
                    "deactivate",
                    "primary",
                    "delete",
                    "list",
                ]
            )
            target = rng.choice(mine) if mine else None
            if action == "create" or target is None:
                channel = rng.choice(list(CHANNELS))
                response = client.post(
                    "/v1/integrations",
                    json={
                        "providerId": CHANNELS[channel],
                        "channel": channel,
                        "active": rng.random() < 0.6,
                    },
                )
                if response.status_code == 201:
                    created = response.json()["data"]["_id"]
                    mine.append(created)
                    with ledger.lock:
                        ledger.created.setdefault(key, set()).add(created)
            elif action == "update":
                response = client.put(
                    f"/v1/integrations/{target}", json={"name": f"renamed-{rng.randrange(10**6)}"}
                )
            elif action in ("activate", "deactivate"):
                response = client.put(
                    f"/v1/integrations/{target}", json={"active": action == "activate"}
                )
            elif action == "primary":
                response = client.post(f"/v1/integrations/{target}/set-primary")
            elif action == "delete":
                response = client.delete(f"/v1/integrations/{target}")
                if response.status_code == 200:
                    mine.remove(target)
                    with ledger.lock:
                        ledger.deleted.setdefault(key, set()).add(target)
            else:
                response = client.get("/v1/integrations")
            ledger.note(response.status_code)


def list_integrations(server: LiveServer, key: str) -> list[dict[str, Any]]:
    """The environment's integrations, waiting out the rate limit a stress run may have spent
    (how long that takes depends on how fast this machine ran it)."""
    for _ in range(30):
        response = httpx.get(
            f"{server.url}/v1/integrations", headers={"Authorization": f"ApiKey {key}"}
        )
        if response.status_code != 429:
            break
        time.sleep(float(response.headers.get("Retry-After", "1")))
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()["data"]
    return listed


def check_invariants(server: LiveServer, key: str, ledger: Ledger) -> None:
    listed = list_integrations(server, key)
    ids = [i["_id"] for i in listed]
    assert len(ids) == len(set(ids)), "an integration is listed twice"
    alive = ledger.created.get(key, set()) - ledger.deleted.get(key, set())
    assert alive <= set(ids), f"acknowledged creates lost: {alive - set(ids)}"
    assert not (ledger.deleted.get(key, set()) & set(ids)), "a deleted integration is listed"
    for channel in ("email", "sms"):
        active = [i for i in listed if i["channel"] == channel and i["active"]]
        assert sum(i["primary"] for i in active) <= 1, f"two {channel} primaries"
        assert sorted(i["priority"] for i in active) == list(range(1, len(active) + 1))
        assert all(
            i["priority"] == 0 and not i["primary"]
            for i in listed
            if i["channel"] == channel and not i["active"]
        )
    for integration in listed:
        if integration["channel"] not in ("email", "sms"):
            assert (integration["primary"], integration["priority"]) == (False, 0)


def run_stress(server: LiveServer, keys: list[str]) -> Ledger:
    ledger = Ledger()
    with ThreadPoolExecutor(THREADS) as pool:
        futures = [
            pool.submit(worker, server, keys[n % len(keys)], n, ledger) for n in range(THREADS)
        ]
        for future in futures:
            future.result()
    return ledger


def test_concurrent_writes_in_one_and_across_environments():
    with live_server("--validation", "strict") as server:
        ledger = run_stress(server, [server.development_key, server.production_key])
        assert not [s for s in ledger.statuses if s >= 500], ledger.statuses
        assert sum(ledger.statuses.values()) == THREADS * OPERATIONS_PER_THREAD
        for key in (server.development_key, server.production_key):
            check_invariants(server, key, ledger)
        assert (
            httpx.get(
                f"{server.url}/v1/integrations/active",
                headers={"Authorization": f"ApiKey {server.development_key}"},
            ).status_code
            == 200
        )


def test_concurrent_writes_under_the_rate_limit():
    with live_server("--validation", "strict", "--rate-limit", "free") as server:
        ledger = run_stress(server, [server.development_key])
        assert not [s for s in ledger.statuses if s >= 500], ledger.statuses
        check_invariants(server, server.development_key, ledger)


def test_one_idempotency_key_replayed_concurrently_executes_once():
    with live_server("--validation", "strict") as server:
        auth = {"Authorization": f"ApiKey {server.development_key}", "idempotency-key": "once"}
        body = {"providerId": "postmark", "channel": "email", "name": "Exactly once"}
        barrier = threading.Barrier(THREADS)

        def fire(_: int) -> tuple[int, Any]:
            barrier.wait()
            response = httpx.post(f"{server.url}/v1/integrations", headers=auth, json=body)
            return response.status_code, response.json()

        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(fire, range(THREADS)))
        statuses = Counter(status for status, _ in answers)
        assert set(statuses) <= {201, 409}, statuses
        created_ids = {b["data"]["_id"] for status, b in answers if status == 201}
        assert len(created_ids) == 1  # every 201 is the one execution or its replay
        listed = httpx.get(
            f"{server.url}/v1/integrations",
            headers={"Authorization": f"ApiKey {server.development_key}"},
        ).json()
        assert [i["name"] for i in listed["data"]].count("Exactly once") == 1


def test_idempotency_keys_shared_across_callers_and_environments():
    """Dashboard sessions and both environments' keys race on the same keys and routes: no 5xx,
    a credential reaches only a dashboard session, and no key runs its write twice."""
    secret = "SG.shared-key-secret-0123456789"
    with live_server("--validation", "strict") as server:
        callers = [
            {"Authorization": f"Bearer {server.dashboard_token}"},
            {"Authorization": f"ApiKey {server.development_key}"},
            {"Authorization": f"ApiKey {server.production_key}"},
        ]
        keys = [f"shared-{n}" for n in range(6)]
        body = {
            "providerId": "sendgrid",
            "channel": "email",
            "name": "Shared key write",
            "credentials": {"apiKey": secret},
        }
        barrier = threading.Barrier(THREADS)

        def fire(n: int) -> tuple[int, int, str]:
            rng = random.Random(n)
            caller = n % len(callers)
            barrier.wait()
            with httpx.Client(base_url=server.url, timeout=30) as client:
                key = rng.choice(keys)
                headers = {**callers[caller], "Idempotency-Key": key}
                answer = client.post("/v1/integrations", headers=headers, json=body)
                return caller, answer.status_code, answer.text

        with ThreadPoolExecutor(THREADS) as pool:
            answers = list(pool.map(fire, range(THREADS * 3)))
        assert not [status for _, status, _ in answers if status >= 500], answers
        assert {status for _, status, _ in answers} <= {201, 409, 422}
        for caller, _, text in answers:
            if caller != 0:
                assert secret not in text, "an API key was shown a credential"
        written = sum(
            [i["name"] for i in list_integrations(server, key)].count("Shared key write")
            for key in (server.development_key, server.production_key)
        )
        assert 1 <= written <= len(keys), "a key ran its write more than once"
