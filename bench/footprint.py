"""Costs that are not throughput: loading a spec, and memory for many integrations.

Each measurement runs in a fresh interpreter (`python -m bench.footprint spec PATH` or
`python -m bench.footprint memory COUNT`) so that no cache or earlier allocation helps it.
"""

from __future__ import annotations

import io
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
    from mockserver.resources.registry import resource_classes, structure_paths

    implemented = frozenset(name for cls in resource_classes() for name in cls.handlers)
    started = time.perf_counter()
    contract = load_contract(path, structure_paths(), implemented=implemented)
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
    environment by API calls, each answered (built, checked and encoded as a client gets it),
    and the environment listed once: the answer caches every integration then carries are
    counted too."""
    from mockserver.http.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(journal_size=0))
    server = app.extensions["mockserver"]
    environment = next(iter(server.organizations[0].environments.values()))
    key = environment.api_key
    providers = [("sendgrid", "email"), ("twilio", "sms"), ("slack", "chat"), ("fcm", "push")]
    before = _resident_mb()
    for index in range(count):
        provider, channel = providers[index % len(providers)]
        body = {
            "providerId": provider,
            "channel": channel,
            "name": f"Integration {index}",
            "active": False,
            "credentials": {"apiKey": f"key-{index}", "senderName": "Bench"},
        }
        status = _call(app, "POST", key, json.dumps(body).encode())
        assert status == 201, status
    assert _call(app, "GET", key) == 200
    after = _resident_mb()
    return {
        "integrations": server.resource("integrations").summary(environment)["integrations"],
        "resident_mb": after,
        "server_before_mb": before,
        "bytes_per_integration": (after - before) * 1024 * 1024 / max(count, 1),
    }


def _call(app: Any, method: str, key: str, body: bytes = b"") -> int:
    """One request to /v1/integrations straight through the WSGI app (no sockets to wait on)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/v1/integrations",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "4010",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "HTTP_AUTHORIZATION": f"ApiKey {key}",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
    }
    answered: list[str] = []
    for _chunk in app(environ, lambda status, headers, *_: answered.append(status)):
        pass
    return int(answered[0].split()[0])


if __name__ == "__main__":
    kind, argument = sys.argv[1], sys.argv[2]
    if kind == "spec":
        print(json.dumps(_measure_spec(Path(argument))))
    else:
        print(json.dumps(_measure_memory(int(argument))))
