"""What never reaches a cassette: credentials, in headers and in bodies, both directions.

The rules are mockserver.novu.secrets' (one source for the journal, the recorder and the logs):
the body keys Novu keeps secret; the Authorization, Cookie and admin-token headers; and any
header or query parameter whose name says it holds a secret (token, key, secret, signature,
authorization, cookie, password, session, credential), but for `Idempotency-Key` and what
`--allow-header` names. `--filter-key`, `--filter-header` and `--filter-query` add to them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mockserver.novu.secrets import (
    ALLOWED_NAMES,
    SECRET_HEADERS,
    mask_body,
    mask_headers,
    mask_query,
    secret_body_keys,
)

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
    query: frozenset[str] = frozenset()
    allowed: frozenset[str] = ALLOWED_NAMES

    @classmethod
    def with_extra(
        cls,
        body_keys: Iterable[str] = (),
        headers: Iterable[str] = (),
        query: Iterable[str] = (),
        allowed_headers: Iterable[str] = (),
    ) -> SecretFilter:
        return cls(
            body_keys=secret_body_keys() | frozenset(body_keys),
            headers=SECRET_HEADERS | {name.lower() for name in headers},
            query=frozenset(query),
            allowed=ALLOWED_NAMES | {name.lower() for name in allowed_headers},
        )

    def filter_headers(self, headers: Iterable[tuple[str, str]]) -> dict[str, str]:
        """The headers worth recording, secrets replaced: `ApiKey ****`, `Bearer ****`."""
        kept = ((name, value) for name, value in headers if name.lower() not in DROPPED_HEADERS)
        return mask_headers(kept, secret_names=self.headers, allowed=self.allowed)

    def filter_query(self, query: dict[str, str]) -> dict[str, str]:
        """The query with each secret-looking parameter's value masked."""
        return mask_query(query, extra=self.query, allowed=self.allowed)

    def filter_body(self, value: Any) -> Any:
        """A copy of a JSON value with the value of every secret key masked, at any depth."""
        return mask_body(value, self.body_keys)
