"""Starting the servers under test as separate processes, each pinned to the server core."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Pinning:
    server: list[str]  # command prefix for servers
    client: list[str]  # command prefix for the load generator
    note: str


def pinning() -> Pinning:
    cores = sorted(os.sched_getaffinity(0))
    if shutil.which("taskset") and len(cores) >= 2:
        server, client = str(cores[0]), ",".join(str(c) for c in cores[1:])
        return Pinning(
            ["taskset", "-c", server],
            ["taskset", "-c", client],
            f"server pinned to core {server}, load generator to {client}",
        )
    return Pinning([], [], "not pinned (needs taskset and two cores): figures are rougher")


@dataclass(frozen=True)
class Running:
    url: str
    banner: str
    pid: int

    @property
    def api_keys(self) -> list[str]:
        return re.findall(r"Authorization: ApiKey (\w+)", self.banner)


@contextmanager
def started(command: list[str], ready_marker: str, url: str | None = None) -> Iterator[Running]:
    """Run `command` until the block ends; ready once a line contains `ready_marker`, or, for
    a server that prints nothing (Prism silenced), once `url` takes connections. Its output is
    read all along: a server blocked on a full pipe (waitress logs its queue depth under load)
    would measure as a server that stopped answering."""
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    lines: list[str] = []
    ready = threading.Event()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if ready_marker in line:
                ready.set()
        ready.set()  # ended without it: reported below

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        if url is None:
            ready.wait(timeout=60)
            time.sleep(0.2)  # the rest of the banner, printed in the same write
        else:
            _wait_for_connections(url, process, timeout=60)
        text = "".join(lines)
        found = url or next(iter(re.findall(r"http://[\d.]+:\d+", text)), None)
        if found is None or process.poll() is not None:
            raise RuntimeError(f"{' '.join(command)} did not start:\n{text}")
        yield Running(found, text, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=5)


def _wait_for_connections(url: str, process: subprocess.Popen[str], timeout: float) -> None:
    parts = urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)


def mockserver_command(pin: Pinning, *options: str) -> list[str]:
    return [*pin.server, sys.executable, "-m", "mockserver", "serve", "--port", "0", *options]


def bare_command(pin: Pinning, canned: str, server: str) -> list[str]:
    return [*pin.server, sys.executable, "-m", "bench.bare_app", canned, "--server", server]
