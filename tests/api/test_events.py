"""Triggers as Novu answers them, and what its worker would deliver: NOVU_EVENTS_SUBSCRIBERS.md
§2 and §6, from novuhq/novu's events use cases, worker and e2e tests; the outbox."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import Api

WORKFLOW: dict[str, Any] = {
    "name": "Order shipped",
    "workflowId": "order-shipped",
    "steps": [
        {
            "name": "Email",
            "type": "email",
            "controlValues": {
                "subject": "Order {{ payload.orderId }} shipped",
                "body": "<p>Hi {{ subscriber.firstName | default: 'there' }}</p>",
            },
        },
        {"name": "In-app", "type": "in_app", "controlValues": {"body": "{{ payload.orderId }}"}},
    ],
}


def make_workflow(api: Api, **changes: Any) -> dict[str, Any]:
    status, body = api.call("POST", "/v2/workflows", {**WORKFLOW, **changes})
    assert status == 201, body
    made: dict[str, Any] = body["data"]
    return made


def trigger(api: Api, **body: Any) -> tuple[int, Any]:
    return api.call("POST", "/v1/events/trigger", {"name": "order-shipped", **body})


def outbox(client: FlaskClient, **filters: str) -> list[dict[str, Any]]:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    answer = client.get(f"/__mock/outbox?{query}")
    assert answer.status_code == 200
    entries: list[dict[str, Any]] = answer.get_json()["data"]
    return entries


def primary(api: Api, channel: str) -> dict[str, Any]:
    (found,) = [
        i for i in api.integrations() if i["channel"] == channel and i["active"] and i["primary"]
    ]
    return found


def test_a_trigger_delivers_each_step_through_the_integration_novu_would_choose(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api)
    status, body = trigger(
        api,
        to={"subscriberId": "ada", "firstName": "Ada", "email": "ada@example.com"},
        payload={"orderId": "A-1"},
    )
    assert status == 201
    answer = body["data"]
    assert list(answer) == ["acknowledged", "status", "transactionId", "activityFeedLink"]
    assert answer["status"] == "processed" and answer["transactionId"].startswith("txn_")
    email, in_app = outbox(client, transaction=answer["transactionId"])
    assert email["channel"] == "email" and email["status"] == "sent"
    email_integration = primary(api, "email")
    assert email["providerId"] == email_integration["providerId"]
    assert email["integrationIdentifier"] == email_integration["identifier"]
    assert email["to"] == {"email": "ada@example.com"}
    assert (email["subject"], email["body"]) == ("Order A-1 shipped", "<p>Hi Ada</p>")
    assert (in_app["channel"], in_app["providerId"], in_app["body"]) == ("in_app", "novu", "A-1")
    # The recipient object made the subscriber.
    status, made = api.call("GET", "/v2/subscribers/ada")
    assert status == 200 and made["data"]["email"] == "ada@example.com"


def test_the_newest_active_primary_is_chosen_and_an_override_names_another(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api, steps=[WORKFLOW["steps"][0]])
    other = api.create(providerId="sendgrid", channel="email", name="Second", active=True)
    assert other["primary"] is False
    api.call(
        "POST", "/v1/subscribers/bulk", {"subscribers": [{"subscriberId": "b", "email": "b@x.io"}]}
    )
    trigger(api, to="b", transactionId="plain")
    trigger(
        api,
        to="b",
        transactionId="chosen",
        overrides={"email": {"integrationIdentifier": other["identifier"]}},
    )
    (plain,) = outbox(client, transaction="plain")
    (chosen,) = outbox(client, transaction="chosen")
    assert plain["integrationIdentifier"] == primary(api, "email")["identifier"]
    assert (chosen["providerId"], chosen["integrationIdentifier"]) == (
        "sendgrid",
        other["identifier"],
    )


def test_no_active_integration_means_no_message_and_a_recorded_failure(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api, steps=[{"name": "SMS", "type": "sms", "controlValues": {"body": "hi"}}])
    for integration in api.integrations():
        if integration["channel"] == "sms":
            api.call("PUT", f"/v1/integrations/{integration['_id']}", {"active": False})
    status, body = trigger(api, to={"subscriberId": "c", "phone": "+15550100"})
    assert status == 201 and body["data"]["status"] == "processed"
    (failed,) = outbox(client, transaction=body["data"]["transactionId"])
    assert failed["status"] == "failed"
    assert failed["reason"] == "SUBSCRIBER_NO_ACTIVE_INTEGRATION"
    status, messages = api.call("GET", "/v1/messages?subscriberId=c")
    assert status == 200 and messages["data"] == []


def test_a_subscriber_without_an_address_gets_a_warning_message(api: Api) -> None:
    make_workflow(api)
    trigger(api, to="no-email")
    status, body = api.call("GET", "/v1/messages?subscriberId=no-email&channel=email")
    assert status == 200
    (message,) = body["data"]
    assert message["status"] == "warning"
    assert message["errorText"] == "Subscriber does not have an email address"
    assert message["subscriber"]["subscriberId"] == "no-email"


def test_unknown_and_inactive_workflows_are_answered_as_novu_does(
    api: Api, client: FlaskClient
) -> None:
    status, body = trigger(api, to="x")
    assert status == 422
    assert (body["message"], body["error"]) == ("workflow_not_found", "Unprocessable Entity")
    make_workflow(api, active=False)
    status, body = trigger(api, to="x")
    assert status == 201 and body["data"]["status"] == "trigger_not_active"
    assert outbox(client) == []
    assert api.call("GET", "/v2/subscribers/x")[0] == 404  # nothing ran, nobody made


def test_the_payload_is_checked_against_the_workflow_schema_with_defaults(
    api: Api, client: FlaskClient
) -> None:
    schema = {
        "type": "object",
        "required": ["orderId"],
        "properties": {
            "orderId": {"type": "string"},
            "carrier": {"type": "string", "default": "UPS"},
        },
    }
    make_workflow(api, validatePayload=True, payloadSchema=schema)
    status, body = trigger(api, to="d", payload={"orderId": 5})
    assert status == 400
    assert body["type"] == "PAYLOAD_VALIDATION_ERROR"
    assert body["message"] == "Payload validation failed: orderId: must be string"
    assert body["errors"] == [
        {
            "field": "orderId",
            "message": "must be string",
            "value": 5,
            "schemaPath": "#/properties/orderId/type",
        }
    ]
    status, body = trigger(api, to="d", payload={})
    assert body["errors"][0]["field"] == "orderId"
    assert body["errors"][0]["message"] == "must have required property 'orderId'"
    assert outbox(client) == []
    status, body = trigger(api, to="d", payload={"orderId": "A-2"})
    assert status == 201
    assert outbox(client)[0]["payload"] == {"orderId": "A-2", "carrier": "UPS"}


def test_a_reused_transaction_id_is_answered_but_delivers_nothing_again(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api)
    first = trigger(api, to="e", transactionId="t-1")[1]["data"]
    again = trigger(api, to="e", transactionId="t-1")[1]["data"]
    assert first["status"] == again["status"] == "processed"
    assert len(outbox(client, transaction="t-1")) == 2  # one email, one in-app: not four


def test_recipient_fields_never_unset_and_timezone_is_not_copied(api: Api) -> None:
    make_workflow(api)
    trigger(api, to={"subscriberId": "f", "email": "f@x.io", "timezone": "Europe/Paris"})
    trigger(api, to={"subscriberId": "f", "firstName": "Fay"})
    made = api.call("GET", "/v2/subscribers/f")[1]["data"]
    assert (made["email"], made["firstName"]) == ("f@x.io", "Fay")
    assert "timezone" not in made


def test_a_topic_reaches_its_members_but_not_the_actor_or_the_excluded(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api, steps=[WORKFLOW["steps"][1]])
    ids = ["m1", "m2", "m3", "m4"]
    api.call("POST", "/v1/subscribers/bulk", {"subscribers": [{"subscriberId": i} for i in ids]})
    api.call("POST", "/v2/topics/crew/subscriptions", {"subscriberIds": ids})
    status, body = trigger(
        api,
        to=[{"type": "Topic", "topicKey": "crew", "exclude": ["m4"]}, "m1"],
        actor="m2",
    )
    assert status == 201
    reached = [e["subscriberId"] for e in outbox(client, transaction=body["data"]["transactionId"])]
    assert reached == ["m1", "m3"]  # the listed one first; m2 acted, m4 excluded


def test_bulk_answers_each_event_in_order(api: Api) -> None:
    make_workflow(api)
    events = [{"name": "nope", "to": "g"}, {"name": "order-shipped", "to": "g"}]
    status, body = api.call("POST", "/v1/events/trigger/bulk", {"events": events})
    assert status == 201
    failed, ok = body["data"]
    assert failed == {"acknowledged": True, "status": "error", "error": ["workflow_not_found"]}
    assert ok["status"] == "processed"
    status, body = api.call("POST", "/v1/events/trigger/bulk", {"events": [events[1]] * 101})
    assert status == 422


def test_broadcast_reaches_every_subscriber_and_cancel_finds_nothing_waiting(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api, steps=[WORKFLOW["steps"][1]])
    everyone = api.call("GET", "/v2/subscribers?limit=100")[1]["totalCount"]
    status, body = api.call(
        "POST", "/v1/events/trigger/broadcast", {"name": "order-shipped", "payload": {}}
    )
    assert status == 201 and body["data"]["status"] == "processed"
    transaction = body["data"]["transactionId"]
    assert len(transaction) == 36  # a UUID, unlike a single trigger's txn_ id
    assert len(outbox(client, transaction=transaction)) == everyone
    assert api.call("DELETE", f"/v1/events/trigger/{transaction}") == (200, {"data": False})


def test_messages_and_notifications_read_back_what_was_delivered(api: Api) -> None:
    make_workflow(api)
    for index in range(3):
        trigger(api, to={"subscriberId": "h", "email": "h@x.io"}, transactionId=f"h-{index}")
    status, body = api.call("GET", "/v1/messages?subscriberId=h&limit=4")
    assert status == 200
    assert (body["totalCount"], body["hasMore"], body["pageSize"]) == (6, True, 4)
    assert body["data"][0]["transactionId"] == "h-2"  # newest first
    status, body = api.call("GET", "/v1/messages?transactionId=h-0&transactionId=h-1&channel=email")
    assert [m["transactionId"] for m in body["data"]] == ["h-1", "h-0"]
    assert api.call("GET", "/v1/messages?subscriberId=ghost")[1]["message"] == (
        "Subscriber not found for id ghost"
    )
    status, body = api.call("GET", "/v1/messages?limit=1001")
    assert status == 400 and body["message"] == "Limit can not be larger then 1000"
    status, body = api.call("GET", "/v1/notifications?subscriberIds=h")
    assert status == 200 and len(body["data"]) == 3
    assert body["data"][0]["template"]["triggers"][0]["identifier"] == "order-shipped"


def test_deleting_a_subscriber_deletes_its_messages(api: Api) -> None:
    make_workflow(api)
    trigger(api, to={"subscriberId": "i", "email": "i@x.io"})
    api.call("DELETE", "/v2/subscribers/i")
    trigger(api, to={"subscriberId": "i", "email": "i@x.io"})
    assert api.call("GET", "/v1/messages?subscriberId=i")[1]["totalCount"] == 2  # only the new


@pytest.mark.parametrize(
    "template",
    [
        "{% for i in (1..100000000) %}x{% endfor %}",
        "{% if %}",
    ],
)
def test_a_template_that_cannot_render_is_a_recorded_failure_not_a_500(
    api: Api, client: FlaskClient, template: str
) -> None:
    make_workflow(
        api, steps=[{"name": "In-app", "type": "in_app", "controlValues": {"body": template}}]
    )
    status, _ = trigger(api, to="j")
    assert status == 201
    (failed,) = outbox(client)
    assert failed["status"] == "failed" and failed["reason"] == "MESSAGE_CONTENT_NOT_GENERATED"


def test_an_event_over_512kb_is_refused_with_novus_413(api: Api, client: FlaskClient) -> None:
    make_workflow(api)
    status, body = trigger(api, to="k", payload={"blob": "x" * 530_000})
    assert status == 413
    assert body["message"].startswith("Payload size (")
    assert "exceeds maximum allowed size of 524288 bytes (512KB)" in body["message"]
    assert outbox(client) == []


def test_the_outbox_is_filtered_and_emptied_by_the_reset(api: Api, client: FlaskClient) -> None:
    make_workflow(api)
    trigger(api, to={"subscriberId": "l", "email": "l@x.io"})
    assert [e["channel"] for e in outbox(client, channel="in_app")] == ["in_app"]
    assert outbox(client, subscriber="nobody") == []
    assert len(outbox(client, workflow="order-shipped")) == 2
    assert client.post("/__mock/reset").status_code == 200
    assert outbox(client) == []


def test_a_channel_switched_off_is_skipped_for_that_subscriber(
    api: Api, client: FlaskClient
) -> None:
    make_workflow(api)
    api.call("POST", "/v2/subscribers", {"subscriberId": "quiet", "email": "q@x.io"})
    api.call(
        "PATCH",
        "/v2/subscribers/quiet/preferences",
        {"channels": {"email": False}, "workflowId": "order-shipped"},
    )
    trigger(api, to="quiet")
    assert [(e["channel"], e["status"]) for e in outbox(client)] == [
        ("email", "skipped"),
        ("in_app", "sent"),
    ]


def test_the_in_app_feed_and_its_counts(api: Api) -> None:
    make_workflow(api, steps=[WORKFLOW["steps"][1]])
    for number in range(3):
        trigger(api, to={"subscriberId": "reader", "firstName": "Rea"}, payload={"orderId": number})
    status, body = api.call("GET", "/v2/subscribers/reader/notifications?limit=2")
    assert status == 200
    assert [n["body"] for n in body["data"]] == ["2", "1"] and body["hasMore"] is True
    first = body["data"][0]
    assert first["to"] == {"id": first["to"]["id"], "subscriberId": "reader", "firstName": "Rea"}
    assert (first["channelType"], first["isRead"], first["workflow"]["identifier"]) == (
        "in_app",
        False,
        "order-shipped",
    )
    rest = api.call("GET", f"/v2/subscribers/reader/notifications?after={body['data'][1]['id']}")
    assert [n["body"] for n in rest[1]["data"]] == ["0"]
    status, body = api.call("GET", "/v2/subscribers/reader/notifications?read=false&archived=true")
    assert status == 400
    assert body["message"] == "Filtering for unread and archived notifications is not supported."
    status, body = api.call(
        "GET",
        '/v2/subscribers/reader/notifications/count?filters=[{"read":false},{"archived":true}]',
    )
    assert status == 200
    assert body["data"] == [
        {"count": 3, "filter": {"read": False}},
        {"count": 0, "filter": {"archived": True}},
    ]
    status, body = api.call("GET", "/v2/subscribers/ghost/notifications/count?filters=[]")
    assert status == 400 and body["message"].startswith("Subscriber ghost doesn't exist in")
    assert api.call("GET", "/v2/subscribers/ghost/notifications")[0] == 404


DELAYED: dict[str, Any] = {
    **WORKFLOW,
    "steps": [
        WORKFLOW["steps"][1],
        {
            "name": "Wait",
            "type": "delay",
            "controlValues": {"type": "regular", "amount": 5, "unit": "minutes"},
        },
        WORKFLOW["steps"][0],
    ],
}


def test_on_a_running_clock_a_delay_holds_nothing(api: Api, client: FlaskClient) -> None:
    make_workflow(api, steps=DELAYED["steps"])
    answer = trigger(api, to={"subscriberId": "now", "email": "now@x.io"})[1]["data"]
    assert [e["channel"] for e in outbox(client)] == ["in_app", "email"]
    assert api.call("DELETE", f"/v1/events/trigger/{answer['transactionId']}")[1] == {"data": False}


def test_on_a_frozen_clock_a_delay_waits_for_time_to_pass_and_can_be_cancelled() -> None:
    from datetime import UTC, datetime

    from mockserver.http.app import create_app
    from mockserver.settings import Settings

    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    app = create_app(Settings(frozen_time=start))
    client = app.test_client()
    key = next(iter(app.extensions["mockserver"].organizations[0].environments.values())).api_key
    api = Api(client, f"ApiKey {key}")
    make_workflow(api, steps=DELAYED["steps"])
    kept = trigger(api, to={"subscriberId": "k", "email": "k@x.io"}, transactionId="kept")
    dropped = trigger(api, to={"subscriberId": "d", "email": "d@x.io"}, transactionId="dropped")
    assert kept[0] == dropped[0] == 201
    assert [e["channel"] for e in outbox(client)] == ["in_app", "in_app"]
    assert api.call("DELETE", "/v1/events/trigger/dropped") == (200, {"data": True})
    assert api.call("DELETE", "/v1/events/trigger/dropped") == (200, {"data": False})

    moved = client.post("/__mock/clock", json={"advanceSeconds": 299})
    assert moved.get_json() == {"now": "2026-03-01T09:04:59.000Z", "frozen": True}
    assert len(outbox(client)) == 2  # not yet
    client.post("/__mock/clock", json={"advanceSeconds": 1})
    emails = outbox(client, channel="email")
    assert [(e["transactionId"], e["createdAt"]) for e in emails] == [
        ("kept", "2026-03-01T09:05:00.000Z")
    ]
    assert client.get("/__mock/clock").get_json()["now"] == "2026-03-01T09:05:00.000Z"
    assert client.post("/__mock/clock", json={"advanceSeconds": -1}).status_code == 400
    client.post("/__mock/reset")
    assert client.get("/__mock/clock").get_json()["now"] == "2026-03-01T09:00:00.000Z"


def test_moving_a_running_clock_is_refused(client: FlaskClient) -> None:
    refused = client.post("/__mock/clock", json={"advanceSeconds": 60})
    assert refused.status_code == 409
    assert "not frozen" in refused.get_json()["message"]


def test_a_refused_trigger_changes_nothing_in_the_state(api: Api, client: FlaskClient) -> None:
    make_workflow(api, validatePayload=True, payloadSchema={"type": "object", "required": ["x"]})
    before = client.get("/__mock/state").get_json()
    assert trigger(api, to="nobody-yet", payload={})[0] == 400
    assert api.call("POST", "/v1/events/trigger", {"name": "nope", "to": "a"})[0] == 422
    assert client.get("/__mock/state").get_json() == before


def test_one_bulk_event_over_512kb_refuses_the_whole_request(api: Api, client: FlaskClient) -> None:
    make_workflow(api)
    events = [
        {"name": "order-shipped", "to": "first"},
        {"name": "order-shipped", "to": "second", "payload": {"blob": "x" * 530_000}},
    ]
    status, body = api.call("POST", "/v1/events/trigger/bulk", {"events": events})
    assert status == 413
    assert body["message"].startswith('Event at index 1 (workflow: "order-shipped") has payload')
    assert outbox(client) == []  # the first event did not run either


def test_assert_sent_never_counts_a_failed_step_as_sent(api: Api, client: FlaskClient) -> None:
    from mockserver.resources.events.outbox import assert_sent

    make_workflow(api, steps=[{"name": "SMS", "type": "sms", "controlValues": {"body": "hi"}}])
    for integration in api.integrations():
        if integration["channel"] == "sms":
            api.call("PUT", f"/v1/integrations/{integration['_id']}", {"active": False})
    trigger(api, to={"subscriberId": "unsent", "phone": "+15550100"})
    server = client.application.extensions["mockserver"]
    environment = next(iter(server.organizations[0].environments.values()))
    with pytest.raises(AssertionError, match=r"status='sent'.*found 0"):
        assert_sent(environment, channel="sms", subscriberId="unsent")
    (failed,) = assert_sent(environment, channel="sms", status="failed")
    assert failed["reason"] == "SUBSCRIBER_NO_ACTIVE_INTEGRATION"


DIGESTED: dict[str, Any] = {
    **WORKFLOW,
    "steps": [
        {
            "name": "Digest",
            "type": "digest",
            "controlValues": {
                "amount": 10,
                "unit": "minutes",
                "digestKey": "{{ payload.project }}",
            },
        },
        {
            "name": "Email",
            "type": "email",
            "controlValues": {
                "subject": "{{ steps.digest.eventCount }} updates",
                "body": "{% for e in steps.digest.events %}{{ e.payload.title }};{% endfor %}",
            },
        },
    ],
}


def _frozen_api() -> tuple[Api, FlaskClient]:
    from datetime import UTC, datetime

    from mockserver.http.app import create_app
    from mockserver.settings import Settings

    app = create_app(Settings(frozen_time=datetime(2026, 3, 1, 9, 0, tzinfo=UTC)))
    client = app.test_client()
    key = next(iter(app.extensions["mockserver"].organizations[0].environments.values())).api_key
    return Api(client, f"ApiKey {key}"), client


def _digested(api: Api, title: str, project: str, transaction: str, who: str = "dig") -> None:
    status, body = trigger(
        api,
        to={"subscriberId": who, "email": f"{who}@x.io"},
        payload={"title": title, "project": project},
        transactionId=transaction,
    )
    assert (status, body["data"]["status"]) == (201, "processed")


def test_a_digest_gathers_a_subscribers_events_per_key_until_it_comes_due() -> None:
    api, client = _frozen_api()
    make_workflow(api, steps=DIGESTED["steps"])
    _digested(api, "a", "p1", "t-a")
    _digested(api, "b", "p1", "t-b")
    _digested(api, "c", "p2", "t-c")
    _digested(api, "d", "p1", "t-d", who="other")  # another subscriber: a digest of its own
    assert outbox(client) == []
    client.post("/__mock/clock", json={"advanceSeconds": 600})
    sent = {(e["subscriberId"], e["subject"], e["body"]) for e in outbox(client)}
    assert sent == {
        ("dig", "2 updates", "a;b;"),
        ("dig", "1 updates", "c;"),
        ("other", "1 updates", "d;"),
    }
    # The digest went out once per key: the merged run sent nothing of its own.
    assert {e["transactionId"] for e in outbox(client)} == {"t-a", "t-c", "t-d"}


def test_cancelling_a_digest_promotes_the_next_merged_run() -> None:
    api, client = _frozen_api()
    make_workflow(api, steps=DIGESTED["steps"])
    for title in ("a", "b", "c"):
        _digested(api, title, "p1", f"t-{title}")
    assert api.call("DELETE", "/v1/events/trigger/t-a") == (200, {"data": True})
    assert api.call("DELETE", "/v1/events/trigger/t-c") == (200, {"data": True})
    assert api.call("DELETE", "/v1/events/trigger/t-c") == (200, {"data": False})
    client.post("/__mock/clock", json={"advanceSeconds": 600})
    ((transaction, subject, body),) = [
        (e["transactionId"], e["subject"], e["body"]) for e in outbox(client)
    ]
    assert (transaction, subject, body) == ("t-b", "1 updates", "b;")


def test_on_a_running_clock_a_digest_sends_each_event_alone(api: Api, client: FlaskClient) -> None:
    make_workflow(api, steps=DIGESTED["steps"])
    _digested(api, "now", "p1", "t-now")
    ((sent,),) = [outbox(client, transaction="t-now")]
    assert (sent["subject"], sent["body"]) == ("1 updates", "now;")
