"""A subscriber's channel preferences (v2): global, and per workflow.

From novuhq/novu `apps/api/src/app/subscribers-v2/usecases/{get,update}-subscriber-preferences`
and their e2e tests: the global channels are those with an active integration in the
environment; each active, non-critical workflow lists the channels of its steps, inheriting the
global value unless the subscriber set one for that workflow. A channel switched off produces
no message for that subscriber (a critical workflow ignores preferences).
"""

from __future__ import annotations

from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import NotFound, NovuError
from mockserver.resources.ports import IntegrationSelector, WorkflowCatalogue
from mockserver.resources.subscribers.models import Subscriber
from mockserver.resources.subscribers.state import subscribers_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Store

CHANNELS = ("in_app", "email", "sms", "chat", "push")
_SETTINGS = {"type": "object", "additionalProperties": {"type": "boolean"}}
# How an exported subscriber carries what it set (state document).
PREFERENCES_FORM: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "global": _SETTINGS,
        "workflows": {"type": "object", "additionalProperties": _SETTINGS},
    },
}


def allows(subscriber: Subscriber, workflow: Any, channel: str) -> bool:
    """Whether the subscriber takes `channel` messages from the workflow."""
    if workflow.critical:
        return True
    chosen = subscriber.preferences.get("workflows", {}).get(workflow.id, {})
    if channel in chosen:
        return bool(chosen[channel])
    return bool(subscriber.preferences.get("global", {}).get(channel, True))


class SubscriberPreferences:
    def __init__(self, store: Store, clock: Clock, integrations: Any, workflows: Any) -> None:
        self.store = store
        self.clock = clock
        # Callables giving ports.IntegrationSelector and ports.WorkflowCatalogue (or None).
        self.integrations = integrations
        self.workflows = workflows

    def read(self, caller: Caller, subscriber_id: str) -> dict[str, Any]:
        subscriber = self._subscriber(caller, subscriber_id)
        return self._shape(caller.environment, subscriber)

    def update(self, caller: Caller, subscriber_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            subscriber = self._subscriber(caller, subscriber_id)
            raw = body.get("channels")
            given: dict[str, Any] = raw if isinstance(raw, dict) else {}
            changes = {k: bool(v) for k, v in given.items() if k in CHANNELS}
            stored = {
                "global": dict(subscriber.preferences.get("global", {})),
                "workflows": {
                    key: dict(value)
                    for key, value in subscriber.preferences.get("workflows", {}).items()
                },
            }
            key = body.get("workflowId")
            if isinstance(key, str) and key:
                workflow = self._workflow(caller.environment, key)
                stored["workflows"][workflow.id] = {
                    **stored["workflows"].get(workflow.id, {}),
                    **changes,
                }
            else:
                stored["global"].update(changes)
            self.store.update(subscriber, preferences=stored, updated_at=self.clock.now())
            return self._shape(caller.environment, subscriber)

    # ---- helpers ------------------------------------------------------------------------

    def _shape(self, environment: Environment, subscriber: Subscriber) -> dict[str, Any]:
        selector: IntegrationSelector | None = self.integrations()
        active = selector.active_channels(environment) if selector is not None else set()
        global_values = subscriber.preferences.get("global", {})
        shown = {c: bool(global_values.get(c, True)) for c in CHANNELS if c in active}
        catalogue: WorkflowCatalogue | None = self.workflows()
        listed = []
        for workflow in catalogue.all_workflows(environment) if catalogue is not None else []:
            if not workflow.active or workflow.critical:
                continue
            used = dict.fromkeys(s.type for s in workflow.steps if s.type in CHANNELS)
            listed.append(
                {
                    "enabled": True,
                    "channels": {c: allows(subscriber, workflow, c) for c in used},
                    "overrides": [],
                    "workflow": {
                        "slug": workflow.slug,
                        "identifier": workflow.workflow_id,
                        "name": workflow.name,
                    },
                }
            )
        return {"global": {"enabled": True, "channels": shown}, "workflows": listed}

    def _subscriber(self, caller: Caller, subscriber_id: str) -> Subscriber:
        found = subscribers_of(caller.environment).live.get(subscriber_id)
        if found is None:
            raise NotFound(f"Subscriber: {subscriber_id} was not found")
        return found

    def _workflow(self, environment: Environment, key: str) -> Any:
        catalogue: WorkflowCatalogue | None = self.workflows()
        found = catalogue.find_any_workflow(environment, key) if catalogue is not None else None
        if found is None:
            raise NovuError(404, "Workflow cannot be found", fields={"workflowId": key})
        return found
