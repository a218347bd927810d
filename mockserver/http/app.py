"""The Flask application: one URL rule per operation of the spec, plus the admin API.

Requests for an operation are answered by the dispatcher in front of Flask (dispatch.py); the
URL rules here still serve what it hands on: HEAD requests, and telling a wrong method (405)
from an unknown path (404). On the plain reference path (Settings.reference) there is no
dispatcher: Flask routes every request to these views.
"""

from __future__ import annotations

import functools
import re
import time

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from mockserver.http.dispatch import STARTED_AT, ApiDispatcher
from mockserver.http.encoding import JSON_CONTENT_TYPE, encode_json
from mockserver.http.health import health
from mockserver.http.incoming import Incoming
from mockserver.http.pipeline import current_server, handle, now_iso, record_exchange
from mockserver.novu.errors import NovuError, error_body
from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.journal import Violation, nearest_operations


def create_app(settings: Settings | None = None) -> Flask:
    server = MockServer(settings or Settings())
    app = Flask("mockserver")
    app.extensions["mockserver"] = server
    for operation in server.operations.values():
        app.add_url_rule(
            operation.flask_rule,
            endpoint=operation.operation_id,
            view_func=handle_operation,
            methods=[operation.method],
            # OPTIONS is not an operation of the spec; let it fall through to 405 like any other.
            provide_automatic_options=False,
        )
    app.register_blueprint(health)
    if server.settings.admin:
        from mockserver.testing.admin import admin, require_admin_token
        from mockserver.testing.inspector import inspector

        app.before_request(require_admin_token)
        app.register_blueprint(admin)
        app.register_blueprint(inspector)
    app.register_error_handler(HTTPException, _http_error)
    if not server.settings.reference:
        app.wsgi_app = ApiDispatcher(server, app.wsgi_app)  # type: ignore[method-assign]
    return app


def handle_operation(**variables: str) -> Response:
    """The Flask view behind every operation; the endpoint name is the operationId."""
    server = current_server()
    assert request.url_rule is not None
    operation = server.operations[request.url_rule.endpoint]
    path_params = {operation.path_aliases[name]: value for name, value in variables.items()}
    answer = handle(server, operation, Incoming(request.environ), path_params)
    response = Response(answer.body, status=answer.status, headers=answer.headers)
    if "Content-Type" not in answer.headers:
        # A 204 has no body and no type; Werkzeug would add its default text/html.
        del response.headers["Content-Type"]
    return response


def _http_error(exc: HTTPException) -> Response:
    """Routing failures, worded as Nest words them: `Cannot GET /v1/nowhere`."""
    status = exc.code or 500
    if isinstance(exc, NotFound | MethodNotAllowed):
        message = f"Cannot {request.method} {request.path}"
    else:
        message = exc.description or ""
    headers: dict[str, str] = {}
    if isinstance(exc, MethodNotAllowed):
        headers["Allow"] = ", ".join(_allowed_methods(current_server(), request.path))
    server, incoming = current_server(), Incoming(request.environ)
    body = error_body(
        NovuError(status, message), path=incoming.path_with_query, timestamp=now_iso(server)
    )
    # The admin API and a browser's own requests (the inspector page's favicon) are not the
    # app's traffic: they stay out of the journal and the request log.
    if not request.path.startswith("/__mock") and request.path not in _BROWSER_PATHS:
        _journal_unmatched(server, incoming, status, body, headers)
    return Response(
        encode_json(body), status=status, headers=headers, content_type=JSON_CONTENT_TYPE
    )


_BROWSER_PATHS = frozenset({"/favicon.ico", "/robots.txt"})


def _allowed_methods(server: MockServer, path: str) -> list[str]:
    """The methods some operation of the spec answers at `path`.

    Routing picks, for each method, the most specific template that has it; so a path that
    fits several templates is open to the methods of all of them: `/v1/integrations/active`
    takes GET (its own template) and PUT and DELETE (`/v1/integrations/{integrationId}`, with
    the id `active`), as Express routes them.
    """
    methods = {
        operation.method
        for operation in server.operations.values()
        if _template_pattern(operation.path).fullmatch(path)
    }
    return sorted(methods)


@functools.cache
def _template_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _journal_unmatched(
    server: MockServer, incoming: Incoming, status: int, body: object, headers: dict[str, str]
) -> None:
    """Requests no operation of the spec matches, with the operations they came closest to.

    A request to no route of the spec is the caller's contract violation, as a body that breaks
    it is: a typo such as /v1/integration would otherwise pass a test that expects a 404."""
    operations = [(op.operation_id, op.method, op.path) for op in server.operations.values()]
    nearest = nearest_operations(request.method, request.path, operations)
    what = (
        "no operation of the spec has this route"
        if status == 404
        else "no operation of the spec has this method here"
    )
    started = incoming.environ.get(STARTED_AT)
    record_exchange(
        server,
        incoming,
        status=status,
        response_headers={"Content-Type": JSON_CONTENT_TYPE, **headers},
        response_body=encode_json(body),
        duration_ms=(time.perf_counter() - started) * 1000 if started is not None else 0.0,
        nearest=nearest,
        violations=[Violation("request", f"{what} (nearest: {'; '.join(nearest)})")],
    )
