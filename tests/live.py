"""Start a real `mockserver serve` process on a free port and read its banner."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class LiveServer:
    url: str
    development_key: str
    production_key: str
    dashboard_token: str
    banner: str


@contextmanager
def live_server(*args: str, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    command = [sys.executable, "-m", "mockserver", "serve", "--port", "0", *args]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Production" in line and "ApiKey" in line:
                break
        banner = "".join(lines)
        url = re.search(r"listening on (http://\S+)", banner)
        keys = re.findall(r"Authorization: ApiKey (\w+)", banner)
        token = re.search(r"dashboard token: (\S+)", banner)
        assert url and token and len(keys) == 2, f"server did not start:\n{banner}"
        yield LiveServer(url.group(1), keys[0], keys[1], token.group(1), banner)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
