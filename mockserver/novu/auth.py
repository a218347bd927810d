"""Who is calling: `Authorization: ApiKey <key>` (one environment) or `Bearer <token>` (dashboard).

Messages are those of Novu's auth guard. The scheme is the header's first word, compared
case-sensitively, as Novu compares it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mockserver.novu.errors import NotFound, Unauthorized
from mockserver.state.store import Environment, Organization, Store

ENVIRONMENT_HEADER = "Novu-Environment-Id"


@dataclass(frozen=True)
class Caller:
    scheme: str  # "ApiKey" or "Bearer"
    organization: Organization
    # For API keys, the key's environment; for dashboard sessions, the one they have selected.
    environment: Environment

    @property
    def is_api_key(self) -> bool:
        return self.scheme == "ApiKey"

    @property
    def user_id(self) -> str:
        return self.organization.owner_id


def authenticate(
    store: Store,
    authorization: str | None,
    selected_environment: str | None,
    *,
    provision: Callable[[str], Environment] | None = None,
) -> Caller:
    """Resolve the caller; `provision` (with --any-key) makes an environment for an unseen key."""
    if not authorization:
        raise Unauthorized("Missing authorization header")
    scheme, _, credential = authorization.partition(" ")
    credential = credential.strip()
    if scheme == "ApiKey":
        if not credential:
            raise Unauthorized(bare=True)
        environment = store.environment_for_key(credential)
        if environment is None and provision is not None:
            environment = provision(credential)
        if environment is None:
            raise Unauthorized("API Key not found")
        organization = store.organizations[environment.organization_id]
        return Caller("ApiKey", organization, environment)
    if scheme == "Bearer":
        session = store.organization_for_token(credential) if credential else None
        if session is None:
            raise Unauthorized(bare=True)
        return Caller("Bearer", session, _selected(session, selected_environment))
    raise Unauthorized(f'Invalid authentication scheme: "{scheme}"')


def _selected(organization: Organization, environment_id: str | None) -> Environment:
    """The dashboard names its current environment in a header; the first one otherwise."""
    if environment_id:
        environment = organization.environments.get(environment_id)
        if environment is None:
            raise NotFound(f"Environment with id {environment_id} not found")
        return environment
    return next(iter(organization.environments.values()))
