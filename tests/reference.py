"""Where the shared reference material lives, when this checkout has it beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOVU_OPENAPI = Path(
    os.environ.get("MOCKSERVER_NOVU_OPENAPI", ROOT.parent / "shared/reference/novu-openapi.json")
)


def novu_openapi() -> Path:
    if not NOVU_OPENAPI.is_file():
        pytest.skip(
            f"Novu's published OpenAPI document is not at {NOVU_OPENAPI}; set "
            "MOCKSERVER_NOVU_OPENAPI to its path to run this test"
        )
    return NOVU_OPENAPI
