"""Start a real `mockserver serve` process on a free port and read its banner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LiveServer:
    url: str
    development_key: str
    production_key: str
    dashboard_token: str
    banner: str


@contextmanager
def _running(
    command: list[str], ready_marker: str, env: dict[str, str] | None = None
) -> Iterator[list[str]]:
    """Run a command for the duration of the block; its output lines, once a line holds
    `ready_marker`. The output is drained all along: a full pipe would stall the server."""
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    lines: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if ready_marker in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        ready.wait(timeout=60)
        time.sleep(0.2)  # the rest of the banner comes in the same write
        yield lines
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        reader.join(timeout=5)


@contextmanager
def live_server(
    *args: str, env: dict[str, str] | None = None, capture: Path | None = None
) -> Iterator[LiveServer]:
    """Run `mockserver serve` for the duration of the block; with `capture`, its whole output
    is written to that file when it stops."""
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args]
    output: list[str] = []
    try:
        with _running(command, "Authorization: ApiKey", env) as lines:
            output = lines
            banner = "".join(lines)
            url = re.search(r"listening on (http://\S+)", banner)
            keys = re.findall(r"Authorization: ApiKey (\w+)", banner)
            token = re.search(r"dashboard token: (\S+)", banner)
            assert url and token and len(keys) >= 2, f"server did not start:\n{banner}"
            yield LiveServer(url.group(1), keys[0], keys[1], token.group(1), banner)
    finally:
        if capture is not None:  # after the server stopped: all it ever printed
            capture.write_text("".join(output))


@contextmanager
def live_command(*args: str) -> Iterator[str]:
    """Run `mockserver <args> --port 0` (record or replay) until the block ends; its URL."""
    command = [sys.executable, "-m", "mockserver", *args, "--port", "0"]
    with _running(command, "listening on") as lines:
        url = re.search(r"listening on (http://\S+)", "".join(lines))
        assert url, "mockserver did not start:\n" + "".join(lines)
        yield url.group(1)
