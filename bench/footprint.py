"""Costs that are not throughput: loading a spec, and memory for many integrations.

Each measurement runs in a fresh interpreter (`python -m bench.footprint spec PATH` or
`python -m bench.footprint memory COUNT`) so that no cache or earlier allocation helps it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def spec_load_seconds(spec: Path, pin: list[str]) -> dict[str, Any]:
    return _child(pin, "spec", str(spec))


def memory_for(count: int, pin: list[str]) -> dict[str, Any]:
    return _child(pin, "memory", str(count))


def _child(pin: list[str], *args: str) -> dict[str, Any]:
    output = subprocess.run(
        [*pin, sys.executable, "-m", "bench.footprint", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result: dict[str, Any] = json.loads(output)
    return result


def _measure_spec(path: Path) -> dict[str, Any]:
    from mockserver.contract import load_contract
    from mockserver.integrations.routes import HANDLERS

    started = time.perf_counter()
    contract = load_contract(path, implemented=frozenset(HANDLERS))
    seconds = time.perf_counter() - started
    compiled = sum(1 for op in contract.operations.values() if op.compiled)
    return {
        "spec": str(path),
        "bytes": path.stat().st_size,
        "seconds": seconds,
        "operations": len(contract.operations),
        "compiled": compiled,
    }


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _measure_memory(count: int) -> dict[str, Any]:
    """A whole server (contract, seed data), then `count` integrations created in one
    environment through the same rules an API call goes through."""
    from mockserver.app import create_app
    from mockserver.auth import Caller
    from mockserver.server import MockServer
    from mockserver.settings import Settings

    app = create_app(Settings())
    server: MockServer = app.extensions["mockserver"]
    organization = server.organizations[0]
    environment = next(iter(organization.environments.values()))
    caller = Caller(scheme="ApiKey", organization=organization, environment=environment)
    providers = [("sendgrid", "email"), ("twilio", "sms"), ("slack", "chat"), ("fcm", "push")]
    before = _resident_mb()
    for index in range(count):
        provider, channel = providers[index % len(providers)]
        server.backend.create(
            caller,
            {
                "providerId": provider,
                "channel": channel,
                "name": f"Integration {index}",
                "active": False,
                "credentials": {"apiKey": f"key-{index}", "senderName": "Bench"},
            },
        )
    after = _resident_mb()
    live = sum(1 for _ in environment.live())
    return {
        "integrations": live,
        "resident_mb": after,
        "server_before_mb": before,
        "bytes_per_integration": (after - before) * 1024 * 1024 / max(count, 1),
    }


if __name__ == "__main__":
    kind, argument = sys.argv[1], sys.argv[2]
    if kind == "spec":
        print(json.dumps(_measure_spec(Path(argument))))
    else:
        print(json.dumps(_measure_memory(int(argument))))
