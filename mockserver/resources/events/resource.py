"""Events as a resource of the registry: trigger, bulk trigger, broadcast and cancel, the
delivery Novu's worker would make of them, and the routes that read it back (messages,
notifications); the outbox for tests."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

from mockserver.novu.auth import Caller
from mockserver.resources.base import Host, Resource, Table
from mockserver.resources.events.backend import EventsBackend
from mockserver.resources.events.delivery import Ports
from mockserver.resources.events.outbox import assert_sent, outbox_entries
from mockserver.resources.events.routes import HANDLERS
from mockserver.resources.events.state import events_of
from mockserver.resources.ports import (
    WorkflowCatalogue,
    integration_selector,
    subscriber_directory,
    tenant_directory,
    topic_membership,
    workflow_catalogue,
)
from mockserver.state.store import Environment


class EventsResource(Resource):
    name = "events"
    title = "Outbox"
    handlers = HANDLERS
    path_prefixes = (
        "/v1/events*",
        "/v1/messages",
        "/v1/notifications",
        "/v2/subscribers/{subscriberId}/notifications",
        "/v2/subscribers/{subscriberId}/notifications/count",
    )
    # Novu's bootstrap raises the body limit for its events routes; each event is then held
    # to 512 KB by the use case (backend.MAX_EVENT_BYTES).
    body_limits: ClassVar[dict[str, int]] = {"/v1/events/": 20 * 1024 * 1024}

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.backend = EventsBackend(host.store, host.clock, self._ports, self._workflows)

    def handler_target(self) -> EventsBackend:
        return self.backend

    def _ports(self) -> Ports:
        return Ports(
            subscribers=subscriber_directory(self.host),
            integrations=integration_selector(self.host),
            topics=topic_membership(self.host),
            tenants=tenant_directory(self.host),
        )

    def _workflows(self) -> WorkflowCatalogue | None:
        return workflow_catalogue(self.host)

    # ---- time passing (a frozen clock moved) ---------------------------------------------

    def clock_moved(self) -> None:
        self.backend.clock_moved(
            environment
            for organization in self.host.store.organizations.values()
            for environment in organization.environments.values()
        )

    # ---- a deleted subscriber (ports.SubscriberListener) ---------------------------------

    def subscriber_removed(self, environment: Environment, subscriber_internal_id: str) -> None:
        events_of(environment).forget_subscriber(subscriber_internal_id)

    # ---- the state document: what was delivered is a record, like the journal ----------

    def export(self, environment: Environment) -> dict[str, Any]:
        return {}

    def import_environment(
        self,
        raw: dict[str, Any],
        environment: Environment,
        where: str,
        problems: list[str],
        moment: Callable[[dict[str, Any], str, str], datetime | None],
    ) -> None:
        return

    # ---- for tests and people -----------------------------------------------------------

    def summary(self, environment: Environment) -> dict[str, int]:
        return {"outbox": len(events_of(environment).outbox)}

    def tables(self, environment: Environment) -> list[Table]:
        rows = [
            (
                entry["status"],
                entry["channel"],
                entry["subscriberId"],
                ", ".join(str(v) for v in entry["to"].values()),
                entry["providerId"] or "",
                entry["workflowId"],
                entry["subject"] or entry["body"][:80],
            )
            for entry in reversed(outbox_entries(environment))
        ]
        columns = ("Status", "Channel", "Subscriber", "To", "Provider", "Workflow", "Subject")
        return [Table(self.title, columns, rows)]


def _outbox_view(
    resource: EventsResource, environment: Environment, filters: Mapping[str, str]
) -> list[dict[str, Any]]:
    return outbox_entries(environment, filters)


def _sent(resource: EventsResource, caller: Caller, **filters: str) -> list[dict[str, Any]]:
    """The test environment's outbox, oldest first, narrowed: `novu_mock.sent(channel=
    "email", subscriber="u1")` (also transaction, workflow, provider, status)."""
    return outbox_entries(caller.environment, filters)


def _assert_sent(resource: EventsResource, caller: Caller, **expected: Any) -> Any:
    """Assert the test environment's outbox holds such a message:
    `novu_mock.assert_sent(channel="email", subscriberId="u1", providerId="sendgrid")`."""
    return assert_sent(caller.environment, **expected)


EventsResource.views = {"outbox": _outbox_view}
EventsResource.helpers = {"sent": _sent, "assert_sent": _assert_sent}

# What the registry reads (resources/registry.py).
RESOURCE = EventsResource
