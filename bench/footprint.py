"""Costs that are not throughput: loading a spec, and memory for many integrations or
subscribers.

Each measurement runs in a fresh interpreter (`python -m bench.footprint spec PATH`,
`python -m bench.footprint memory COUNT` or `python -m bench.footprint subscribers COUNT`) so
that no cache or earlier allocation helps it.
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


def subscriber_memory_for(count: int, pin: list[str]) -> dict[str, Any]:
    return _child(pin, "subscribers", str(count))


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
    from mockserver.resources.registry import structure_paths

    # As a server with the inferred engine loads it: every operation compiled.
    started = time.perf_counter()
    contract = load_contract(path, structure_paths(), implemented=None)
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


def _measure_subscribers(count: int) -> dict[str, Any]:
    """A whole server, then `count` subscribers created in one environment by API calls
    (`POST /v1/subscribers/bulk`, 500 at a time, each with a full profile), and one page of
    the search answered."""
    from mockserver.http.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(journal_size=0))
    server = app.extensions["mockserver"]
    environment = next(iter(server.organizations[0].environments.values()))
    key = environment.api_key
    before = _resident_mb()
    for start in range(0, count, 500):
        batch = [
            {
                "subscriberId": f"person-{index}",
                "firstName": "Ada",
                "lastName": f"Person {index}",
                "email": f"person-{index}@example.com",
                "phone": f"+1555{index:07d}",
                "locale": "en-US",
                "data": {"plan": "pro"},
            }
            for index in range(start, min(start + 500, count))
        ]
        body = json.dumps({"subscribers": batch}).encode()
        status = _call(app, "POST", key, body, path="/v1/subscribers/bulk")
        assert status == 201, status
    assert _call(app, "GET", key, path="/v2/subscribers") == 200
    after = _resident_mb()
    return {
        "subscribers": server.resource("subscribers").summary(environment)["subscribers"],
        "resident_mb": after,
        "server_before_mb": before,
        "bytes_per_subscriber": (after - before) * 1024 * 1024 / max(count, 1),
    }


def _call(
    app: Any, method: str, key: str, body: bytes = b"", *, path: str = "/v1/integrations"
) -> int:
    """One request straight through the WSGI app (no sockets to wait on)."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
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
    elif kind == "subscribers":
        print(json.dumps(_measure_subscribers(int(argument))))
    else:
        print(json.dumps(_measure_memory(int(argument))))
