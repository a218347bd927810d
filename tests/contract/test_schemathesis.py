"""Schemathesis against a live, strict `mockserver serve`: with the project's own spec, and
with the whole of Novu's published document (judged against its wire form).

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
from typing import Any

import pytest

from mockserver.contract import default_spec_path, load_contract
from tests.live import LiveServer, live_server
from tests.reference import novu_openapi

pytestmark = pytest.mark.live

HERE = Path(__file__).resolve().parent
EXAMPLES = os.environ.get("MOCKSERVER_SCHEMATHESIS_EXAMPLES", "25")
# Every operation of the project's spec is exercised.
OPERATIONS = len(load_contract(default_spec_path()).operations)


def _run(
    server: LiveServer,
    spec: Path,
    config: str,
    examples: str,
    tmp_path: Path,
    extra: tuple[str, ...] = (),
) -> Any:
    env = {
        **os.environ,
        "NOVU_MOCK_API_KEY": server.development_key,
        "NOVU_MOCK_DASHBOARD_TOKEN": server.dashboard_token,
        "PYTHONPATH": str(HERE),
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(HERE / config),
            "run",
            str(spec),
            "--url",
            server.url,
            "--max-examples",
            examples,
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--seed",
            "4010",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
            "--no-color",
            *extra,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=False,
        cwd=tmp_path,  # schemathesis keeps a cache in its working directory
    )


def test_schemathesis_finds_nothing_on_novus_whole_document(tmp_path: Path):
    """The whole of Novu's published document (`serve --novu-api`: the hand-modelled
    resources and the inferred engine), judged against its wire form (`mockserver wire-spec`,
    whose module docstring lists every adjustment and its reason; schemathesis-novu.toml
    gives the rest). Bounded for CI by MOCKSERVER_SCHEMATHESIS_NOVU_EXAMPLES."""
    wire = tmp_path / "novu-wire.json"
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "mockserver",
            "wire-spec",
            "--novu-api",
            str(novu_openapi()),
            "--output",
            str(wire),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    examples = os.environ.get("MOCKSERVER_SCHEMATHESIS_NOVU_EXAMPLES", "5")
    with live_server("--validation", "strict", "--novu-api", str(novu_openapi())) as server:
        # In longer runs Hypothesis gives up generating some of Novu's bodies (a channel
        # endpoint's `endpoint`: exactly one of six shapes): a limit of generation, not a check.
        done = _run(
            server,
            wire,
            "schemathesis-novu.toml",
            examples,
            tmp_path,
            ("--suppress-health-check", "filter_too_much"),
        )
    summary = done.stdout[-4000:] + done.stderr[-2000:]
    assert done.returncode == 0, summary
    assert "Tested: 149" in done.stdout, summary
    report = ElementTree.parse(next(tmp_path.glob("*.xml"))).getroot()
    cases = report.findall(".//testcase")
    assert len(cases) >= 149
    assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]


def test_schemathesis_finds_nothing(tmp_path: Path):
    with live_server("--validation", "strict") as server:
        done = _run(server, default_spec_path(), "schemathesis.toml", EXAMPLES, tmp_path)
    summary = done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 0, summary
    assert f"Tested: {OPERATIONS}" in done.stdout, summary
    report = ElementTree.parse(next(tmp_path.glob("*.xml"))).getroot()
    cases = report.findall(".//testcase")
    assert len(cases) >= OPERATIONS
    assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
