"""Running the `mockserver` command as a user does, for tests of what it prints and returns."""

from __future__ import annotations

import os
import subprocess
import sys


def run_mockserver(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
