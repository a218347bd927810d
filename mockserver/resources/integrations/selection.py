"""Which integration Novu's worker sends a channel step through.

From novuhq/novu `libs/application-generic/src/usecases/select-integration`
(`executeWithReason`):

1. The primary choice: the active integration with the trigger's `identifier` and that
   channel when one is named; otherwise the newest active one of the channel, which for email
   and SMS must be primary (`CHANNELS_WITH_PRIMARY`).
2. An integration with `rules` (JSON Logic over `{subscriber, context}`) is dropped from that
   choice when they do not hold, or do not pass the rules check.
3. Unless an identifier was named, the active integrations of the channel that carry `rules`
   or legacy `conditions` are tried, highest `priority` first, then newest; the first that
   matches replaces the choice. Rules are evaluated as in 2; legacy conditions (the
   conditions-filter use case over `{tenant}`, the tenant looked up by identifier) only for
   a trigger's worker job, which always has a user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mockserver.resources.integrations.json_logic import evaluate
from mockserver.resources.integrations.models import Integration
from mockserver.resources.integrations.rules import is_rules, rules_issues
from mockserver.resources.ports import SubscriberView

CHANNELS_WITH_PRIMARY = ("email", "sms")


def select(
    integrations: Iterable[Integration],
    channel: str,
    *,
    identifier: str | None = None,
    tenant: Mapping[str, Any] | None = None,
    subscriber: SubscriberView | None = None,
    context: Mapping[str, Any] | None = None,
) -> Integration | None:
    active = [i for i in integrations if i.active and i.channel == channel]
    facts = _Facts(subscriber, context)
    if identifier is not None:
        named = [i for i in active if i.identifier == identifier]
        chosen = max(named, key=lambda i: i.created_at, default=None)
    else:
        usual = [i for i in active if i.primary or channel not in CHANNELS_WITH_PRIMARY]
        chosen = max(usual, key=lambda i: i.created_at, default=None)
    if chosen is not None and is_rules(chosen.rules) and not _rules_hold(chosen.rules, facts):
        chosen = None
    if identifier is not None:
        return chosen
    conditioned = [i for i in active if is_rules(i.rules) or i.conditions]
    # Highest priority first, then newest (Python's sort is stable, so two passes).
    conditioned.sort(key=lambda i: i.created_at, reverse=True)
    conditioned.sort(key=lambda i: i.priority, reverse=True)
    for candidate in conditioned:
        if is_rules(candidate.rules):
            if _rules_hold(candidate.rules, facts):
                return candidate
        elif conditions_pass(candidate.conditions, {"tenant": tenant}):
            return candidate
    return chosen


class _Facts:
    """What rules read, `{subscriber, context}`, the subscriber written out only when a
    rule is evaluated (most deliveries meet none)."""

    def __init__(self, subscriber: SubscriberView | None, context: Mapping[str, Any] | None):
        self.subscriber = subscriber
        self.context = context
        self._data: dict[str, Any] | None = None

    def data(self) -> dict[str, Any]:
        if self._data is None:
            wire = self.subscriber.to_wire() if self.subscriber is not None else None
            self._data = {"subscriber": wire, "context": self.context}
        return self._data


def _rules_hold(rules: Any, facts: _Facts) -> bool:
    return not rules_issues(rules) and evaluate(rules, facts.data())


# ---- legacy conditions (conditions-filter.usecase.ts and utils/filter.ts) -----------------


def conditions_pass(filters: list[dict[str, Any]], variables: Mapping[str, Any]) -> bool:
    """Whether any filter of the list passes: one without children passes; one child is
    tested alone; several are joined by the filter's `value`, AND or OR (anything else
    fails). Only `tenant`, `payload` and `subscriber` parts can pass here: the others need a
    running worker's history (online state, previous steps, webhooks)."""
    if not filters:
        return True
    for item in filters:
        children = item.get("children") if isinstance(item, dict) else None
        parts = [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []
        if not parts:
            return True
        if len(parts) == 1:
            if _part_passes(parts[0], variables):
                return True
            continue
        joined = item.get("value")
        if joined == "AND" and all(_part_passes(p, variables) for p in parts):
            return True
        if joined == "OR" and any(_part_passes(p, variables) for p in parts):
            return True
    return False


def _part_passes(part: Mapping[str, Any], variables: Mapping[str, Any]) -> bool:
    """processFilterEquality: the value at `<on>.<field>`, against the part's value read as
    the actual value's type."""
    if part.get("on") not in ("tenant", "payload", "subscriber"):
        return False
    actual = _path(variables, f"{part.get('on')}.{part.get('field')}")
    expected = _parsed(actual, part.get("value"))
    operator = part.get("operator")
    try:
        if operator == "EQUAL":
            return actual == expected and type(actual) is type(expected)
        if operator == "NOT_EQUAL":
            return not (actual == expected and type(actual) is type(expected))
        if operator in _ORDERINGS and actual is not None:
            return bool(_ORDERINGS[operator](actual, expected))
        if operator == "IN":
            return actual is not None and expected in actual
        if operator == "NOT_IN":
            return actual is not None and expected not in actual
    except TypeError:
        return False
    if operator == "IS_DEFINED":
        return actual is not None
    return False


_ORDERINGS = {
    "LARGER": lambda a, b: a > b,
    "SMALLER": lambda a, b: a < b,
    "LARGER_EQUAL": lambda a, b: a >= b,
    "SMALLER_EQUAL": lambda a, b: a <= b,
}


def _path(variables: Mapping[str, Any], dotted: str) -> Any:
    current: Any = variables
    for part in dotted.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def _parsed(actual: Any, value: Any) -> Any:
    """parseValue: the expected value as the actual value's type."""
    if isinstance(actual, bool):
        return value == "true"
    if isinstance(actual, int | float):
        try:
            return float(value) if isinstance(actual, float) else _number(value)
        except (TypeError, ValueError):
            return float("nan")
    if isinstance(actual, str):
        return str(value)
    return value


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number
