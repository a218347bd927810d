"""One line per request on stderr: method, path, status, operation, milliseconds, violations.

`mockserver serve` writes it at `--log-level info` (the default) and is quiet from `warning` up;
`--log-format json` writes one JSON object a line instead, for machines.

A request only queues its line; a thread of the serving process writes what is queued every
FLUSH_SECONDS, in one write. Written through `logging`, or each with a write and a flush of its
own, a line cost 9 µs, a sixth of a whole list answer (the benchmark runs the server as users
do, logging on).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from enum import StrEnum
from typing import TextIO

import orjson


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


FLUSH_SECONDS = 0.05
_STARTING = threading.Lock()


class RequestLog:
    def __init__(self, log_format: LogFormat = LogFormat.TEXT, stream: TextIO | None = None):
        self.format = log_format
        self._stream = stream
        # deque's append and popleft are atomic: requests queue without a lock.
        self._pending: deque[str] = deque()
        # The writer thread runs in the process that serves (granian forks its worker after
        # the app is built), started by the first line there.
        self._writer_pid: int | None = None
        self._second = -1
        self._second_text = ""

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
        now = self._now()
        if self.format is LogFormat.JSON:
            line = orjson.dumps(
                {
                    "time": now,
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
                f"{now} {method} {path} {status or 'dropped'} "
                f"{operation_id or '-'} {duration_ms:.2f} ms{flagged}"
            )
        self._pending.append(line)
        if self._writer_pid != os.getpid():
            self._start_writer()

    def flush(self) -> None:
        """Write every queued line, in order, in one write."""
        lines = []
        pending = self._pending
        while pending:
            lines.append(pending.popleft())
        if not lines:
            return
        text = "\n".join(lines) + "\n"
        stream = self._stream or sys.stderr
        stream.write(text)
        stream.flush()

    def _start_writer(self) -> None:
        with _STARTING:
            if self._writer_pid == os.getpid():
                return  # another request's line started it meanwhile
            self._writer_pid = os.getpid()
            threading.Thread(target=self._write_forever, name="request-log", daemon=True).start()

    def _write_forever(self) -> None:
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()

    def _now(self) -> str:
        """The time as `2026-12-01T10:00:00.123Z`; the part before the milliseconds is made
        once a second."""
        seconds = time.time()
        whole = int(seconds)
        if whole != self._second:
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
            self._second = whole
        return f"{self._second_text}.{int(seconds % 1 * 1000):03d}Z"


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
