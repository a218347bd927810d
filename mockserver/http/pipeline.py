"""What happens to every API request, in Novu's order.

0. An injected fault for the operation fires first: latency, a dropped connection or an error.
1. The body is read and parsed (413, 400), as Express's body parsers do before any guard.
2. The caller is authenticated (401), and dashboard-only routes refuse API keys.
3. API keys spend a rate-limit token (429), when rate limiting is on.
4. `Prefer: code=NNN` forces one of the operation's declared error answers.
5. A POST or PATCH with an idempotency key replays the key's first answer, or claims the key.
6. The request is checked against its operation in the spec (422).
7. The operation's handler runs Novu's rules; their errors become ErrorDto answers.
8. Success payloads are wrapped as `{"data": ...}` (paginated answers go out as they are).
9. The response is checked against the spec and the JSON Structure document; what happens to a
   violation depends on the validation mode.
10. The exchange goes into the request journal.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from flask import current_app

from mockserver.contract.checks import response_violations
from mockserver.contract.compiled.shared_documents import shared_payload
from mockserver.contract.documents import MAX_NESTING, nested_deeper_than
from mockserver.contract.operations import Operation
from mockserver.http.encoding import JSON_CONTENT_TYPE, encode_json
from mockserver.http.form_bodies import parse_urlencoded
from mockserver.http.incoming import Incoming
from mockserver.novu import idempotency
from mockserver.novu.auth import ENVIRONMENT_HEADER, Caller, authenticate
from mockserver.novu.envelope import enveloped
from mockserver.novu.errors import (
    INTERNAL_ERROR_MESSAGE,
    BadRequest,
    NovuError,
    Unauthorized,
    ValidationFailed,
    error_body,
    validation_error_body,
)
from mockserver.novu.ratelimit import too_many_requests
from mockserver.novu.secrets import environments_in, hidden_from_api_key, scrub_message
from mockserver.novu.wording import check_request
from mockserver.resources.base import Exchange
from mockserver.server import MockServer
from mockserver.settings import ValidationMode
from mockserver.state.clock import iso_timestamp
from mockserver.testing.faults import DroppedConnection, Fault, fault_payload
from mockserver.testing.journal import INFERRED_HEADER, JournalEntry, Violation

log = logging.getLogger("mockserver")
VIOLATION_HEADER = "X-Mockserver-Contract-Violation"
FAULT_HEADER = "X-Mockserver-Fault"
_PREFER_CODE = re.compile(r"(?:^|[,;\s])code=(\d{3})(?:$|[,;\s])")


def current_server() -> MockServer:
    server: MockServer = current_app.extensions["mockserver"]
    return server


@dataclass
class Answer:
    """What goes back to the client; the WSGI layer (dispatch.py, or Flask) writes it out."""

    status: int
    body: bytes | Iterable[bytes]
    headers: dict[str, str] = field(default_factory=dict)


def handle(
    server: MockServer, operation: Operation, incoming: Incoming, path_params: dict[str, str]
) -> Answer:
    """One request to one operation of the spec, through every stage; `path_params` are keyed
    by the names the spec's path template uses."""
    if not operation.compiled or operation.operation_id not in server.handlers:
        return _not_implemented(server, operation, incoming)
    exchange = _Exchange(server, operation, incoming)
    fault = server.faults.pick(operation.operation_id)
    if fault is not None:
        dropped = exchange.apply_fault(fault)
        if dropped is not None:
            return dropped
    if exchange.status == 0:
        where = incoming.path_with_query
        try:
            exchange.run(path_params)
        except ValidationFailed as failure:
            exchange.headers.update(failure.headers)
            exchange.fail(
                422, validation_error_body(failure, path=where, timestamp=now_iso(server))
            )
        except NovuError as error:
            exchange.headers.update(error.headers)
            exchange.fail(error.status, error_body(error, path=where, timestamp=now_iso(server)))
        except Exception:
            log.exception("unhandled error in %s %s", operation.operation_id, where)
            crash = NovuError(500, INTERNAL_ERROR_MESSAGE)
            exchange.fail(500, error_body(crash, path=where, timestamp=now_iso(server)))
    return exchange.respond()


class _Exchange:
    """One request on its way through the stages; collects the status, payload and headers."""

    def __init__(self, server: MockServer, operation: Operation, incoming: Incoming) -> None:
        self.server = server
        self.operation = operation
        self.incoming = incoming
        self.started = time.perf_counter()
        self.status = 0  # 0 until something decides the answer
        self.payload: Any = None
        self.headers: dict[str, str] = {}
        self.body: Any = None
        self.environment_id: str | None = None
        self.violations: list[Violation] = []
        self.fault: Fault | None = None
        self._claimed: tuple[str, str, Caller] | None = None
        # The kept first answer this request replays, if it is an idempotent replay.
        self.replayed: idempotency.FirstAnswer | None = None

    # ---- the stages --------------------------------------------------------------------

    def run(self, path_params: dict[str, str]) -> None:
        server, operation, incoming = self.server, self.operation, self.incoming
        self.body = body = read_json_body(incoming, server.body_limit(incoming.path))
        caller = authenticate(
            server.store,
            incoming.header("Authorization"),
            incoming.header(ENVIRONMENT_HEADER),
            provision=server.environment_for_new_key if server.settings.any_key else None,
        )
        self.environment_id = caller.environment.id
        _check_scheme(server, operation, caller)
        self._throttle(caller)
        if self._preferred_error():
            return
        if body is None and operation.body_validator is not None:
            body = {}  # Express hands an absent JSON body to the controller as {}
        if self._replayed(caller, body):
            return
        if server.settings.validation is not ValidationMode.OFF:
            try:
                check_request(
                    operation,
                    path_params=path_params,
                    # Parsed or wrapped only when a parameter there has something to check.
                    query=incoming.args if operation.reads_query else {},
                    headers=incoming.headers if operation.reads_headers else {},
                    body=body,
                    secret_keys=server.secret_keys,
                    plain=server.settings.reference,
                )
            except ValidationFailed as failure:
                self.violations.extend(
                    Violation("request", f"{p.field}: {p.message}") for p in failure.problems
                )
                raise
        # Operations without a handler answered 501 before this.
        handler = server.handlers[operation.operation_id]
        if operation.operation_id in server.inferred_operations:
            self.headers[INFERRED_HEADER] = "true"
        # The handler writes the state and reads it back into the answer; holding the lock for
        # both means no concurrent write can tear an answer half-way through.
        with server.store.lock:
            query = incoming.args if operation.takes_query else {}
            reply = handler(Exchange(caller=caller, path=path_params, body=body, query=query))
        # 204 is Novu's answer with no body at all (a controller returning nothing under
        # @HttpCode(204)): no envelope, no Content-Type.
        self.status = reply.status
        self.payload = None if reply.status == 204 else enveloped(reply.payload)
        self._remember()

    def fail(self, status: int, payload: Any) -> None:
        self.status, self.payload = status, payload
        self._remember()

    def apply_fault(self, fault: Fault) -> Answer | None:
        """Latency first; then a dropped connection or an error answer, if the fault has one."""
        self.fault = fault
        if fault.latency_ms is not None:
            time.sleep(self.server.faults.latency_of(fault))
        self.headers[FAULT_HEADER] = fault.id
        if fault.drop:
            self.status = 0
            self._journal(0, None, {})
            return _dropped_response()
        if fault.status is not None:
            self.status = fault.status
            self.payload = fault_payload(
                fault, path=self.incoming.path_with_query, timestamp=now_iso(self.server)
            )
            if fault.status in (429, 503):
                self.headers["Retry-After"] = "1"
        return None

    def respond(self) -> Answer:
        headers = {"Content-Type": JSON_CONTENT_TYPE, **self.headers}
        status, payload = self.status, self.payload
        # A fault's answer was checked against the contract when the fault was defined.
        checking = self.server.settings.validation is not ValidationMode.OFF and not (
            self.fault is not None and self.fault.status is not None
        )
        if checking:
            status, payload = self._check_response(status, payload, headers)
        if status == 204:
            del headers["Content-Type"]
        encoded = b"" if status == 204 else encode_json(payload)
        self._journal(status, encoded, headers, shared_payload(payload))
        return Answer(status, encoded, headers)

    # ---- helpers -----------------------------------------------------------------------

    def _check_response(
        self, status: int, payload: Any, headers: dict[str, str]
    ) -> tuple[int, Any]:
        operation, judged_status = self.operation, status
        if self.replayed is not None:
            # A replay goes out under the route's status but was made, and is judged, as the
            # first operation's answer at its own status.
            operation = self.server.operations.get(self.replayed.operation_id, operation)
            judged_status = self.replayed.status
        found = response_violations(
            operation,
            status=judged_status,
            headers=headers,
            body=payload,
            structures=self.server.contract.structures,
            redact=scrub_message,
            plain=self.server.settings.reference,
        )
        if not found:
            return status, payload
        self.violations.extend(Violation("response", message) for message in found)
        summary = "; ".join(found)
        log.error(
            "contract violation: the mock's %d answer to %s (%s %s) breaks the contract: %s",
            status,
            operation.operation_id,
            operation.method,
            operation.path,
            summary,
        )
        declared = operation.response_for(judged_status)
        document_at_fault = (
            (declared is not None and not declared.error_shaped)
            # Novu answers a bad path parameter 422 (and a missing one 404) whether or not
            # the document lists the status: an undeclared error status is the document's gap.
            or (declared is None and status >= 400)
            # An answer the bundled document describes (it says how Novu's server answers
            # the operations the mock models), at a status the loaded document declares but
            # whose body it asks more of (Novu's document wants an email step's stored
            # subject non-empty, the request DTO's rule): the document is at fault.
            or (
                (status >= 400 or declared is not None)
                and self._fits_the_wire(operation, status, payload, headers)
            )
        )
        if self.server.settings.validation is ValidationMode.WARN or document_at_fault:
            # In strict mode too, Novu's error body goes out where the document describes the
            # status with no error body at all: the document, not the answer, is wrong there.
            headers[VIOLATION_HEADER] = _header_safe(f"{len(found)}: {summary}")
            return status, payload
        message = (
            f"Contract violation: the mock's {status} answer to {operation.operation_id} "
            f"breaks the contract: {summary}"
        )
        crash = NovuError(500, message)
        where = self.incoming.path_with_query
        return 500, error_body(crash, path=where, timestamp=now_iso(self.server))

    def _fits_the_wire(
        self, operation: Operation, status: int, payload: Any, headers: dict[str, str]
    ) -> bool:
        """Whether an answer fits the bundled document's description of Novu's wire
        (MockServer.wire_operation): then the loaded document, not the mock, is wrong."""
        wire = self.server.wire_operation(operation.operation_id)
        return wire is not None and not response_violations(
            wire,
            status=status,
            headers=headers,
            body=payload,
            structures=self.server.contract.structures,
        )

    def _journal(
        self, status: int, encoded: bytes | None, headers: dict[str, str], shared: Any = None
    ) -> None:
        record_exchange(
            self.server,
            self.incoming,
            status=status,
            response_headers=headers,
            response_body=encoded,
            response_shared=shared,
            duration_ms=(time.perf_counter() - self.started) * 1000,
            operation_id=self.operation.operation_id,
            environment_id=self.environment_id,
            violations=list(self.violations),
            fault=self.fault.id if self.fault else None,
            replay_of=self.replayed.operation_id if self.replayed else None,
        )

    def _throttle(self, caller: Caller) -> None:
        """Novu's throttler guard: API-key callers only, after authentication."""
        limiter = self.server.rate_limiter
        if limiter is None or not caller.is_api_key:
            return
        decision = limiter.take(caller.environment.id)
        self.headers.update(decision.headers)
        if not decision.allowed:
            raise too_many_requests(decision.headers)

    def _preferred_error(self) -> bool:
        """`Prefer: code=NNN`, as Prism users know it: answer with that declared error."""
        match = _PREFER_CODE.search(f" {self.incoming.header('Prefer') or ''} ")
        if match is None:
            return False
        code = int(match.group(1))
        if code < 400:
            return False  # success statuses are what the operation answers anyway
        declared = self.operation.responses
        if str(code) not in declared:
            raise BadRequest(
                f"Prefer: code={code} is not a status declared for "
                f"{self.operation.operation_id} (declared: {', '.join(sorted(declared))})"
            )
        self.fault = Fault(
            id="prefer",
            operation_id=self.operation.operation_id,
            status=code,
            message=f"Forced by Prefer: code={code}",
        )
        self.status = code
        self.payload = fault_payload(
            self.fault, path=self.incoming.path_with_query, timestamp=now_iso(self.server)
        )
        return True

    def _replayed(self, caller: Caller, body: Any) -> bool:
        """Novu's idempotency interceptor: replay a POST/PATCH key's first answer, or claim it.

        Novu keys the cache by organization and key alone (`idempotency.interceptor.ts`), so a
        key reused on another route or by another caller of the organization replays the
        first answer. The mock keeps that scope, but shows the answer only as this caller
        could have received it: credentials hidden from an API key as a fresh answer hides
        them, and an answer about another environment's objects refused (422)."""
        key = self.incoming.header(idempotency.HEADER)
        # Novu's interceptor skips a falsy key: an empty header is no key at all.
        if not key or self.incoming.method not in idempotency.METHODS:
            return False
        # Express hands the controller {} for no body, and Novu hashes what it got.
        hashed = {} if body is None else body
        first = self.server.idempotency.begin(caller.organization.id, key, hashed)
        self.headers["Idempotency-Key"] = key
        if first is None:
            self._claimed = (caller.organization.id, key, caller)
            return False
        payload = first.payload
        if caller.is_api_key:
            if environments_in(payload) - {caller.environment.id}:
                raise idempotency.reused_elsewhere(key)
            if first.revealed:
                payload = hidden_from_api_key(payload)
        self.headers["Idempotency-Replay"] = "true"
        self.replayed = first
        # Novu restores a kept error as it was; a kept success goes out re-wrapped under the
        # status of the route now called (201 for a POST).
        status = first.status
        if 200 <= status < 300:
            status = self.operation.success_status or status
        self.status, self.payload = status, payload
        return True

    def _remember(self) -> None:
        if self._claimed is not None:
            organization_id, key, caller = self._claimed
            answer = idempotency.FirstAnswer(
                status=self.status,
                payload=self.payload,
                operation_id=self.operation.operation_id,
                environment_id=caller.environment.id,
                revealed=not caller.is_api_key,
            )
            self.server.idempotency.complete(organization_id, key, answer)
            self._claimed = None


def record_exchange(
    server: MockServer,
    incoming: Incoming,
    *,
    status: int,
    response_headers: dict[str, str],
    response_body: bytes | None,
    duration_ms: float = 0.0,
    **details: Any,
) -> None:
    """Put the current request (its body as read, if it was) and its answer's bytes in the
    journal, and its line in the request log."""
    if server.request_log is not None:
        server.request_log.write(
            method=incoming.method,
            path=incoming.path,
            status=status,
            operation_id=details.get("operation_id"),
            duration_ms=duration_ms,
            violations=len(details.get("violations") or ()),
        )
    journal = server.journal
    if journal.capacity <= 0:
        return
    journal.record(
        JournalEntry(
            id=journal.next_id(),
            moment=server.now(),
            method=incoming.method,
            path=incoming.path,
            query=dict(incoming.args) if incoming.query_string else {},
            environ=incoming.environ_snapshot(),
            request_bytes=incoming.body_read,
            status=status,
            response_headers=dict(response_headers),
            response_bytes=response_body,
            duration_ms=duration_ms,
            **details,
        )
    )


def _dropped_response() -> Answer:
    """Headers promise a body that never comes: the server closes the connection mid-answer.

    A first, partial chunk makes the WSGI server commit the headers; the exception after it then
    leaves the server nothing to do but hang up (before any byte it could still turn into a 500).
    """

    def body() -> Iterator[bytes]:
        yield b'{"data":'
        raise DroppedConnection("connection dropped by an injected fault")

    return Answer(200, body(), {"Content-Type": JSON_CONTENT_TYPE, "Content-Length": "1024"})


def _not_implemented(server: MockServer, operation: Operation, incoming: Incoming) -> Answer:
    """An operation of the document the mock has no rules for (Novu's whole-API document has
    many): a 501 that names it, outside the contract checks since the mock cannot honour it."""
    error = NovuError(
        501,
        f"mockserver does not implement {operation.operation_id} "
        f"({operation.method} {operation.path})",
    )
    body = error_body(error, path=incoming.path_with_query, timestamp=now_iso(server))
    headers = {"Content-Type": JSON_CONTENT_TYPE}
    encoded = encode_json(body)
    record_exchange(
        server,
        incoming,
        status=501,
        response_headers=headers,
        response_body=encoded,
        operation_id=operation.operation_id,
    )
    return Answer(501, encoded, headers)


def _check_scheme(server: MockServer, operation: Operation, caller: Caller) -> None:
    """Routes Novu keeps for its dashboard are not reachable with an API key."""
    if not caller.is_api_key or not operation.security_schemes:
        return
    schemes = server.security_schemes
    if not any(schemes[name].kind == "apiKey" for name in operation.security_schemes):
        raise Unauthorized("API endpoint not available")


def read_json_body(incoming: Incoming, limit: int) -> Any:
    """The parsed body, or None when there is none; raises Novu's 413 or 400.

    As Novu's Express app reads it (apps/api/src/bootstrap.ts): JSON, and urlencoded forms
    (form_bodies.py); any other type has no parser, and Express hands the controller `{}`
    (None here, which the caller turns into {}), so the DTO's checks answer 422. Novu has no
    415."""
    length = incoming.content_length
    if length is not None and length > limit:
        raise NovuError(413, "request entity too large")
    raw = incoming.read_body(limit)
    if len(raw) > limit:
        raise NovuError(413, "request entity too large")
    if not raw.strip():
        return None
    mimetype = incoming.mimetype
    if mimetype == "application/x-www-form-urlencoded":
        return parse_urlencoded(raw)
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        return None
    _refuse_non_container(raw)
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as refused:
        parsed = _parse_explained(raw, refused.pos)
    # Each level opens a bracket: a body with few of them cannot be nested too deeply.
    deep_enough = raw.count(b"{") + raw.count(b"[") > MAX_NESTING
    if deep_enough and nested_deeper_than(parsed, MAX_NESTING):
        raise BadRequest(_TOO_DEEP)
    return parsed


def _parse_explained(raw: bytes, refused_at: int) -> Any:
    """The slow parser, for a body the fast one refused: it words the error the way Express's
    body parser does, and still takes what only the fast one refuses (nesting past its limit,
    which gets its own 400 below; escaped lone surrogates, which JavaScript accepts)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"Request body is not valid UTF-8 (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except _NotJson as exc:
        # NaN and Infinity are Python's extensions, not JSON; JSON.parse refuses them.
        at = min(len(raw[:refused_at].decode("utf-8", errors="replace")), len(text) - 1)
        raise BadRequest(f"Unexpected token {text[at]!r} in JSON at position {at}") from exc
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text):
            raise BadRequest("Unexpected end of JSON input") from exc
        raise BadRequest(
            f"Unexpected token {text[exc.pos]!r} in JSON at position {exc.pos}"
        ) from exc
    except RecursionError as exc:
        raise BadRequest(_TOO_DEEP) from exc


def _refuse_non_container(raw: bytes) -> None:
    """body-parser's strict mode (Express's default, and Novu's): a JSON body must be an object
    or an array; `null`, a number or a string is refused as JSON.parse would word it."""
    if raw[:1] in (b"{", b"["):
        return  # the usual body: no copy made to find out
    text = raw.lstrip(b" \t\r\n")
    if text[:1] in (b"{", b"["):
        return
    position = len(raw) - len(text)
    first = text[:1].decode("utf-8", errors="replace")
    raise BadRequest(f"Unexpected token {first!r} in JSON at position {position}")


class _NotJson(ValueError):
    pass


def _refuse_constant(constant: str) -> Any:
    raise _NotJson(constant)


# MongoDB refuses documents nested deeper than 100 levels (MAX_NESTING), so Novu can never store
# one; the mock refuses them up front, before they reach the rules or the recursion limit.
_TOO_DEEP = f"JSON body is nested too deeply (more than {MAX_NESTING} levels)"


def _header_safe(text: str, limit: int = 1000) -> str:
    cleaned = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in text)
    return cleaned[:limit]


def now_iso(server: MockServer) -> str:
    return iso_timestamp(server.now())
