"""Novu's idempotency for POST and PATCH: the first answer to a key is kept and replayed.

Keys are scoped per organization (not per route), live 24 hours, and are held in a bounded
least-recently-used map so a long run cannot grow memory without limit. While the first request
with a key is still running, a second one gets 409 with `Retry-After: 1`; the same key with a
different body gets 422.

Each kept answer remembers who first received it (the operation, the caller's environment and
whether credentials were shown), so that a replay is never shown to a caller who could not have
received it (see the pipeline's replay stage).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mockserver.novu.errors import FieldProblem, NovuError, ValidationFailed
from mockserver.state.clock import Clock

HEADER = "idempotency-key"
METHODS = frozenset({"POST", "PATCH"})
MAX_KEY_LENGTH = 255
RESULT_TTL = timedelta(hours=24)
IN_FLIGHT_TTL = timedelta(minutes=5)
DOCS_LINK = "https://docs.novu.co/additional-resources/idempotency"


@dataclass(frozen=True)
class FirstAnswer:
    """An answer kept for its key, and whom it was made for."""

    status: int
    payload: Any
    operation_id: str
    environment_id: str
    # Whether the caller was shown credentials (a dashboard session) or not (an API key).
    revealed: bool


@dataclass
class _Entry:
    body_hash: str
    expires: datetime
    answer: FirstAnswer | None = None  # None while the first request is still running


class IdempotencyStore:
    def __init__(self, clock: Clock, *, max_entries: int = 10_000) -> None:
        self._clock = clock
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def begin(self, organization_id: str, key: str, body: Any) -> FirstAnswer | None:
        """Claim the key for this request, or answer with what the key already holds."""
        if len(key) > MAX_KEY_LENGTH:
            raise NovuError(
                400,
                f'idempotencyKey "{key}" has exceeded the maximum allowed length of '
                f"{MAX_KEY_LENGTH} characters",
            )
        fingerprint = body_hash(body)
        now = self._clock.now()
        with self._lock:
            entry = self._entries.get((organization_id, key))
            if entry is not None and entry.expires <= now:
                del self._entries[(organization_id, key)]
                entry = None
            if entry is None:
                self._entries[(organization_id, key)] = _Entry(fingerprint, now + IN_FLIGHT_TTL)
                self._evict()
                return None
            self._entries.move_to_end((organization_id, key))
            if entry.answer is None:
                raise NovuError(
                    409,
                    f'Request with key "{key}" is currently being processed. '
                    "Please retry after 1 second",
                    headers={"Retry-After": "1", "Link": DOCS_LINK, "Idempotency-Key": key},
                )
            if entry.body_hash != fingerprint:
                # Novu sends this 422 as a bare ErrorDto, but every 422 in its contract is a
                # ValidationErrorDto, which the SDKs cannot parse without `errors`; the mock
                # keeps Novu's message and adds the field the contract requires.
                message = f'Request with key "{key}" is being reused for a different body'
                raise ValidationFailed(
                    [FieldProblem(HEADER, message, key, True)],
                    message=message,
                    headers={"Link": DOCS_LINK, "Idempotency-Key": key},
                )
            return entry.answer

    def complete(self, organization_id: str, key: str, answer: FirstAnswer) -> None:
        with self._lock:
            entry = self._entries.get((organization_id, key))
            if entry is not None:
                entry.answer = answer
                entry.expires = self._clock.now() + RESULT_TTL

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _evict(self) -> None:
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)


def reused_elsewhere(key: str) -> ValidationFailed:
    """A key whose first answer belongs to another environment than the caller's."""
    message = (
        f'Request with key "{key}" was first answered for another environment; '
        "an answer is only replayed to callers who could have received it"
    )
    return ValidationFailed(
        [FieldProblem(HEADER, message, key, True)],
        message=message,
        headers={"Link": DOCS_LINK, "Idempotency-Key": key},
    )


def body_hash(body: Any) -> str:
    """A fingerprint of the parsed body. ASCII escapes keep any string hashable: JSON (and
    JavaScript) admit escaped lone surrogates, which have no UTF-8 form."""
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=True)
    return hashlib.blake2s(text.encode("ascii")).hexdigest()
