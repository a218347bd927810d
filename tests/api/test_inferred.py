"""The inferred engine on Novu's whole published document: every operation no resource models
by hand answers, statefully where the document shows a collection, inside the contract, and
says so in a header, the journal and the coverage."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockserver.http.app import create_app
from mockserver.resources.inferred.instances import InstanceMaker
from mockserver.settings import Settings, ValidationMode
from tests.conftest import Api
from tests.reference import ROOT, novu_openapi

INFERRED = "X-Mockserver-Inferred"


@pytest.fixture(scope="module")
def whole_app() -> Flask:
    return create_app(Settings(spec_path=novu_openapi(), validation=ValidationMode.STRICT))


@pytest.fixture
def whole(whole_app: Flask) -> Api:
    client = whole_app.test_client()
    client.post("/__mock/reset")
    server = whole_app.extensions["mockserver"]
    key = next(iter(server.organizations[0].environments.values())).api_key
    return Api(client, f"ApiKey {key}")


def _valid_request(operation: Any) -> tuple[str, dict[str, str], Any]:
    """A path with each parameter a value its schema takes, the required headers and query
    parameters likewise, and a body its schema takes."""
    values: dict[str, dict[str, str]] = {"path": {}, "header": {}, "query": {}}
    for parameter in operation.parameters:
        if parameter.location in values and (parameter.required or parameter.location == "path"):
            schema = parameter.validator.schema
            made = InstanceMaker(schema, f"p|{parameter.name}", _MOMENT).make(schema)
            text = json.dumps(made) if isinstance(made, bool) else str(made or "x1")
            values[parameter.location][parameter.name] = text
    path = re.sub(
        r"\{([^}]+)\}", lambda found: values["path"].get(found.group(1), "x1"), operation.path
    )
    if values["query"]:
        path += "?" + "&".join(f"{k}={v}" for k, v in values["query"].items())
    validator = operation.body_validator
    if validator is None:
        return path, values["header"], None
    maker = InstanceMaker(validator.schema, f"request|{operation.operation_id}", _MOMENT)
    body = maker.make(validator.schema)
    assert validator.is_valid(body), operation.operation_id
    return path, values["header"], body


_MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


def test_no_operation_of_novus_document_answers_501_or_breaks_the_contract(
    whole_app: Flask, whole: Api
) -> None:
    """A schema-valid request to each of the 149 operations, in strict mode (an answer that
    broke the contract would be a 500): none is left to 501."""
    server = whole_app.extensions["mockserver"]
    operations = [op for op in server.contract.operations.values()]
    assert len(operations) == 149
    inferred = 0
    for operation in operations:
        path, headers, body = _valid_request(operation)
        headers["Authorization"] = whole.authorization
        answer = whole.client.open(path, method=operation.method, json=body, headers=headers)
        assert answer.status_code not in (500, 501), (operation.operation_id, answer.data[:300])
        marked = answer.headers.get(INFERRED) == "true"
        assert marked == (operation.operation_id in server.inferred_operations)
        inferred += marked
    assert inferred == 98


def test_an_inferred_collection_keeps_what_is_made(whole: Api) -> None:
    status, made = whole.call("POST", "/v2/layouts", {"layoutId": "brand", "name": "Brand"})
    assert status == 201
    assert (made["data"]["layoutId"], made["data"]["name"]) == ("brand", "Brand")
    assert whole.call("GET", "/v2/layouts/brand")[1]["data"]["_id"] == made["data"]["_id"]
    listed = whole.call("GET", "/v2/layouts")[1]["data"]
    assert [layout["layoutId"] for layout in listed["layouts"]] == ["brand"]
    assert listed["totalCount"] == 1
    status, body = whole.call("PUT", "/v2/layouts/brand", {"name": "Renamed"})
    assert (status, body["data"]["name"]) == (200, "Renamed")
    assert whole.call("GET", "/v2/layouts/brand")[1]["data"]["name"] == "Renamed"
    assert whole.call("POST", "/v2/layouts", {"layoutId": "brand", "name": "Again"})[0] == 409
    assert whole.call("DELETE", "/v2/layouts/brand")[0] == 204
    status, body = whole.call("GET", "/v2/layouts/brand")
    assert (status, body["message"]) == (404, "Layout brand not found")


def test_a_sub_collection_needs_its_parent_and_unknown_ids_are_404(whole: Api) -> None:
    route = {"address": "support", "type": "webhook"}
    status, body = whole.call("POST", "/v1/domains/acme.test/routes", route)
    assert (status, body["message"]) == (404, "Domain acme.test not found")
    assert whole.call("POST", "/v1/domains", {"name": "acme.test"})[0] == 201
    status, body = whole.call("POST", "/v1/domains/acme.test/routes", route)
    assert status == 201, body
    assert whole.call("GET", "/v1/domains/acme.test/routes/support")[0] == 200
    assert whole.call("GET", "/v1/domains/acme.test/routes/nobody")[0] == 404


def test_bad_requests_are_novus_422_and_change_nothing(whole: Api) -> None:
    status, body = whole.call("POST", "/v2/layouts", {"name": 5})
    assert status == 422 and "errors" in body
    assert whole.call("GET", "/v2/layouts")[1]["data"]["totalCount"] == 0


def test_the_journal_and_coverage_say_which_answers_were_inferred(
    whole: Api, whole_app: Flask
) -> None:
    whole.call("GET", "/v2/layouts")
    whole.call("GET", "/v2/subscribers")
    entries = whole.client.get("/__mock/requests").get_json()["requests"]
    flags = {entry["operationId"]: entry["inferred"] for entry in entries}
    assert flags["LayoutsController_list"] is True
    assert flags["SubscribersController_searchSubscribers"] is False
    assert "| [~] | `LayoutsController_list` |" in (ROOT / "IMPLEMENTATION_COVERAGE.md").read_text()


def test_inferred_objects_survive_a_state_export_and_import(whole: Api) -> None:
    whole.call("POST", "/v2/contexts", {"type": "team", "id": "core", "data": {"size": 3}})
    exported = whole.client.get("/__mock/state").get_json()
    whole.client.post("/__mock/reset")
    assert whole.call("GET", "/v2/contexts/team/core")[0] == 404
    assert whole.client.put("/__mock/state", json=exported).status_code == 200
    assert whole.call("GET", "/v2/contexts/team/core")[1]["data"]["data"] == {"size": 3}


def test_without_inference_the_rest_answers_501() -> None:
    app = create_app(Settings(spec_path=novu_openapi(), infer=False))
    key = next(iter(app.extensions["mockserver"].organizations[0].environments.values())).api_key
    answer = app.test_client().get("/v2/layouts", headers={"Authorization": f"ApiKey {key}"})
    assert answer.status_code == 501


_SCRIPT = """
import json, sys
from datetime import datetime, UTC
from pathlib import Path
from mockserver.http.app import create_app
from mockserver.settings import Settings
frozen = datetime(2026, 5, 1, tzinfo=UTC)
app = create_app(Settings(spec_path=Path(sys.argv[1]), frozen_time=frozen))
key = next(iter(app.extensions["mockserver"].organizations[0].environments.values())).api_key
client = app.test_client()
headers = {"Authorization": "ApiKey " + key}
out = [
    client.post("/v2/layouts", json={"layoutId": "a", "name": "A"}, headers=headers).data,
    client.get("/v2/translations/master-json", headers=headers).data,
    client.get("/v2/workflows/w/steps/s", headers=headers).data,
    client.get("/v1/environments", headers=headers).data,
]
print(json.dumps([part.decode() for part in out]))
"""


def test_the_same_seed_gives_the_same_bytes_in_two_processes() -> None:
    def run() -> Any:
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(novu_openapi())],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            cwd=ROOT,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])

    first, second = run(), run()
    assert first == second
    assert all('"data"' in part for part in first)


def test_hand_modelled_answers_carry_no_inferred_mark(client: FlaskClient, api: Api) -> None:
    answer = client.get("/v1/integrations", headers={"Authorization": api.authorization})
    assert answer.status_code == 200 and INFERRED not in answer.headers


def test_what_the_engine_keeps_is_bounded(whole: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its bound a create is refused with the reason, and reading ever new ids of a
    collection it does not own keeps nothing more."""
    from mockserver.resources.inferred import engine

    monkeypatch.setattr(engine, "MAX_OBJECTS", 3)
    for index in range(3):
        body = {"layoutId": f"l{index}", "name": "L"}
        assert whole.call("POST", "/v2/layouts", body)[0] == 201
    status, body = whole.call("POST", "/v2/layouts", {"layoutId": "l3", "name": "L"})
    assert status == 400 and "at most 3 inferred objects" in body["message"]
    assert whole.call("GET", "/v2/workflows/w/steps/new-step")[0] == 200
    exported = whole.client.get("/__mock/state").get_json()
    kept = [e for env in exported["organizations"][0]["environments"] for e in env["inferred"]]
    assert len(kept) == 3


def test_a_secret_variables_value_is_masked_in_answers_and_the_journal(whole: Api) -> None:
    """Novu's document: a secret variable is "encrypted at rest, masked in responses" (its
    value reads ••••••••)."""
    listed = whole.client.get("/__mock/environments").get_json()
    environment_id = listed["organizations"][0]["environments"][0]["_id"]
    body = {
        "key": "API_TOKEN",
        "isSecret": True,
        "values": [{"_environmentId": environment_id, "value": "tok-live-42"}],
    }
    status, made = whole.call("POST", "/v1/environment-variables", body)
    assert status == 200, made  # the status Novu's document gives this create
    assert [v["value"] for v in made["data"]["values"]] == ["\u2022" * 8]
    read = whole.call("GET", "/v1/environment-variables/API_TOKEN")[1]["data"]
    assert read["isSecret"] is True
    assert [v["value"] for v in read["values"]] == ["\u2022" * 8]
    journal = str(whole.client.get("/__mock/requests").get_json())
    assert "tok-live-42" not in journal
