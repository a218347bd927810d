"""What never reaches a cassette: credentials, in headers and in bodies, both directions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.errors import SECRET_MASK

# Credential keys Novu treats as secret (its `secureCredentials` list), wherever they appear.
SECRET_BODY_KEYS = frozenset(
    {
        "apiKey",
        "apiToken",
        "secretKey",
        "token",
        "password",
        "serviceAccount",
        "signingSecret",
        "headers",
    }
)
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-mockserver-admin-token"})
# Transport details that would only make a recording differ from run to run.
DROPPED_HEADERS = frozenset(
    {
        "host",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "date",
        "server",
        "accept-encoding",
        "user-agent",
    }
)


@dataclass(frozen=True)
class SecretFilter:
    body_keys: frozenset[str] = SECRET_BODY_KEYS
    headers: frozenset[str] = SECRET_HEADERS

    @classmethod
    def with_extra(cls, body_keys: Iterable[str] = (), headers: Iterable[str] = ()) -> SecretFilter:
        return cls(
            body_keys=SECRET_BODY_KEYS | frozenset(body_keys),
            headers=SECRET_HEADERS | {name.lower() for name in headers},
        )

    def filter_headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """The headers worth recording, secrets replaced: `ApiKey ****`, `Bearer ****`."""
        kept: dict[str, str] = {}
        for name, value in headers:
            lowered = name.lower()
            if lowered in DROPPED_HEADERS:
                continue
            if lowered in self.headers:
                scheme, _, secret = value.partition(" ")
                value = f"{scheme} {SECRET_MASK}" if secret else SECRET_MASK
            kept[name] = value
        return kept

    def filter_body(self, value: Any) -> Any:
        """A copy of a JSON value with the value of every secret key masked, at any depth."""
        if isinstance(value, dict):
            return {
                key: _mask_leaves(item) if key in self.body_keys else self.filter_body(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.filter_body(item) for item in value]
        return value


def _mask_leaves(value: Any) -> Any:
    """Every string and number inside a secret masked; its shape kept (a webhook provider's
    `headers` is a list of {key, value}), so a masked answer still fits the spec."""
    if isinstance(value, dict):
        return {key: _mask_leaves(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_leaves(item) for item in value]
    if value in (None, "") or isinstance(value, bool):
        return value
    return SECRET_MASK
