"""A short pass of the benchmark harness: it runs end to end and measures what it says.

No figure is asserted (machines here are shared and noisy); what is checked is that every
scenario was driven against every server, answered with the statuses it should (so the
figures are of real work), and that the result file holds the ratios and footprints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reference import ROOT

pytestmark = pytest.mark.live

SCENARIOS = [
    "list 20",
    "list 100",
    "create",
    "update",
    "set-primary",
    "invalid",
    "trigger",
    "sub create",
    "sub get",
    "topic sub",
]


def test_the_smoke_run_measures_every_scenario_on_every_server(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads(output.read_text())
    assert list(results["scenarios"]) == SCENARIOS
    for name, row in results["scenarios"].items():
        for server in ("mock", "validation off", "bare flask"):
            figures = row[server]
            assert figures["requests"] > 0 and figures["rps"] > 0, (name, server)
            assert 0 < figures["p50_ms"] <= figures["p99_ms"], (name, server)
            answered_ok = sum(
                count for status, count in figures["statuses"].items() if status[0] in "23"
            )
            if name == "invalid":
                assert answered_ok == 0, (name, server, figures["statuses"])
            else:
                assert answered_ok == figures["requests"], (name, server, figures["statuses"])
        assert row["ratio to validation off"] == pytest.approx(
            row["mock"]["rps"] / row["validation off"]["rps"]
        )
        assert row["ratio to bare flask"] > 0
    assert "mock on waitress" in results["scenarios"]["list 20"]
    assert Path(results["spec_load"][0]["spec"]).name == "novu-integrations.openapi.yaml"
    assert results["memory"]["integrations"] >= 2000
    assert results["subscriber_memory"]["subscribers"] >= 2000
    assert {target["what"] for target in results["targets"]} >= {
        ">= 90% of --validation off",
        ">= 80% of a bare Flask app",
    }
    for name in SCENARIOS:
        assert name in run.stdout  # the table was printed


def test_the_built_in_load_generator_keeps_connections_busy_and_counts_statuses() -> None:
    from bench.load import drive
    from bench.scenarios import prepare
    from bench.servers import mockserver_command, pinning, started

    pin = pinning()
    with started(mockserver_command(pin), "Production") as mock:
        listing, _, _, _, _, invalid, *_box = prepare(mock.url, (20, 30))
        good = drive(
            mock.url, listing.request, connections=4, seconds=1, pin=pin.client, tool="built-in"
        )
        bad = drive(
            mock.url, invalid.request, connections=4, seconds=1, pin=pin.client, tool="built-in"
        )
    assert good.tool == "built-in" and good.requests > 10
    assert good.statuses == {"200": good.requests}
    assert bad.statuses == {"422": bad.requests}
    assert 0 < good.p50_ms <= good.p99_ms


def test_a_short_soak_samples_the_worker_under_mixed_load(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--soak",
            "--soak-minutes",
            "0.05",
            "--soak-interval",
            "1.5",
            "--output",
            str(output),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads((tmp_path / "last-soak.json").read_text())
    assert len(result["samples"]) >= 2
    for sample in result["samples"]:
        assert sample["rps"] > 0 and 0 < sample["p50_ms"] <= sample["p99_ms"]
        # The worker holding the state, not granian's supervisor (a few MB of Rust).
        assert sample["resident_mb"] > 40
    assert result["rise_after_warm_up_mb"] == pytest.approx(result["peak_mb"] - result["warm_mb"])
    assert "worker RSS MB" in run.stdout
