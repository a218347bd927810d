"""Load generators: wrk where it is installed, otherwise a built-in keep-alive client.

Both keep a fixed number of connections busy for a fixed time, one request after another on
each (no pipelining), and report requests per second and latency percentiles.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    statuses: dict[str, int]  # status -> count (the built-in client only; wrk counts non-2xx)
    tool: str


def drive(
    url: str,
    request: Request,
    *,
    connections: int,
    seconds: float,
    pin: list[str],
    tool: str = "auto",
) -> Figures:
    if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
        return _wrk(url, request, connections, seconds, pin)
    return _builtin(url, request, connections, seconds, pin)


# ---- wrk --------------------------------------------------------------------------------

_LUA = """
wrk.method = {method}
wrk.path = {path}
wrk.body = {body}
{headers}
"""


def _wrk(url: str, request: Request, connections: int, seconds: float, pin: list[str]) -> Figures:
    lua = _LUA.format(
        method=json.dumps(request.method),
        path=json.dumps(request.path),
        body=json.dumps(request.body.decode()),
        headers="\n".join(
            f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in request.headers.items()
        ),
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        output = subprocess.run(
            [
                *pin,
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(script.name).unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    statuses = {"2xx/3xx": total - int(non_2xx.group(1)) if non_2xx else total}
    if non_2xx:
        statuses["other"] = int(non_2xx.group(1))
    if errors:
        statuses["socket errors"] = sum(int(n) for n in re.findall(r"\d+", errors.group(1)))
    return Figures(
        rps=rps,
        p50_ms=_wrk_latency(output, "50%"),
        p99_ms=_wrk_latency(output, "99%"),
        requests=total,
        statuses=statuses,
        tool="wrk",
    )


def _wrk_latency(output: str, percentile: str) -> float:
    match = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)\b", output)
    assert match, output
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


# ---- the built-in client ----------------------------------------------------------------


def _builtin(
    url: str, request: Request, connections: int, seconds: float, pin: list[str]
) -> Figures:
    """Runs in a child process (pinned like wrk would be) so that it never shares the
    server's core or this process's interpreter."""
    spec = json.dumps(
        {
            "url": url,
            "method": request.method,
            "path": request.path,
            "headers": request.headers,
            "body": request.body.decode(),
            "connections": connections,
            "seconds": seconds,
        }
    )
    import sys

    output = subprocess.run(
        [*pin, sys.executable, "-m", "bench.load", spec],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(output)
    return Figures(**data, tool="built-in")


def _run_builtin(spec: dict[str, object]) -> dict[str, object]:
    parts = urlsplit(str(spec["url"]))
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    body = str(spec["body"]).encode()
    head = [f"{spec['method']} {spec['path']} HTTP/1.1", f"Host: {host}:{port}"]
    head += [f"{k}: {v}" for k, v in dict(spec["headers"]).items()]  # type: ignore[call-overload]
    head.append(f"Content-Length: {len(body)}")
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + body
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    deadline = time.perf_counter() + float(spec["seconds"])  # type: ignore[arg-type]

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(raw)
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            status = status_line.split(b" ")[1].decode()
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    async def main() -> float:
        started = time.perf_counter()
        await asyncio.gather(*(connection() for _ in range(int(spec["connections"]))))  # type: ignore[call-overload]
        return time.perf_counter() - started

    elapsed = asyncio.run(main())
    latencies.sort()

    def percentile(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(0.50),
        "p99_ms": percentile(0.99),
        "requests": len(latencies),
        "statuses": statuses,
    }


if __name__ == "__main__":
    import sys

    print(json.dumps(_run_builtin(json.loads(sys.argv[1]))))
