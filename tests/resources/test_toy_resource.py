"""Adding a resource is one folder and one registry line: a toy resource written into a
temporary package is served, validated (both ways, with its own structure document),
journaled with its secrets masked, exported and imported, with no change anywhere else."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask

from mockserver.contract import default_spec_path
from mockserver.http.app import create_app
from mockserver.novu import secrets
from mockserver.resources import registry
from mockserver.server import MockServer
from mockserver.settings import Settings, ValidationMode

# The toy's package, as a developer would write it under mockserver/resources/widgets/.
TOY_RESOURCE = """
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from mockserver.novu.errors import Conflict
from mockserver.novu.secrets import SecretRules
from mockserver.resources.base import Exchange, Reply, Resource, Table
from mockserver.state.store import Environment


@dataclass
class WidgetsState:
    widgets: dict[str, dict[str, Any]] = field(default_factory=dict)


def create(resource: "WidgetsResource", call: Exchange) -> Reply:
    state = call.caller.environment.state(WidgetsState)
    name = call.body["name"]
    if any(w["name"] == name for w in state.widgets.values()):
        raise Conflict("Widget with that name already exists")
    widget = {
        "_id": call.caller.environment.ids.object_id(resource.host.clock.now()),
        "name": name,
        "widgetSecret": call.body.get("widgetSecret", ""),
    }
    state.widgets[widget["_id"]] = widget
    resource.host.store.changed()
    return Reply(201, widget)


def list_widgets(resource: "WidgetsResource", call: Exchange) -> Reply:
    return Reply(200, list(call.caller.environment.state(WidgetsState).widgets.values()))


class WidgetsResource(Resource):
    name = "widgets"
    title = "Widgets"
    handlers = {"WidgetsController_create": create, "WidgetsController_list": list_widgets}
    structures = (Path(__file__).with_name("WidgetResponseDto.structure.json"),)
    path_prefixes = ("/v1/widgets",)
    secrets = SecretRules(body_keys=frozenset({"widgetSecret"}))
    export_properties = {
        "widgets": {"type": "array", "items": {"type": "object", "required": ["_id", "name"]}}
    }

    def seed_environment(self, organization, environment, *, seed, label, clock) -> None:
        widget = {"_id": environment.ids.object_id(clock.now()), "name": f"seeded {label}"}
        environment.state(WidgetsState).widgets[widget["_id"]] = widget

    def export(self, environment: Environment) -> dict[str, Any]:
        return {"widgets": list(environment.state(WidgetsState).widgets.values())}

    def import_environment(self, raw, environment, where, problems, moment) -> None:
        for widget in raw.get("widgets", []):
            environment.state(WidgetsState).widgets[widget["_id"]] = dict(widget)

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        return [("widget id", w["_id"]) for w in raw.get("widgets", [])]

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"widgets": len(environment.state(WidgetsState).widgets)}

    def tables(self, environment: Environment) -> list[Table]:
        rows = [(w["name"],) for w in environment.state(WidgetsState).widgets.values()]
        return [Table(self.title, ("Name",), rows)]


RESOURCE = WidgetsResource
"""

# Its JSON Structure document: stricter than the spec (names of at most 20 characters), so a
# check by the structure document shows where the spec alone would pass.
TOY_STRUCTURE = {
    "$schema": "https://json-structure.org/meta/core/v0/#",
    "$id": "urn:test:WidgetResponseDto",
    "name": "WidgetResponseDto",
    "type": "object",
    "properties": {
        "_id": {"type": "string"},
        "name": {"type": "string", "maxLength": 20},
        "widgetSecret": {"type": "string"},
    },
    "required": ["_id", "name"],
}

# The user's spec: the bundled one, with the toy's operations added.
WIDGET_PATHS = textwrap.dedent(
    """
    /v1/widgets:
      get:
        operationId: WidgetsController_list
        tags: [Widgets]
        responses:
          '200':
            description: The widgets.
            content:
              application/json:
                schema:
                  type: object
                  required: [data]
                  properties:
                    data: {type: array, items: {$ref: '#/components/schemas/WidgetResponseDto'}}
      post:
        operationId: WidgetsController_create
        tags: [Widgets]
        requestBody:
          required: true
          content:
            application/json:
              schema:
                type: object
                required: [name]
                properties:
                  name: {type: string}
                  widgetSecret: {type: string}
        responses:
          '201':
            description: The widget.
            content:
              application/json:
                schema:
                  type: object
                  required: [data]
                  properties:
                    data: {$ref: '#/components/schemas/WidgetResponseDto'}
          '409': {$ref: '#/components/responses/Conflict'}
          '422': {$ref: '#/components/responses/ValidationFailed'}
          '401': {$ref: '#/components/responses/Unauthorized'}
    """
)
WIDGET_SCHEMA = {
    "type": "object",
    "required": ["_id", "name"],
    "properties": {
        "_id": {"type": "string"},
        "name": {"type": "string"},
        "widgetSecret": {"type": "string"},
    },
}


@pytest.fixture
def toy_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    package = tmp_path / "toy_widgets"
    package.mkdir()
    (package / "__init__.py").write_text(TOY_RESOURCE)
    (package / "WidgetResponseDto.structure.json").write_text(json.dumps(TOY_STRUCTURE))
    monkeypatch.syspath_prepend(str(tmp_path))
    # The registry line, and nothing else.
    monkeypatch.setattr(registry, "RESOURCES", [*registry.RESOURCES, "toy_widgets"])
    secrets.secret_rules.cache_clear()
    spec = yaml.safe_load(default_spec_path().read_text())
    spec["paths"].update(yaml.safe_load(WIDGET_PATHS))
    spec["components"]["schemas"]["WidgetResponseDto"] = WIDGET_SCHEMA
    spec_path = tmp_path / "spec.json"
    spec_path.write_text(json.dumps(spec))
    return create_app(Settings(spec_path=spec_path, validation=ValidationMode.STRICT))


@pytest.fixture(autouse=True)
def _forget_the_toys_secrets() -> Any:
    yield
    secrets.secret_rules.cache_clear()


def server_of(app: Flask) -> MockServer:
    server: MockServer = app.extensions["mockserver"]
    return server


def auth(app: Flask) -> dict[str, str]:
    environment = next(iter(server_of(app).organizations[0].environments.values()))
    return {"Authorization": f"ApiKey {environment.api_key}"}


def test_the_toy_is_served_and_seeded(toy_app: Flask) -> None:
    client = toy_app.test_client()
    listed = client.get("/v1/widgets", headers=auth(toy_app))
    assert listed.status_code == 200
    assert [w["name"] for w in listed.get_json()["data"]] == ["seeded Development"]
    made = client.post("/v1/widgets", headers=auth(toy_app), json={"name": "gear"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["data"]["name"] == "gear"
    names = [w["name"] for w in client.get("/v1/widgets", headers=auth(toy_app)).get_json()["data"]]
    assert names == ["seeded Development", "gear"]
    # Its rules answer in Novu's shape, and the integrations are still served beside it.
    again = client.post("/v1/widgets", headers=auth(toy_app), json={"name": "gear"})
    assert again.status_code == 409 and again.get_json()["statusCode"] == 409
    assert client.get("/v1/integrations", headers=auth(toy_app)).status_code == 200


def test_the_toy_is_validated_both_ways_with_its_own_structure_document(toy_app: Flask) -> None:
    client = toy_app.test_client()
    refused = client.post("/v1/widgets", headers=auth(toy_app), json={"name": 7})
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["name"]["messages"] == ["name must be a string"]
    # The spec takes a long name; the toy's structure document does not: the answer is caught.
    long_name = "a widget with a name far too long"
    caught = client.post("/v1/widgets", headers=auth(toy_app), json={"name": long_name})
    assert caught.status_code == 500
    assert "(WidgetResponseDto)" in caught.get_json()["message"]


def test_the_toy_is_journaled_with_its_secrets_masked(toy_app: Flask) -> None:
    client = toy_app.test_client()
    body = {"name": "vault", "widgetSecret": "s3cr3t-value"}
    assert client.post("/v1/widgets", headers=auth(toy_app), json=body).status_code == 201
    journal = client.get("/__mock/requests?operationId=WidgetsController_create").get_json()
    (entry,) = journal["requests"]
    assert entry["request"]["body"]["widgetSecret"] == "********"
    assert "s3cr3t-value" not in json.dumps(journal)
    counts = client.get("/__mock/environments").get_json()["organizations"][0]["environments"]
    assert counts[0]["widgets"] == 2 and counts[0]["integrations"] == 12
    shown = client.get("/__mock/inspector/state").get_data(as_text=True)
    assert "seeded Development" in shown


def test_the_toy_is_exported_and_imported(toy_app: Flask) -> None:
    client = toy_app.test_client()
    assert (
        client.post("/v1/widgets", headers=auth(toy_app), json={"name": "kept"}).status_code == 201
    )
    exported = client.get("/__mock/state").get_json()
    environment = exported["organizations"][0]["environments"][0]
    assert [w["name"] for w in environment["widgets"]] == ["seeded Development", "kept"]
    environment["widgets"][1]["name"] = "imported"
    assert client.put("/__mock/state", json=exported).status_code == 200
    names = [w["name"] for w in client.get("/v1/widgets", headers=auth(toy_app)).get_json()["data"]]
    assert names == ["seeded Development", "imported"]
    assert client.get("/__mock/state").get_json() == exported
    # A document whose widgets break the resource's form is refused whole.
    del environment["widgets"][0]["name"]
    refused = client.put("/__mock/state", json=exported)
    assert refused.status_code == 400
    assert any("widgets" in problem for problem in refused.get_json()["problems"])
    names = [w["name"] for w in client.get("/v1/widgets", headers=auth(toy_app)).get_json()["data"]]
    assert names == ["seeded Development", "imported"]
