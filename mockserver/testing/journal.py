"""The request journal: every exchange the mock answered, newest first, bounded in memory.

Each entry keeps the request, the response, the operation it matched (or the nearest ones when
it matched none), the time it took and any contract violations. Bodies are kept once, as the
bytes that crossed the wire, and the journal is bounded both in entries and in bytes (a body
over MAX_KEPT_BODY is replaced by a marker), so a run of huge answers cannot grow memory without
limit. Secrets are masked whenever an entry is read (mockserver.novu.secrets): the Authorization
header, and every secret key wherever it appears in a body.
"""

from __future__ import annotations

import difflib
import itertools
import json
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import orjson

from mockserver.http.incoming import headers_of
from mockserver.novu.secrets import mask_body, mask_headers, mask_query, secret_body_keys
from mockserver.state.clock import iso_timestamp


@dataclass
class Violation:
    side: str  # "request" or "response"
    message: str


# A body over this size is not kept: the entry shows a marker saying how large it was.
MAX_KEPT_BODY = 1024 * 1024
# The journal's default bound in bytes (`--journal-bytes`); entries go oldest first past it.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# What an entry costs besides its bodies: the object, the copy of the environ, the headers.
ENTRY_OVERHEAD = 2048
# orjson hands back its whole working buffer (4-8 KB) with only the length set; a small body
# kept as it came would cost the buffer, so it is copied to its own size first.
_COPY_BELOW = 64 * 1024


def truncation_marker(size: int) -> str:
    return f"<not kept: {size} bytes, over the journal's {MAX_KEPT_BODY}-byte limit per body>"


# The response header that marks an answer of the inferred engine (resources/inferred).
INFERRED_HEADER = "X-Mockserver-Inferred"


class JournalEntry:
    """One exchange. Recorded raw, as cheaply as possible (the journal runs on every request
    and most entries are never read): the bodies as their bytes, the time as a datetime and
    the request headers as the WSGI environ's; each becomes JSON or text when read, and is
    masked every time it is read."""

    __slots__ = (
        "_environ",
        "_moment",
        "_request_headers",
        "_time",
        "cassette",
        "cost",
        "duration_ms",
        "environment_id",
        "fault",
        "id",
        "method",
        "nearest",
        "operation_id",
        "path",
        "query",
        "replay_of",
        "request_bytes",
        "request_size",
        "response_bytes",
        "response_headers",
        "response_shared",
        "response_size",
        "secret_keys",
        "status",
        "violations",
    )

    def __init__(
        self,
        *,
        id: int,
        moment: datetime,
        method: str,
        path: str,
        query: dict[str, str],
        environ: dict[str, Any],
        request_bytes: bytes | None,
        status: int,
        response_headers: dict[str, str],
        response_bytes: bytes | None,
        duration_ms: float,
        operation_id: str | None = None,
        environment_id: str | None = None,
        violations: list[Violation] | None = None,
        fault: str | None = None,
        nearest: list[str] | None = None,
        replay_of: str | None = None,
        cassette: str | None = None,
        response_shared: Any = None,
    ) -> None:
        self.id = id
        self._moment: datetime | None = moment
        self._time = ""
        self.method = method
        self.path = path
        self.query = query
        # A copy of the environ's header entries (it may hold other keys; they are skipped).
        self._environ: dict[str, Any] | None = environ
        self._request_headers: dict[str, str] = {}
        self.request_size = 0 if request_bytes is None else len(request_bytes)
        self.response_size = 0 if response_bytes is None else len(response_bytes)
        self.request_bytes = _kept(request_bytes)
        # An answer `{"data": X}` whose X is a shared, never-changed wire form (a cached list,
        # an integration's single-answer form) is kept as X: the bytes written for each answer
        # are a fresh copy, and keeping them would allocate (and page in) a list of 1,000
        # integrations on every request, where X already exists. Keeping X also keeps alive
        # what an integration holds weakly, its single answer and that answer's verdict.
        self.response_shared = response_shared
        self.response_bytes = None if response_shared is not None else _kept(response_bytes)
        # Roughly the bytes this entry holds, worked out once (the journal adds it up on every
        # record and eviction). A shared answer counts at its written size: it may outlive the
        # cache that made it, and the bound must hold either way.
        kept_answer = (
            self.response_size if response_shared is not None else len(self.response_bytes or b"")
        )
        self.cost = (
            ENTRY_OVERHEAD
            + len(self.request_bytes or b"")
            + kept_answer
            + len(path)
            + len(query) * 64
        )
        self.status = status
        self.response_headers = response_headers
        self.duration_ms = duration_ms
        self.operation_id = operation_id
        self.environment_id = environment_id
        self.violations = violations or []
        self.fault = fault
        self.nearest = nearest or []
        # An idempotent replay: the operation whose first answer this is.
        self.replay_of = replay_of
        # Answered by a cassette player: "replayed", "recorded", or "unmatched" (no recording).
        self.cassette = cassette
        self.secret_keys: frozenset[str] | None = None  # the journal's, set when recorded

    @property
    def time(self) -> str:
        if self._moment is not None:
            self._time, self._moment = iso_timestamp(self._moment), None
        return self._time

    @property
    def request_headers(self) -> dict[str, str]:
        """The request's headers, secrets masked."""
        if self._environ is not None:
            headers = headers_of(self._environ)
            self._request_headers = mask_headers(headers.items(), keep_tail=4)
            self._environ = None
        return self._request_headers

    @property
    def masked_response_headers(self) -> dict[str, str]:
        return mask_headers(self.response_headers.items(), keep_tail=4)

    @property
    def request_body(self) -> Any:
        """The request body as JSON (or text, when it was not JSON), secrets masked."""
        return self._body(self.request_bytes, self.request_size)

    @property
    def response_body(self) -> Any:
        """The answer's body as JSON, secrets masked."""
        if self.response_shared is not None:
            return mask_body({"data": self.response_shared}, self.secret_keys)
        return self._body(self.response_bytes, self.response_size)

    def _body(self, raw: bytes | None, size: int) -> Any:
        if raw is None:
            return truncation_marker(size) if size else None
        return mask_body(parse_kept(raw), self.secret_keys)

    @property
    def matched(self) -> bool:
        return self.operation_id is not None

    @property
    def inferred(self) -> bool:
        return self.response_headers.get(INFERRED_HEADER) == "true"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "operationId": self.operation_id,
            "environmentId": self.environment_id,
            "matched": self.matched,
            "request": {
                "method": self.method,
                "path": self.path,
                "query": mask_query(self.query),
                "headers": dict(self.request_headers),
                "body": self.request_body,
            },
            "response": {
                "status": self.status,
                "headers": self.masked_response_headers,
                "body": self.response_body,
            },
            "durationMs": round(self.duration_ms, 3),
            "violations": [asdict(violation) for violation in self.violations],
            "fault": self.fault,
            "replayOf": self.replay_of,
            # Answered by the inferred engine rather than a hand-made model.
            "inferred": self.inferred,
            "cassette": self.cassette,
            "nearest": list(self.nearest),
        }


def _kept(raw: bytes | None) -> bytes | None:
    """What the journal keeps of a body: nothing past MAX_KEPT_BODY (the entry shows a marker
    instead), and a small one in a block of its own size."""
    if not raw or len(raw) > MAX_KEPT_BODY:
        return None
    return raw if len(raw) >= _COPY_BELOW else memoryview(raw).tobytes()


def parse_kept(raw: bytes) -> Any:
    """Kept bytes as JSON; a body that was not JSON (a client's mistake) as its text."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            return json.loads(raw)  # escaped lone surrogates, which orjson refuses
        except (ValueError, RecursionError):
            return raw.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class JournalFilter:
    method: str | None = None
    path: str | None = None
    operation_id: str | None = None
    status: int | None = None
    environment_id: str | None = None
    since: str | None = None  # ISO timestamp; entries at or after it
    matched: bool | None = None
    with_violations: bool | None = None

    def accepts(self, entry: JournalEntry) -> bool:
        return (
            (self.method is None or entry.method == self.method.upper())
            and (self.path is None or entry.path == self.path)
            and (self.operation_id is None or entry.operation_id == self.operation_id)
            and (self.status is None or entry.status == self.status)
            and (self.environment_id is None or entry.environment_id == self.environment_id)
            and (self.since is None or entry.time >= self.since)
            and (self.matched is None or entry.matched == self.matched)
            and (self.with_violations is None or bool(entry.violations) == self.with_violations)
        )


class Journal:
    """Newest entries up to `capacity` of them and `max_bytes` of memory, oldest dropped first."""

    def __init__(
        self,
        capacity: int,
        secret_keys: frozenset[str] | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.capacity = capacity
        self.max_bytes = max_bytes
        self._secret_keys = secret_body_keys() if secret_keys is None else secret_keys
        self._entries: deque[JournalEntry] = deque()
        self._bytes = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def next_id(self) -> int:
        return next(self._ids)

    def record(self, entry: JournalEntry) -> None:
        if self.capacity <= 0:
            return
        entry.secret_keys = self._secret_keys
        cost = entry.cost
        with self._lock:
            self._entries.append(entry)
            self._bytes += cost
            while self._entries and (
                len(self._entries) > self.capacity or self._bytes > self.max_bytes
            ):
                self._bytes -= self._entries.popleft().cost

    def entries(self, where: JournalFilter | None = None) -> list[JournalEntry]:
        """Newest first; every body and header an entry shows is masked when read."""
        with self._lock:
            snapshot = list(self._entries)
        where = where or JournalFilter()
        return [entry for entry in reversed(snapshot) if where.accepts(entry)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def nearest_operations(
    method: str, path: str, operations: Iterable[tuple[str, str, str]], limit: int = 3
) -> list[str]:
    """The operations whose method and path template look most like an unmatched request.

    `operations` yields (operationId, method, path template). A template's `{param}` segments
    match any segment, so `/v1/integrations/abc/primary` is close to `.../{integrationId}/...`.
    """
    wanted = path.strip("/").split("/")
    scored = []
    for operation_id, op_method, template in operations:
        parts = template.strip("/").split("/")
        aligned = [
            part if not (part.startswith("{") and index < len(wanted)) else wanted[index]
            for index, part in enumerate(parts)
        ]
        score = difflib.SequenceMatcher(None, "/".join(wanted), "/".join(aligned)).ratio()
        if op_method == method.upper():
            score += 0.25
        scored.append((score, f"{operation_id} ({op_method} {template})"))
    scored.sort(key=lambda pair: -pair[0])
    return [label for _, label in scored[:limit]]
