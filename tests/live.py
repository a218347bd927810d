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
def live_server(
    *args: str, env: dict[str, str] | None = None, capture: Path | None = None
) -> Iterator[LiveServer]:
    """Run the server for the duration of the block. Its output is drained all along (a full
    pipe would stall it) and, with `capture`, written to that file when it stops."""
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args]
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
            if "Production" in line and "ApiKey" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        ready.wait(timeout=60)
        time.sleep(0.2)  # the banner's later organizations, if any, come in the same write
        banner = "".join(lines)
        url = re.search(r"listening on (http://\S+)", banner)
        keys = re.findall(r"Authorization: ApiKey (\w+)", banner)
        token = re.search(r"dashboard token: (\S+)", banner)
        assert url and token and len(keys) >= 2, f"server did not start:\n{banner}"
        yield LiveServer(url.group(1), keys[0], keys[1], token.group(1), banner)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        reader.join(timeout=5)
        if capture is not None:
            capture.write_text("".join(lines))


@contextmanager
def live_command(*args: str) -> Iterator[str]:
    """Run `mockserver <args> --port 0` (record or replay) until the block ends; its URL."""
    command = [sys.executable, "-m", "mockserver", *args, "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "listening on" in line:
                ready.set()
        ready.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        ready.wait(timeout=60)
        url = re.search(r"listening on (http://\S+)", "".join(lines))
        assert url, "mockserver did not start:\n" + "".join(lines)
        yield url.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        reader.join(timeout=5)
