"""One line per request on stderr: method, path, status, operation, milliseconds, violations.

`mockserver serve` writes it at `--log-level info` (the default) and is quiet from `warning` up;
`--log-format json` writes one JSON object a line instead, for machines. The line is written
straight to the stream, not through `logging`: a log record's machinery cost more per request
than several of the mock's own stages, and the benchmark runs the server as users do.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from enum import StrEnum
from typing import TextIO

import orjson


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class RequestLog:
    def __init__(self, log_format: LogFormat = LogFormat.TEXT, stream: TextIO | None = None):
        self.format = log_format
        self._stream = stream
        # Lines from concurrent requests must not interleave mid-line.
        self._lock = threading.Lock()

    def write(
        self,
        *,
        method: str,
        path: str,
        status: int,
        operation_id: str | None,
        duration_ms: float,
        violations: int,
    ) -> None:
        if self.format is LogFormat.JSON:
            line = orjson.dumps(
                {
                    "time": _now(),
                    "method": method,
                    "path": path,
                    "status": status,
                    "operationId": operation_id,
                    "ms": round(duration_ms, 3),
                    "violations": violations,
                }
            ).decode()
        else:
            flagged = f" {violations} violation(s)" if violations else ""
            line = (
                f"{_now()} {method} {path} {status or 'dropped'} "
                f"{operation_id or '-'} {duration_ms:.2f} ms{flagged}"
            )
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(line + "\n")
            stream.flush()


def _now() -> str:
    seconds = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (
        f".{int(seconds % 1 * 1000):03d}Z"
    )


class JsonLogFormatter(logging.Formatter):
    """Problems (contract violations, errors) as JSON lines too, beside the request lines."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _now(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()
