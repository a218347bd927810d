"""pytest plugin: a Novu mock for every test, with no glue code.

Installed with the package (entry point `pytest11`), it provides:

* `novu_mock`: a live server on a free port (one per configuration per test session, in a
  thread), reset before each test; `url`, `api_key` (an environment of the test's own), the
  journal, helpers that create state directly, and `assert_called`.
* `novu_mock_app` and `novu_mock_client`: the Flask app and a test client already carrying the
  test environment's API key, for in-process tests.
* `@pytest.mark.novu_mock(...)` to configure one test: `seed`, `validation`, `rate_limit`,
  `dataset` (a dataset file, as `serve --fixtures` takes), `state` (a GET /__mock/state
  document), `data` (the name the test's environment is seeded from), `empty` (an environment
  with nothing in it), `expect_violations`.
* `@pytest.mark.novu_cassette("name", mode="once", allow_unmatched=False)`: `novu_mock.url`
  serves the cassette `cassettes/name.yaml` beside the test file, recorded from the mock (or
  `--novu-upstream URL`) as VCR.py's record modes say; `--novu-record-mode` sets the mode for
  tests that do not.

A test's environment is seeded from the same label whatever the test is called, so renaming a
test never changes its data. A contract violation (a request that breaks the spec, a request
to no route of it, an answer that breaks it) fails the test that caused it, unless the test says
it expects violations; so does a request a cassette has no recorded answer for, unless the
cassette marker allows it. When a test fails for any reason, its report carries the mock's
violations and every error answer it got, with Novu's field messages. Each pytest-xdist worker
is its own process with its own servers, so workers never see each other's state.

Everything but pytest is imported when a test first asks for the mock: a run that never does
pays nothing for the plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mockserver.replay.options import ATTRIBUTES, RecordMode, parse_match_on

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from mockserver.testing.novu_mock import NovuMock, Servers
    from mockserver.testing.threaded import ThreadedServer

MARKER = "novu_mock"
CASSETTE_MARKER = "novu_cassette"
CASSETTE_OPTIONS = ("mode", "match_on", "allow_unmatched")
_HANDLES = pytest.StashKey[list["NovuMock"]]()
_IN_PROCESS = pytest.StashKey["NovuMock"]()


def _read_marker(item: pytest.Item) -> tuple[Any, Any]:
    from mockserver.testing.novu_mock import MarkerError, read_marker

    marker = item.get_closest_marker(MARKER)
    try:
        return read_marker(dict(marker.kwargs) if marker else {}, Path(str(item.path)))
    except MarkerError as exc:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: {exc}") from exc


def _prepare(app: Flask, item: pytest.Item) -> NovuMock:
    from mockserver.testing.novu_mock import prepare

    config, data = _read_marker(item)
    handle = prepare(app, config, data)
    item.stash.setdefault(_HANDLES, []).append(handle)
    return handle


# ---- hooks -------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("novu_mock", "Novu mock (mockserver)")
    group.addoption(
        "--novu-record-mode",
        choices=[mode.value for mode in RecordMode],
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
        f'{CASSETTE_MARKER}("name", mode="once", match_on=(...), allow_unmatched=False): '
        "replay this test's Novu traffic from cassettes/<name>.yaml beside the test, "
        "recording it first if needed",
    )
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=4010, validation='strict', rate_limit=None, dataset=None, "
        "frozen_time=None, state=None, data='test', empty=False, expect_violations=False): "
        "configure the Novu mock for this test",
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A passing test whose traffic broke the contract (or missed its cassette) fails; a
    failing one's report shows what the mock saw, whatever made it fail."""
    report: pytest.TestReport = yield
    handles = item.stash.get(_HANDLES, [])
    if call.when != "call" or not handles:
        return report
    unexpected = [
        line for handle in handles if not handle.violations_expected for line in handle.violations()
    ]
    unmatched = [
        line
        for handle in handles
        if not handle.unmatched_allowed
        for line in handle.unmatched_recordings()
    ]
    if report.passed and (unexpected or unmatched):
        report.outcome = "failed"
        report.longrepr = _verdict(unexpected, unmatched)
    elif report.failed:
        seen = _what_the_mock_saw(handles)
        if seen:
            report.sections.append(("Novu mock", seen))
    return report


def _verdict(violations: list[str], unmatched: list[str]) -> str:
    parts = []
    if violations:
        listing = "\n".join(f"  {line}" for line in violations)
        parts.append(
            f"the Novu mock saw {len(violations)} contract violation(s) in this test:\n"
            f"{listing}\n(mark the test @pytest.mark.{MARKER}(expect_violations=True) "
            "if they are meant)"
        )
    if unmatched:
        listing = "\n".join(f"  {line}" for line in unmatched)
        parts.append(
            f"the cassette had no recorded answer for {len(unmatched)} request(s):\n{listing}\n"
            f'(record again, or mark the test @pytest.mark.{CASSETTE_MARKER}("name", '
            "allow_unmatched=True))"
        )
    return "\n".join(parts)


def _what_the_mock_saw(handles: list[NovuMock]) -> str:
    lines: list[str] = []
    for handle in handles:
        lines.extend(f"violation: {line}" for line in handle.violations())
        lines.extend(f"no recording: {line}" for line in handle.unmatched_recordings())
        lines.extend(f"error answer: {line}" for line in handle.failed_exchanges())
    return "\n".join(lines)


# ---- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _novu_mock_servers() -> Iterator[Servers]:
    from mockserver.testing.novu_mock import Servers

    servers = Servers()
    yield servers
    servers.stop()


@pytest.fixture
def novu_mock(request: pytest.FixtureRequest, _novu_mock_servers: Servers) -> Iterator[NovuMock]:
    config, _ = _read_marker(request.node)
    live = _novu_mock_servers.live(config)
    handle = _prepare(live.app, request.node)
    handle.url = live.url
    cassette = request.node.get_closest_marker(CASSETTE_MARKER)
    if cassette is None:
        yield handle
        return
    player = _cassette_server(request, cassette, live, handle)
    handle.url = player.url
    try:
        yield handle
    finally:
        player.stop()


def _cassette_server(
    request: pytest.FixtureRequest, marker: pytest.Mark, live: ThreadedServer, handle: NovuMock
) -> ThreadedServer:
    """The test's cassette, served on a port of its own: replayed, or recorded from the
    upstream (the session's mock, or --novu-upstream). Whatever it answers itself goes into
    the mock's journal, so a replayed test is judged as its recording was."""
    from mockserver.replay.cassette import Cassette, load_cassette
    from mockserver.replay.proxy import CassetteApp
    from mockserver.replay.upstream import HttpUpstream, Upstream, WsgiUpstream
    from mockserver.testing.novu_mock import journal_played
    from mockserver.testing.threaded import ThreadedServer

    if len(marker.args) != 1 or not isinstance(marker.args[0], str):
        raise pytest.UsageError(f'@pytest.mark.{CASSETTE_MARKER}("name", mode=...): one name')
    options = dict(marker.kwargs)
    unknown = sorted(set(options) - set(CASSETTE_OPTIONS))
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.{CASSETTE_MARKER}: unknown option {', '.join(unknown)}. "
            f"Options: {', '.join(CASSETTE_OPTIONS)}"
        )
    try:
        mode = RecordMode.parse(
            options.get("mode") or request.config.getoption("novu_record_mode") or RecordMode.ONCE
        )
        match_on = parse_match_on(options.get("match_on", ATTRIBUTES))
    except ValueError as exc:
        raise pytest.UsageError(f"@pytest.mark.{CASSETTE_MARKER}: {exc}") from exc
    handle.unmatched_allowed = bool(options.get("allow_unmatched", False))
    name = marker.args[0]
    path = Path(name if name.endswith((".yaml", ".yml", ".json")) else f"{name}.yaml")
    if not path.is_absolute():
        path = Path(str(request.node.path)).parent / "cassettes" / path
    server = live.mock
    exists = path.exists() and mode.keeps_the_cassette
    cassette = load_cassette(path, server.contract) if exists else Cassette(path=path)
    upstream_url = request.config.getoption("novu_upstream")
    upstream: Upstream = (
        HttpUpstream(upstream_url) if upstream_url else WsgiUpstream(live.app, "the session's mock")
    )
    try:
        app = CassetteApp(
            server.contract,
            cassette,
            mode=mode,
            upstream=upstream,
            match_on=match_on,
            on_exchange=lambda played: journal_played(server, played),
            # The session's mock journals what it is forwarded; a real Novu does not.
            tell_forwarded=upstream_url is not None,
        )
    except ValueError as exc:
        raise pytest.UsageError(f"@pytest.mark.{CASSETTE_MARKER}: {exc}") from exc
    return ThreadedServer(app).start()


@pytest.fixture
def novu_mock_app(request: pytest.FixtureRequest, _novu_mock_servers: Servers) -> Flask:
    config, _ = _read_marker(request.node)
    app = _novu_mock_servers.app(config)
    request.node.stash[_IN_PROCESS] = _prepare(app, request.node)
    return app


@pytest.fixture
def novu_mock_client(request: pytest.FixtureRequest, novu_mock_app: Flask) -> FlaskClient:
    """A test client that already sends the test environment's API key."""
    handle = request.node.stash[_IN_PROCESS]
    client = novu_mock_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"ApiKey {handle.api_key}"
    client.novu_mock = handle  # type: ignore[attr-defined]
    return client
