"""The inferred engine beside Prism, on the same operation of Novu's whole published document:
`mockserver serve --novu-api` and `prism mock` (silenced) on it, each asked to create an
environment (`POST /v1/environments`, whose `_id` the engine makes: every create is a new one)
and to read a layout (`GET /v2/layouts/{layoutId}`, made first)."""

from __future__ import annotations

import argparse
import contextlib
import json
import urllib.request
from pathlib import Path
from typing import Any

from bench import prism
from bench.load import Figures, Request, drive
from bench.servers import Pinning, mockserver_command, started

SCENARIOS = {
    "inferred create": ("POST", "/v1/environments", {"name": "Bench", "color": "#336699"}),
    "inferred get": ("GET", "/v2/layouts/bench", None),
}


def measure(
    args: argparse.Namespace, pin: Pinning, executable: Path | None, document: Path
) -> dict[str, dict[str, Any]]:
    """Each scenario on the mock and on Prism silenced, alternating round by round; the
    mock is reset before each of its create rounds (it keeps what is made, up to its bound)."""
    table: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        mock = stack.enter_context(
            started(mockserver_command(pin, "--novu-api", str(document)), "Production")
        )
        key = mock.api_keys[0]
        servers = {"mock": mock.url}
        if executable is not None:
            port = prism.free_port()
            command = prism.command(executable, pin, document, port, prism.MODES["prism silenced"])
            running = stack.enter_context(started(command, "", url=f"http://127.0.0.1:{port}"))
            servers["prism silenced"] = running.url
        for name, (method, path, body) in SCENARIOS.items():
            request = _request(method, path, key, body)
            rounds: dict[str, list[Figures]] = {server: [] for server in servers}
            for _ in range(args.rounds):
                for server, url in servers.items():
                    if server == "mock":
                        _prepare(url, key)
                    rounds[server].append(
                        drive(
                            url,
                            request,
                            connections=args.connections,
                            seconds=args.seconds / args.rounds,
                            pin=pin.client,
                            tool=args.tool,
                        )
                    )
            row: dict[str, Any] = {"description": f"{method} {path} (Novu's whole document)"}
            for server, figures in rounds.items():
                chosen = sorted(figures, key=lambda f: f.rps)[len(figures) // 2]
                row[server] = {**chosen.__dict__, "rounds_rps": [round(f.rps) for f in figures]}
            if "prism silenced" in row:
                row["ratio to prism silenced"] = row["mock"]["rps"] / row["prism silenced"]["rps"]
            table[name] = row
    return table


def _prepare(url: str, key: str) -> None:
    """A fresh start, and the layout the read asks for."""
    _call(url, "POST", "/__mock/reset", None, {})
    _call(url, "POST", "/v2/layouts", key, {"layoutId": "bench", "name": "Bench"})


def _call(url: str, method: str, path: str, key: str | None, body: Any) -> None:
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"ApiKey {key}"
    data = json.dumps(body).encode() if body is not None else None
    call = urllib.request.Request(url + path, data=data, method=method, headers=headers)
    with urllib.request.urlopen(call, timeout=30) as answer:
        answer.read()


def _request(method: str, path: str, key: str, body: Any) -> Request:
    return Request(
        method=method,
        path=path,
        headers={"Authorization": f"ApiKey {key}", "Content-Type": "application/json"},
        body=json.dumps(body).encode() if body is not None else b"",
    )
