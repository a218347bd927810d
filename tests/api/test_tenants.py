"""Tenants (Novu's v1 tenant routes) and what a trigger's tenant does: `no_tenant_found`, the
stored tenant updated from the trigger, and integration conditions that pick the integration
(from novuhq/novu's tenant use cases, parse-event-request and select-integration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.http.app import create_app
from mockserver.settings import Settings
from mockserver.state.errors import DatasetError
from tests.api.test_events import make_workflow, outbox, trigger
from tests.conftest import Api, Keys


def tenant(api: Api, identifier: str, **fields: Any) -> dict[str, Any]:
    status, body = api.call("POST", "/v1/tenants", {"identifier": identifier, **fields})
    assert status == 201, body
    made: dict[str, Any] = body["data"]
    return made


def test_create_get_update_delete_with_novus_wording(api: Api, keys: Keys) -> None:
    made = tenant(api, "acme", name="Acme", data={"region": "eu"})
    assert (made["identifier"], made["name"], made["data"]) == ("acme", "Acme", {"region": "eu"})
    status, body = api.call("POST", "/v1/tenants", {"identifier": "acme", "name": "Again"})
    assert (status, body["message"]) == (
        409,
        f"Tenant with identifier: acme already exists under environment {keys.development_id}",
    )
    status, body = api.call("PATCH", "/v1/tenants/acme", {"name": "", "data": {"region": "us"}})
    # An empty name changes nothing; data is replaced.
    assert (body["data"]["name"], body["data"]["data"]) == ("Acme", {"region": "us"})
    tenant(api, "globex", name="Globex")
    status, body = api.call("PATCH", "/v1/tenants/acme", {"identifier": "globex"})
    assert status == 409
    status, body = api.call("PATCH", "/v1/tenants/acme", {"identifier": "acme-2"})
    assert body["data"]["identifier"] == "acme-2"
    assert api.call("GET", "/v1/tenants/acme")[0] == 404
    assert api.call("DELETE", "/v1/tenants/acme-2") == (204, None)
    status, body = api.call("GET", "/v1/tenants/acme-2")
    assert (status, body["message"]) == (
        404,
        f"Tenant with identifier: acme-2 does not exist under environment {keys.development_id}",
    )


def test_list_pages_with_has_more(api: Api) -> None:
    for name in ("t1", "t2", "t3"):
        tenant(api, name, name=name.upper())
    status, body = api.call("GET", "/v1/tenants?limit=2")
    assert status == 200
    assert ([t["identifier"] for t in body["data"]], body["hasMore"]) == (["t1", "t2"], True)
    body = api.call("GET", "/v1/tenants?limit=2&page=1")[1]
    assert ([t["identifier"] for t in body["data"]], body["hasMore"]) == (["t3"], False)


def test_a_trigger_naming_a_missing_tenant_sends_nothing(api: Api, client: FlaskClient) -> None:
    make_workflow(api)
    status, body = trigger(api, to="ten-a", tenant="nobody")
    assert (status, body["data"]["status"]) == (201, "no_tenant_found")
    assert outbox(client, transaction=body["data"]["transactionId"]) == []
    tenant(api, "present", name="Present")
    status, body = trigger(api, to="ten-a", tenant={"identifier": "present", "name": "Renamed"})
    assert body["data"]["status"] == "processed"
    assert outbox(client, transaction=body["data"]["transactionId"])
    # The worker's process-tenant: the trigger's object updated the stored tenant.
    assert api.call("GET", "/v1/tenants/present")[1]["data"]["name"] == "Renamed"
    # A broadcast answers `processed` either way, and sends nothing for a missing tenant.
    status, body = api.call(
        "POST",
        "/v1/events/trigger/broadcast",
        {"name": "order-shipped", "payload": {}, "tenant": "nobody"},
    )
    assert body["data"]["status"] == "processed"
    assert outbox(client, transaction=body["data"]["transactionId"]) == []


def _conditioned_email(api: Api, **fields: Any) -> dict[str, Any]:
    return api.create(
        providerId="sendgrid",
        channel="email",
        active=True,
        credentials={"apiKey": "SG.test", "from": "no-reply@acme.test"},
        **fields,
    )


def test_a_tenants_conditions_choose_the_email_integration(api: Api, client: FlaskClient) -> None:
    make_workflow(api)
    tenant(api, "acme", name="Acme", data={"tier": "gold"})
    tenant(api, "globex", name="Globex", data={"tier": "free"})
    chosen = _conditioned_email(
        api,
        name="Acme mail",
        conditions=[
            {
                "isNegated": False,
                "type": "BOOLEAN",
                "value": "AND",
                "children": [
                    {"on": "tenant", "field": "identifier", "value": "acme", "operator": "EQUAL"},
                    {"on": "tenant", "field": "data.tier", "value": "gold", "operator": "EQUAL"},
                ],
            }
        ],
    )

    def provider(**body: Any) -> str:
        status, answer = trigger(api, to={"subscriberId": "c1", "email": "c1@x.test"}, **body)
        assert status == 201, answer
        sent = outbox(client, transaction=answer["data"]["transactionId"], channel="email")
        return str(sent[0]["integrationIdentifier"])

    assert provider(tenant="acme") == chosen["identifier"]
    primary_email = provider()
    assert primary_email != chosen["identifier"]
    assert provider(tenant="globex") == primary_email
    # An override names the integration: conditions are not consulted.
    overridden = provider(
        tenant="acme", overrides={"email": {"integrationIdentifier": primary_email}}
    )
    assert overridden == primary_email


def test_rules_over_the_subscriber_choose_and_withhold_an_integration(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api)
    pro = _conditioned_email(api, name="Pro mail")
    status, body = api.call(
        "PUT",
        f"/v1/integrations/{pro['_id']}",
        {"rules": {"==": [{"var": "subscriber.data.plan"}, "pro"]}},
    )
    assert status == 200, body

    def provider(plan: str) -> str:
        to = {"subscriberId": f"r-{plan}", "email": "r@x.test", "data": {"plan": plan}}
        answer = trigger(api, to=to)[1]["data"]
        (sent,) = outbox(client, transaction=answer["transactionId"], channel="email")
        return str(sent["integrationIdentifier"])

    assert provider("pro") == pro["identifier"]
    assert provider("free") != pro["identifier"]


def test_a_dataset_makes_tenants_and_refuses_a_taken_identifier(tmp_path: Path) -> None:
    dataset = tmp_path / "tenants.yaml"
    text = (
        "kind: mockserver-dataset\nversion: 1\nreplaceSeed: true\norganizations:\n"
        "- name: Acme\n  environments:\n  - name: Development\n    apiKey: acme-dev-key\n"
        "    tenants:\n    - {identifier: acme, name: Acme, data: {tier: gold}}\n"
    )
    dataset.write_text(text)
    app = create_app(Settings(fixtures_path=dataset))
    answer = app.test_client().get(
        "/v1/tenants/acme", headers={"Authorization": "ApiKey acme-dev-key"}
    )
    assert answer.get_json()["data"]["data"] == {"tier": "gold"}
    dataset.write_text(text + "    - {identifier: acme, name: Again}\n")
    with pytest.raises(DatasetError, match="tenant 1: Tenant with identifier: acme already"):
        create_app(Settings(fixtures_path=dataset))


def test_tenants_survive_a_state_export_and_a_hostile_import_changes_nothing(
    api: Api, client: FlaskClient
) -> None:
    tenant(api, "kept", name="Kept", data={"a": 1})
    exported = client.get("/__mock/state").get_json()
    client.post("/__mock/reset")
    assert client.put("/__mock/state", json=exported).status_code == 200
    assert api.call("GET", "/v1/tenants/kept")[1]["data"]["data"] == {"a": 1}
    environment = exported["organizations"][0]["environments"][0]
    environment["tenants"].append(dict(environment["tenants"][0], _id="f" * 24))
    refused = client.put("/__mock/state", json=exported)
    assert refused.status_code == 400
    assert "two tenants 'kept'" in refused.get_data(as_text=True)
    assert api.call("GET", "/v1/tenants/kept")[0] == 200
