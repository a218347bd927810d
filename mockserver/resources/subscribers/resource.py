"""Subscribers as a resource of the registry: Novu's v2 subscriber operations and v1's bulk
create, their state in each environment, seeding, state document and datasets."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from mockserver.contract import bundled_path
from mockserver.novu.auth import Caller
from mockserver.novu.secrets import SecretRules
from mockserver.resources.base import Host, Resource, Table
from mockserver.resources.ports import (
    IntegrationSelector,
    SubscriberListener,
    WorkflowCatalogue,
    integration_selector,
    workflow_catalogue,
)
from mockserver.resources.subscribers.backend import SubscribersBackend
from mockserver.resources.subscribers.channels import SubscriberChannels
from mockserver.resources.subscribers.models import Subscriber
from mockserver.resources.subscribers.preferences import SubscriberPreferences, allows
from mockserver.resources.subscribers.routes import HANDLERS, Services
from mockserver.resources.subscribers.seeding import populate_environment
from mockserver.resources.subscribers.snapshot import (
    EXPORT_PROPERTIES,
)
from mockserver.resources.subscribers.snapshot import (
    export_environment as export_subscribers,
)
from mockserver.resources.subscribers.snapshot import (
    import_environment as import_subscribers,
)
from mockserver.resources.subscribers.state import subscribers_of
from mockserver.resources.subscribers.v1 import SubscribersV1
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Organization

GET = "SubscribersController_getSubscriber"
CREATE = "SubscribersController_createSubscriber"


class SubscribersResource(Resource):
    name = "subscribers"
    title = "Subscribers"
    handlers = HANDLERS
    structures = (bundled_path("SubscriberResponseDto.structure.json"),)
    # The paths it serves: Novu has more under them (v1's, notifications, subscriptions).
    path_prefixes = (
        "/v2/subscribers",
        "/v2/subscribers/{subscriberId}",
        "/v2/subscribers/{subscriberId}/preferences",
        "/v1/subscribers",
        "/v1/subscribers/{subscriberId}",
        "/v1/subscribers/bulk",
        "/v1/subscribers/{subscriberId}/credentials*",
        "/v1/subscribers/{subscriberId}/online-status",
    )
    # Chat webhooks and push device tokens are how a message reaches a person's channel:
    # masked wherever an exchange is kept.
    secrets = SecretRules(body_keys=frozenset({"webhookUrl", "deviceTokens"}))
    export_properties = EXPORT_PROPERTIES
    dataset_properties: ClassVar[dict[str, Any]] = {
        "subscribers": {"type": "array", "items": {"type": "object"}}
    }
    cleanup: ClassVar[dict[str, str]] = {CREATE: "/v2/subscribers/{subscriberId}"}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.backend = SubscribersBackend(host.store, host.clock, on_remove=self._removed)
        channels = SubscriberChannels(host.store, host.clock, self._integrations)
        self.services = Services(
            backend=self.backend,
            channels=channels,
            preferences=SubscriberPreferences(
                host.store, host.clock, self._integrations, self._workflows
            ),
            v1=SubscribersV1(self.backend, channels),
        )

    def handler_target(self) -> Services:
        return self.services

    def _integrations(self) -> IntegrationSelector | None:
        return integration_selector(self.host)

    def _workflows(self) -> WorkflowCatalogue | None:
        return workflow_catalogue(self.host)

    # ---- what others read and change (ports.SubscriberDirectory) ------------------------

    def find_subscriber(self, environment: Environment, subscriber_id: str) -> Subscriber | None:
        return subscribers_of(environment).live.get(subscriber_id)

    def upsert_recipient(
        self, environment: Environment, subscriber_id: str, fields: Mapping[str, Any]
    ) -> Subscriber:
        return self.backend.upsert_recipient(environment, subscriber_id, fields)

    def live_subscribers(self, environment: Environment) -> Iterable[Subscriber]:
        return subscribers_of(environment).in_order()

    def subscriber_by_id(self, environment: Environment, internal_id: str) -> Subscriber | None:
        found = subscribers_of(environment).by_id.get(internal_id)
        return None if found is None or found.deleted else found

    def takes(self, subscriber: Subscriber, workflow: Any, channel: str) -> bool:
        return allows(subscriber, workflow, channel)

    def _removed(self, environment: Environment, subscriber: Subscriber) -> None:
        """Tell every resource that keeps something of a subscriber (subscriptions, messages)
        that it is gone, as Novu's remove-subscriber use case deletes them."""
        for resource in self.host.resources:
            if isinstance(resource, SubscriberListener):
                resource.subscriber_removed(environment, subscriber.id)

    def seed_environment(
        self,
        organization: Organization,
        environment: Environment,
        *,
        seed: int,
        label: str,
        clock: Clock,
    ) -> None:
        backend = SubscribersBackend(self.host.store, clock)
        populate_environment(backend, organization, environment, seed=seed, label=label)

    # ---- the state document -------------------------------------------------------------

    def export(self, environment: Environment) -> dict[str, Any]:
        return export_subscribers(environment)

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        problems.extend(import_subscribers(raw, environment, where, moment))

    def identities(self, raw: dict[str, Any]) -> list[tuple[str, str]]:
        return [("subscriber _id", item["_id"]) for item in raw.get("subscribers", [])]

    def import_problems(self, organizations: list[Organization]) -> list[str]:
        return self.objects_problems(
            organizations,
            "subscriber",
            lambda environment: subscribers_of(environment).live.values(),
            self.violations,
        )

    def violations(self, subscriber: Subscriber) -> list[str]:
        """How a subscriber, as an answer would show it, breaks the spec or its structure
        document (nothing when the spec has no get operation)."""
        return self.answer_violations(GET, 200, subscriber.to_wire())

    # ---- datasets -----------------------------------------------------------------------

    def dataset_problems(self, raw: dict[str, Any], where: str) -> list[str]:
        entries = raw.get("subscribers") or []
        return self.body_problems(CREATE, entries, f"{where}.subscribers", "subscriber")

    def apply_dataset(
        self,
        organization: Organization,
        environment: Environment,
        raw: dict[str, Any],
        *,
        label: str,
        clock: Clock,
        where: str,
    ) -> None:
        """Each entry is a create request, made as `POST /v2/subscribers` makes it."""
        backend = SubscribersBackend(self.host.store, clock)
        caller = Caller("Bearer", organization, environment)

        def make(body: dict[str, Any]) -> list[str]:
            return self.violations(backend.create(caller, body, fail_if_exists=False))

        self.make_entries(raw.get("subscribers"), where, "subscriber", make)

    # ---- for people ---------------------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"subscribers": len(subscribers_of(environment).live)}

    def tables(self, environment: Environment) -> list[Table]:
        rows = [
            (
                s.subscriber_id,
                s.full_name,
                str(s.profile.get("email") or ""),
                str(s.profile.get("phone") or ""),
                str(s.profile.get("locale") or ""),
            )
            for s in subscribers_of(environment).in_order()
        ]
        return [Table(self.title, ("Subscriber", "Name", "Email", "Phone", "Locale"), rows)]


def _create_subscriber(resource: SubscribersResource, caller: Caller, **fields: Any) -> Any:
    """Create (or update) a subscriber in the test's environment directly, without HTTP."""
    return resource.backend.create(caller, fields, fail_if_exists=False).to_wire()


def _subscribers(resource: SubscribersResource, caller: Caller) -> Any:
    """The test environment's live subscribers, as the API answers them."""
    return [s.to_wire() for s in subscribers_of(caller.environment).in_order()]


SubscribersResource.helpers = {
    "create_subscriber": _create_subscriber,
    "subscribers": _subscribers,
}

# What the registry reads (resources/registry.py).
RESOURCE = SubscribersResource
