"""The WSGI app behind `mockserver record` and `mockserver replay`.

Record modes mean what they mean in VCR.py:

- `once`: an existing cassette is replayed and nothing is recorded; a new one is recorded.
- `new_episodes`: recorded requests are replayed; new ones are forwarded and appended.
- `all`: everything is forwarded and recorded afresh (the cassette is started over).
- `none`: replay only; a request with no recorded answer is an error.

Forwarded exchanges are checked against the spec both ways. A violation never blocks the
exchange: it is written into the interaction and flagged to the client in the
X-Mockserver-Contract-Violation header. Secrets are filtered before anything is written.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from mockserver.contract import Contract
from mockserver.contract.routing import OperationRouter
from mockserver.http.encoding import JSON_CONTENT_TYPE, encode_json
from mockserver.http.pipeline import VIOLATION_HEADER
from mockserver.novu.errors import NovuError, error_body
from mockserver.replay.cassette import (
    Cassette,
    Interaction,
    interaction_violations,
    parse_body,
)
from mockserver.replay.matching import Matcher, RequestToMatch
from mockserver.replay.options import ATTRIBUTES, RecordMode
from mockserver.replay.secrets import SecretFilter
from mockserver.replay.upstream import Upstream, UpstreamError
from mockserver.runtime.wsgi_servers import WsgiApp
from mockserver.state.clock import iso_timestamp

REPLAY_HEADER = "X-Mockserver-Replay"
REWIND_PATH = "/__mock/reset"


@dataclass(frozen=True)
class PlayedExchange:
    """An exchange the player answered (from the cassette, or as unmatched), or forwarded to
    an upstream that keeps no journal of its own: what `on_exchange` is told."""

    kind: str  # "replayed", "recorded" or "unmatched"
    environ: dict[str, Any]
    request_body: bytes
    status: int
    headers: dict[str, str]
    response_body: bytes
    operation_id: str | None
    violations: list[str]
    nearest: list[str]


class CassetteApp:
    def __init__(
        self,
        contract: Contract,
        cassette: Cassette,
        *,
        mode: RecordMode | str,
        upstream: Upstream | None = None,
        fallback: WsgiApp | None = None,
        secrets: SecretFilter | None = None,
        match_on: Iterable[str] = ATTRIBUTES,
        repeat_last: bool = False,
        on_exchange: Callable[[PlayedExchange], None] | None = None,
        tell_forwarded: bool = False,
    ) -> None:
        """`on_exchange` hears of every exchange the player answers itself, and, with
        `tell_forwarded`, of those it forwards and records too."""
        mode = RecordMode.parse(mode)
        if not mode.keeps_the_cassette:
            cassette.interactions.clear()
        self.recording = mode.records(has_recordings=bool(cassette.interactions))
        self.replaying = mode.replays
        if self.recording and upstream is None:
            raise ValueError(f"mode {mode.value!r} records, and needs an upstream")
        self.contract = contract
        self.cassette = cassette
        self.mode = mode
        self.upstream = upstream
        self.fallback = fallback
        self.secrets = secrets or SecretFilter()
        self.matcher = Matcher(cassette.interactions, on=tuple(match_on), repeat_last=repeat_last)
        self.router = OperationRouter(contract.operations.values())
        self.on_exchange = on_exchange
        self.tell_forwarded = tell_forwarded
        self._write_lock = threading.Lock()
        if self.recording:
            cassette.recorded = {
                "upstream": upstream.label if upstream else None,
                "mode": mode.value,
                "at": iso_timestamp(datetime.now(UTC)),
            }

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        body = request.get_data(cache=True)
        incoming = RequestToMatch(
            method=request.method,
            path=request.path,
            # Filtered as the recorder filtered them: the cassette holds the masked values.
            query=self.secrets.filter_query(dict(request.args)),
            body=self.secrets.filter_body(parse_body(body)),
        )
        rewind = request.method == "POST" and request.path == REWIND_PATH
        if rewind:
            self.matcher.rewind()
            if not (self.recording or self.fallback is not None):
                return _rewound()(environ, start_response)
        if self.replaying and not request.path.startswith("/__mock"):
            interaction = self.matcher.take(incoming)
            if interaction is not None:
                answer = self._replay(interaction)
                self._tell("replayed", environ, body, answer, interaction)
                return answer(environ, start_response)
        if self.recording and self.upstream is not None:
            answer, recorded = self._forward(request, body)
            if self.tell_forwarded and recorded is not None:
                self._tell("recorded", environ, body, answer, recorded)
            return answer(environ, start_response)
        if self.fallback is not None:
            # The body was read here already: the mock gets it afresh.
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            return self.fallback(environ, start_response)
        answer, nearest = self._unmatched(incoming, request)
        self._tell("unmatched", environ, body, answer, None, nearest)
        return answer(environ, start_response)

    def _tell(
        self,
        kind: str,
        environ: dict[str, Any],
        body: bytes,
        answer: Response,
        interaction: Interaction | None,
        nearest: list[str] | None = None,
    ) -> None:
        if self.on_exchange is None:
            return
        self.on_exchange(
            PlayedExchange(
                kind=kind,
                environ=environ,
                request_body=body,
                status=answer.status_code,
                headers=dict(answer.headers),
                response_body=answer.get_data(),
                operation_id=interaction.operation_id if interaction else None,
                violations=list(interaction.violations) if interaction else [],
                nearest=nearest or [],
            )
        )

    # ---- answers -----------------------------------------------------------------------

    def _replay(self, interaction: Interaction) -> Response:
        # By identity: two recordings of the same exchange are equal, but not the same one.
        index = next(i for i, kept in enumerate(self.cassette.interactions) if kept is interaction)
        headers = dict(interaction.response_headers)
        headers[REPLAY_HEADER] = f"interaction {index}"
        body = b"" if interaction.response_body is None else encode_json(interaction.response_body)
        return Response(body, status=interaction.status, headers=headers)

    def _forward(self, request: Request, body: bytes) -> tuple[Response, Interaction | None]:
        """The upstream's answer, and the interaction recorded from it (None for the admin
        API, which is passed through and never recorded)."""
        assert self.upstream is not None
        target = request.full_path if request.query_string else request.path
        sent_headers = list(request.headers.items())
        try:
            status, headers, payload = self.upstream.send(
                request.method, target, sent_headers, body
            )
        except UpstreamError as exc:
            return _error(502, str(exc), request), None
        answer = Response(payload, status=status, headers=headers)
        if request.path.startswith("/__mock"):
            return answer, None
        interaction = Interaction(
            method=request.method,
            path=request.path,
            query=dict(request.args),
            request_headers=dict(sent_headers),
            request_body=parse_body(body),
            status=status,
            response_headers=dict(headers),
            response_body=parse_body(payload),
        )
        found = self.router.match(request.method, request.path)
        if found is None:
            interaction.violations = [
                f"no operation of {self.contract.spec_path.name} has this route"
            ]
        else:
            operation, path_params = found
            interaction.operation_id = operation.operation_id
            interaction.violations = interaction_violations(
                self.contract, operation, path_params, interaction
            )
        if interaction.violations:
            summary = f"{len(interaction.violations)}: " + "; ".join(interaction.violations)
            answer.headers[VIOLATION_HEADER] = "".join(
                c if 32 <= ord(c) < 127 else "?" for c in summary
            )[:1000]
        self._append(self._filtered(interaction))
        return answer, interaction

    def _filtered(self, interaction: Interaction) -> Interaction:
        return Interaction(
            method=interaction.method,
            path=interaction.path,
            query=self.secrets.filter_query(interaction.query),
            request_headers=self.secrets.filter_headers(interaction.request_headers.items()),
            request_body=self.secrets.filter_body(interaction.request_body),
            status=interaction.status,
            response_headers=self.secrets.filter_headers(interaction.response_headers.items()),
            response_body=self.secrets.filter_body(interaction.response_body),
            operation_id=interaction.operation_id,
            violations=interaction.violations,
        )

    def _append(self, interaction: Interaction) -> None:
        with self._write_lock:
            self.matcher.add(interaction)  # the matcher's list is the cassette's
            self.cassette.save()

    def _unmatched(self, incoming: RequestToMatch, request: Request) -> tuple[Response, list[str]]:
        played = self.matcher.all_played(incoming)
        nearest = self.matcher.nearest(incoming)
        if played:
            reason = (
                f"all {played} recorded answer(s) to {incoming.label} were played already "
                "(identical requests are answered in recorded order, each once)"
            )
        else:
            reason = f"no recorded interaction matches {incoming.label} (matching on " + (
                ", ".join(self.matcher.on)
                + "). Nearest: "
                + (" | ".join(nearest) if nearest else "the cassette is empty")
            )
        answer = _error(404, f"{self.cassette.path.name}: {reason}", request, unmatched=True)
        return answer, nearest


def _rewound() -> Response:
    """A replay-only player's answer to POST /__mock/reset: it plays from the start again."""
    return Response(encode_json({"reset": "cassette"}), status=200, content_type=JSON_CONTENT_TYPE)


def _error(status: int, message: str, request: Request, unmatched: bool = False) -> Response:
    path = request.full_path if request.query_string else request.path
    body = error_body(
        NovuError(status, message), path=path, timestamp=iso_timestamp(datetime.now(UTC))
    )
    headers = {"Content-Type": JSON_CONTENT_TYPE}
    if unmatched:
        headers[REPLAY_HEADER] = "unmatched"
    return Response(encode_json(body), status=status, headers=headers)
