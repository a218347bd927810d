"""The pytest plugin, exercised the way users meet it: inner pytest runs through pytester."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.live


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)


def test_live_server_per_test_environment_and_reset(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx

def test_first(novu_mock):
    assert novu_mock.url.startswith("http://127.0.0.1:")
    created = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                         json={"providerId": "ses", "channel": "email", "identifier": "mine"})
    assert created.status_code == 201
    listed = httpx.get(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers).json()
    assert {i["_environmentId"] for i in listed["data"]} == {novu_mock.environment_id}

def test_second_starts_clean(novu_mock):
    listed = httpx.get(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers).json()
    assert "mine" not in {i["identifier"] for i in listed["data"]}
    assert len(listed["data"]) == 12
""",
    )
    result.assert_outcomes(passed=2)


def test_a_request_that_breaks_the_contract_fails_the_test(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx
import pytest

def test_sends_a_bad_body(novu_mock):
    response = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                          json={"providerId": 5})
    assert response.status_code == 422

@pytest.mark.novu_mock(expect_violations=True)
def test_says_it_expects_it(novu_mock):
    httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
               json={"providerId": 5})

def test_says_so_at_run_time(novu_mock_client):
    novu_mock_client.novu_mock.expect_violations()
    assert novu_mock_client.post("/v1/integrations", json={"providerId": 5}).status_code == 422
""",
    )
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_sends_a_bad_body*",
            "*the Novu mock saw 1 contract violation(s) in this test:*",
            "*POST /v1/integrations -> 422: request violation: providerId: providerId must be*",
        ]
    )


def test_an_answer_that_breaks_the_contract_fails_the_test(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
from mockserver.resources.base import Reply

def test_broken_answer(novu_mock_app, novu_mock_client, monkeypatch):
    def broken(call):
        return Reply(200, [{"name": None}])
    handlers = novu_mock_app.extensions["mockserver"].handlers
    monkeypatch.setitem(handlers, "IntegrationsController_listIntegrations", broken)
    assert novu_mock_client.get("/v1/integrations").status_code == 500
""",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*GET /v1/integrations -> 500: response violation: $.data.0*"])


def test_assert_called_and_its_failure_message(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx
import pytest

def test_helpers(novu_mock):
    target = novu_mock.create_integration(providerId="ses", channel="email", active=True)
    httpx.post(f"{novu_mock.url}/v1/integrations/{target['_id']}/set-primary",
               headers=novu_mock.headers)
    httpx.put(f"{novu_mock.url}/v1/integrations/{target['_id']}", headers=novu_mock.headers,
              json={"name": "Renamed", "active": True})
    novu_mock.assert_called("IntegrationsController_setIntegrationAsPrimary", times=1)
    novu_mock.assert_called("IntegrationsController_updateIntegrationById",
                            json_contains={"name": "Renamed"}, status=200)
    novu_mock.assert_not_called("IntegrationsController_removeIntegration")
    assert [i["name"] for i in novu_mock.integrations() if i["_id"] == target["_id"]] == ["Renamed"]

def test_failing_assertion(novu_mock):
    httpx.get(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers)
    novu_mock.assert_called("IntegrationsController_removeIntegration", times=1)
""",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected IntegrationsController_removeIntegration to be called 1 time(s)*",
            "*What this test called:*",
            "*GET /v1/integrations -> 200 (IntegrationsController_listIntegrations)*",
        ]
    )


def test_the_outbox_and_assert_sent_say_what_was_sent(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx

def trigger(novu_mock, **body):
    answer = httpx.post(f"{novu_mock.url}/v1/events/trigger", headers=novu_mock.headers,
                        json={"name": "welcome", **body})
    assert answer.status_code == 201, answer.text

def test_sent(novu_mock):
    novu_mock.create_subscriber(subscriberId="ada", firstName="Ada", email="ada@example.com")
    trigger(novu_mock, to="ada")
    channels = [(m["channel"], m["subscriberId"]) for m in novu_mock.outbox]
    assert channels == [("in_app", "ada"), ("email", "ada")]
    (email,) = novu_mock.assert_sent(channel="email", subscriberId="ada",
                                     to={"email": "ada@example.com"},
                                     subject_contains="Ada")
    assert email["providerId"] == novu_mock.sent(channel="email")[0]["providerId"]

def test_not_sent(novu_mock):
    trigger(novu_mock, to={"subscriberId": "bob", "email": "bob@example.com"})
    novu_mock.assert_sent(channel="sms", subscriberId="bob")
""",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*expected at least one message with status='sent', channel='sms', "
            "subscriberId='bob', found 0.*",
            "*What the outbox holds:*",
            "*sent    email  to bob (email=bob@example.com) via *[welcome/welcome-email]*",
        ]
    )


def test_a_frozen_clock_lets_a_test_decide_when_a_delay_is_over(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx
import pytest

@pytest.mark.novu_mock(frozen_time="2026-05-01T08:00:00Z")
def test_reminder(novu_mock):
    novu_mock.create_workflow(name="Reminder", workflowId="reminder", active=True, steps=[
        {"name": "Wait", "type": "delay", "controlValues": {"amount": 1, "unit": "hours"}},
        {"name": "Inbox", "type": "in_app", "controlValues": {"body": "Still there?"}},
    ])
    novu_mock.create_subscriber(subscriberId="ada")
    httpx.post(f"{novu_mock.url}/v1/events/trigger", headers=novu_mock.headers,
               json={"name": "reminder", "to": "ada"}).raise_for_status()
    assert novu_mock.outbox == []
    assert novu_mock.advance_clock(3600) == "2026-05-01T09:00:00.000Z"
    novu_mock.assert_sent(channel="in_app", subscriberId="ada", body_contains="Still there?")
""",
    )
    result.assert_outcomes(passed=1)


def test_marker_configures_seed_validation_and_rate_limit(pytester: pytest.Pytester):
    result = run(
        pytester,
        """
import httpx
import pytest

from mockserver.http.app import create_app
from mockserver.settings import Settings

@pytest.mark.novu_mock(seed=7)
def test_other_seed(novu_mock, novu_mock_app):
    assert novu_mock_app.extensions["mockserver"].seed == 7
    assert novu_mock.server.seed == 7
    seeded = create_app(Settings(seed=7)).extensions["mockserver"].organizations[0].name
    default = create_app(Settings()).extensions["mockserver"].organizations[0].name
    assert novu_mock.server.organizations[0].name == seeded != default

@pytest.mark.novu_mock(rate_limit="free", validation="warn")
def test_rate_limited(novu_mock):
    response = httpx.get(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers)
    assert response.headers["RateLimit-Limit"] == "150"
    assert novu_mock.server.settings.validation.value == "warn"
""",
    )
    result.assert_outcomes(passed=2)


def test_state_marker_loads_a_state_document(pytester: pytest.Pytester):
    from mockserver.http.app import create_app

    state = create_app().test_client().get("/__mock/state").data.decode()
    pytester.makefile(".json", dataset=state)
    result = run(
        pytester,
        """
import json
import pathlib
import pytest

@pytest.mark.novu_mock(state="dataset.json")
def test_uses_the_dataset(novu_mock_client, novu_mock):
    expected = json.loads(pathlib.Path(__file__).with_name("dataset.json").read_text())
    first = expected["organizations"][0]["environments"][0]
    assert novu_mock.api_key == first["apiKey"]
    listed = novu_mock_client.get("/v1/integrations").get_json()["data"]
    assert len(listed) == len([i for i in first["integrations"] if not i["deleted"]])
""",
    )
    result.assert_outcomes(passed=1)


def test_xdist_workers_never_share_state(pytester: pytest.Pytester):
    pytester.makeconftest("")
    result = run(
        pytester,
        """
import httpx
import pytest

@pytest.mark.parametrize("round", range(8))
def test_each_sees_only_its_own(novu_mock, round):
    for _ in range(3):
        response = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                              json={"providerId": "ses", "channel": "email"})
        assert response.status_code == 201
    created = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                         json={"providerId": "ses", "channel": "email", "identifier": "unique"})
    assert created.status_code == 201
    assert len(novu_mock.integrations()) == 12 + 4
""",
        "-n",
        "2",
    )
    result.assert_outcomes(passed=8)
    result.stdout.fnmatch_lines(["*2 workers*"])


CASSETTE_TEST = """
import httpx
import pytest

@pytest.mark.novu_cassette("walkthrough")
def test_talks_to_novu(novu_mock):
    created = httpx.post(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers,
                         json={"providerId": "sendgrid", "channel": "email", "name": "Taped",
                               "credentials": {"apiKey": "SG.plugin-secret"}})
    assert created.status_code == 201
    listed = httpx.get(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers)
    assert "Taped" in [i["name"] for i in listed.json()["data"]]
    print("REPLAYED" if "X-Mockserver-Replay" in created.headers else "RECORDED")
"""


def test_novu_cassette_records_once_then_replays(pytester: pytest.Pytester):
    first = run(pytester, CASSETTE_TEST, "-s")
    first.assert_outcomes(passed=1)
    assert "RECORDED" in first.stdout.str()
    cassette = pytester.path / "cassettes" / "walkthrough.yaml"
    text = cassette.read_text()
    assert text.startswith("kind: mockserver-cassette") and "SG.plugin-secret" not in text
    second = run(pytester, CASSETTE_TEST, "-s")
    second.assert_outcomes(passed=1)
    assert "REPLAYED" in second.stdout.str()
    assert cassette.read_text() == text  # mode once: an existing cassette is only replayed


def test_novu_cassette_in_mode_none_fails_a_request_it_has_no_answer_for(
    pytester: pytest.Pytester,
):
    result = run(
        pytester,
        """
import httpx
import pytest

@pytest.mark.novu_cassette("empty", mode="none", allow_unmatched=True)
def test_offline(novu_mock):
    answer = httpx.get(f"{novu_mock.url}/v1/integrations", headers=novu_mock.headers)
    assert answer.status_code == 404
    assert "the cassette is empty" in answer.json()["message"]
""",
    )
    result.assert_outcomes(passed=1)
