"""What is secret, in one place: the journal, the recorder, error bodies, logs and the inspector
all mask with these rules, so a secret Novu hides from one reader is hidden from every one.

The secrets in bodies are the resources' (each declares its SecretRules: for integrations, the
credential keys Novu encrypts and the inbound webhook signing key); headers and query
parameters that carry a key, a token or a session are this module's own.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

SECRET_MASK = "********"
# Headers that carry a secret: the caller's key or token, a session, the admin token.
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-mockserver-admin-token"})
# A header or query parameter whose name says it holds a secret is masked too, unless allowed.
SECRET_NAME = re.compile(
    r"token|key|secret|signature|authorization|cookie|password|passwd|session|credential",
    re.IGNORECASE,
)
# Names that match SECRET_NAME but hold nothing secret: kept, so replays and verify work.
ALLOWED_NAMES = frozenset({"idempotency-key"})


@dataclass(frozen=True)
class SecretRules:
    """The secrets in a resource's objects.

    `body_keys`: keys whose values are secret at any depth of any body. `emptied`: object
    fields an API-key caller sees as `{}`, and that are masked whole wherever they are not an
    object (a secret pasted in the wrong place). `stripped`: per object field, the keys an
    API-key caller never sees in it."""

    body_keys: frozenset[str] = frozenset()
    emptied: frozenset[str] = frozenset()
    stripped: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __or__(self, other: SecretRules) -> SecretRules:
        stripped = {key: frozenset(keys) for key, keys in self.stripped.items()}
        for key, keys in other.stripped.items():
            stripped[key] = stripped.get(key, frozenset()) | keys
        return SecretRules(self.body_keys | other.body_keys, self.emptied | other.emptied, stripped)


@functools.cache
def secret_rules() -> SecretRules:
    """Every registered resource's rules, merged. The registry is read by name: the resources
    sit above this module, which they use."""
    registry = importlib.import_module("mockserver.resources.registry")
    merged = SecretRules()
    for resource in registry.resource_classes():
        merged = merged | resource.secrets
    return merged


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


def secret_body_keys() -> frozenset[str]:
    """Body keys whose values are secret at any depth, in every resource's objects."""
    return secret_rules().body_keys


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
    return _masked(value, secret, secret_rules().emptied)


def _masked(value: Any, keys: Collection[str], emptied: Collection[str]) -> Any:
    if isinstance(value, dict):
        if value.get("isSecret") is True and "values" in value:
            # An object that says it is secret (Novu's environment variables: "encrypted at
            # rest, masked in responses"): its values are masked wherever it is kept.
            value = {**value, "values": mask_leaves(value["values"])}
        return {key: _masked_item(key, item, keys, emptied) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, keys, emptied) for item in value]
    return value


def _masked_item(key: str, item: Any, keys: Collection[str], emptied: Collection[str]) -> Any:
    if key in keys:
        return mask_leaves(item)
    if key in emptied and item is not None and not isinstance(item, dict):
        return SECRET_MASK
    return _masked(item, keys, emptied)


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
    emptied = secret_rules().emptied
    return any(part in emptied or part in secret for part in path)


def scrub_message(message: str, path: Sequence[Any], instance: Any) -> str:
    """A validator's sentence about the value at `path`, without the value when it is secret
    (jsonschema words its failures as `'<value>' is not of type ...`)."""
    if not is_secret_path(path) or instance in (None, "") or isinstance(instance, bool):
        return message
    return message.replace(repr(instance), repr(SECRET_MASK))


def hidden_from_api_key(value: Any) -> Any:
    """A copy of an answer as Novu sanitises it for an API-key caller: in every object of an
    environment, each `emptied` field `{}` and each `stripped` key gone (for integrations,
    `utils/sanitize-integration-response.ts` in novuhq/novu)."""
    return _hidden(value, secret_rules())


def _hidden(value: Any, rules: SecretRules) -> Any:
    if isinstance(value, list):
        return [_hidden(item, rules) for item in value]
    if not isinstance(value, dict):
        return value
    hidden = {key: _hidden(item, rules) for key, item in value.items()}
    if "_environmentId" in value:
        for name in rules.emptied & hidden.keys():
            hidden[name] = {}
        for name, keys in rules.stripped.items():
            inner = hidden.get(name)
            if isinstance(inner, dict) and keys & inner.keys():
                hidden[name] = {key: item for key, item in inner.items() if key not in keys}
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
