"""Stoplight Prism, the peer the targets are set against, run on the same spec in the same run.

Prism comes from npm, installed once into a cache directory (it is not a dependency of the
project). It serves the project's spec in its static mode, twice: as it runs by default
(logging every request) and with its logging silenced, its fastest.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

from bench.servers import Pinning

PRISM_VERSION = "5.16.0"
MODES = {"prism silenced": "silent", "prism default": "info"}


def cache_directory() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mockserver-bench" / f"prism-{PRISM_VERSION}"


def executable() -> tuple[Path | None, str]:
    """Prism's command, installed first if need be; None with the reason when it cannot be."""
    found = cache_directory() / "node_modules" / ".bin" / "prism"
    if found.exists():
        return found, f"Prism {PRISM_VERSION} from {cache_directory()}"
    if shutil.which("npm") is None:
        return None, "Prism not measured: npm is not installed"
    print(f"installing Prism {PRISM_VERSION} into {cache_directory()} (once)...", flush=True)
    installed = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(cache_directory()),
            "--no-audit",
            "--no-fund",
            "--silent",
            f"@stoplight/prism-cli@{PRISM_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if not found.exists():
        return None, f"Prism not measured: npm install failed: {installed.stderr.strip()[-300:]}"
    return found, f"Prism {PRISM_VERSION} from {cache_directory()}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def command(prism: Path, pin: Pinning, spec: Path, port: int, level: str) -> list[str]:
    return [*pin.server, str(prism), "mock", str(spec), "--port", str(port), "-v", level]
