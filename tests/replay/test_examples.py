"""The example dataset and cassette shipped in fixtures/, used the way the README says."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from novu_py import Novu, models

from mockserver.contract import load_contract
from mockserver.replay.cassette import load_cassette
from tests.live import live_command, live_server
from tests.reference import ROOT

pytestmark = pytest.mark.live

DATASET = ROOT / "fixtures" / "datasets" / "acme.yaml"
CASSETTE = ROOT / "fixtures" / "cassettes" / "acme-walkthrough.yaml"
ACME_DEVELOPMENT = "acme-development-key-0001"


def test_serve_with_the_example_dataset_starts_from_it_on_top_of_the_seed():
    with live_server("--fixtures", str(DATASET)) as server:
        assert "organization Acme Corp" in server.banner
        listed = httpx.get(
            f"{server.url}/v1/integrations",
            headers={"Authorization": f"ApiKey {ACME_DEVELOPMENT}"},
        ).json()["data"]
        seeded = httpx.get(
            f"{server.url}/v1/integrations",
            headers={"Authorization": f"ApiKey {server.development_key}"},
        ).json()["data"]
    assert [i["name"] for i in listed] == [
        "SendGrid (transactional)",
        "Mailgun (fallback)",
        "Twilio",
        "Slack alerts",
    ]
    by_name = {i["name"]: i for i in listed}
    assert by_name["SendGrid (transactional)"]["primary"] is True
    assert by_name["Mailgun (fallback)"]["primary"] is False
    assert by_name["SendGrid (transactional)"]["identifier"] == "sendgrid-transactional"
    assert all(i["credentials"] == {} for i in listed)  # API keys never see credentials
    assert len(seeded) == 12  # the Faker-seeded organization is still there


def test_the_example_cassette_replays_to_the_sdk_offline():
    cassette = load_cassette(CASSETTE, load_contract(None))
    assert len(cassette.interactions) == 6
    with live_command("replay", str(CASSETTE)) as url, Novu(server_url=url, secret_key="x") as novu:
        created = novu.integrations.create(
            create_integration_request_dto={
                "provider_id": "postmark",
                "channel": models.CreateIntegrationRequestDtoChannel.EMAIL,
                "name": "Postmark",
                "active": True,
                "credentials": {
                    "api_key": "any secret: masked before matching",
                    "from_": "hello@acme.test",
                },
            }
        ).result
        assert created.id == cassette.interactions[0].response_body["data"]["_id"]
        renamed = novu.integrations.update(
            integration_id=created.id,
            update_integration_request_dto={"name": "Postmark (receipts)"},
        ).result
        assert renamed.name == "Postmark (receipts)"
        assert novu.integrations.set_as_primary(integration_id=created.id).result.primary
        active = novu.integrations.list_active().result
        assert [i.name for i in active][-1] == "Postmark (receipts)"
        with pytest.raises(models.ErrorDto) as missing:
            novu.integrations.delete(integration_id="f" * 24)
        assert missing.value.data.status_code == 404


def test_the_example_cassette_verifies_against_a_fresh_mock_with_the_example_dataset():
    with live_server("--fixtures", str(DATASET)) as fresh:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "mockserver",
                "verify",
                str(CASSETTE),
                "--target",
                fresh.url,
                "--api-key",
                ACME_DEVELOPMENT,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "6 of 6 interactions match" in run.stdout
