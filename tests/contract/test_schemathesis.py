"""Schemathesis against a live, strict `mockserver serve` with the project's own spec.

Every operation, positive and negative data, the coverage, fuzzing and stateful phases (links
between create, update, set-primary, delete and auto-configure are declared in the spec), with
every check on (schemathesis enables them all unless its configuration says otherwise). Bounded
for CI by MOCKSERVER_SCHEMATHESIS_EXAMPLES (README shows a larger run). The only adjustments,
each explained where it is made:
  * tests/contract/schemathesis.toml: a schema-valid request may get Novu's business-rule 400
    (and, on the four routes whose rules Novu words as a 422, that 422); `Allow` at
    /v1/integrations/active names the methods the overlapping /{integrationId} template takes;
  * tests/contract/schemathesis_hooks.py: each call sends a fresh idempotency key, as a correct
    client does (Novu scopes keys per organization, so reused generated keys collide).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from mockserver.contract import default_spec_path, load_contract
from tests.live import live_server

pytestmark = pytest.mark.live

HERE = Path(__file__).resolve().parent
EXAMPLES = os.environ.get("MOCKSERVER_SCHEMATHESIS_EXAMPLES", "25")
# Every operation of the project's spec is exercised.
OPERATIONS = len(load_contract(default_spec_path()).operations)


def test_schemathesis_finds_nothing(tmp_path: Path):
    with live_server("--validation", "strict") as server:
        env = {
            **os.environ,
            "NOVU_MOCK_API_KEY": server.development_key,
            "NOVU_MOCK_DASHBOARD_TOKEN": server.dashboard_token,
            "PYTHONPATH": str(HERE),
            "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        }
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "--config-file",
                str(HERE / "schemathesis.toml"),
                "run",
                str(default_spec_path()),
                "--url",
                server.url,
                "--max-examples",
                EXAMPLES,
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--seed",
                "4010",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path),
                "--no-color",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
            check=False,
            cwd=tmp_path,  # schemathesis keeps a cache in its working directory
        )
    summary = done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0, summary
    assert f"Tested: {OPERATIONS}" in done.stdout, summary
    report = ElementTree.parse(next(tmp_path.glob("*.xml"))).getroot()
    cases = report.findall(".//testcase")
    assert len(cases) >= OPERATIONS
    assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
