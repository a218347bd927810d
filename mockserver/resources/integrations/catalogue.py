"""The provider catalogue: the providers of each channel and the credential keys they read."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Provider:
    provider_id: str
    channel: str
    display_name: str
    required_keys: tuple[str, ...]
    optional_keys: tuple[str, ...]
    features: frozenset[str]

    @property
    def credential_keys(self) -> tuple[str, ...]:
        return self.required_keys + self.optional_keys


@dataclass(frozen=True)
class Catalogue:
    providers: dict[str, Provider]
    secure_keys: frozenset[str]
    novu_providers: frozenset[str]
    channels_with_primary: frozenset[str]

    def get(self, provider_id: str) -> Provider | None:
        return self.providers.get(provider_id)

    def default_name(self, provider_id: str) -> str:
        """Novu names an integration after the catalogue entry, else after the id, capitalised."""
        provider = self.providers.get(provider_id)
        if provider is not None:
            return provider.display_name
        return provider_id[:1].upper() + provider_id[1:]

    def by_channel(self, channel: str) -> list[Provider]:
        return [p for p in self.providers.values() if p.channel == channel]


def load_catalogue() -> Catalogue:
    raw = json.loads(resources.files(__package__).joinpath("data/providers.json").read_text())
    providers = {
        entry["providerId"]: Provider(
            provider_id=entry["providerId"],
            channel=entry["channel"],
            display_name=entry["displayName"],
            required_keys=tuple(entry["required"]),
            optional_keys=tuple(entry["optional"]),
            features=frozenset(entry.get("features", ())),
        )
        for entry in raw["providers"]
    }
    return Catalogue(
        providers=providers,
        secure_keys=frozenset(raw["secureKeys"]),
        novu_providers=frozenset(raw["novuProviders"]),
        channels_with_primary=frozenset(raw["channelsWithPrimary"]),
    )
