"""The request journal: every exchange the mock answered, newest first, bounded in memory.

Each entry keeps the request, the response, the operation it matched (or the nearest ones when
it matched none), the time it took and any contract violations. Secrets are masked before an
entry is first read: the Authorization header, and credential keys Novu treats as secret
wherever they appear in a body.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from mockserver.clock import iso_timestamp
from mockserver.errors import CREDENTIALS_FIELD
from mockserver.errors import SECRET_MASK as MASK
from mockserver.incoming import headers_of


@dataclass
class Violation:
    side: str  # "request" or "response"
    message: str


class JournalEntry:
    """One exchange. Recorded raw, as cheaply as possible (the journal runs on every request
    and most entries are never read): the time is kept as a datetime and the request headers
    as the WSGI environ's; both become text when first read."""

    __slots__ = (
        "_environ",
        "_moment",
        "_request_headers",
        "_time",
        "duration_ms",
        "environment_id",
        "fault",
        "id",
        "masked",
        "method",
        "nearest",
        "operation_id",
        "path",
        "query",
        "request_body",
        "response_body",
        "response_headers",
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
        request_body: Any,
        status: int,
        response_headers: dict[str, str],
        response_body: Any,
        duration_ms: float,
        operation_id: str | None = None,
        environment_id: str | None = None,
        violations: list[Violation] | None = None,
        fault: str | None = None,
        nearest: list[str] | None = None,
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
        self.request_body = request_body
        self.status = status
        self.response_headers = response_headers
        self.response_body = response_body
        self.duration_ms = duration_ms
        self.operation_id = operation_id
        self.environment_id = environment_id
        self.violations = violations or []
        self.fault = fault
        self.nearest = nearest or []
        self.masked = False

    @property
    def time(self) -> str:
        if self._moment is not None:
            self._time, self._moment = iso_timestamp(self._moment), None
        return self._time

    @property
    def request_headers(self) -> dict[str, str]:
        if self._environ is not None:
            self._request_headers, self._environ = headers_of(self._environ), None
        return self._request_headers

    @request_headers.setter
    def request_headers(self, headers: dict[str, str]) -> None:
        self._request_headers, self._environ = headers, None

    @property
    def matched(self) -> bool:
        return self.operation_id is not None

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
                "query": copy.deepcopy(self.query),
                "headers": dict(self.request_headers),
                "body": copy.deepcopy(self.request_body),
            },
            "response": {
                "status": self.status,
                "headers": dict(self.response_headers),
                "body": copy.deepcopy(self.response_body),
            },
            "durationMs": round(self.duration_ms, 3),
            "violations": [asdict(violation) for violation in self.violations],
            "fault": self.fault,
            "nearest": list(self.nearest),
        }


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
    def __init__(self, capacity: int, secret_keys: frozenset[str]) -> None:
        self.capacity = capacity
        self._secret_keys = secret_keys
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def next_id(self) -> int:
        return next(self._ids)

    def record(self, entry: JournalEntry) -> None:
        if self.capacity <= 0:
            return
        # Secrets are masked when an entry is first read, not here: most entries are never read,
        # and masking a long list answer cost more than answering it. The bodies and headers
        # are the exchange's own, never changed after it, and nothing reads an entry except
        # through entries().
        with self._lock:
            self._entries.append(entry)

    def entries(self, where: JournalFilter | None = None) -> list[JournalEntry]:
        """Newest first, every secret masked."""
        with self._lock:
            snapshot = list(self._entries)
        where = where or JournalFilter()
        chosen = [entry for entry in reversed(snapshot) if where.accepts(entry)]
        for entry in chosen:
            if not entry.masked:
                self._mask(entry)
        return chosen

    def _mask(self, entry: JournalEntry) -> None:
        entry.request_headers = mask_headers(entry.request_headers)
        entry.response_headers = mask_headers(entry.response_headers)
        entry.request_body = mask_secrets(entry.request_body, self._secret_keys)
        entry.response_body = mask_secrets(entry.response_body, self._secret_keys)
        entry.masked = True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    masked = {}
    for name, value in headers.items():
        if name.lower() in ("authorization", "cookie", "x-mockserver-admin-token"):
            scheme, _, secret = value.partition(" ")
            value = f"{scheme} {MASK}{secret[-4:]}" if secret else MASK
        masked[name] = value
    return masked


def mask_secrets(value: Any, secret_keys: frozenset[str]) -> Any:
    """A copy of a JSON value with every secret credential key's value masked."""
    if isinstance(value, dict):
        return {key: _masked_item(key, item, secret_keys) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_secrets(item, secret_keys) for item in value]
    return value


def _masked_item(key: str, item: Any, secret_keys: frozenset[str]) -> Any:
    if key in secret_keys and item not in (None, ""):
        return MASK
    if key == CREDENTIALS_FIELD and item is not None and not isinstance(item, dict):
        return MASK  # credentials that are not an object: a secret pasted in the wrong place
    return mask_secrets(item, secret_keys)


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
