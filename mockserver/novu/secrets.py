"""What is secret, in one place: the journal, the recorder, error bodies, logs and the inspector
all mask with these rules, so a secret Novu hides from one reader is hidden from every one.

Novu hides from API-key callers every credential (`credentials: {}`) and the inbound webhook
signing key in `configurations` (`utils/sanitize-integration-response.ts` in novuhq/novu).
Everything that keeps or shows an exchange masks the credential keys Novu encrypts
(`secureCredentials`, in the provider catalogue) and that signing key, wherever they appear.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

SECRET_MASK = "********"
CREDENTIALS_FIELD = "credentials"
SIGNING_KEY = "inboundWebhookSigningKey"
# Headers that carry a secret: the caller's key or token, a session, the admin token.
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-mockserver-admin-token"})
# A header or query parameter whose name says it holds a secret is masked too, unless allowed.
SECRET_NAME = re.compile(
    r"token|key|secret|signature|authorization|cookie|password|passwd|session|credential",
    re.IGNORECASE,
)
# Names that match SECRET_NAME but hold nothing secret: kept, so replays and verify work.
ALLOWED_NAMES = frozenset({"idempotency-key"})


def is_secret_name(name: str, allowed: Collection[str] = ALLOWED_NAMES) -> bool:
    lowered = name.lower()
    if lowered in allowed:
        return False
    return lowered in SECRET_HEADERS or bool(SECRET_NAME.search(lowered))


def mask_query(
    query: Mapping[str, str],
    *,
    extra: Collection[str] = (),
    allowed: Collection[str] = ALLOWED_NAMES,
) -> dict[str, str]:
    """Query parameters with every secret-looking one's value masked (and those in `extra`)."""
    return {
        name: SECRET_MASK if (name in extra or is_secret_name(name, allowed)) else value
        for name, value in query.items()
    }


@functools.cache
def secret_body_keys() -> frozenset[str]:
    """Body keys whose values are secret at any depth: the catalogue's secure credential keys
    and the inbound webhook signing key."""
    from mockserver.resources.integrations.catalogue import load_catalogue

    return load_catalogue().secure_keys | {SIGNING_KEY}


def mask_header_value(value: str, *, keep_tail: int = 0) -> str:
    """`ApiKey ********`: the scheme stays readable; `keep_tail` characters of the secret
    may stay too, so a person can tell two keys apart (the journal keeps four)."""
    scheme, _, secret = value.partition(" ")
    if not secret:
        return SECRET_MASK
    tail = secret[-keep_tail:] if keep_tail and len(secret) > 2 * keep_tail else ""
    return f"{scheme} {SECRET_MASK}{tail}"


def mask_headers(
    headers: Iterable[tuple[str, str]],
    *,
    secret_names: Collection[str] = SECRET_HEADERS,
    allowed: Collection[str] = ALLOWED_NAMES,
    keep_tail: int = 0,
) -> dict[str, str]:
    """Headers with the value of each secret one masked: those named in `secret_names`, and
    any whose name looks secret (SECRET_NAME) and is not `allowed`."""
    return {
        name: mask_header_value(value, keep_tail=keep_tail)
        if name.lower() in secret_names or is_secret_name(name, allowed)
        else value
        for name, value in headers
    }


def mask_body(value: Any, keys: Collection[str] | None = None) -> Any:
    """A copy of a JSON value with every secret key's value masked, at any depth.

    A secret's shape is kept (a webhook provider's `headers` is a list of {key, value}), so a
    masked answer still fits the spec; `credentials` that are not an object are masked whole
    (a secret pasted in the wrong place)."""
    secret = secret_body_keys() if keys is None else keys
    return _masked(value, secret)


def _masked(value: Any, keys: Collection[str]) -> Any:
    if isinstance(value, dict):
        return {key: _masked_item(key, item, keys) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, keys) for item in value]
    return value


def _masked_item(key: str, item: Any, keys: Collection[str]) -> Any:
    if key in keys:
        return mask_leaves(item)
    if key == CREDENTIALS_FIELD and item is not None and not isinstance(item, dict):
        return SECRET_MASK
    return _masked(item, keys)


def mask_leaves(value: Any) -> Any:
    """Every string and number inside a secret masked; empty values, booleans and the shape
    kept."""
    if isinstance(value, dict):
        return {key: mask_leaves(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_leaves(item) for item in value]
    if value in (None, "") or isinstance(value, bool):
        return value
    return SECRET_MASK


def is_secret_path(path: Sequence[Any], keys: Collection[str] | None = None) -> bool:
    """Whether a place in a document (a JSON path's parts) is, or is inside, a secret."""
    secret = secret_body_keys() if keys is None else keys
    return any(part == CREDENTIALS_FIELD or part in secret for part in path)


def scrub_message(message: str, path: Sequence[Any], instance: Any) -> str:
    """A validator's sentence about the value at `path`, without the value when it is secret
    (jsonschema words its failures as `'<value>' is not of type ...`)."""
    if not is_secret_path(path) or instance in (None, "") or isinstance(instance, bool):
        return message
    return message.replace(repr(instance), repr(SECRET_MASK))


def hidden_from_api_key(value: Any) -> Any:
    """A copy of an answer as Novu sanitises it for an API-key caller: every integration's
    `credentials` empty and its `configurations` without the signing key."""
    if isinstance(value, list):
        return [hidden_from_api_key(item) for item in value]
    if not isinstance(value, dict):
        return value
    hidden = {key: hidden_from_api_key(item) for key, item in value.items()}
    if "_environmentId" in value:
        if CREDENTIALS_FIELD in hidden:
            hidden[CREDENTIALS_FIELD] = {}
        configurations = hidden.get("configurations")
        if isinstance(configurations, dict) and SIGNING_KEY in configurations:
            hidden["configurations"] = {
                key: item for key, item in configurations.items() if key != SIGNING_KEY
            }
    return hidden


def environments_in(value: Any) -> set[str]:
    """The environments whose objects an answer shows (`_environmentId`, at any depth)."""
    found: set[str] = set()
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            environment = node.get("_environmentId")
            if isinstance(environment, str):
                found.add(environment)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found
