"""Restarting the server with the same seed gives the same bytes, whatever the process."""

from __future__ import annotations

import httpx
import pytest

from tests.live import live_server

pytestmark = pytest.mark.live


def test_restarts_with_the_same_seed_answer_byte_for_byte():
    """Two processes, different hash seeds: the same seed still gives the same bytes."""
    bodies = []
    for hash_seed in ("1", "2"):
        with live_server(
            "--seed",
            "77",
            "--frozen-time",
            "2026-02-01T00:00:00+00:00",
            env={"PYTHONHASHSEED": hash_seed},
        ) as running:
            auth = {"Authorization": f"ApiKey {running.development_key}"}
            bodies.append(httpx.get(f"{running.url}/v1/integrations", headers=auth).content)
            created = httpx.post(
                f"{running.url}/v1/integrations",
                headers=auth,
                json={"providerId": "ses", "channel": "email"},
            )
            bodies.append(created.content)
    assert bodies[0] == bodies[2]
    assert bodies[1] == bodies[3]
