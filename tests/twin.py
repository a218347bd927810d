"""The fast path held to the plain reference path: every request a test sends is answered by
both, and the answers must be the same (status, headers, body bytes).

Both servers start from the same seed and see the same requests in the same order; their
clocks read one instant per request (pinned here), so timestamps and the ids made from them
agree too.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from mockserver.state.clock import Clock

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_real_now = Clock.now


class DivergedError(AssertionError):
    """The fast path answered differently from the reference path."""


class PinnedTime:
    """One instant for both servers' clocks while a request pair runs (frozen clocks keep
    their own instant)."""

    def __init__(self) -> None:
        self.instant: datetime | None = None

    def now(self, clock: Clock) -> datetime:
        if clock._frozen_at is None and self.instant is not None:
            return self.instant
        return _real_now(clock)

    def reader(self) -> Callable[[Clock], datetime]:
        """What stands in for Clock.now while the twin runs."""

        def now(clock: Clock) -> datetime:
            return self.now(clock)

        return now

    @contextmanager
    def pinned(self) -> Iterator[None]:
        self.instant = datetime.now(UTC)
        try:
            yield
        finally:
            self.instant = None


def _run(app: WsgiApp, environ: dict[str, Any], body: bytes) -> tuple[str, list[Any], bytes]:
    environ = {**environ, "wsgi.input": io.BytesIO(body)}
    seen: dict[str, Any] = {}

    def start_response(status: str, headers: list[Any], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, headers
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        data = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return seen["status"], seen["headers"], data


# What differs between any two runs by nature, not by path: a measured duration (the journal's
# `durationMs`) and a random error id (Novu's `errorId` on a 5xx).
_UNREPEATABLE = frozenset({"durationMs", "errorId"})


def _comparable(headers: list[Any]) -> list[tuple[str, str]]:
    """Headers by name; Content-Length follows the body, which is compared on its own."""
    return sorted(
        (name.lower(), value) for name, value in headers if name.lower() != "content-length"
    )


def _without_unrepeatable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_unrepeatable(v) for k, v in value.items() if k not in _UNREPEATABLE}
    if isinstance(value, list):
        return [_without_unrepeatable(item) for item in value]
    return value


def _same_body(fast: bytes, reference: bytes) -> bool:
    if fast == reference:
        return True
    try:
        a, b = json.loads(fast), json.loads(reference)
    except ValueError:
        return False
    return bool(_without_unrepeatable(a) == _without_unrepeatable(b))


def _length_fits(headers: list[Any], body: bytes) -> bool:
    declared = [value for name, value in headers if name.lower() == "content-length"]
    return all(int(value) == len(body) for value in declared)


class Twin:
    """A WSGI app that answers with `fast` and checks `reference` answers the same."""

    def __init__(self, fast: WsgiApp, reference: WsgiApp, time: PinnedTime) -> None:
        self.fast = fast
        self.reference = reference
        self.time = time
        self.compared = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # In process (the test client), the body is a stream in memory: read it whole.
        length = environ.get("CONTENT_LENGTH")
        stream = environ["wsgi.input"]
        body = stream.read(int(length)) if length else stream.read()
        with self.time.pinned():
            fast_error = reference_error = None
            try:
                fast = _run(self.fast, environ, body)
            except Exception as error:  # a dropped connection (an injected fault) raises
                fast_error = error
            try:
                reference = _run(self.reference, environ, body)
            except Exception as error:
                reference_error = error
        where = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO')}"
        if fast_error is not None or reference_error is not None:
            if type(fast_error) is not type(reference_error):
                raise DivergedError(f"{where}: fast {fast_error!r}, reference {reference_error!r}")
            assert fast_error is not None
            raise fast_error
        # The status code; the reason phrase is each path's own spelling (`201 Created` from the
        # dispatcher, `201 CREATED` from Werkzeug), which HTTP clients do not read.
        if fast[0].split(" ", 1)[0] != reference[0].split(" ", 1)[0]:
            raise DivergedError(f"{where}: status {fast[0]} (fast) vs {reference[0]} (reference)")
        if _comparable(fast[1]) != _comparable(reference[1]):
            raise DivergedError(f"{where}: headers {fast[1]} (fast) vs {reference[1]} (reference)")
        # (A HEAD answer declares the length of the body it does not send.)
        fits = _length_fits(fast[1], fast[2]) and _length_fits(reference[1], reference[2])
        if environ["REQUEST_METHOD"] != "HEAD" and not fits:
            raise DivergedError(f"{where}: a Content-Length that is not the body's length")
        if not _same_body(fast[2], reference[2]):
            raise DivergedError(f"{where}: body {fast[2]!r} (fast) vs {reference[2]!r} (reference)")
        self.compared += 1
        start_response(fast[0], fast[1])
        return [fast[2]]
