"""The plain reference path is plain, the twin harness that holds the fast path to it can fail,
and the three route matchers agree on every path template of both specs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from mockserver.contract.compiled.shared_documents import SharedDocument, SharedList
from mockserver.contract.operations import HTTP_METHODS
from mockserver.contract.routing import OperationRouter
from mockserver.http.app import _allowed_methods, create_app
from mockserver.http.dispatch import ApiDispatcher
from mockserver.resources.base import Reply
from mockserver.resources.integrations.state import live
from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.state.clock import Clock
from tests.reference import novu_openapi
from tests.twin import DivergedError, PinnedTime, Twin


def server_of(app: Flask) -> MockServer:
    server: MockServer = app.extensions["mockserver"]
    return server


def development_key(app: Flask) -> str:
    return next(iter(server_of(app).organizations[0].environments.values())).api_key


def test_the_reference_path_has_no_dispatcher_and_no_cached_forms() -> None:
    app = create_app(Settings(reference=True))
    assert not isinstance(app.wsgi_app, ApiDispatcher)
    client = app.test_client()
    headers = {"Authorization": f"ApiKey {development_key(app)}"}
    for _ in range(2):
        assert client.get("/v1/integrations", headers=headers).status_code == 200
    answers = [entry.response_shared for entry in server_of(app).journal.entries()]
    assert not any(type(kept) in (SharedDocument, SharedList) for kept in answers)
    environment = next(iter(server_of(app).organizations[0].environments.values()))
    assert all(i._wire_cache is None for i in live(environment))


def test_the_fast_path_keeps_its_forms_where_the_reference_does_not() -> None:
    """The contrast that makes the test above mean something."""
    app = create_app(Settings())
    assert isinstance(app.wsgi_app, ApiDispatcher)
    headers = {"Authorization": f"ApiKey {development_key(app)}"}
    assert app.test_client().get("/v1/integrations", headers=headers).status_code == 200
    (entry,) = server_of(app).journal.entries()
    assert type(entry.response_shared) is SharedList


def test_the_twin_reports_an_answer_the_reference_gives_differently(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, reference = create_app(Settings()), create_app(Settings(reference=True))
    time = PinnedTime()
    monkeypatch.setattr(Clock, "now", time.reader())
    twin = Twin(fast.wsgi_app, reference, time)
    monkeypatch.setattr(fast, "wsgi_app", twin)
    client = fast.test_client()
    headers = {"Authorization": f"ApiKey {development_key(fast)}"}
    assert client.get("/v1/integrations", headers=headers).status_code == 200
    assert twin.compared == 1

    def renamed(call: Any) -> Reply:
        return Reply(200, [])

    list_operation = "IntegrationsController_listIntegrations"
    monkeypatch.setitem(server_of(reference).handlers, list_operation, renamed)
    with pytest.raises(DivergedError, match="body"):
        client.get("/v1/integrations", headers=headers)


# ---- the three route matchers ---------------------------------------------------------------


def concrete(template: str) -> str:
    return re.sub(r"{[^}/]+}", "6b0cbb46d30120d27b0d4bfa", template)


@pytest.mark.parametrize("spec", ["bundled", "novu"])
def test_the_dispatcher_flask_and_allow_agree_on_every_path_template(spec: str) -> None:
    settings = Settings() if spec == "bundled" else Settings(spec_path=novu_openapi())
    app = create_app(settings)
    server = server_of(app)
    dispatcher = OperationRouter(server.operations.values(), trailing_slash=False)
    urls = app.url_map.bind("localhost")
    templates = sorted({operation.path for operation in server.operations.values()})
    assert len(templates) >= (10 if spec == "bundled" else 100)
    for template in templates:
        for path in {template, concrete(template)}:
            if "{" in path:
                continue
            matched_methods = set()
            for method in (m.upper() for m in HTTP_METHODS if m not in ("head", "options")):
                found = dispatcher.match(method, path)
                try:
                    endpoint, _ = urls.match(path, method=method)
                except (NotFound, MethodNotAllowed):
                    endpoint = None
                by_dispatcher = found[0].operation_id if found is not None else None
                assert by_dispatcher == endpoint, (method, path)
                if endpoint is not None:
                    matched_methods.add(method)
            assert set(_allowed_methods(server, path)) == matched_methods, path
