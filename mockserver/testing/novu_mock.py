"""What the pytest plugin hands a test: the mock's configuration per test, the session's servers,
and `NovuMock`, the handle a test reads the journal and state through and asserts with.

Kept apart from mockserver.testing.pytest_plugin so that a pytest run that never asks for the mock
does not pay for importing it (Flask, the contract, Faker).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from flask import Flask

from mockserver.contract.documents import load_document
from mockserver.http.app import create_app
from mockserver.http.incoming import Incoming
from mockserver.http.pipeline import record_exchange
from mockserver.novu.auth import Caller
from mockserver.replay.proxy import PlayedExchange
from mockserver.server import MockServer
from mockserver.settings import DEFAULT_SEED, Settings, ValidationMode
from mockserver.state.clock import iso_timestamp, parse_timestamp
from mockserver.testing.journal import JournalEntry, JournalFilter, Violation
from mockserver.testing.threaded import ThreadedServer

# The label every test's environment is seeded from, whatever the test is called: renaming or
# moving a test never changes the objects it starts with (each test starts from a reset,
# so one label is enough). `data="name"` seeds from a name of the test's choosing instead.
DEFAULT_DATA = "test"


class MarkerError(ValueError):
    """A marker option that does not exist or has the wrong kind of value."""


@dataclass(frozen=True)
class MockConfig:
    """`@pytest.mark.novu_mock(...)`: everything that decides which server a test gets."""

    seed: int = DEFAULT_SEED
    validation: str = ValidationMode.STRICT.value
    rate_limit: str | None = None
    # A dataset file, the format of `serve --fixtures` (fixtures/README.md).
    dataset: str | None = None
    # An ISO 8601 instant the clock stays at until the test moves it (advance_clock): delays
    # then hold the steps after them.
    frozen_time: str | None = None

    def settings(self) -> Settings:
        return Settings(
            seed=self.seed,
            validation=ValidationMode(self.validation),
            rate_limit=self.rate_limit,
            fixtures_path=Path(self.dataset) if self.dataset else None,
            frozen_time=parse_timestamp(self.frozen_time) if self.frozen_time else None,
        )


@dataclass(frozen=True)
class TestData:
    """What one test starts from, on its server."""

    # A state document (what GET /__mock/state exports) that replaces the whole state.
    state: str | None = None
    data: str = DEFAULT_DATA
    empty: bool = False
    expect_violations: bool = False


_SERVER_OPTIONS = {f.name for f in fields(MockConfig)}
_TEST_OPTIONS = {f.name for f in fields(TestData)}
MARKER_OPTIONS = sorted(_SERVER_OPTIONS | _TEST_OPTIONS)


def read_marker(options: dict[str, Any], test_file: Path) -> tuple[MockConfig, TestData]:
    """The marker's options, split into the server's and the test's; MarkerError names an
    unknown option and the valid ones."""
    unknown = sorted(set(options) - set(MARKER_OPTIONS))
    if unknown:
        hints = []
        for name in unknown:
            if name == "fixtures":
                hints.append(
                    "fixtures: use state= for a GET /__mock/state document, or dataset= for "
                    "a dataset (the format of `mockserver serve --fixtures`)"
                )
            else:
                close = difflib.get_close_matches(name, MARKER_OPTIONS, n=1)
                hints.append(f"{name}" + (f" (did you mean {close[0]}?)" if close else ""))
        raise MarkerError(
            f"unknown option {'; '.join(hints)}. Options: {', '.join(MARKER_OPTIONS)}"
        )
    for name in ("state", "dataset"):
        if options.get(name) is not None:
            options[name] = str(_beside(Path(str(options[name])), test_file))
    try:
        config = MockConfig(**{k: v for k, v in options.items() if k in _SERVER_OPTIONS})
        data = TestData(**{k: v for k, v in options.items() if k in _TEST_OPTIONS})
    except TypeError as exc:  # pragma: no cover - names are checked above
        raise MarkerError(str(exc)) from exc
    if config.validation not in {m.value for m in ValidationMode}:
        raise MarkerError(f"validation={config.validation!r}: use strict, warn or off")
    if data.state and (config.dataset or data.empty):
        raise MarkerError(
            "state= replaces the whole state: it goes with neither dataset= nor empty"
        )
    return config, data


def _beside(path: Path, test_file: Path) -> Path:
    if path.is_absolute():
        return path
    candidate = test_file.parent / path
    return candidate if candidate.exists() else path.resolve()


class Servers:
    """The session's mocks, one per configuration, started on first use."""

    def __init__(self) -> None:
        self._apps: dict[MockConfig, Flask] = {}
        self._live: dict[MockConfig, ThreadedServer] = {}

    def app(self, config: MockConfig) -> Flask:
        if config not in self._apps:
            self._apps[config] = create_app(config.settings())
        return self._apps[config]

    def live(self, config: MockConfig) -> ThreadedServer:
        if config not in self._live:
            # The live server gets an app of its own, apart from the in-process one.
            self._live[config] = ThreadedServer(create_app(config.settings())).start()
        return self._live[config]

    def stop(self) -> None:
        for server in self._live.values():
            server.stop()
        self._live.clear()


def prepare(app: Flask, config: MockConfig, data: TestData) -> NovuMock:
    """Reset the mock to its seeded start (and dataset), then make the test's environment."""
    server: MockServer = app.extensions["mockserver"]
    server.reset()
    if data.state:
        server.import_state(load_document(Path(data.state), untrusted=True))
        organization = server.organizations[0]
        environment = next(iter(organization.environments.values()))
    elif config.dataset and server.dataset is not None:
        first = server.dataset.organizations[0]["environments"][0]["apiKey"]
        found = server.store.environment_for_key(first)
        assert found is not None  # the dataset was applied by the reset
        environment = found
        organization = server.store.organizations[environment.organization_id]
    else:
        environment = server.isolated_environment(f"data:{data.data}", empty=data.empty)
        organization = server.store.organizations[environment.organization_id]
    return NovuMock(
        app=app,
        api_key=environment.api_key,
        environment_id=environment.id,
        organization_id=organization.id,
        dashboard_token=organization.dashboard_token,
        violations_expected=data.expect_violations,
    )


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
    # With a cassette: whether a request no recording matches is allowed.
    unmatched_allowed: bool = True

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
        self._known(operation_id)
        return self.requests(operation_id=operation_id)

    def violations(self) -> list[str]:
        """Every contract violation this test's traffic showed, oldest first."""
        return [
            f"{e.method} {e.path} -> {e.status or 'dropped'}: {v.side} violation: {v.message}"
            for e in reversed(self._entries())
            for v in e.violations
        ]

    def unmatched_recordings(self) -> list[str]:
        """Requests a cassette had no recorded answer for, each with the nearest recordings."""
        return [
            f"{e.method} {e.path}: no recorded interaction matches. Nearest: "
            + (" | ".join(e.nearest) or "the cassette is empty")
            for e in reversed(self._entries())
            if e.cassette == "unmatched"
        ]

    def unexpected_violations(self) -> list[str]:
        """The violations that fail a passing test: none when the test expects them."""
        return [] if self.violations_expected else self.violations()

    def unallowed_unmatched(self) -> list[str]:
        """The requests without a recording that fail a passing test: none when allowed."""
        return [] if self.unmatched_allowed else self.unmatched_recordings()

    def failed_exchanges(self) -> list[str]:
        """Each 4xx or 5xx this test got, with Novu's message and field messages."""
        lines = []
        for entry in reversed(self._entries()):
            if entry.status < 400:
                continue
            body = entry.response_body
            message = body.get("message") if isinstance(body, dict) else None
            said = message if isinstance(message, str) else repr(body)
            line = f"{entry.method} {entry.path} -> {entry.status}: {said}"
            errors = body.get("errors") if isinstance(body, dict) else None
            if isinstance(errors, dict):
                for name, problem in errors.items():
                    for text in problem.get("messages", []) if isinstance(problem, dict) else []:
                        line += f"\n      {name}: {text}"
            lines.append(line)
        return lines

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

    def _known(self, operation_id: str) -> None:
        operations = sorted(self.server.operations)
        if operation_id in operations:
            return
        close = difflib.get_close_matches(operation_id, operations, n=3, cutoff=0.4)
        raise AssertionError(
            f"{operation_id!r} is not an operation of the mock's spec"
            + (f"; did you mean {', '.join(close)}?" if close else "")
            + "\nIts operations:\n"
            + "\n".join(f"  {name}" for name in operations)
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

    def __getattr__(self, name: str) -> Any:
        """A resource's view of the test's environment (Resource.views): `novu_mock.outbox`;
        or its helper (Resource.helpers), run in the test's environment as a dashboard
        caller, holding the store lock: `novu_mock.create_integration(providerId=...)`,
        `novu_mock.integrations()`."""
        if name.startswith("_"):
            raise AttributeError(name)
        server = self.server
        viewed = [(r, r.views[name]) for r in server.resources if name in r.views]
        if viewed:
            resource, view = viewed[0]
            with server.store.lock:
                return view(resource, self._session().environment, {})
        offered = [(r, r.helpers[name]) for r in server.resources if name in r.helpers]
        if not offered:
            raise AttributeError(f"novu_mock has no {name!r} (and no resource offers it)")
        resource, helper = offered[0]

        def call(*args: Any, **kwargs: Any) -> Any:
            with server.store.lock:
                return helper(resource, self._session(), *args, **kwargs)

        call.__doc__ = helper.__doc__
        return call

    def advance_clock(self, seconds: float) -> str:
        """Move the frozen clock (`@pytest.mark.novu_mock(frozen_time=...)`) forward, as
        `POST /__mock/clock` does: what delays held back and came due is delivered. Returns the
        new time."""
        return iso_timestamp(self.server.advance_clock(seconds))

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


def journal_played(server: MockServer, played: PlayedExchange) -> None:
    """Put an exchange a cassette player answered into the mock's journal, so that the
    journal, assert_called and the violation checks see the same in replay as in recording."""
    incoming = Incoming(played.environ)
    incoming.body_read = played.request_body
    record_exchange(
        server,
        incoming,
        status=played.status,
        response_headers=played.headers,
        response_body=played.response_body,
        operation_id=played.operation_id,
        violations=[Violation("recorded", message) for message in played.violations],
        nearest=played.nearest,
        cassette=played.kind,
    )
