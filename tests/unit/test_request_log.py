"""The request log: one line per request, queued and written in order, in text or JSON."""

from __future__ import annotations

import io
import json

import pytest

from mockserver.runtime import request_log
from mockserver.runtime.request_log import LogFormat, RequestLog


def write(log: RequestLog, status: int, violations: int = 0) -> None:
    log.write(
        method="GET",
        path="/v1/integrations",
        status=status,
        operation_id="IntegrationsController_listIntegrations",
        duration_ms=0.4567,
        violations=violations,
    )


def test_lines_are_written_in_order_on_flush() -> None:
    stream = io.StringIO()
    log = RequestLog(LogFormat.TEXT, stream)
    for status in (200, 404, 422):
        write(log, status, violations=1 if status == 422 else 0)
    log.flush()
    lines = stream.getvalue().splitlines()
    assert [line.split()[3] for line in lines] == ["200", "404", "422"]
    assert lines[0].endswith(
        " GET /v1/integrations 200 IntegrationsController_listIntegrations 0.46 ms"
    )
    assert lines[2].endswith("0.46 ms 1 violation(s)")


def test_json_lines() -> None:
    stream = io.StringIO()
    log = RequestLog(LogFormat.JSON, stream)
    write(log, 201)
    log.flush()
    entry = json.loads(stream.getvalue())
    assert entry["status"] == 201 and entry["ms"] == 0.457 and entry["violations"] == 0


@pytest.mark.parametrize("instant", [1_796_000_000.0, 1_796_000_000.999, 1_796_000_059.5005])
def test_the_kept_second_gives_the_plain_timestamp(monkeypatch, instant: float) -> None:
    log = RequestLog()
    monkeypatch.setattr("mockserver.runtime.request_log.time.time", lambda: instant - 1)
    log._now()  # the second before is kept first
    monkeypatch.setattr("mockserver.runtime.request_log.time.time", lambda: instant)
    assert log._now() == request_log._now()
