"""novu-py, unchanged, on the parts of Novu's API the inferred engine serves (`serve
--novu-api`): at least one call on each tag no resource models by hand, each answer parsed by
the SDK's own models, and what was made read back."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from novu_py import Novu
from novu_py.models.createtranslationrequestdto import ResourceType

from tests.clients.conftest import NO_RETRIES
from tests.live import LiveServer, live_server
from tests.reference import novu_openapi

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def whole() -> Iterator[LiveServer]:
    with live_server("--validation", "strict", "--novu-api", str(novu_openapi())) as running:
        yield running


@pytest.fixture
def novu(whole: LiveServer) -> Iterator[Novu]:
    httpx.post(f"{whole.url}/__mock/reset")
    with Novu(
        server_url=whole.url, secret_key=whole.development_key, retry_config=NO_RETRIES
    ) as client:
        yield client


def test_layouts_and_translations(novu: Novu) -> None:
    made = novu.layouts.create(create_layout_dto={"layout_id": "brand", "name": "Brand"}).result
    assert (made.layout_id, made.name) == ("brand", "Brand")
    assert novu.layouts.retrieve(layout_id="brand").result.name == "Brand"
    assert [layout.layout_id for layout in novu.layouts.list().result.layouts] == ["brand"]
    translation = novu.translations.create(
        create_translation_request_dto={
            "resource_id": "welcome",
            "resource_type": ResourceType.WORKFLOW,
            "locale": "fr_FR",
            "content": {"greeting": "Bonjour"},
        }
    )
    assert (translation.resource_id, translation.locale) == ("welcome", "fr_FR")
    assert translation.content == {"greeting": "Bonjour"}


def test_contexts_domains_and_environment_variables(novu: Novu) -> None:
    novu.contexts.create(
        create_context_request_dto={"type": "team", "id": "core", "data": {"size": 3}}
    )
    context = novu.contexts.retrieve(type_="team", id="core").result
    assert (context.type, context.id, context.data) == ("team", "core", {"size": 3})
    novu.domains.create(create_domain_dto={"name": "mail.acme.test"})
    assert novu.domains.retrieve(domain="mail.acme.test").result.name == "mail.acme.test"
    novu.environment_variables.create(create_environment_variable_request_dto={"key": "API_URL"})
    assert novu.environment_variables.retrieve(variable_key="API_URL").result.key == "API_URL"
    listed = novu.environment_variables.list().result
    assert [variable.key for variable in listed] == ["API_URL"]


def test_environments_agents_channels_and_activity(novu: Novu, whole: LiveServer) -> None:
    environment = novu.environments.create(
        create_environment_request_dto={"name": "Staging", "color": "#ff0000"}
    ).result
    assert environment.name == "Staging"
    assert any(e.name == "Staging" for e in novu.environments.list().result)
    agent = novu.agents.create(
        novu_analytics_source="mockserver-tests",
        create_agent_request_dto={"name": "Helper", "identifier": "helper"},
    ).result
    assert (agent.identifier, agent.name) == ("helper", "Helper")
    assert novu.agents.retrieve(identifier="helper").result.name == "Helper"
    assert novu.channel_connections.list(request={}).result is not None
    assert novu.channel_endpoints.list(request={}).result is not None
    novu.activity.track(
        environment_id="6615943e7ace93b0540ae377",
        integration_id="6615943e7ace93b0540ae378",
        request_body={"event": "delivered"},
    )
    journal = httpx.get(f"{whole.url}/__mock/requests").json()["requests"]
    assert journal and all(entry["inferred"] for entry in journal)
