"""Record, replay and verify end to end, over real HTTP, through the official Python SDK.

A second `mockserver serve` plays the real Novu. The SDK talks to `mockserver record` in front
of it; the upstream is then stopped and `mockserver replay` must give the same SDK calls the
same results; `mockserver verify` must pass against a fresh upstream and fail, naming the
interaction, against one whose behaviour a fault has changed.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from novu_py import Novu, models
from novu_py.utils import BackoffStrategy, RetryConfig

from mockserver.contract import load_contract
from mockserver.novu.secrets import secret_body_keys
from mockserver.replay.cassette import load_cassette
from tests.cli import run_mockserver
from tests.live import LiveServer, live_command, live_server

pytestmark = pytest.mark.live

NO_RETRIES = RetryConfig("none", BackoffStrategy(1, 1, 1.0, 1), False)
SECRETS_SENT = ["SG.recorded-secret-key", "twilio-secret-token", "whsec-signing-secret"]


def walkthrough(url: str, api_key: str) -> list[Any]:
    """A session an application might have with Novu, reduced to what it observed."""
    seen: list[Any] = []
    with Novu(server_url=url, secret_key=api_key, retry_config=NO_RETRIES) as novu:
        seen.append(sorted(i.name for i in novu.integrations.list().result))
        created = novu.integrations.create(
            create_integration_request_dto={
                "provider_id": "sendgrid",
                "channel": models.CreateIntegrationRequestDtoChannel.EMAIL,
                "name": "Recorded SendGrid",
                "active": True,
                "credentials": {"api_key": SECRETS_SENT[0], "from_": "ops@acme.test"},
            }
        ).result
        seen.append((created.id, created.name, created.active, created.identifier))
        sms = novu.integrations.create(
            create_integration_request_dto={
                "provider_id": "twilio",
                "channel": models.CreateIntegrationRequestDtoChannel.SMS,
                "credentials": {"account_sid": "AC1", "token": SECRETS_SENT[1]},
            }
        ).result
        seen.append((sms.id, sms.name))
        updated = novu.integrations.update(
            integration_id=created.id,
            update_integration_request_dto={"name": "Renamed SendGrid"},
        ).result
        seen.append((updated.name, updated.identifier))
        primary = novu.integrations.set_as_primary(integration_id=created.id).result
        seen.append((primary.primary, primary.active))
        try:
            novu.integrations.delete(integration_id="0123456789abcdef01234567")
        except models.ErrorDto as error:
            seen.append((error.data.status_code, error.data.message))
        try:
            novu.integrations.create(create_integration_request_dto={"channel": "email"})
        except models.ValidationErrorDto as error:
            seen.append((error.data.status_code, sorted(error.data.errors)))
        remaining = novu.integrations.delete(integration_id=sms.id).result
        seen.append(sorted(i.name for i in remaining))
    return seen


def dashboard_view(url: str, token: str) -> list[dict[str, Any]]:
    """A dashboard session gets credentials in clear: secrets received, not only sent."""
    answer = httpx.get(f"{url}/v1/integrations", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def verify(cassette: Path, target: LiveServer, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_mockserver(
        "verify",
        str(cassette),
        "--target",
        target.url,
        "--api-key",
        target.development_key,
        "--dashboard-token",
        target.dashboard_token,
        *extra,
        timeout=120,
    )


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cassette = tmp_path_factory.mktemp("cassettes") / "walkthrough.yaml"
    with live_server("--validation", "strict") as upstream:
        with live_command(
            "record", "--upstream", upstream.url, "--cassette", str(cassette), "--mode", "all"
        ) as proxy:
            observed = walkthrough(proxy, upstream.development_key)
            clear = dashboard_view(proxy, upstream.dashboard_token)
            # The webhook signing key is a secret Novu only shows to dashboard sessions.
            answer = httpx.post(
                f"{proxy}/v1/integrations/{observed[1][0]}/webhook/configure",
                headers={"Authorization": f"Bearer {upstream.dashboard_token}"},
                json={"signingSecret": SECRETS_SENT[2]},
            )
        secrets_received = [
            value
            for integration in clear
            for key, value in integration["credentials"].items()
            if key in secret_body_keys() and isinstance(value, str) and value
        ]
        keys = [upstream.development_key, upstream.production_key, upstream.dashboard_token]
    return {
        "cassette": cassette,
        "observed": observed,
        "received": secrets_received,
        "keys": keys,
        "configure_status": answer.status_code,
    }


def test_the_recording_holds_every_interaction_with_its_operation(recording: dict[str, Any]):
    cassette = load_cassette(recording["cassette"], load_contract(None))
    operations = [i.operation_id for i in cassette.interactions]
    assert operations[:3] == [
        "IntegrationsController_listIntegrations",
        "IntegrationsController_createIntegration",
        "IntegrationsController_createIntegration",
    ]
    assert "IntegrationsController_setIntegrationAsPrimary" in operations
    statuses = [i.status for i in cassette.interactions]
    assert 404 in statuses and 422 in statuses
    # The 422 was the client's mistake, and the recording says so.
    invalid = next(i for i in cassette.interactions if i.status == 422)
    assert any("providerId" in v for v in invalid.violations)
    assert recording["cassette"].read_text().startswith("kind: mockserver-cassette\nversion: 1\n")


def test_no_secret_sent_or_received_reaches_the_cassette(recording: dict[str, Any]):
    text = recording["cassette"].read_text()
    assert recording["received"], "the dashboard view should have shown credentials"
    for secret in [*SECRETS_SENT, *recording["received"], *recording["keys"]]:
        assert secret not in text, f"{secret[:6]}... is in the cassette"
    assert "ApiKey ****" in text and "Bearer ****" in text


def test_replay_gives_the_sdk_the_same_results_with_the_upstream_gone(
    recording: dict[str, Any],
):
    with live_command("replay", str(recording["cassette"])) as replay:
        # The key does not matter offline: recorded keys are masked, and never matched.
        assert walkthrough(replay, "any-key-at-all") == recording["observed"]
        # Identical requests get the recorded answers in order, each once: the next list is the
        # dashboard's (recorded second), and after it there is none left.
        second = httpx.get(f"{replay}/v1/integrations", headers={"Authorization": "ApiKey k"})
        assert second.status_code == 200
        assert any(i["credentials"] for i in second.json()["data"])
        again = httpx.get(f"{replay}/v1/integrations", headers={"Authorization": "ApiKey k"})
        assert again.status_code == 404
        assert "were played already" in again.json()["message"]
        stray = httpx.get(f"{replay}/v1/integrations/active", headers={"Authorization": "ApiKey k"})
        assert stray.status_code == 404
        body = stray.json()
        assert set(body) >= {"statusCode", "timestamp", "path", "message"}
        assert "no recorded interaction matches GET /v1/integrations/active" in body["message"]
        assert "#0 GET /v1/integrations: path /v1/integrations" in body["message"]


def test_replay_with_the_mock_as_fallback_answers_what_was_not_recorded(
    recording: dict[str, Any],
):
    with live_command("replay", str(recording["cassette"]), "--fallback", "mock") as replay:
        answer = httpx.get(
            f"{replay}/v1/integrations/active", headers={"Authorization": "ApiKey x"}
        )
        assert answer.status_code == 401  # the mock's own answer to a key it does not know
        assert "X-Mockserver-Replay" not in answer.headers


def test_verify_passes_against_a_fresh_upstream(recording: dict[str, Any], tmp_path: Path):
    report = tmp_path / "verify.xml"
    with live_server() as fresh:
        run = verify(recording["cassette"], fresh, "--junit", str(report))
    assert run.returncode == 0, run.stdout + run.stderr
    total = len(load_cassette(recording["cassette"], load_contract(None)).interactions)
    assert f"{total} of {total} interactions match" in run.stdout
    suite = ElementTree.parse(report).getroot().find("testsuite")
    assert suite is not None
    assert suite.get("tests") == str(total) and suite.get("failures") == "0"


def test_verify_fails_naming_the_interaction_a_changed_upstream_answers_differently(
    recording: dict[str, Any], tmp_path: Path
):
    report = tmp_path / "verify.xml"
    with live_server() as changed:
        httpx.post(
            f"{changed.url}/__mock/faults",
            json={
                "operationId": "IntegrationsController_setIntegrationAsPrimary",
                "status": 400,
                "message": "Primary is switched off here",
            },
        ).raise_for_status()
        run = verify(recording["cassette"], changed, "--junit", str(report))
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    failing = [line for line in lines if line.strip().startswith("FAIL")]
    # The first difference is the faulted call; what follows it differs because of it (the
    # primary stayed where it was), and is reported too.
    assert "/set-primary (IntegrationsController_setIntegrationAsPrimary)" in failing[0]
    assert lines[lines.index(failing[0]) + 1].strip() == "status 400, recorded 200"
    assert not any("#0 " in line or "#1 " in line for line in failing)
    cases = list(ElementTree.parse(report).getroot().iter("testcase"))
    failed = [str(case.get("name")) for case in cases if case.find("failure") is not None]
    assert failed[0].endswith("/set-primary") and len(failed) == len(failing)
