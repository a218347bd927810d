"""The integrations of a seeded environment: what Novu creates for a new environment, then a
realistic mix of Faker-made ones, all created through the backend itself, so the seeded state
obeys every rule that live traffic does."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from faker import Faker

from mockserver.novu.auth import Caller
from mockserver.resources.integrations.backend import IntegrationsBackend
from mockserver.resources.integrations.catalogue import Catalogue, Provider
from mockserver.state.seed import DEVELOPMENT, PRODUCTION
from mockserver.state.store import Environment, Organization

EXTRA_INTEGRATIONS_PER_ENVIRONMENT = 10
# How often each channel is drawn for the extra integrations.
CHANNEL_WEIGHTS = {"email": 3, "sms": 3, "chat": 2, "push": 2}
_REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2")


def populate_environment(
    backend: IntegrationsBackend,
    organization: Organization,
    environment: Environment,
    *,
    seed: int,
    label: str,
    credential_types: dict[str, str],
) -> None:
    """Novu's defaults for a new environment, then the Faker-made mix."""
    caller = Caller("Bearer", organization, environment)
    add_novu_defaults(backend, caller, environment)

    rng = random.Random(f"{seed}:{label}:mix")
    faker = Faker("en_US")
    faker.seed_instance(f"{seed}:{label}:mix")
    maker = _CredentialMaker(faker, rng, credential_types)
    channels = list(CHANNEL_WEIGHTS)
    weights = [CHANNEL_WEIGHTS[c] for c in channels]
    created = []
    for _ in range(EXTRA_INTEGRATIONS_PER_ENVIRONMENT):
        channel = rng.choices(channels, weights)[0]
        provider = rng.choice(catalogue_choices(backend.catalogue, channel))
        body: dict[str, Any] = {
            "providerId": provider.provider_id,
            "channel": channel,
            "active": rng.random() < 0.7,
            "credentials": maker.credentials(provider),
        }
        if rng.random() < 0.4:
            body["name"] = f"{provider.display_name} {faker.word().capitalize()}"
        if channel == "chat" and rng.random() < 0.3:
            body["conditions"] = [_tenant_condition(faker)]
        created.append(backend.create(caller, body))
    # Teams often move the primary off Novu's demo provider once a real one is configured.
    for channel in ("email", "sms"):
        real = [i for i in created if i.channel == channel and i.active]
        if real and rng.random() < 0.5:
            backend.set_primary(caller, rng.choice(real).id)


def add_novu_defaults(
    backend: IntegrationsBackend, caller: Caller, environment: Environment
) -> None:
    """What Novu creates for a new environment (create-novu-integrations.usecase.ts): in the
    Development environment alone the `novu-email` demo integration, active and made primary;
    in every environment its Inbox (`novu`, in-app), active, with `hmac: true` in Production,
    where an Inbox must not accept an arbitrary subscriberId. There is no SMS demo any more."""
    if environment.name == DEVELOPMENT:
        demo = backend.create(
            caller, {"providerId": "novu-email", "channel": "email", "active": True}
        )
        backend.set_primary(caller, demo.id)
    inbox: dict[str, Any] = {"providerId": "novu", "channel": "in_app", "active": True}
    if environment.name == PRODUCTION:
        inbox["credentials"] = {"hmac": True}
    backend.create(caller, inbox)


def catalogue_choices(catalogue: Catalogue, channel: str) -> list[Provider]:
    """Providers a team would configure themselves: not Novu's own demo and in-app providers."""
    return [
        p for p in catalogue.by_channel(channel) if p.provider_id not in catalogue.novu_providers
    ]


def _tenant_condition(faker: Faker) -> dict[str, Any]:
    """A condition as Novu's document describes one (`on: payload`, which an integration's
    conditions never match: they read only the tenant). A seeded `on: tenant` would be
    faithful to the dashboard but breaks novu-py, whose closed enum refuses it in a list."""
    return {
        "isNegated": False,
        "type": "BOOLEAN",
        "value": "AND",
        "children": [
            {"field": "identifier", "value": faker.slug(), "operator": "EQUAL", "on": "payload"}
        ],
    }


class _CredentialMaker:
    """Plausible values for each credential key a provider reads."""

    def __init__(self, faker: Faker, rng: random.Random, types: dict[str, str]) -> None:
        self._faker = faker
        self._rng = rng
        self._types = types

    def credentials(self, provider: Provider) -> dict[str, Any]:
        keys = list(provider.required_keys)
        keys += [k for k in provider.optional_keys if self._rng.random() < 0.5]
        return {key: self._value(key, provider) for key in keys}

    def _value(self, key: str, provider: Provider) -> Any:
        kind = self._types.get(key, "string")
        if kind == "boolean":
            return self._rng.random() < 0.5
        if kind == "object":
            return {}
        return self._string(key, provider)

    def _string(self, key: str, provider: Provider) -> str:
        f, hex_ = self._faker, self._hex
        if key == "from":
            return f.company_email() if provider.channel == "email" else f.numerify("+1##########")
        generators: dict[str, Callable[[], str]] = {
            "apiKey": lambda: ("SG." if provider.provider_id == "sendgrid" else "") + hex_(40),
            "apiToken": lambda: hex_(40),
            "secretKey": lambda: hex_(48),
            "token": lambda: hex_(32),
            "password": lambda: f.password(length=20, special_chars=False),
            "signingSecret": lambda: hex_(32),
            "accessKey": lambda: "AKIA" + hex_(16).upper(),
            "accountSid": lambda: "AC" + hex_(32),
            "user": f.user_name,
            "senderName": f.company,
            "domain": f.domain_name,
            "host": lambda: "smtp." + f.domain_name(),
            "port": lambda: self._rng.choice(("25", "465", "587", "2525")),
            "region": lambda: self._rng.choice(_REGIONS),
            "serviceAccount": self._service_account,
            "baseUrl": f.url,
            "webhookUrl": lambda: f.url() + "hooks/" + hex_(12),
            "redirectUrl": lambda: f.url() + "oauth/callback",
            "imageUrl": f.image_url,
            "externalLink": f.url,
            "title": f.catch_phrase,
            "ipPoolName": lambda: f.word() + "-pool",
            "projectName": lambda: f.slug(),
            "channelId": lambda: "C" + hex_(10).upper(),
        }
        make = generators.get(key)
        return make() if make is not None else str(f.uuid4())

    def _hex(self, length: int) -> str:
        return f"{self._rng.getrandbits(length * 4):0{length}x}"

    def _service_account(self) -> str:
        project = self._faker.slug()
        return json.dumps(
            {
                "type": "service_account",
                "project_id": project,
                "private_key_id": self._hex(40),
                "client_email": f"firebase-adminsdk@{project}.iam.gserviceaccount.com",
            }
        )
