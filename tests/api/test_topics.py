"""Topics (v2) as Novu answers them: NOVU_EVENTS_SUBSCRIBERS.md §4, from novuhq/novu's
topics-v2 use cases and e2e tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mockserver.http.app import create_app
from mockserver.settings import Settings
from mockserver.state.errors import DatasetError
from tests.conftest import Api


def subscribers(api: Api, *ids: str) -> None:
    status, body = api.call(
        "POST", "/v1/subscribers/bulk", {"subscribers": [{"subscriberId": i} for i in ids]}
    )
    assert status == 201, body


def test_upsert_answers_201_when_made_and_200_when_found(api: Api) -> None:
    status, made = api.call("POST", "/v2/topics", {"key": "news", "name": "News"})
    assert status == 201 and made["data"]["key"] == "news"
    status, found = api.call("POST", "/v2/topics", {"key": "news", "name": "Daily news"})
    assert status == 200 and found["data"]["_id"] == made["data"]["_id"]
    assert found["data"]["name"] == "Daily news"
    status, body = api.call("POST", "/v2/topics?failIfExists=true", {"key": "news"})
    assert status == 409 and body["message"] == 'Topic with key "news" already exists'


def test_a_bad_key_is_novus_400_and_makes_nothing(api: Api) -> None:
    status, body = api.call("POST", "/v2/topics", {"key": "no spaces"})
    assert status == 400
    assert body["message"].startswith('Invalid topic key: "no spaces". Topic keys must contain')
    assert api.call("GET", "/v2/topics/no%20spaces")[0] == 404
    # An email address is a valid key.
    assert api.call("POST", "/v2/topics", {"key": "team@example.com"})[0] == 201


def test_get_rename_and_delete_with_novus_404(api: Api) -> None:
    status, body = api.call("GET", "/v2/topics/ghost")
    assert status == 404 and body["message"] == "Topic with key ghost not found"
    api.call("POST", "/v2/topics", {"key": "ops"})
    status, body = api.call("PATCH", "/v2/topics/ops", {"name": "Operations"})
    assert status == 200 and body["data"]["name"] == "Operations"
    assert api.call("DELETE", "/v2/topics/ops") == (200, {"data": {"acknowledged": True}})
    assert api.call("GET", "/v2/topics/ops")[0] == 404


def test_subscribing_makes_the_topic_is_idempotent_and_reports_unknown_ids(api: Api) -> None:
    subscribers(api, "s1", "s2")
    status, body = api.call("POST", "/v2/topics/fresh/subscriptions", {"subscriberIds": ["s1"]})
    assert status == 201
    assert body["meta"] == {"totalCount": 1, "successful": 1, "failed": 0}
    assert body["data"][0]["identifier"] == "tk=fresh:si=s1"
    assert "errors" not in body
    assert api.call("GET", "/v2/topics/fresh")[0] == 200  # made by subscribing
    status, body = api.call(
        "POST", "/v2/topics/fresh/subscriptions", {"subscriberIds": ["s1", "s2", "nobody"]}
    )
    assert status == 201
    assert body["meta"] == {"totalCount": 3, "successful": 2, "failed": 1}
    assert body["errors"] == [
        {
            "subscriberId": "nobody",
            "code": "SUBSCRIBER_NOT_FOUND",
            "message": "Subscriber with ID 'nobody' could not be found.",
        }
    ]
    listed = api.call("GET", "/v2/topics/fresh/subscriptions")[1]
    assert sorted(item["subscriber"]["subscriberId"] for item in listed["data"]) == ["s1", "s2"]
    status, body = api.call("POST", "/v2/topics/fresh/subscriptions", {"subscriberIds": ["x"]})
    assert status == 400 and body["meta"]["failed"] == 1


def test_unsubscribing_reports_what_was_not_subscribed(api: Api) -> None:
    subscribers(api, "u1", "u2")
    api.call("POST", "/v2/topics/t/subscriptions", {"subscriberIds": ["u1"]})
    status, body = api.call("DELETE", "/v2/topics/t/subscriptions", {"subscriberIds": ["u1", "u2"]})
    assert status == 200
    assert body["meta"] == {"totalCount": 2, "successful": 1, "failed": 1}
    assert body["errors"][0]["code"] == "SUBSCRIPTION_NOT_FOUND"
    assert api.call("GET", "/v2/topics/t/subscriptions")[1]["data"] == []
    status, body = api.call("DELETE", "/v2/topics/none/subscriptions", {"subscriberIds": ["u1"]})
    assert status == 404  # unsubscribing makes no topic


def test_lists_page_with_cursors(api: Api) -> None:
    for index in range(5):
        api.call("POST", "/v2/topics", {"key": f"topic-key-{index}", "name": f"n{index}"})
    everything = sorted(t["key"] for t in api.call("GET", "/v2/topics?limit=100")[1]["data"])
    assert len(everything) == 6  # the seeded topic and five more
    status, first = api.call("GET", "/v2/topics?limit=3&orderBy=key&orderDirection=ASC")
    assert status == 200
    assert [t["key"] for t in first["data"]] == everything[:3]
    assert first["previous"] is None and first["next"] == first["data"][-1]["_id"]
    status, second = api.call(
        "GET", f"/v2/topics?limit=3&orderBy=key&orderDirection=ASC&after={first['next']}"
    )
    assert [t["key"] for t in second["data"]] == everything[3:]
    assert second["previous"] == second["data"][0]["_id"] and second["next"] is None
    assert api.call("GET", "/v2/topics?key=topic-key-2")[1]["totalCount"] == 1
    assert api.call("GET", "/v2/topics?limit=101")[0] == 422


def test_one_subscription_by_its_identifier(api: Api) -> None:
    subscribers(api, "v1")
    api.call("POST", "/v2/topics/v/subscriptions", {"subscriberIds": ["v1"]})
    status, body = api.call("GET", "/v2/topics/v/subscriptions/tk=v:si=v1")
    assert status == 200 and body["data"]["identifier"] == "tk=v:si=v1"
    assert api.call("GET", "/v2/topics/v/subscriptions/tk=v:si=nope")[0] == 404


def test_deleting_a_subscriber_removes_its_subscriptions(api: Api) -> None:
    subscribers(api, "w1", "w2")
    api.call("POST", "/v2/topics/w/subscriptions", {"subscriberIds": ["w1", "w2"]})
    api.call("DELETE", "/v2/subscribers/w1")
    listed: dict[str, Any] = api.call("GET", "/v2/topics/w/subscriptions")[1]
    assert [item["subscriber"]["subscriberId"] for item in listed["data"]] == ["w2"]


DATASET = """kind: mockserver-dataset
version: 1
replaceSeed: true
organizations:
- name: Acme
  environments:
  - name: Development
    apiKey: acme-development-key
    integrations:
    - {providerId: sendgrid, channel: email, active: true, primary: true,
       credentials: {apiKey: SG.example, from: hello@acme.test}}
    subscribers:
    - {subscriberId: ada, firstName: Ada, email: ada@acme.test}
    - {subscriberId: bob, email: bob@acme.test}
    workflows:
    - name: Weekly report
      workflowId: weekly-report
      active: true
      steps:
      - {name: Email, type: email, controlValues: {subject: 'Week {{ payload.week }}', body: b}}
    topics:
    - {key: managers, name: Managers, subscriberIds: [ada, bob]}
"""


def test_a_dataset_makes_a_box_an_app_can_trigger_at_once(tmp_path: Path) -> None:
    path = tmp_path / "box.yaml"
    path.write_text(DATASET)
    client = create_app(Settings(fixtures_path=path)).test_client()
    api = Api(client, "ApiKey acme-development-key")
    status, body = api.call(
        "POST",
        "/v1/events/trigger",
        {
            "name": "weekly-report",
            "to": {"type": "Topic", "topicKey": "managers"},
            "payload": {"week": 48},
        },
    )
    assert status == 201, body
    sent = client.get("/__mock/outbox").get_json()["data"]
    assert [(m["to"]["email"], m["providerId"], m["subject"]) for m in sent] == [
        ("ada@acme.test", "sendgrid", "Week 48"),
        ("bob@acme.test", "sendgrid", "Week 48"),
    ]
    path.write_text(DATASET.replace("[ada, bob]", "[ada, nobody]"))
    with pytest.raises(DatasetError, match="topic 0: Subscriber with ID 'nobody' could not be"):
        create_app(Settings(fixtures_path=path))


def test_topics_and_workflows_travel_in_the_state_document(api: Api, client: Any) -> None:
    subscribers(api, "st1")
    api.call("POST", "/v2/topics/saved/subscriptions", {"subscriberIds": ["st1"]})
    exported = client.get("/__mock/state").get_json()
    environment = exported["organizations"][0]["environments"][0]
    saved = next(t for t in environment["topics"] if t["key"] == "saved")
    assert [s["subscriberId"] for s in saved["subscriptions"]] == ["st1"]
    assert [w["workflowId"] for w in environment["workflows"]] == ["welcome"]
    assert client.put("/__mock/state", json=exported).status_code == 200
    assert client.get("/__mock/state").get_json() == exported
    listed = api.call("GET", "/v2/topics/saved/subscriptions")[1]["data"]
    assert [item["subscriber"]["subscriberId"] for item in listed] == ["st1"]
    # A subscription naming a subscriber the environment does not have: refused whole.
    saved["subscriptions"][0]["subscriberId"] = "someone-else"
    refused = client.put("/__mock/state", json=exported)
    assert refused.status_code == 400
    assert any("no live subscriber 'someone-else'" in p for p in refused.get_json()["problems"])
    assert api.call("GET", "/v2/topics/saved/subscriptions")[1]["data"] == listed


def test_a_subscribers_own_subscriptions_across_topics(api: Api) -> None:
    subscribers(api, "many")
    for key in ("alpha", "beta"):
        api.call("POST", f"/v2/topics/{key}/subscriptions", {"subscriberIds": ["many"]})
    status, body = api.call("GET", "/v2/subscribers/many/subscriptions")
    assert status == 200
    assert sorted(item["topic"]["key"] for item in body["data"]) == ["alpha", "beta"]
    assert body["totalCount"] == 2 and body["data"][0]["identifier"].startswith("tk=")
    narrowed = api.call("GET", "/v2/subscribers/many/subscriptions?key=beta")[1]
    assert [item["topic"]["key"] for item in narrowed["data"]] == ["beta"]
    assert api.call("GET", "/v2/subscribers/ghost/subscriptions")[0] == 404
