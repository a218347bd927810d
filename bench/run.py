"""`python -m bench`: throughput and latency of the mock, with ratios from the same run.

For each scenario (list of 20 and of 1,000 integrations, create, update, set-primary, a request
that fails validation) it drives, with the same load and alternating between them in rounds so
that the machine's drift touches each alike:

- the mock as `mockserver serve` runs it (granian, full request and response validation);
- the same with `--validation off`;
- a bare Flask app answering the same bytes on the same WSGI server;
- the mock on waitress, the other server it offers (the measurement behind the default);
- Stoplight Prism on the same spec, as it runs by default and with its logging silenced (list
  20 and create; installed from npm into a cache directory on first use; `--prism off`).

Then the cost of loading the project's spec and Novu's whole published document, and the
resident memory of a server holding 100,000 integrations. Figures go to the terminal and, as
JSON, to --output. Targets are reported, never asserted: machines here are shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import tempfile
from pathlib import Path
from typing import Any

from bench import footprint, inferred, prism, soak
from bench.bare_app import canned_key
from bench.load import Figures, drive
from bench.scenarios import capture, prepare
from bench.servers import Pinning, Running, bare_command, mockserver_command, pinning, started

ROOT = Path(__file__).resolve().parents[1]
NOVU_DOCUMENT = ROOT.parent / "shared" / "reference" / "novu-openapi.json"
SPEC_NAME = "novu-integrations.openapi.yaml"
# The scenarios Prism is measured beside: every write route and the new resources' reads.
PRISM_SCENARIOS = (
    "list 20",
    "create",
    "update",
    "set-primary",
    "trigger",
    "sub create",
    "sub get",
    "topic sub",
)
WRITES = ("create", "update", "set-primary", "trigger", "sub create", "topic sub")
# Issue 6's figures for Stoplight Prism 5 on this kind of machine, for runs without Prism.
PRISM_SILENCED_RPS = {"list 20": 1900.0, "create": 2300.0}
PRISM_DEFAULT_RPS = {"list 20": 1000.0, "create": 1050.0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="per server and scenario (default 6)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternations between the servers (default 3)"
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent (default 8)")
    parser.add_argument("--tool", choices=["auto", "wrk", "built-in"], default="auto")
    parser.add_argument(
        "--prism",
        choices=["auto", "off"],
        default="auto",
        help="measure Stoplight Prism in the same run, installing it with npm if needed",
    )
    parser.add_argument("--memory-integrations", type=int, default=100_000)
    parser.add_argument("--large-list", type=int, default=1000)
    parser.add_argument("--novu-spec", type=Path, default=NOVU_DOCUMENT)
    parser.add_argument(
        "--smoke", action="store_true", help="a quick pass over everything (CI): short and small"
    )
    parser.add_argument(
        "--soak",
        action="store_true",
        help="instead: steady mixed load for --soak-minutes, sampling the worker's memory",
    )
    parser.add_argument("--soak-minutes", type=float, default=5.0, help="(default 5)")
    parser.add_argument(
        "--soak-interval", type=float, default=15.0, help="seconds per sample (default 15)"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "last-run.json")
    args = parser.parse_args(argv)
    if args.soak:
        return soak_main(args)
    if args.smoke:
        args.seconds, args.rounds, args.prism = 1.0, 1, "off"
        args.memory_integrations, args.large_list = 2000, 100
    pin = pinning()
    print(f"mockserver benchmark: {os.cpu_count()} cores, {pin.note}")
    print(
        f"{args.connections} connections, {args.seconds:g} s per server and scenario in "
        f"{args.rounds} alternating rounds (figures: the median round)\n"
    )

    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        "pinning": pin.note,
        "connections": args.connections,
        "seconds": args.seconds,
        "scenarios": {},
    }
    prism_executable, results["prism"] = (
        prism.executable() if args.prism == "auto" else (None, "Prism not measured")
    )
    print(results["prism"])
    table = measure_throughput(args, pin, prism_executable)
    results["scenarios"] = table
    print_table(table)
    if args.novu_spec.is_file():
        results["inferred"] = inferred.measure(args, pin, prism_executable, args.novu_spec)
        print_inferred(results["inferred"])

    results["spec_load"] = [footprint.spec_load_seconds(ROOT / "specs" / SPEC_NAME, pin.server)]
    if args.novu_spec.is_file():
        results["spec_load"].append(footprint.spec_load_seconds(args.novu_spec, pin.server))
    print("\nspec load and compile (fresh interpreter):")
    for load in results["spec_load"]:
        print(
            f"  {Path(load['spec']).name}: {load['bytes'] / 1e6:.2f} MB, {load['operations']}"
            f" operations ({load['compiled']} compiled) in {load['seconds'] * 1000:.0f} ms"
        )
    memory = footprint.memory_for(args.memory_integrations, pin.server)
    results["memory"] = memory
    print(
        f"\nmemory: {memory['integrations']:,} integrations in one environment: "
        f"{memory['resident_mb']:.0f} MB resident "
        f"(server alone {memory['server_before_mb']:.0f} MB, "
        f"{memory['bytes_per_integration']:.0f} bytes per integration)"
    )
    people = footprint.subscriber_memory_for(args.memory_integrations, pin.server)
    results["subscriber_memory"] = people
    print(
        f"memory: {people['subscribers']:,} subscribers in one environment: "
        f"{people['resident_mb']:.0f} MB resident "
        f"({people['bytes_per_subscriber']:.0f} bytes per subscriber)"
    )
    results["targets"] = targets(results, args)
    print("\ntargets (issue 6):")
    for target in results["targets"]:
        print(f"  [{'met' if target['met'] else 'MISSED'}] {target['what']}: {target['figure']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {args.output}")
    return 0


def soak_main(args: argparse.Namespace) -> int:
    pin = pinning()
    print(
        f"mockserver soak: {args.soak_minutes:g} min, a sample every {args.soak_interval:g} s; "
        f"{pin.note}\n"
    )
    result = soak.run_soak(args.soak_minutes, args.soak_interval, pin, args.tool)
    verdict = "flat" if result["flat"] else "NOT flat"
    print(
        f"\nworker memory {verdict}: {result['warm_mb']:.1f} MB after warm-up, peak "
        f"{result['peak_mb']:.1f} MB (rise {result['rise_after_warm_up_mb']:.1f} MB; "
        f"bound {result['bound_mb']:g} MB)"
    )
    output = args.output.with_name("last-soak.json")
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results written to {output}")
    return 0


def measure_throughput(
    args: argparse.Namespace, pin: Pinning, prism_executable: Path | None
) -> dict[str, dict[str, Any]]:
    """Every server runs at once (idle ones cost nothing); each scenario alternates between
    them round by round, so drift in the machine's load spreads over all of them alike."""
    sizes = (20, args.large_list)
    table: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        mock = stack.enter_context(started(mockserver_command(pin), "Production"))
        off = stack.enter_context(
            started(mockserver_command(pin, "--validation", "off"), "Production")
        )
        waitress = stack.enter_context(
            started(mockserver_command(pin, "--server", "waitress"), "Production")
        )
        scenarios = prepare(mock.url, sizes)
        canned = {
            canned_key(s.request.method, s.request.path, s.request.body): capture(mock.url, s)
            for s in scenarios
        }
        canned_file = Path(scratch) / "canned.json"
        canned_file.write_text(json.dumps(canned))
        bare = stack.enter_context(
            started(bare_command(pin, str(canned_file), "granian"), "bare app on")
        )
        prism_servers = start_prism(stack, prism_executable, pin) if prism_executable else {}
        # The same calls set up the same state on each mock; the bare app needs none.
        targets_by_server = {
            "mock": (mock.url, scenarios),
            "validation off": (off.url, prepare(off.url, sizes)),
            "bare flask": (bare.url, scenarios),
            "mock on waitress": (waitress.url, prepare(waitress.url, sizes)),
            # Prism keeps no state and takes any key: the mock's own requests do.
            **{name: (server.url, scenarios) for name, server in prism_servers.items()},
        }
        core = ("mock", "validation off", "bare flask")
        for index, scenario in enumerate(scenarios):
            servers = [
                name
                for name in targets_by_server
                if name in core or scenario.name in PRISM_SCENARIOS
            ]
            rounds: dict[str, list[Figures]] = {name: [] for name in servers}
            for _ in range(args.rounds):
                for name in servers:
                    url, prepared = targets_by_server[name]
                    rounds[name].append(
                        drive(
                            url,
                            prepared[index].request,
                            connections=args.connections,
                            seconds=args.seconds / args.rounds,
                            pin=pin.client,
                            tool=args.tool,
                        )
                    )
            table[scenario.name] = {"description": scenario.description}
            for name, figures in rounds.items():
                table[scenario.name][name] = {
                    **median_round(figures).__dict__,
                    "rounds_rps": [round(f.rps) for f in figures],
                }
    for name, row in table.items():
        for server, figures in row.items():
            if isinstance(figures, dict) and figures["requests"] == 0:
                raise RuntimeError(f"{server} answered no request in scenario {name!r}")
        mock_rps = row["mock"]["rps"]
        row["ratio to validation off"] = mock_rps / row["validation off"]["rps"]
        row["ratio to bare flask"] = mock_rps / row["bare flask"]["rps"]
        if "mock on waitress" in row:
            row["granian over waitress"] = mock_rps / row["mock on waitress"]["rps"]
        for name in prism.MODES:
            if name in row:
                row[f"ratio to {name}"] = mock_rps / row[name]["rps"]
    return table


def start_prism(stack: contextlib.ExitStack, executable: Path, pin: Pinning) -> dict[str, Running]:
    """Prism in each of its modes, on the project's spec."""
    servers = {}
    for name, level in prism.MODES.items():
        port = prism.free_port()
        command = prism.command(executable, pin, ROOT / "specs" / SPEC_NAME, port, level)
        servers[name] = stack.enter_context(started(command, "", url=f"http://127.0.0.1:{port}"))
    return servers


def median_round(rounds: list[Figures]) -> Figures:
    """The round with the median throughput (its latencies come with it)."""
    return sorted(rounds, key=lambda figures: figures.rps)[len(rounds) // 2]


def print_table(table: dict[str, dict[str, Any]]) -> None:
    header = (
        f"{'scenario':<12} {'mock rps':>9} {'p50 ms':>7} {'p99 ms':>7} | {'off rps':>8} "
        f"{'mock/off':>8} | {'bare rps':>8} {'mock/bare':>9} | {'waitress':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, row in table.items():
        mock = row["mock"]
        waitress = row.get("mock on waitress")
        print(
            f"{name:<12} {mock['rps']:>9.0f} {mock['p50_ms']:>7.2f} {mock['p99_ms']:>7.2f} | "
            f"{row['validation off']['rps']:>8.0f} {row['ratio to validation off']:>8.2f} | "
            f"{row['bare flask']['rps']:>8.0f} {row['ratio to bare flask']:>9.2f} | "
            f"{waitress['rps'] if waitress else float('nan'):>8.0f}"
        )
    tool = next(iter(table.values()))["mock"]["tool"]
    print(f"(load generator: {tool}; 'waitress' is the same validating mock on waitress)")
    measured = [(name, row) for name, row in table.items() if "prism silenced" in row]
    if measured:
        print(
            f"\n{'Prism, same spec':<16} {'silenced rps':>12} {'mock/it':>8} {'default rps':>12} "
            f"{'mock/it':>8}"
        )
        for name, row in measured:
            print(
                f"{name:<16} {row['prism silenced']['rps']:>12.0f} "
                f"{row['ratio to prism silenced']:>8.2f} {row['prism default']['rps']:>12.0f} "
                f"{row['ratio to prism default']:>8.2f}"
            )


def print_inferred(table: dict[str, dict[str, Any]]) -> None:
    print(
        f"\n{'inferred engine':<16} {'mock rps':>9} {'p99 ms':>7} {'prism rps':>10} {'mock/it':>8}"
    )
    for name, row in table.items():
        prism_row = row.get("prism silenced")
        print(
            f"{name:<16} {row['mock']['rps']:>9.0f} {row['mock']['p99_ms']:>7.2f} "
            f"{prism_row['rps'] if prism_row else float('nan'):>10.0f} "
            f"{row.get('ratio to prism silenced', float('nan')):>8.2f}"
        )


def targets(results: dict[str, Any], args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = results["scenarios"]
    found: list[dict[str, Any]] = []

    def add(what: str, met: bool, figure: str) -> None:
        found.append({"what": what, "met": bool(met), "figure": figure})

    worst_off = min(row["ratio to validation off"] for row in rows.values())
    add(">= 90% of --validation off", worst_off >= 0.9, f"lowest ratio {worst_off:.2f}")
    worst_bare = min(row["ratio to bare flask"] for row in rows.values())
    add(">= 80% of a bare Flask app", worst_bare >= 0.8, f"lowest ratio {worst_bare:.2f}")
    for name in ("list 20", "create"):
        row = rows[name]
        rps = row["mock"]["rps"]
        if "prism silenced" in row:
            silenced, default = row["prism silenced"]["rps"], row["prism default"]["rps"]
            source = "Prism measured in this run"
        else:
            silenced, default = PRISM_SILENCED_RPS[name], PRISM_DEFAULT_RPS[name]
            source = f"{results['prism']}; Prism figures from the issue"
        add(
            f"{name}: 1.5x Prism silenced ({silenced:.0f}), 3x Prism default ({default:.0f})",
            rps >= 1.5 * silenced and rps >= 3 * default,
            f"{rps:.0f} rps = {rps / silenced:.2f}x silenced, {rps / default:.2f}x default"
            f" ({source})",
        )
        p99 = rows[name]["mock"]["p99_ms"]
        add(f"{name}: p99 < 10 ms", p99 < 10, f"{p99:.2f} ms")
    for name in [n for n in PRISM_SCENARIOS if n not in ("list 20", "create")]:
        row = rows[name]
        if name in WRITES or name == "sub get":
            if "prism silenced" in row:
                ratio = row["ratio to prism silenced"]
                add(f"{name}: 2x Prism silenced", ratio >= 2, f"{ratio:.2f}x")
            p99 = row["mock"]["p99_ms"]
            add(f"{name}: p99 < 10 ms", p99 < 10, f"{p99:.2f} ms")
    if "prism silenced" in rows["create"]:
        ratio = rows["create"]["ratio to prism silenced"]
        add("create: 2x Prism silenced (every write)", ratio >= 2, f"{ratio:.2f}x")
    large = f"list {args.large_list}"
    add(
        f"{large}: p99 < 50 ms",
        rows[large]["mock"]["p99_ms"] < 50,
        f"{rows[large]['mock']['p99_ms']:.2f} ms",
    )
    for name, row in results.get("inferred", {}).items():
        if "ratio to prism silenced" in row:
            ratio = row["ratio to prism silenced"]
            add(f"{name}: 2x Prism silenced (same operation)", ratio >= 2, f"{ratio:.2f}x")
    novu = [load for load in results["spec_load"] if "novu-openapi" in load["spec"]]
    if novu:
        add(
            "Novu's document loaded and compiled < 1 s",
            novu[0]["seconds"] < 1,
            f"{novu[0]['seconds']:.2f} s",
        )
    memory = results["memory"]
    add(
        f"{memory['integrations']:,} integrations < 300 MB resident",
        memory["resident_mb"] < 300,
        f"{memory['resident_mb']:.0f} MB",
    )
    people = results["subscriber_memory"]
    add(
        f"{people['subscribers']:,} subscribers < 300 MB resident",
        people["resident_mb"] < 300,
        f"{people['resident_mb']:.0f} MB",
    )
    return found
