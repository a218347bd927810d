"""The WSGI front door: API operations go straight to the pipeline, everything else to Flask.

Flask's request context, URL map and Response object cost about as much per request as all of
the mock's own work together (the benchmark's bare Flask app is mostly that cost). The API
routes need none of it: the spec's operations are matched here by their path templates, as
Flask would match them, and their answers written out directly. The admin API, the inspector,
HEAD requests and every path or method no operation has (Nest's 404 and 405) still go through
Flask, whose view for an operation runs the very same pipeline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from http import HTTPStatus
from typing import Any

from mockserver.contract.routing import OperationRouter
from mockserver.http.incoming import Incoming
from mockserver.http.pipeline import Answer, handle
from mockserver.runtime.wsgi_servers import WsgiApp
from mockserver.server import MockServer

StartResponse = Callable[..., Any]
# The moment the dispatcher handed a request on to Flask, in the environ.
STARTED_AT = "mockserver.started_at"


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} UNKNOWN"


_STATUS_LINES = {status.value: status_line(status.value) for status in HTTPStatus}


class ApiDispatcher:
    def __init__(self, server: MockServer, fallback: WsgiApp) -> None:
        self.server = server
        self.fallback = fallback
        # Strict about trailing slashes, as the Flask rules this stands in front of are.
        self.router = OperationRouter(server.operations.values(), trailing_slash=False)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        incoming = Incoming(environ)
        matched = self.router.match(incoming.method, incoming.path)
        if matched is None:
            # Flask answers it (a 404, a 405, the admin API); the log line times it from here.
            environ[STARTED_AT] = time.perf_counter()
            return self.fallback(environ, start_response)
        operation, path_params = matched
        answer = handle(self.server, operation, incoming, path_params)
        return write(answer, start_response)


def write(answer: Answer, start_response: StartResponse) -> Iterable[bytes]:
    headers = list(answer.headers.items())
    body = answer.body
    if isinstance(body, bytes):
        headers.append(("Content-Length", str(len(body))))
        body = (body,)
    status = _STATUS_LINES.get(answer.status) or status_line(answer.status)
    start_response(status, headers)
    return body
