"""What never reaches a cassette: credentials, in headers and in bodies, both directions.

The rules are mockserver.secrets' (one source for the journal, the recorder and the logs);
`--filter-key` and `--filter-header` add to them, never take away."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mockserver.secrets import SECRET_HEADERS, mask_body, mask_headers, secret_body_keys

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
    body_keys: frozenset[str] = field(default_factory=secret_body_keys)
    headers: frozenset[str] = SECRET_HEADERS

    @classmethod
    def with_extra(cls, body_keys: Iterable[str] = (), headers: Iterable[str] = ()) -> SecretFilter:
        return cls(
            body_keys=secret_body_keys() | frozenset(body_keys),
            headers=SECRET_HEADERS | {name.lower() for name in headers},
        )

    def filter_headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """The headers worth recording, secrets replaced: `ApiKey ****`, `Bearer ****`."""
        kept = ((name, value) for name, value in headers if name.lower() not in DROPPED_HEADERS)
        return mask_headers(kept, secret_names=self.headers)

    def filter_body(self, value: Any) -> Any:
        """A copy of a JSON value with the value of every secret key masked, at any depth."""
        return mask_body(value, self.body_keys)
