"""`python -m bench --soak`: steady mixed load for minutes, with the worker's memory sampled.

The mock runs as `mockserver serve` does by default (granian, journal on). Every interval, four
requests are driven at once, two connections each: a list of 1,000 integrations (large answers
that the journal must not keep without bound), an update (every write makes the next large
list be built afresh), a request that fails validation, and a create that repeats one
idempotency key (replays). Plain creates are left out on purpose: each adds an integration, so
memory would grow by design. After each interval the resident memory of the process that holds
the state is read (granian's worker, not its supervisor), beside that interval's throughput and
latency. Memory counts as flat when, after the first interval (warm-up: caches and the journal
filling to their bounds), it never rises more than FLAT_BOUND_MB above where it stood.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.load import Figures, Request, drive
from bench.scenarios import CREATE_BODY, prepare
from bench.servers import Pinning, mockserver_command, started

FLAT_BOUND_MB = 32.0
SOAKED = ("list 1000", "update", "invalid")


def run_soak(minutes: float, interval_seconds: float, pin: Pinning, tool: str) -> dict[str, Any]:
    samples: list[dict[str, Any]] = []
    with started(mockserver_command(pin), "Production") as mock:
        scenarios = {s.name: s.request for s in prepare(mock.url, (20, 1000))}
        requests = [scenarios[name] for name in SOAKED]
        requests.append(_replayed_create(scenarios["update"]))
        worker = worker_pid(mock.pid)
        started_at = time.monotonic()
        deadline = started_at + minutes * 60
        while time.monotonic() < deadline:
            figures = _interval(mock.url, requests, interval_seconds, pin, tool)
            samples.append(
                {
                    "seconds": round(time.monotonic() - started_at),
                    "rps": sum(f.rps for f in figures),
                    "p50_ms": max(f.p50_ms for f in figures),
                    "p99_ms": max(f.p99_ms for f in figures),
                    "resident_mb": resident_mb(worker),
                }
            )
            _print_sample(samples[-1], first=len(samples) == 1)
    settled = samples[0]["resident_mb"]
    peak = max(sample["resident_mb"] for sample in samples)
    return {
        "samples": samples,
        "warm_mb": settled,
        "peak_mb": peak,
        "rise_after_warm_up_mb": peak - settled,
        "flat": peak - settled <= FLAT_BOUND_MB,
        "bound_mb": FLAT_BOUND_MB,
    }


def _replayed_create(update: Request) -> Request:
    headers = {**update.headers, "Content-Type": "application/json", "Idempotency-Key": "soak"}
    body = json.dumps({**CREATE_BODY, "name": "Soak replay"}).encode()
    return Request("POST", "/v1/integrations", headers, body)


def _interval(
    url: str, requests: list[Request], seconds: float, pin: Pinning, tool: str
) -> list[Figures]:
    with ThreadPoolExecutor(len(requests)) as pool:
        running = [
            pool.submit(
                drive, url, request, connections=2, seconds=seconds, pin=pin.client, tool=tool
            )
            for request in requests
        ]
        return [future.result() for future in running]


def _print_sample(sample: dict[str, Any], *, first: bool) -> None:
    if first:
        print("| seconds | rps (all four) | worst p50 ms | worst p99 ms | worker RSS MB |")
        print("|---|---|---|---|---|")
    print(
        f"| {sample['seconds']} | {sample['rps']:,.0f} | {sample['p50_ms']:.2f} "
        f"| {sample['p99_ms']:.2f} | {sample['resident_mb']:.1f} |",
        flush=True,
    )


def worker_pid(pid: int) -> int:
    """The process that serves: granian's worker (the supervisor's child), else `pid`."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        found = children.read_text().split() if children.exists() else []
        if found:
            return int(found[0])
        time.sleep(0.2)
    return pid


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
