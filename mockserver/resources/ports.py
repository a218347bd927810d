"""What one resource offers another, without either importing the other.

A trigger needs the environment's workflows, subscribers, topics and integrations; a deleted
subscriber leaves its topics. Each resource that offers something implements one of these
protocols and the one that needs it asks for it by what it offers (the functions at the end),
so the registry stays the only place that names a resource's module
(tests/test_architecture.py).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, cast, runtime_checkable

from mockserver.state.store import Environment


class ResourceFinder(Protocol):
    def resource(self, name: str) -> object: ...


# What each server offers, found once: a server's resources are fixed when it is built, and
# checking a protocol costs more than a trigger's own work. Weak keys: a server that is gone
# takes its entries with it.
_OFFERED: weakref.WeakKeyDictionary[Any, dict[str, object | None]] = weakref.WeakKeyDictionary()


def _offered(host: ResourceFinder, name: str, kind: type) -> object | None:
    """The resource registered as `name` if it offers `kind` (None when the server runs
    without it, in a registry of one's own, or it offers something else)."""
    found = _OFFERED.setdefault(host, {})
    if name not in found:
        try:
            registered = host.resource(name)
        except KeyError:
            registered = None
        found[name] = registered if isinstance(registered, kind) else None
    return found[name]


class SubscriberView(Protocol):
    """What others read of a subscriber."""

    @property
    def id(self) -> str: ...
    @property
    def subscriber_id(self) -> str: ...
    @property
    def profile(self) -> dict[str, Any]: ...
    @property
    def channels(self) -> list[dict[str, Any]]: ...
    def to_wire(self) -> dict[str, Any]: ...


@runtime_checkable
class SubscriberDirectory(Protocol):
    def find_subscriber(
        self, environment: Environment, subscriber_id: str
    ) -> SubscriberView | None: ...

    def upsert_recipient(
        self, environment: Environment, subscriber_id: str, fields: Mapping[str, Any]
    ) -> SubscriberView:
        """The subscriber with that id, made if missing, with the given profile fields set (as
        Novu's worker does for a trigger's recipient)."""
        ...

    def live_subscribers(self, environment: Environment) -> Iterable[SubscriberView]: ...

    def subscriber_by_id(self, environment: Environment, internal_id: str) -> SubscriberView | None:
        """A live subscriber by Novu's own `_id`."""
        ...

    def takes(self, subscriber: Any, workflow: Any, channel: str) -> bool:
        """Whether the subscriber's preferences let the workflow send on `channel`."""
        ...


class WorkflowStepView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def step_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def control_values(self) -> dict[str, Any]: ...


class WorkflowView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def workflow_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def validate_payload(self) -> bool: ...
    @property
    def payload_schema(self) -> dict[str, Any] | None: ...
    @property
    def steps(self) -> Sequence[WorkflowStepView]: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def critical(self) -> bool: ...
    @property
    def slug(self) -> str: ...


@runtime_checkable
class WorkflowCatalogue(Protocol):
    def find_workflow(self, environment: Environment, identifier: str) -> WorkflowView | None:
        """The workflow whose trigger identifier is `identifier`, or None."""
        ...

    def find_any_workflow(self, environment: Environment, key: str) -> WorkflowView | None:
        """The workflow with that identifier, `_id` or slug, or None."""
        ...

    def all_workflows(self, environment: Environment) -> Iterable[WorkflowView]: ...

    def workflow_triggered(self, environment: Environment, workflow: Any) -> None:
        """Record that a trigger ran the workflow (its `lastTriggeredAt`)."""
        ...


class IntegrationView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def identifier(self) -> str: ...
    @property
    def provider_id(self) -> str: ...
    @property
    def channel(self) -> str: ...


@runtime_checkable
class IntegrationSelector(Protocol):
    def select_integration(
        self,
        environment: Environment,
        channel: str,
        identifier: str | None = None,
        *,
        tenant: Mapping[str, Any] | None = None,
        subscriber: SubscriberView | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> IntegrationView | None:
        """The integration Novu's worker would send a `channel` step through (None: none is
        active), or the active one with `identifier` when the trigger names one; the
        trigger's tenant (for legacy conditions), subscriber and context (for rules) can
        choose another."""
        ...

    def active_provider(self, environment: Environment, provider_id: str) -> IntegrationView | None:
        """The newest active integration of `provider_id` (subscriber credentials need one)."""
        ...

    def active_channels(self, environment: Environment) -> set[str]:
        """The channels with an active integration (what preferences list)."""
        ...


@runtime_checkable
class TopicMembership(Protocol):
    def topic_members(self, environment: Environment, keys: list[str]) -> list[str] | str:
        """The subscriberIds subscribed to any of the topics, in subscription order; or, when
        a key names no topic, the message Novu's worker fails with."""
        ...


class TenantView(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def identifier(self) -> str: ...
    def to_wire(self) -> dict[str, Any]: ...


@runtime_checkable
class TenantDirectory(Protocol):
    def find_tenant(self, environment: Environment, identifier: str) -> TenantView | None: ...

    def refresh_tenant(
        self, environment: Environment, given: Mapping[str, Any]
    ) -> TenantView | None:
        """A trigger's tenant object applied to the stored tenant (process-tenant)."""
        ...


@runtime_checkable
class SubscriberListener(Protocol):
    def subscriber_removed(self, environment: Environment, subscriber_internal_id: str) -> None:
        """A subscriber was deleted: drop what belonged to it (subscriptions, messages)."""
        ...


# ---- finding what is offered ---------------------------------------------------------------


def subscriber_directory(host: ResourceFinder) -> SubscriberDirectory | None:
    return cast(SubscriberDirectory | None, _offered(host, "subscribers", SubscriberDirectory))


def workflow_catalogue(host: ResourceFinder) -> WorkflowCatalogue | None:
    return cast(WorkflowCatalogue | None, _offered(host, "workflows", WorkflowCatalogue))


def integration_selector(host: ResourceFinder) -> IntegrationSelector | None:
    return cast(IntegrationSelector | None, _offered(host, "integrations", IntegrationSelector))


def topic_membership(host: ResourceFinder) -> TopicMembership | None:
    return cast(TopicMembership | None, _offered(host, "topics", TopicMembership))


def tenant_directory(host: ResourceFinder) -> TenantDirectory | None:
    return cast(TenantDirectory | None, _offered(host, "tenants", TenantDirectory))
