"""One thin handler per operationId: read the exchange, call the backend, shape the payload.

The pipeline wraps what a handler returns in Novu's `{"data": ...}` envelope and checks it
against the contract; handlers only decide the status and the payload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.resources.base import Exchange, Reply
from mockserver.resources.integrations.backend import IntegrationsBackend
from mockserver.resources.integrations.models import Integration

Handler = Callable[[IntegrationsBackend, Exchange], Reply]


def _one(backend: IntegrationsBackend, integration: Integration, caller: Caller) -> dict[str, Any]:
    # API-key callers never see credentials (Novu's fix for GHSA-rgr9-mpmj-mpw8).
    reveal = not caller.is_api_key
    if not backend.cached_forms:
        return integration.to_wire(reveal_credentials=reveal, include_virtual_id=True)
    return integration.wire_view(reveal_credentials=reveal, include_virtual_id=True)


def _many(
    backend: IntegrationsBackend, integrations: list[Integration], caller: Caller
) -> list[dict[str, Any]]:
    reveal = not caller.is_api_key
    if not backend.cached_forms:
        return [
            i.to_wire(reveal_credentials=reveal, include_virtual_id=False) for i in integrations
        ]
    return [i.wire_view(reveal_credentials=reveal, include_virtual_id=False) for i in integrations]


def _listed(backend: IntegrationsBackend, caller: Caller, *, active_only: bool) -> list[Any]:
    def build() -> list[Any]:
        return _many(backend, backend.list_integrations(caller, active_only=active_only), caller)

    if not backend.cached_forms:
        return build()
    key = (caller.scheme, caller.organization.id, caller.environment.id, active_only)
    return backend.list_answers.get(key, build)


def list_integrations(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(200, _listed(backend, call.caller, active_only=False))


def list_active(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(200, _listed(backend, call.caller, active_only=True))


def create(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(201, _one(backend, backend.create(call.caller, call.body), call.caller))


def update(backend: IntegrationsBackend, call: Exchange) -> Reply:
    integration = backend.update(call.caller, call.path["integrationId"], call.body)
    return Reply(200, _one(backend, integration, call.caller))


def remove(backend: IntegrationsBackend, call: Exchange) -> Reply:
    remaining = backend.remove(call.caller, call.path["integrationId"])
    return Reply(200, _many(backend, remaining, call.caller))


def set_primary(backend: IntegrationsBackend, call: Exchange) -> Reply:
    integration = backend.set_primary(call.caller, call.path["integrationId"])
    return Reply(200, _one(backend, integration, call.caller))


def auto_configure(backend: IntegrationsBackend, call: Exchange) -> Reply:
    result = backend.auto_configure(call.caller, call.path["integrationId"])
    payload: dict[str, Any] = {"success": result.success, "message": result.message}
    if result.integration is not None:
        payload["integration"] = _one(backend, result.integration, call.caller)
    return Reply(200, payload)


def webhook_status(backend: IntegrationsBackend, call: Exchange) -> Reply:
    supported = backend.webhook_support_status(call.caller, call.path["providerOrIntegrationId"])
    return Reply(200, supported)


def channel_limit(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.channel_limit(call.caller, call.path["channelType"]))


def in_app_status(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.in_app_status(call.caller))


def _oauth(mode: str | None) -> Handler:
    """`mode` fixed by the route, or (for the deprecated route) read from the body."""

    def generate(backend: IntegrationsBackend, call: Exchange) -> Reply:
        chosen = mode or (call.body.get("mode") if isinstance(call.body, dict) else None)
        url = backend.oauth_url(call.caller, call.body, mode=chosen or "connect")
        return Reply(201, {"url": url})

    return generate


def link_channel_endpoint(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.link_channel_endpoint(call.caller, call.body))


def mobile_link(backend: IntegrationsBackend, call: Exchange) -> Reply:
    identifier = call.path["integrationIdentifier"]
    return Reply(200, backend.mobile_link(call.caller, identifier, call.body))


def configure_webhook(backend: IntegrationsBackend, call: Exchange) -> Reply:
    return Reply(200, backend.configure_webhook(call.caller, call.path["integrationIdentifier"]))


HANDLERS: dict[str, Handler] = {
    "IntegrationsController_listIntegrations": list_integrations,
    "IntegrationsController_getActiveIntegrations": list_active,
    "IntegrationsController_createIntegration": create,
    "IntegrationsController_updateIntegrationById": update,
    "IntegrationsController_removeIntegration": remove,
    "IntegrationsController_setIntegrationAsPrimary": set_primary,
    "IntegrationsController_autoConfigureIntegration": auto_configure,
    "IntegrationsController_getWebhookSupportStatus": webhook_status,
    "IntegrationsController_getProviderLimit": channel_limit,
    "IntegrationsController_getInAppActivated": in_app_status,
    "IntegrationsController_getChatOAuthUrl": _oauth(None),
    "IntegrationsController_generateConnectOAuthUrl": _oauth("connect"),
    "IntegrationsController_generateLinkUserOAuthUrl": _oauth("link_user"),
    "IntegrationsController_linkChannelEndpoint": link_channel_endpoint,
    "IntegrationsController_createIntegrationMobileLink": mobile_link,
    "IntegrationsController_configureIntegrationWebhook": configure_webhook,
}
