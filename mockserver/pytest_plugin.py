"""pytest plugin: a Novu mock for every test, with no glue code.

Installed with the package (entry point `pytest11`), it provides:

* `novu_mock`: a live server on a free port (one per configuration per test session, in a
  thread), reset to its seeded start before each test; `url`, `api_key` (an environment of the
  test's own), the journal, helpers that create state directly, and `assert_called`.
* `novu_mock_app` and `novu_mock_client`: the Flask app and a test client already carrying the
  test environment's API key, for in-process tests.
* `@pytest.mark.novu_mock(seed=..., fixtures=..., validation=..., rate_limit=...,
  expect_violations=...)` to configure one test.
* `@pytest.mark.novu_cassette("name", mode="once")`: `novu_mock.url` serves the cassette
  `cassettes/name.yaml` beside the test file, recorded from the mock (or `--novu-upstream URL`)
  as VCR.py's record modes say; `--novu-record-mode` sets the mode for tests that do not.

A contract violation (a request the test's client sent that breaks the spec, or an answer the
mock would have sent that breaks it) fails the test that caused it, with the violation in the
message, unless the test says it expects violations. Each pytest-xdist worker is its own
process with its own servers, so workers never see each other's state.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.auth import Caller
from mockserver.contract.documents import load_document
from mockserver.journal import JournalEntry, JournalFilter
from mockserver.seed import DEFAULT_SEED
from mockserver.server import MockServer
from mockserver.settings import Settings, ValidationMode

MARKER = "novu_mock"
CASSETTE_MARKER = "novu_cassette"
_HANDLES = pytest.StashKey[list["NovuMock"]]()
_IN_PROCESS = pytest.StashKey["NovuMock"]()


@dataclass(frozen=True)
class MockConfig:
    seed: int = DEFAULT_SEED
    fixtures: str | None = None
    validation: str = ValidationMode.STRICT.value
    rate_limit: str | None = None

    def settings(self) -> Settings:
        return Settings(
            seed=self.seed, validation=ValidationMode(self.validation), rate_limit=self.rate_limit
        )


def _config_of(item: pytest.Item) -> tuple[MockConfig, bool]:
    marker = item.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker else {}
    expect = bool(options.pop("expect_violations", False))
    fixtures = options.get("fixtures")
    if fixtures is not None:
        path = Path(str(fixtures))
        if not path.is_absolute():
            candidate = Path(str(item.path)).parent / path
            path = candidate if candidate.exists() else path.resolve()
        options["fixtures"] = str(path)
    try:
        return MockConfig(**options), expect
    except TypeError as exc:
        raise pytest.UsageError(f"@pytest.mark.novu_mock: {exc}") from exc


class _LiveServer:
    """One WSGI app on a free loopback port, served by waitress in a daemon thread."""

    def __init__(self, app: Any) -> None:
        from waitress.server import create_server

        self.app = app
        self._server = create_server(app, host="127.0.0.1", port=0, threads=8, ident="mockserver")
        self.url = f"http://127.0.0.1:{self._server.effective_port}"  # type: ignore[union-attr]
        self._thread = threading.Thread(target=self._server.run, name="novu-mock", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.close()
        self._thread.join(timeout=5)


class _Servers:
    """The session's mocks, one per configuration, started on first use."""

    def __init__(self) -> None:
        self._apps: dict[MockConfig, Flask] = {}
        self._live: dict[MockConfig, _LiveServer] = {}

    def app(self, config: MockConfig) -> Flask:
        if config not in self._apps:
            self._apps[config] = create_app(config.settings())
        return self._apps[config]

    def live(self, config: MockConfig) -> _LiveServer:
        if config not in self._live:
            # The live server gets an app of its own, apart from the in-process one.
            self._live[config] = _LiveServer(create_app(config.settings()))
        return self._live[config]

    def stop(self) -> None:
        for server in self._live.values():
            server.stop()
        self._live.clear()


@dataclass
class NovuMock:
    """What a test gets: where the mock is, who to call it as, and what happened."""

    app: Flask
    api_key: str
    environment_id: str
    organization_id: str
    dashboard_token: str
    url: str | None = None
    violations_expected: bool = False

    @property
    def server(self) -> MockServer:
        server: MockServer = self.app.extensions["mockserver"]
        return server

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"ApiKey {self.api_key}"}

    # ---- the journal -------------------------------------------------------------------

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """This test's exchanges, newest first, as the admin API shows them."""
        return [entry.to_json() for entry in self._entries(**filters)]

    def _entries(self, **filters: Any) -> list[JournalEntry]:
        where = JournalFilter(**filters)
        # Each test starts from a reset, which empties the journal: all of it is this test's.
        return self.server.journal.entries(where)

    def calls(self, operation_id: str) -> list[dict[str, Any]]:
        return self.requests(operation_id=operation_id)

    def violations(self) -> list[str]:
        return [
            f"{e.method} {e.path} -> {e.status}: {v.side} violation: {v.message}"
            for e in reversed(self._entries())
            for v in e.violations
        ]

    def expect_violations(self) -> None:
        """This test breaks the contract on purpose; do not fail it for that."""
        self.violations_expected = True

    def assert_called(
        self,
        operation_id: str,
        *,
        times: int | None = None,
        json_contains: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> list[dict[str, Any]]:
        """Assert the operation was called (exactly `times` times, if given), optionally only
        counting calls whose JSON body contains `json_contains` and whose answer had `status`."""
        matching = [
            call
            for call in self.calls(operation_id)
            if (status is None or call["response"]["status"] == status)
            and (json_contains is None or _contains(call["request"]["body"], json_contains))
        ]
        wanted = "at least once" if times is None else f"{times} time(s)"
        if (times is None and not matching) or (times is not None and len(matching) != times):
            condition = "".join(
                [
                    f" with a body containing {json_contains!r}" if json_contains else "",
                    f" answered {status}" if status else "",
                ]
            )
            raise AssertionError(
                f"expected {operation_id} to be called {wanted}{condition}, "
                f"but it was called {len(matching)} time(s) that way.\n"
                f"What this test called:\n{self._summary()}"
            )
        return matching

    def assert_not_called(self, operation_id: str) -> None:
        calls = self.calls(operation_id)
        if calls:
            raise AssertionError(
                f"expected {operation_id} not to be called, but it was called "
                f"{len(calls)} time(s).\nWhat this test called:\n{self._summary()}"
            )

    def _summary(self) -> str:
        entries = list(reversed(self._entries()))
        if not entries:
            return "  (nothing)"
        return "\n".join(
            f"  {e.method} {e.path} -> {e.status} ({e.operation_id or 'no operation'})"
            + (f" body={e.request_body!r}" if e.request_body is not None else "")
            for e in entries
        )

    # ---- state helpers -----------------------------------------------------------------

    def create_integration(self, **fields: Any) -> dict[str, Any]:
        """Create an integration in the test's environment directly, without HTTP."""
        server = self.server
        with server.store.lock:
            caller = self._session()
            created = server.backend.create(caller, fields)
            return created.to_wire(reveal_credentials=True, include_virtual_id=True)

    def integrations(self) -> list[dict[str, Any]]:
        """The test environment's integrations as a dashboard sees them (credentials in clear)."""
        server = self.server
        with server.store.lock:
            environment = self._session().environment
            return [
                i.to_wire(reveal_credentials=True, include_virtual_id=False)
                for i in environment.live()
            ]

    def add_fault(self, **fault: Any) -> dict[str, Any]:
        """Start a fault, as POST /__mock/faults does (FaultError, a ValueError, if refused)."""
        return self.server.faults.add(fault, self.server.operations.values()).to_json()

    def _session(self) -> Caller:
        store = self.server.store
        organization = store.organizations[self.organization_id]
        return Caller("Bearer", organization, organization.environments[self.environment_id])


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and _contains(actual[key], value) for key, value in expected.items()
        )
    return bool(actual == expected)


def _prepare(app: Flask, config: MockConfig, item: pytest.Item, expect: bool) -> NovuMock:
    """Reset the mock to its seeded start (or the fixtures) and make the test's environment."""
    server: MockServer = app.extensions["mockserver"]
    server.reset()
    if config.fixtures:
        server.import_state(load_document(Path(config.fixtures), untrusted=True))
        organization = server.organizations[0]
        environment = next(iter(organization.environments.values()))
    else:
        environment = server.isolated_environment(f"test:{item.nodeid}")
        organization = server.store.organizations[environment.organization_id]
    handle = NovuMock(
        app=app,
        api_key=environment.api_key,
        environment_id=environment.id,
        organization_id=organization.id,
        dashboard_token=organization.dashboard_token,
        violations_expected=expect,
    )
    item.stash.setdefault(_HANDLES, []).append(handle)
    return handle


# ---- hooks and fixtures ------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("novu_mock", "Novu mock (mockserver)")
    group.addoption(
        "--novu-record-mode",
        choices=["once", "new_episodes", "all", "none"],
        default=None,
        help="record mode for @pytest.mark.novu_cassette tests that do not set one",
    )
    group.addoption(
        "--novu-upstream",
        default=None,
        help="record novu_cassette tests from this server (a real Novu) instead of the mock",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f'{CASSETTE_MARKER}("name", mode="once", match_on=(...)): replay this test\'s Novu '
        "traffic from cassettes/<name>.yaml beside the test, recording it first if needed",
    )
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=None, fixtures=None, validation='strict', rate_limit=None, "
        "expect_violations=False): configure the Novu mock for this test",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Fail a test whose traffic broke the contract, unless it expected that."""
    result = yield
    found = [
        line
        for handle in item.stash.get(_HANDLES, [])
        if not handle.violations_expected
        for line in handle.violations()
    ]
    if found:
        listing = "\n".join(f"  {line}" for line in found)
        pytest.fail(
            f"the Novu mock saw {len(found)} contract violation(s) in this test:\n{listing}\n"
            "(mark the test @pytest.mark.novu_mock(expect_violations=True) if they are meant)",
            pytrace=False,
        )
    return result


@pytest.fixture(scope="session")
def _novu_mock_servers() -> Iterator[_Servers]:
    servers = _Servers()
    yield servers
    servers.stop()


@pytest.fixture
def novu_mock(request: pytest.FixtureRequest, _novu_mock_servers: _Servers) -> Iterator[NovuMock]:
    config, expect = _config_of(request.node)
    live = _novu_mock_servers.live(config)
    handle = _prepare(live.app, config, request.node, expect)
    handle.url = live.url
    cassette = request.node.get_closest_marker(CASSETTE_MARKER)
    if cassette is None:
        yield handle
        return
    player = _cassette_server(request, cassette, live)
    handle.url = player.url
    try:
        yield handle
    finally:
        player.stop()


def _cassette_server(
    request: pytest.FixtureRequest, marker: pytest.Mark, live: _LiveServer
) -> _LiveServer:
    """The test's cassette, served on a port of its own: replayed, or recorded from the
    upstream (the session's mock, or --novu-upstream)."""
    from mockserver.replay.cassette import Cassette, load_cassette
    from mockserver.replay.proxy import CassetteApp
    from mockserver.replay.upstream import HttpUpstream, Upstream, WsgiUpstream

    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        raise pytest.UsageError(f'@pytest.mark.{CASSETTE_MARKER}("name", mode=...): one name')
    options = dict(marker.kwargs)
    mode = str(options.pop("mode", request.config.getoption("novu_record_mode") or "once"))
    match_on = options.pop("match_on", ("method", "path", "query", "body"))
    if options:
        raise pytest.UsageError(f"@pytest.mark.{CASSETTE_MARKER}: unknown {sorted(options)}")
    name = marker.args[0]
    path = Path(name if name.endswith((".yaml", ".yml", ".json")) else f"{name}.yaml")
    if not path.is_absolute():
        path = Path(str(request.node.path)).parent / "cassettes" / path
    server: MockServer = live.app.extensions["mockserver"]
    exists = path.exists() and mode != "all"
    cassette = load_cassette(path, server.contract) if exists else Cassette(path=path)
    upstream_url = request.config.getoption("novu_upstream")
    upstream: Upstream = (
        HttpUpstream(upstream_url) if upstream_url else WsgiUpstream(live.app, "the session's mock")
    )
    try:
        app = CassetteApp(
            server.contract, cassette, mode=mode, upstream=upstream, match_on=match_on
        )
    except ValueError as exc:
        raise pytest.UsageError(f"@pytest.mark.{CASSETTE_MARKER}: {exc}") from exc
    return _LiveServer(app)


@pytest.fixture
def novu_mock_app(request: pytest.FixtureRequest, _novu_mock_servers: _Servers) -> Flask:
    config, expect = _config_of(request.node)
    app = _novu_mock_servers.app(config)
    request.node.stash[_IN_PROCESS] = _prepare(app, config, request.node, expect)
    return app


@pytest.fixture
def novu_mock_client(request: pytest.FixtureRequest, novu_mock_app: Flask) -> FlaskClient:
    """A test client that already sends the test environment's API key."""
    handle = request.node.stash[_IN_PROCESS]
    client = novu_mock_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"ApiKey {handle.api_key}"
    client.novu_mock = handle  # type: ignore[attr-defined]
    return client
