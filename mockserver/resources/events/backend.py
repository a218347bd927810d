"""Novu's rules for events, per environment: the checks a trigger passes before it is
answered, and the reads of what it delivered.

From novuhq/novu `apps/api/src/app/events`: `parse-event-request` (the transaction id,
`workflow_not_found` 422, the payload schema, `no_tenant_found`, `trigger_not_active`,
`processed` with the activity feed link), `process-bulk-trigger` (each event answered on its
own, an error becoming `status: "error"`), `trigger-event-to-all` (a UUID transaction id,
always `processed`), `cancel-delayed` (false when nothing waits); `apps/api/src/app/messages`
(`get-messages`) and `notifications` (`get-activity-feed`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import BadRequest, NotFound, NovuError
from mockserver.resources.events.delivery import Ports, Trigger, deliver, promoted, resume
from mockserver.resources.events.models import Message, Notification
from mockserver.resources.events.payload_check import checked_payload
from mockserver.resources.events.state import events_of
from mockserver.resources.ports import WorkflowCatalogue
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Store

# docs.novu.co api-reference/payload-limits: 512 KB per event, attachments excluded.
MAX_EVENT_BYTES = 524288
DASHBOARD_URL = "https://dashboard.novu.co"
MAX_MESSAGES_PAGE = 1000


class EventsBackend:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        ports: Callable[[], Ports],
        workflows: Callable[[], WorkflowCatalogue | None],
    ) -> None:
        self.store = store
        self.clock = clock
        self.ports = ports
        self.workflows = workflows

    # ---- triggers -----------------------------------------------------------------------

    def trigger(self, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
        environment = caller.environment
        _check_size(body, None)
        # Checked before an id is drawn: a refused trigger leaves the id generator (part of
        # the exported state) as it was.
        workflow, payload = self._accepted(environment, body)
        transaction_id = _text(body.get("transactionId")) or (
            "txn_" + environment.ids.object_id(self.clock.now())
        )
        tenant = self._tenant(environment, body.get("tenant"))
        if tenant is _NOT_FOUND:
            return _answer("no_tenant_found", transaction_id)
        if not workflow.active:
            return _answer("trigger_not_active", transaction_id)
        self._deliver(environment, workflow, transaction_id, body, payload, body.get("to"))
        link = (
            f"{DASHBOARD_URL}/env/{environment.id}/activity/requests"
            f"?selectedLogId={environment.ids.object_id(self.clock.now())}"
        )
        return {**_answer("processed", transaction_id), "activityFeedLink": link}

    def bulk(self, caller: Caller, events: list[Any]) -> list[dict[str, Any]]:
        """Each event through the same path, in order; one that fails is an `error` item
        (its message, an array staying an array)."""
        listed = [event if isinstance(event, dict) else {} for event in events]
        # Every event's size is checked before any runs: a 413 answers the whole request.
        for index, event in enumerate(listed):
            _check_size(event, index)
        answers: list[dict[str, Any]] = []
        for event in listed:
            try:
                answers.append(self.trigger(caller, event))
            except NovuError as failed:
                answers.append({"acknowledged": True, "status": "error", "error": [failed.message]})
        return answers

    def broadcast(self, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
        """Every subscriber of the environment; always `processed` once the checks pass."""
        environment = caller.environment
        _check_size(body, None)
        workflow, payload = self._accepted(environment, body)
        transaction_id = _text(body.get("transactionId")) or str(
            uuid.UUID(environment.ids.hex_token(32), version=4)
        )
        # trigger-event-to-all runs parse-event-request and answers `processed` whatever it
        # says: a missing tenant or an inactive workflow sends nothing.
        tenant = self._tenant(environment, body.get("tenant"))
        if workflow.active and tenant is not _NOT_FOUND:
            ports = self.ports()
            everyone = (
                [s.subscriber_id for s in ports.subscribers.live_subscribers(environment)]
                if ports.subscribers is not None
                else []
            )
            self._deliver(environment, workflow, transaction_id, body, payload, everyone)
        return _answer("processed", transaction_id)

    def cancel(self, caller: Caller, transaction_id: str) -> bool:
        """Novu cancels a transaction's `delayed` and `merged` jobs: true when there were any.
        Only a frozen clock holds steps back (delivery.py), so on a running one, as for a
        Novu trigger whose steps all ran, it is false."""
        with self.store.lock:
            return events_of(caller.environment).cancel(transaction_id, promoted)

    def clock_moved(self, environments: Iterable[Environment]) -> None:
        """Run what the delays held back, now that the clock has passed them (and any delay
        those runs meet in turn)."""
        now = self.clock.now()
        for environment in environments:
            state = events_of(environment)
            due = state.take_due(now)
            while due:
                for held in due:
                    resume(held, self.ports())
                due = state.take_due(now)

    def _accepted(
        self, environment: Environment, body: dict[str, Any]
    ) -> tuple[Any, dict[str, Any]]:
        catalogue = self.workflows()
        name = body.get("name")
        workflow = (
            catalogue.find_workflow(environment, name)
            if catalogue is not None and isinstance(name, str)
            else None
        )
        if workflow is None:
            raise NovuError(422, "workflow_not_found")
        raw = body.get("payload")
        payload: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if workflow.validate_payload and workflow.payload_schema:
            payload = checked_payload(payload, workflow.payload_schema)
        return workflow, payload

    def _tenant(self, environment: Environment, given: Any) -> Any:
        """The stored tenant a trigger names by identifier (a string, or an object's
        `identifier`), None when it names none, _NOT_FOUND when none is stored (Novu's
        `no_tenant_found`)."""
        if given in (None, ""):
            return None
        identifier = given.get("identifier") if isinstance(given, dict) else given
        directory = self.ports().tenants
        found = (
            directory.find_tenant(environment, identifier)
            if directory is not None and isinstance(identifier, str)
            else None
        )
        return _NOT_FOUND if found is None else found

    def _deliver(
        self,
        environment: Environment,
        workflow: Any,
        transaction_id: str,
        body: dict[str, Any],
        payload: dict[str, Any],
        to: Any,
    ) -> None:
        given = body.get("overrides")
        overrides: dict[str, Any] = given if isinstance(given, dict) else {}
        ports = self.ports()
        tenant = None
        named = body.get("tenant")
        if isinstance(named, dict) and ports.tenants is not None:
            # process-tenant: the trigger's tenant object updates the stored one.
            tenant = ports.tenants.refresh_tenant(environment, named)
        elif isinstance(named, str) and named and ports.tenants is not None:
            tenant = ports.tenants.find_tenant(environment, named)
        trigger = Trigger(
            environment=environment,
            workflow=workflow,
            transaction_id=transaction_id,
            to=to,
            payload=payload,
            overrides=overrides,
            actor=body.get("actor"),
            moment=self.clock.now(),
            tenant=tenant.to_wire() if tenant is not None else None,
            context=_context(body.get("context")),
        )
        deliver(trigger, ports, hold=self.clock.frozen)
        catalogue = self.workflows()
        if catalogue is not None:
            catalogue.workflow_triggered(environment, workflow)

    # ---- reads --------------------------------------------------------------------------

    def messages(
        self, caller: Caller, query: Mapping[str, str], transactions: list[str]
    ) -> tuple[list[Message], int, int, int]:
        """(page of messages, total, page number, page size), newest first."""
        page, limit = _page(query, default_limit=10)
        if limit > MAX_MESSAGES_PAGE:
            raise BadRequest("Limit can not be larger then 1000")
        subscriber_id = query.get("subscriberId")
        internal = self._internal_id(caller.environment, subscriber_id) if subscriber_id else None
        channel = query.get("channel")
        wanted = set(transactions)
        found = [
            m
            for m in reversed(list(events_of(caller.environment).messages()))
            if (internal is None or m.subscriber_internal_id == internal)
            and (not channel or m.channel == channel)
            and (not wanted or m.transaction_id in wanted)
        ]
        return found[page * limit : page * limit + limit], len(found), page, limit

    def notifications(
        self, caller: Caller, query: Mapping[str, str], lists: Mapping[str, list[str]]
    ) -> tuple[list[Notification], int, int]:
        page, limit = _page(query, default_limit=10)
        if limit > 50:
            raise BadRequest("limit must not be greater than 50")
        channels = set(lists.get("channels", []))
        templates = set(lists.get("templates", []))
        subscriber_ids = set(lists.get("subscriberIds", []))
        transaction = query.get("transactionId")
        found = [
            n
            for n in reversed(events_of(caller.environment).notifications)
            if (not channels or channels & set(n.channels))
            and (not templates or n.workflow_db_id in templates)
            and (not subscriber_ids or n.subscriber_id in subscriber_ids)
            and (not transaction or n.transaction_id == transaction)
        ]
        return found[page * limit : page * limit + limit], page, limit

    def subscriber_view(self, environment: Environment, internal_id: str) -> Any:
        ports = self.ports()
        if ports.subscribers is None:
            return None
        return ports.subscribers.subscriber_by_id(environment, internal_id)

    def find_subscriber(self, environment: Environment, subscriber_id: str) -> Any:
        ports = self.ports()
        if ports.subscribers is None:
            return None
        return ports.subscribers.find_subscriber(environment, subscriber_id)

    def _internal_id(self, environment: Environment, subscriber_id: str) -> str:
        ports = self.ports()
        found = (
            ports.subscribers.find_subscriber(environment, subscriber_id)
            if ports.subscribers is not None
            else None
        )
        if found is None:
            raise NotFound(f"Subscriber not found for id {subscriber_id}")
        return str(found.id)


# A tenant the trigger names that the environment does not have.
_NOT_FOUND = object()


def _context(given: Any) -> dict[str, Any] | None:
    """A trigger's `context` as rules read it: each entry `{id, data?}` (a bare string is
    the id)."""
    if not isinstance(given, dict):
        return None
    return {
        kind: {"id": value} if isinstance(value, str) else dict(value)
        for kind, value in given.items()
        if isinstance(value, str | dict)
    }


def _answer(status: str, transaction_id: str) -> dict[str, Any]:
    return {"acknowledged": True, "status": status, "transactionId": transaction_id}


def _check_size(body: dict[str, Any], index: int | None) -> None:
    payload = body.get("payload")
    counted = body
    if isinstance(payload, dict) and "attachments" in payload:
        counted = {**body, "payload": {k: v for k, v in payload.items() if k != "attachments"}}
    size = len(json.dumps(counted, separators=(",", ":"), default=str).encode())
    if size <= MAX_EVENT_BYTES:
        return
    limit = (
        f"exceeds maximum allowed size of {MAX_EVENT_BYTES} bytes (512KB). "
        "Note: Attachments are excluded from this limit."
    )
    if index is None:
        raise NovuError(413, f"Payload size ({size} bytes) {limit}")
    raise NovuError(
        413,
        f'Event at index {index} (workflow: "{body.get("name")}") has payload size '
        f"({size} bytes) {limit}",
    )


def _page(query: Mapping[str, str], *, default_limit: int) -> tuple[int, int]:
    try:
        page = int(float(query.get("page") or 0))
        limit = int(float(query.get("limit") or default_limit))
    except ValueError as wrong:
        raise BadRequest("page and limit must be numbers") from wrong
    if page < 0 or limit < 1:
        raise BadRequest("page must not be negative and limit must be positive")
    return page, limit


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
