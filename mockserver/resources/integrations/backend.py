"""Novu's rules for integrations: create, update, delete, primary and priority, and the rest.

Every public method takes the caller and the request's fields, holds the store lock for its
whole run, and returns model objects (the routes decide how they are written on the wire).
Messages and statuses are Novu's own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from mockserver.novu.auth import Caller
from mockserver.novu.errors import (
    BadRequest,
    CommandInvalid,
    Conflict,
    FieldProblem,
    Forbidden,
    NotFound,
    ValidationFailed,
    js_text,
)
from mockserver.resources.integrations.catalogue import Catalogue
from mockserver.resources.integrations.list_answers import ListAnswers
from mockserver.resources.integrations.models import SIGNING_KEY, Integration, json_copy
from mockserver.resources.integrations.rules import is_rules, rules_issues
from mockserver.resources.integrations.state import find, integrations_of, live
from mockserver.state.clock import Clock, iso_timestamp
from mockserver.state.ids import is_object_id, slugify
from mockserver.state.store import Environment, Store

IN_APP_PROVIDER = "novu"
DEMO_PROVIDERS = {"novu-email": "email", "novu-sms": "sms"}
# Monthly allowance of the demo providers (MAX_NOVU_INTEGRATION_MAIL/SMS_REQUESTS).
DEMO_LIMITS = {"email": 300, "sms": 20}
AGENT_ONLY_PROVIDER = "novu-anthropic"
# The chat providers whose OAuth URLs Novu generates (the use cases' `providerId: {$in: ...}`).
OAUTH_PROVIDERS = frozenset({"slack", "novu-slack", "msteams"})
PUBLIC_API_ROOT = "https://api.novu.co"
DASHBOARD_ROOT = "https://dashboard.novu.co"
LINK_LIFETIME = timedelta(minutes=10)

# Answers of providers that implement autoConfigureInboundWebhook only to decline (resend's
# provider in novuhq/novu packages/providers).
NO_AUTO_CONFIGURE = {
    "resend": (
        "Resend does not currently offer automatic inbound webhook configuration. "
        "Please configure your webhook manually."
    ),
}
AUTO_CONFIGURE_NOT_IMPLEMENTED = (
    "A support of auto-configuration of inbound webhook is not implemented by provider, "
    "manual configuration is required"
)

_ENV_SCOPE = (
    "API key authentication is scoped to a single environment and cannot {action} an "
    "integration that belongs to a different environment. Use an API key from the integration's "
    "environment, or authenticate with a session token."
)
_TARGET_ENV_SCOPE = (
    "API key authentication is scoped to a single environment and cannot target a different "
    "`_environmentId`. Use an API key from the target environment, or authenticate with a "
    "session token."
)


@dataclass(frozen=True)
class AutoConfigureResult:
    success: bool
    message: str
    integration: Integration | None


class IntegrationsBackend:
    def __init__(
        self,
        store: Store,
        catalogue: Catalogue,
        clock: Clock,
        *,
        credential_keys: frozenset[str] = frozenset(),
        cached_forms: bool = True,
    ) -> None:
        self.store = store
        self.catalogue = catalogue
        self.clock = clock
        # The keys Novu's schema stores; any other credential key in a request is dropped, as
        # Novu's strict sub-schema drops it. Empty means keep everything.
        self.credential_keys = credential_keys
        # List answers as the routes build them, kept while nothing changes (list_answers.py),
        # and the integrations' shared wire forms: both off on the plain reference path.
        self.list_answers = ListAnswers(store)
        self.cached_forms = cached_forms

    # ---- reads -------------------------------------------------------------------------

    def list_integrations(self, caller: Caller, *, active_only: bool = False) -> list[Integration]:
        """API-key callers see their environment; dashboard callers the whole organization."""
        with self.store.lock:
            if caller.is_api_key:
                environments = [caller.environment]
            else:
                environments = list(caller.organization.environments.values())
            return [
                integration
                for environment in environments
                for integration in live(environment)
                if integration.active or not active_only
            ]

    def webhook_support_status(self, caller: Caller, provider_or_integration_id: str) -> bool:
        """Whether Novu can parse the provider's delivery events (its handler has both
        `getMessageId` and `parseEventBody`: the catalogue's `deliveryWebhooks`).

        Found as get-webhook-support-status.usecase.ts finds it: by providerId among the
        environment's integrations that have a `credentials` field (every one, here), or by
        id; one whose credentials are empty is then refused with 400."""
        with self.store.lock:
            environment = caller.environment
            integration: Integration | None
            if self.catalogue.get(provider_or_integration_id) is not None:
                integration = next(
                    (i for i in live(environment) if i.provider_id == provider_or_integration_id),
                    None,
                )
            else:
                candidate = integrations_of(environment).integrations.get(
                    provider_or_integration_id
                )
                integration = candidate if candidate and not candidate.deleted else None
            if integration is None:
                raise NotFound(f"Integration for {provider_or_integration_id} was not found")
            if not integration.credentials:
                raise BadRequest(f"Integration {integration.id} doesn't have credentials set up")
            if integration.channel not in self.catalogue.channels_with_primary:
                raise BadRequest(
                    f"Webhook for {integration.provider_id}-{integration.channel} "
                    "is not supported yet"
                )
            provider = self.catalogue.get(integration.provider_id)
            return provider is not None and "deliveryWebhooks" in provider.features

    def channel_limit(self, caller: Caller, channel: str) -> dict[str, int]:
        """The demo providers' monthly allowance; zeros for channels without one."""
        if channel not in DEMO_LIMITS:
            return {"limit": 0, "count": 0}
        with self.store.lock:
            used = integrations_of(caller.environment).demo_usage.get(channel, 0)
        return {"limit": DEMO_LIMITS[channel], "count": used}

    def in_app_status(self, caller: Caller) -> dict[str, bool]:
        return {"active": integrations_of(caller.environment).inbox_connected}

    # ---- create ------------------------------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any]) -> Integration:
        fields = _Fields(body)
        provider_id = fields.required_string("providerId")
        name = fields.string("name")
        identifier = fields.string("identifier")
        environment_id = fields.object_id("_environmentId")
        channel = fields.string("channel")
        kind = fields.string("kind") or "delivery"
        credentials = fields.mapping("credentials")
        active = fields.boolean("active") or False
        fields.boolean("check")
        conditions = fields.list_of_mappings("conditions")
        configurations = fields.mapping("configurations")
        fields.raise_if_any()

        if caller.is_api_key and environment_id and environment_id != caller.environment.id:
            raise Forbidden(_TARGET_ENV_SCOPE)
        with self.store.lock:
            environment = self._environment(caller, environment_id or caller.environment.id)
            if provider_id == AGENT_ONLY_PROVIDER:
                raise BadRequest(
                    f"Creating Novu integration for {provider_id} provider is not allowed"
                )
            is_agent = kind == "agent"
            if not is_agent:
                self._check_novu_providers(environment, provider_id, channel)
            if identifier and any(i.identifier == identifier for i in live(environment)):
                raise Conflict("Integration with identifier already exists")
            # A `check` asks the provider to confirm the credentials; the mock has no provider
            # to ask, so the check always passes.
            name = name or self.catalogue.default_name(provider_id)
            now = self.clock.now()
            integration = Integration(
                id=environment.ids.object_id(now),
                environment_id=environment.id,
                organization_id=environment.organization_id,
                name=name,
                identifier=identifier or f"{slugify(name)}-{environment.ids.short_id()}",
                provider_id=provider_id,
                channel=None if is_agent else channel,
                kind=kind,
                credentials=_known_credentials(credentials or {}, self.credential_keys),
                configurations=dict(configurations or {}),
                active=active,
                conditions=list(conditions or []),
                created_at=now,
                updated_at=now,
            )
            integrations_of(environment).integrations[integration.id] = integration
            self.store.changed(integration)
            if not is_agent and active and channel in self.catalogue.channels_with_primary:
                self._place_newly_active(integration, may_become_primary=True)
            return integration

    def _check_novu_providers(
        self, environment: Environment, provider_id: str, channel: str | None
    ) -> None:
        if (
            provider_id == IN_APP_PROVIDER
            and channel == "in_app"
            and any(
                i.provider_id == IN_APP_PROVIDER and i.channel == "in_app"
                for i in live(environment)
            )
        ):
            raise BadRequest("One environment can only have one In app provider")
        if provider_id in DEMO_PROVIDERS and any(
            i.provider_id == provider_id for i in live(environment)
        ):
            raise Conflict(
                f"Integration with novu provider for {DEMO_PROVIDERS[provider_id]} channel "
                "already exists"
            )

    # ---- update ------------------------------------------------------------------------

    def update(self, caller: Caller, integration_id: str, body: dict[str, Any]) -> Integration:
        fields = _Fields(body)
        name = fields.string("name")
        identifier = fields.string("identifier")
        environment_id = fields.object_id("_environmentId")
        active = fields.boolean("active")
        credentials = fields.mapping("credentials")
        check = fields.boolean("check")
        conditions = fields.list_of_mappings("conditions")
        configurations = fields.mapping("configurations")
        fields.raise_if_any()
        del check  # accepted, and confirmed at once: the mock has no provider to ask
        has_rules = isinstance(body, dict) and "rules" in body
        rules = body.get("rules") if has_rules else None
        if has_rules and isinstance(rules, dict) and is_rules(rules):
            problems = rules_issues(rules)
            if problems:
                raise BadRequest("; ".join(problems))

        if caller.is_api_key and environment_id and environment_id != caller.environment.id:
            raise Forbidden(_TARGET_ENV_SCOPE)
        with self.store.lock:
            integration = self._owned(caller, integration_id, action="update")
            if environment_id and environment_id != integration.environment_id:
                self._environment(caller, environment_id)
            changes: dict[str, Any] = {}
            if name:
                changes["name"] = name
            if identifier is not None and identifier != integration.identifier:
                taken = any(
                    i.identifier == identifier
                    for env in caller.organization.environments.values()
                    for i in live(env)
                )
                if taken:
                    raise Conflict("Integration with identifier already exists")
                changes["identifier"] = identifier
            if environment_id is not None:
                changes["environment_id"] = environment_id
            if active is not None:
                changes["active"] = active
            if credentials is not None:
                changes["credentials"] = _known_credentials(credentials, self.credential_keys)
            if configurations is not None:
                changes["configurations"] = dict(configurations)
            if conditions is not None:
                changes["conditions"] = list(conditions)
            if has_rules:
                # Rules that say something replace the legacy conditions; any other value
                # (null, {}, a list) clears them to null (update-integration.usecase.ts).
                changes["rules_set"] = True
                if is_rules(rules):
                    changes["rules"] = json_copy(rules)
                    changes["conditions"] = []
                else:
                    changes["rules"] = None
            if not changes:
                raise BadRequest("No properties found for update")
            self._apply_update(integration, changes)
            return integration

    def _apply_update(self, integration: Integration, changes: dict[str, Any]) -> None:
        was_active = integration.active
        moved_from = None
        target = changes.pop("environment_id", integration.environment_id)
        if target != integration.environment_id:
            moved_from = integration.environment_id
            self._move(integration, target)
        self.store.update(integration, **changes, updated_at=self.clock.now())
        has_primary = integration.channel in self.catalogue.channels_with_primary
        if has_primary and moved_from is not None:
            # The source closes the gap; in the target the integration is a newcomer: ranked,
            # never primary (the target may have one already). A (de)activation in the same
            # update is handled just below instead.
            self._renumber(moved_from, integration.organization_id, integration.channel)
            if was_active and integration.active:
                self.store.update(integration, primary=False)
                self._place_newly_active(integration, may_become_primary=False)
        if has_primary and "active" in changes and changes["active"] != was_active:
            if integration.active:
                # Activation ranks the integration but never makes it primary by itself.
                self._place_newly_active(integration, may_become_primary=False)
            else:
                self.store.update(integration, primary=False, priority=0)
                self._renumber(
                    integration.environment_id, integration.organization_id, integration.channel
                )
        chosen_by_rules = integration.conditions or is_rules(integration.rules)
        if has_primary and integration.primary and chosen_by_rules:
            # An integration chosen by conditions cannot stay the channel's default.
            self.store.update(integration, primary=False)
            self._renumber(
                integration.environment_id, integration.organization_id, integration.channel
            )

    # ---- delete ------------------------------------------------------------------------

    def remove(self, caller: Caller, integration_id: str) -> list[Integration]:
        """Soft delete; answers with what is left in the caller's environment."""
        with self.store.lock:
            integration = self._owned(caller, integration_id, action="delete")
            now = self.clock.now()
            self.store.update(
                integration,
                deleted=True,
                deleted_at=now,
                deleted_by=caller.user_id,
                updated_at=now,
            )
            if integration.channel in self.catalogue.channels_with_primary:
                self._renumber(
                    integration.environment_id, integration.organization_id, integration.channel
                )
            return list(live(caller.environment))

    # ---- primary -----------------------------------------------------------------------

    def set_primary(self, caller: Caller, integration_id: str) -> Integration:
        # The command's `@IsDefined() @IsMongoId() integrationId` is checked before the lookup
        # (set-integration-as-primary.command.ts).
        if not is_object_id(integration_id):
            raise CommandInvalid(["integrationId must be a mongodb id"])
        with self.store.lock:
            # Looked up in the organization, as `{_id, _organizationId}`: a dashboard session
            # may set any of its environments' integrations primary; an API key is held to its
            # own environment (PR #11480, utils/assert-integration-environment-scope.ts).
            integration = find(caller.organization, integration_id)
            if integration is None:
                raise NotFound(f"Integration with id {integration_id} not found")
            if caller.is_api_key and integration.environment_id != caller.environment.id:
                raise Forbidden(_ENV_SCOPE.format(action="set as primary"))
            if integration.channel not in self.catalogue.channels_with_primary:
                raise BadRequest(f"Channel {js_text(integration.channel)} does not support primary")
            if integration.primary:
                return integration
            environment = self.store.environment(
                integration.organization_id, integration.environment_id
            )
            assert environment is not None
            now = self.clock.now()
            for other in live(environment):
                if other.channel == integration.channel and other.active and other.primary:
                    self.store.update(other, primary=False, updated_at=now)
            self.store.update(integration, active=True, primary=True, conditions=[], updated_at=now)
            self._renumber(
                integration.environment_id,
                integration.organization_id,
                integration.channel,
                first=integration,
            )
            return integration

    def _place_newly_active(self, integration: Integration, *, may_become_primary: bool) -> None:
        """Rank an integration that just became active among its channel's active ones.

        Below an existing primary it takes the primary's rank and pushes the primary up one;
        otherwise it goes on top, and (on create only) becomes the primary.
        """
        environment = self.store.environment(
            integration.organization_id, integration.environment_id
        )
        assert environment is not None
        others = [
            i
            for i in live(environment)
            if i is not integration and i.active and i.channel == integration.channel
        ]
        highest = max(others, key=lambda i: i.priority, default=None)
        if highest is not None and highest.primary:
            self.store.update(integration, priority=highest.priority, primary=False)
            self.store.update(highest, priority=highest.priority + 1)
        else:
            self.store.update(integration, priority=(highest.priority if highest else 0) + 1)
            if may_become_primary:
                self.store.update(integration, primary=True)

    def _renumber(
        self,
        environment_id: str,
        organization_id: str,
        channel: str | None,
        *,
        first: Integration | None = None,
    ) -> None:
        """Number the channel's active integrations N..1, highest first (`first` on top)."""
        environment = self.store.environment(organization_id, environment_id)
        if environment is None:
            return
        active = [i for i in live(environment) if i.active and i.channel == channel]
        ranked = sorted(
            (i for i in active if i is not first), key=lambda i: i.priority, reverse=True
        )
        if first is not None and first in active:
            ranked.insert(0, first)
        for position, integration in enumerate(ranked):
            self.store.update(integration, priority=len(ranked) - position)

    # ---- auto-configure and chat links --------------------------------------------------

    def auto_configure(self, caller: Caller, integration_id: str) -> AutoConfigureResult:
        with self.store.lock:
            integration = find(caller.organization, integration_id)
            if integration is None:
                raise NotFound(f"Integration not found, id: {integration_id}")
            if caller.is_api_key and integration.environment_id != caller.environment.id:
                raise Forbidden(_ENV_SCOPE.format(action="auto-configure"))
            provider = self.catalogue.get(integration.provider_id)
            if integration.provider_id in NO_AUTO_CONFIGURE:
                return AutoConfigureResult(False, NO_AUTO_CONFIGURE[integration.provider_id], None)
            if provider is None or "autoConfigure" not in provider.features:
                # BaseHandler.autoConfigureInboundWebhook, for a provider without the method.
                return AutoConfigureResult(False, AUTO_CONFIGURE_NOT_IMPLEMENTED, None)
            if not integration.credentials:
                # The provider's own API refuses a call made without its key; the use case
                # catches that and answers `Auto-configuration failed: <the error>`. The
                # provider's wording is not Novu's, so the mock says what is missing.
                return AutoConfigureResult(
                    False,
                    f"Auto-configuration failed: {provider.display_name} credentials are missing",
                    None,
                )
            configurations = {
                **integration.configurations,
                "inboundWebhookEnabled": True,
                SIGNING_KEY: integration.configurations.get(SIGNING_KEY)
                or "whsec_" + _digest(integration.id, "signing-key")[:32],
            }
            self.store.update(
                integration, configurations=configurations, updated_at=self.clock.now()
            )
            return AutoConfigureResult(
                success=True,
                # The use case's words when the provider's answer has no message of its own.
                message="Integration auto-configured successfully",
                integration=integration,
            )

    def oauth_url(self, caller: Caller, body: dict[str, Any], *, mode: str) -> str:
        fields = _Fields(body)
        identifier = fields.required_string("integrationIdentifier")
        subscriber_id = fields.string("subscriberId")
        if mode == "link_user" and not subscriber_id:
            # GenerateLinkUserOauthUrlRequestDto: @IsNotEmpty({message: 'subscriberId is
            # required for link_user'}), a 422 of the validation pipe.
            fields.problem("subscriberId", "subscriberId is required for link_user")
        fields.raise_if_any()
        with self.store.lock:
            # Looked up among the environment's chat integrations of an OAuth provider, by
            # identifier (generate-connect-oauth-url / generate-link-user-oauth-url use cases):
            # any other integration is as missing as an unknown identifier.
            integration = next(
                (
                    i
                    for i in live(caller.environment)
                    if i.identifier == identifier
                    and i.channel == "chat"
                    and i.provider_id in OAUTH_PROVIDERS
                ),
                None,
            )
            if integration is None:
                raise NotFound(
                    f"Integration not found: {identifier} in environment {caller.environment.id}"
                )
            state = _digest(integration.id, mode, subscriber_id or "", str(body.get("context")))
            redirect = f"{PUBLIC_API_ROOT}/v1/integrations/chat/oauth/callback"
            client_id = str(integration.credentials.get("clientId") or integration.identifier)
            return _authorize_url(integration.provider_id, client_id, redirect, state, mode)

    # Telegram routes, as the telegram-linking use cases of novuhq/novu answer them: an unknown
    # identifier is 404 `Integration <identifier> not found`; another provider is a 400 worded
    # per route; a route that needs the bot (link, webhook) refuses an integration without
    # `credentials.apiToken` with 422.

    def link_channel_endpoint(self, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
        fields = _Fields(body)
        identifier = fields.required_string("integrationIdentifier")
        subscriber_id = fields.required_string("subscriberId")
        fields.raise_if_any()
        with self.store.lock:
            integration = self._telegram(
                caller, identifier, "Subscriber-link is only available for Telegram integrations."
            )
            self._bot_token(
                integration,
                "Bot Token is missing from integration credentials. Save the Bot Token and "
                "re-run the webhook configuration first.",
            )
            issued = self.clock.now()
            code = _digest(integration.id, "link", subscriber_id, iso_timestamp(issued))[:24]
            bot = _bot_username(integration)
            return {
                "url": f"https://t.me/{bot}?start={code}",
                "providerMetadata": {"botUsername": bot, "subscriberId": subscriber_id},
            }

    def mobile_link(self, caller: Caller, identifier: str, body: dict[str, Any]) -> dict[str, str]:
        fields = _Fields(body)
        subscriber_id = fields.string("subscriberId")
        fields.raise_if_any()
        with self.store.lock:
            # issue-telegram-mobile-link reads only `_id providerId`: no bot token needed.
            integration = self._telegram(
                caller, identifier, "Mobile setup link is only available for Telegram integrations."
            )
            issued = self.clock.now()
            token = _digest(integration.id, "mobile", subscriber_id or "", iso_timestamp(issued))
            token = token[:32]
            return {
                "token": token,
                "url": f"{DASHBOARD_ROOT}/agents/telegram/connect/{token}",
                "expiresAt": iso_timestamp(issued + LINK_LIFETIME),
            }

    def configure_webhook(self, caller: Caller, identifier: str) -> dict[str, str]:
        with self.store.lock:
            integration = self._telegram(
                caller, identifier, "Integration is not a Telegram provider"
            )
            self._bot_token(
                integration,
                "Bot Token is missing from integration credentials. Please save the Bot Token "
                "first.",
            )
            # Novu keeps the secret it registers with Telegram as `credentials.token` (a
            # secure key: hidden from API keys, masked wherever an exchange is kept).
            secret = _digest(integration.id, "telegram-webhook-secret")
            self.store.update(
                integration,
                credentials={**integration.credentials, "token": secret},
                updated_at=self.clock.now(),
            )
            return {
                "webhookUrl": (
                    f"{PUBLIC_API_ROOT}/v1/agents/{_agent_id(integration)}/webhook/"
                    f"{quote(integration.identifier)}"
                ),
                "configuredAt": iso_timestamp(self.clock.now()),
                "botUsername": _bot_username(integration),
            }

    def _move(self, integration: Integration, environment_id: str) -> None:
        """Re-home an integration in another environment of the same organization."""
        source = self.store.environment(integration.organization_id, integration.environment_id)
        target = self.store.environment(integration.organization_id, environment_id)
        if source is None or target is None:  # pragma: no cover - the caller checks first
            raise KeyError(environment_id)
        integrations_of(source).integrations.pop(integration.id, None)
        integrations_of(target).integrations[integration.id] = integration
        self.store.update(integration, environment_id=environment_id)

    # ---- lookups -----------------------------------------------------------------------

    def _environment(self, caller: Caller, environment_id: str) -> Environment:
        environment = caller.organization.environments.get(environment_id)
        if environment is None:
            raise NotFound(f"Environment with id {environment_id} not found")
        return environment

    def _owned(self, caller: Caller, integration_id: str, *, action: str) -> Integration:
        """Look an integration up in the organization; API keys may touch their own env only."""
        integration = find(caller.organization, integration_id)
        if integration is None:
            raise NotFound(f"Entity with id {integration_id} not found")
        if caller.is_api_key and integration.environment_id != caller.environment.id:
            raise Forbidden(_ENV_SCOPE.format(action=action))
        return integration

    def _telegram(self, caller: Caller, identifier: str, not_telegram: str) -> Integration:
        integration = next(
            (i for i in live(caller.environment) if i.identifier == identifier), None
        )
        if integration is None:
            raise NotFound(f"Integration {identifier} not found")
        provider = self.catalogue.get(integration.provider_id)
        if provider is None or "telegramLinks" not in provider.features:
            raise BadRequest(not_telegram)
        return integration

    @staticmethod
    def _bot_token(integration: Integration, missing: str) -> str:
        token = integration.credentials.get("apiToken")
        if not isinstance(token, str) or not token:
            # Novu's UnprocessableEntityException; every 422 of the contract is a
            # ValidationErrorDto, which the SDKs parse only with `errors`, so the mock keeps
            # Novu's message and names the field it is about.
            raise ValidationFailed([FieldProblem("credentials.apiToken", missing)], message=missing)
        return token


class _Fields:
    """Reads a request body the way Novu's DTOs do, collecting every type problem at once.

    The contract check normally rejects these first; this keeps the rules safe when contract
    validation is switched off.
    """

    def __init__(self, body: Any) -> None:
        self._body: dict[str, Any] = body if isinstance(body, dict) else {}
        self._problems: list[FieldProblem] = []
        if not isinstance(body, dict):
            self._problems.append(FieldProblem("general", "the body must be a JSON object"))

    def _typed(self, key: str, check: Callable[[Any], bool], words: str) -> Any:
        value = self._body.get(key)
        if value is None:
            return None
        if not check(value):
            self._problems.append(FieldProblem(key, f"{key} must be {words}", value, True))
            return None
        return value

    def string(self, key: str) -> str | None:
        value: str | None = self._typed(key, lambda v: isinstance(v, str), "a string")
        return value

    def required_string(self, key: str) -> str:
        if self._body.get(key) is None:
            self.missing(key)
            return ""
        return self.string(key) or ""

    def problem(self, key: str, message: str) -> None:
        self._problems.append(FieldProblem(key, message))

    def missing(self, key: str) -> None:
        self._problems.append(FieldProblem(key, f"{key} should not be null or undefined"))

    def object_id(self, key: str) -> str | None:
        value = self.string(key)
        if value is not None and not is_object_id(value):
            self._problems.append(FieldProblem(key, f"{key} must be a mongodb id", value, True))
            return None
        return value

    def boolean(self, key: str) -> bool | None:
        value: bool | None = self._typed(key, lambda v: isinstance(v, bool), "a boolean value")
        return value

    def mapping(self, key: str) -> dict[str, Any] | None:
        value: dict[str, Any] | None = self._typed(key, lambda v: isinstance(v, dict), "an object")
        return value

    def list_of_mappings(self, key: str) -> list[dict[str, Any]] | None:
        value: list[dict[str, Any]] | None = self._typed(
            key,
            lambda v: isinstance(v, list) and all(isinstance(item, dict) for item in v),
            "an array of objects",
        )
        return value

    def raise_if_any(self) -> None:
        if self._problems:
            raise ValidationFailed(self._problems)


def _known_credentials(credentials: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    if not known:
        return dict(credentials)
    return {key: value for key, value in credentials.items() if key in known}


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _agent_id(integration: Integration) -> str:
    """The ObjectId of the agent Novu links a Telegram integration to, made from the
    integration's own id (the mock keeps no agents)."""
    return _digest(integration.id, "agent")[:24]


def _bot_username(integration: Integration) -> str:
    return f"{slugify(integration.name).replace('-', '_')}_bot"


def _authorize_url(provider_id: str, client_id: str, redirect: str, state: str, mode: str) -> str:
    if provider_id == "msteams":
        query = urlencode({"client_id": client_id, "redirect_uri": redirect, "state": state})
        return f"https://login.microsoftonline.com/common/adminconsent?{query}"
    if provider_id == "webex-messaging":
        query = urlencode(
            {
                "client_id": client_id,
                "response_type": "code",
                "redirect_uri": redirect,
                "scope": "spark:messages_write spark:people_read",
                "state": state,
            }
        )
        return f"https://webexapis.com/v1/authorize?{query}"
    scope_key = "user_scope" if mode == "link_user" else "scope"
    query = urlencode(
        {
            "client_id": client_id,
            scope_key: "chat:write,users:read" if mode != "link_user" else "identity.basic",
            "redirect_uri": redirect,
            "state": state,
        }
    )
    return f"https://slack.com/oauth/v2/authorize?{query}"
