"""The plugin's promises, run after run: cassette tests that pass once pass every time, failures
that explain themselves, data that does not depend on a test's name, clear usage errors."""

from __future__ import annotations

import subprocess
import sys
import threading

import httpx
import pytest

from mockserver.testing.threaded import ThreadedServer
from tests.plugin.test_pytest_plugin import run
from tests.reference import ROOT

pytestmark = pytest.mark.live

JOURNALED_CASSETTE_TEST = """
import httpx
import pytest

@pytest.mark.novu_cassette("journaled")
def test_journaled(novu_mock):
    with httpx.Client(base_url=novu_mock.url, headers=novu_mock.headers) as client:
        created = client.post("/v1/integrations", json={"providerId": "ses", "channel": "email"})
        assert created.status_code == 201
        client.get("/v1/integrations")
        novu_mock.assert_called("IntegrationsController_createIntegration", times=1, status=201)
        novu_mock.assert_called("IntegrationsController_listIntegrations", times=1)
        assert client.post("/__mock/reset").status_code == 200
        print("REPLAYED" if "X-Mockserver-Replay" in created.headers else "RECORDED")
"""


def test_a_cassette_test_judges_replay_as_it_judged_recording(pytester: pytest.Pytester):
    first = run(pytester, JOURNALED_CASSETTE_TEST, "-s")
    first.assert_outcomes(passed=1)
    assert "RECORDED" in first.stdout.str()
    for _ in range(2):
        again = run(pytester, JOURNALED_CASSETTE_TEST, "-s")
        again.assert_outcomes(passed=1)
        assert "REPLAYED" in again.stdout.str()


VIOLATING_CASSETTE_TEST = """
import httpx
import pytest

@pytest.mark.novu_cassette("violating")
def test_sends_a_bad_body(novu_mock):
    answer = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                        json={"providerId": 5})
    assert answer.status_code == 422
"""


def test_a_recorded_violation_fails_the_replay_too(pytester: pytest.Pytester):
    for _ in range(2):
        result = run(pytester, VIOLATING_CASSETTE_TEST)
        result.assert_outcomes(failed=1)
        result.stdout.fnmatch_lines(
            [
                "*1 contract violation(s) in this test:*",
                "*POST /v1/integrations -> 422: *providerId*",
            ]
        )


def test_a_request_with_no_recording_fails_the_test_naming_the_nearest(
    pytester: pytest.Pytester,
):
    run(pytester, JOURNALED_CASSETTE_TEST).assert_outcomes(passed=1)
    result = run(
        pytester,
        """
import httpx
import pytest

@pytest.mark.novu_cassette("journaled")
def test_asks_for_something_else(novu_mock):
    httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
               json={"providerId": "ses", "channel": "email"})
    httpx.get(f"{novu_mock.url}/v1/integrations/active", headers=novu_mock.headers)

@pytest.mark.novu_cassette("journaled", allow_unmatched=True)
def test_says_it_may(novu_mock):
    httpx.get(f"{novu_mock.url}/v1/integrations/active", headers=novu_mock.headers)
""",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*the cassette had no recorded answer for 1 request(s):*",
            "*GET /v1/integrations/active: no recorded interaction matches. Nearest: #*",
        ]
    )


def test_a_failing_test_reports_what_the_mock_saw(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx

def test_raises_on_the_422(novu_mock):
    answer = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                        json={"providerId": "sendgrid", "channel": "pigeon"})
    answer.raise_for_status()
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- Novu mock -*",
            "*violation: POST /v1/integrations -> 422: request violation: channel*",
            "*error answer: POST /v1/integrations -> 422: Validation Error*",
            "*channel: channel must be one of the following values*",
        ]
    )


def test_a_request_to_no_route_fails_the_test(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx
import pytest

def test_typo(novu_mock):
    answer = httpx.get(f"{novu_mock.url}/v1/integration", headers=novu_mock.headers)
    assert answer.status_code == 404

@pytest.mark.novu_mock(expect_violations=True)
def test_meant(novu_mock):
    assert httpx.get(f"{novu_mock.url}/v1/integration").status_code == 404
""",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*GET /v1/integration -> 404: request violation: no operation of the spec has this*"]
    )


def test_renaming_a_test_keeps_its_data_and_empty_and_named_data(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import pytest

def identifiers(novu_mock):
    return sorted(i["identifier"] for i in novu_mock.integrations())

def test_one_name(novu_mock):
    print("ONE", identifiers(novu_mock))

def test_another_name(novu_mock):
    print("TWO", identifiers(novu_mock))

@pytest.mark.novu_mock(empty=True)
def test_empty(novu_mock):
    assert novu_mock.integrations() == []

@pytest.mark.novu_mock(data="checkout")
def test_named(novu_mock):
    print("NAMED", identifiers(novu_mock))

@pytest.mark.novu_mock(data="checkout")
def test_named_too(novu_mock):
    print("NAMED", identifiers(novu_mock))
""",
        "-s",
    )
    result.assert_outcomes(passed=5)
    lines = result.stdout.str().splitlines()
    one = next(line.split("ONE ", 1)[1] for line in lines if "ONE [" in line)
    two = next(line.split("TWO ", 1)[1] for line in lines if "TWO [" in line)
    named = [line.split("NAMED ", 1)[1] for line in lines if "NAMED [" in line]
    assert one == two
    assert len(named) == 2 and named[0] == named[1] != one


def test_usage_errors_name_what_is_valid(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import pytest

@pytest.mark.novu_mock(seeed=7)
def test_misspelled(novu_mock):
    pass

def test_unknown_operation(novu_mock):
    novu_mock.assert_called("createIntegration")
""",
    )
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*unknown option seeed (did you mean seed?). Options: data, dataset, empty*",
            "*'createIntegration' is not an operation of the mock's spec; did you mean "
            "IntegrationsController_createIntegration*",
        ]
    )


def test_stopping_closes_kept_alive_connections() -> None:
    server = ThreadedServer().start()
    with httpx.Client() as client:
        assert client.get(f"{server.url}/__mock/health").status_code == 200
        threads = [t for t in threading.enumerate() if t.name == "novu-mock"]
        server.stop()  # the client still holds its connection open
        assert not any(t.is_alive() for t in threads)


def test_the_plugin_loads_nothing_until_a_test_asks_for_the_mock():
    """A pytest run that never uses the mock pays for pytest alone: no Flask, no Faker, no
    contract (they cost most of a second to import)."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, mockserver.testing.pytest_plugin; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('flask', 'faker', 'jsonschema', 'openapi_core', 'werkzeug') "
            "or m.startswith('mockserver.')))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # The plugin, the record modes it offers as choices, their (empty) packages: no more.
    assert loaded.stdout.strip() == str(
        [
            "mockserver.replay",
            "mockserver.replay.options",
            "mockserver.testing",
            "mockserver.testing.pytest_plugin",
        ]
    )


def test_the_threaded_server_works_outside_pytest_as_a_context_manager() -> None:
    script = (
        "import httpx\n"
        "from mockserver import ThreadedServer\n"
        "with ThreadedServer() as mock:\n"
        "    answer = httpx.get(mock.url + '/v1/integrations',\n"
        "                       headers={'Authorization': 'ApiKey ' + mock.api_key})\n"
        "    print(answer.status_code, len(answer.json()['data']))\n"
        "    url = mock.url\n"
        "try:\n"
        "    httpx.get(url + '/__mock/health', timeout=1)\n"
        "    print('still up')\n"
        "except httpx.TransportError:\n"
        "    print('stopped')\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert shown.stdout.split("\n")[:2] == ["200 12", "stopped"]


def test_the_version_is_the_one_pyproject_gives() -> None:
    import tomllib

    import mockserver

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert mockserver.__version__ == project["version"]
