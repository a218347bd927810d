"""How an integration is picked for a delivery: JSON Logic rules as Novu's query parser
evaluates them, legacy tenant conditions as its conditions filter reads them, and the order
select-integration tries them in."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockserver.resources.integrations.json_logic import evaluate
from mockserver.resources.integrations.models import Integration
from mockserver.resources.integrations.selection import conditions_pass, select

DATA = {"subscriber": {"email": "ada@acme.test", "data": {"plan": "pro", "seats": 12}}}


@pytest.mark.parametrize(
    "rule,expected",
    [
        ({"==": [{"var": "subscriber.data.plan"}, "pro"]}, True),
        ({"==": [{"var": "subscriber.data.seats"}, "12"]}, True),  # numbers compare as numbers
        ({">": [{"var": "subscriber.data.seats"}, 20]}, False),
        ({"<=": [5, {"var": "subscriber.data.seats"}, 12]}, True),
        ({"endsWith": [{"var": "subscriber.email"}, "@acme.test"]}, True),
        ({"beginsWith": [{"var": "subscriber.data.seats"}, "1"]}, False),  # not a string
        ({"in": [{"var": "subscriber.data.plan"}, ["pro", "team"]]}, True),
        ({"notIn": [{"var": "subscriber.data.plan"}, ["pro"]]}, False),
        ({"null": [{"var": "subscriber.phone"}]}, True),
        ({"and": [{"!!": [{"var": "subscriber.email"}]}, {"!": [{"var": "context"}]}]}, True),
        ({"or": [{"==": [{"var": "subscriber.data.plan"}, "free"]}, False]}, False),
        ({"unknown": [1]}, False),  # cannot be evaluated: false, never an error
    ],
)
def test_rules_evaluate_as_novus_query_parser(rule: dict[str, Any], expected: bool) -> None:
    assert evaluate(rule, DATA) is expected


def _condition(*parts: dict[str, Any], joined: str = "AND") -> list[dict[str, Any]]:
    return [{"isNegated": False, "type": "BOOLEAN", "value": joined, "children": list(parts)}]


def test_tenant_conditions_read_the_tenant_and_type_the_expected_value() -> None:
    tenant = {"tenant": {"identifier": "acme", "data": {"seats": 12, "eu": True}}}
    by_id = {"on": "tenant", "field": "identifier", "operator": "EQUAL", "value": "acme"}
    seats = {"on": "tenant", "field": "data.seats", "operator": "LARGER", "value": "10"}
    eu = {"on": "tenant", "field": "data.eu", "operator": "EQUAL", "value": "true"}
    other = {"on": "tenant", "field": "identifier", "operator": "EQUAL", "value": "globex"}
    assert conditions_pass(_condition(by_id, seats, eu), tenant)
    assert not conditions_pass(_condition(by_id, other), tenant)
    assert conditions_pass(_condition(other, seats, joined="OR"), tenant)
    assert not conditions_pass(_condition(by_id), {"tenant": None})
    # A subscriber or payload part reads what the worker does not give an integration.
    payload = {"on": "payload", "field": "identifier", "operator": "IS_DEFINED", "value": ""}
    assert not conditions_pass(_condition(payload), tenant)


def _integration(name: str, minutes: int, **fields: Any) -> Integration:
    made = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    base = Integration(
        id=f"{minutes:024x}",
        environment_id="e" * 24,
        organization_id="o" * 24,
        provider_id="sendgrid",
        channel="email",
        kind="default",
        credentials={},
        configurations={},
        name=name,
        identifier=name,
        active=True,
        created_at=made,
        updated_at=made,
    )
    return replace(base, **fields)


def test_selection_order_primary_rules_then_conditions() -> None:
    primary = _integration("primary", 1, primary=True)
    newer_plain = _integration("plain", 2)
    by_tenant = _integration(
        "by-tenant",
        3,
        conditions=_condition(
            {"on": "tenant", "field": "identifier", "operator": "EQUAL", "value": "acme"}
        ),
    )
    pool = [primary, newer_plain, by_tenant]
    # Email needs the primary; a plain newer one does not replace it.
    assert select(pool, "email") is primary
    assert select(pool, "email", tenant={"identifier": "acme"}) is by_tenant
    assert select(pool, "email", tenant={"identifier": "globex"}) is primary
    # A named identifier wins, and conditions are not consulted.
    chosen = select(pool, "email", identifier="plain", tenant={"identifier": "acme"})
    assert chosen is newer_plain
    # A primary whose rules do not hold is withheld.
    gated = replace(primary, rules={"==": [{"var": "context.tenant.id"}, "acme"]})
    assert select([gated], "email") is None
    assert select([gated], "email", context={"tenant": {"id": "acme"}}) is gated
    # Among several that match, the highest priority wins.
    low = replace(by_tenant, identifier="low", priority=1)
    high = replace(by_tenant, identifier="high", priority=5, created_at=by_tenant.created_at)
    assert select([primary, low, high], "email", tenant={"identifier": "acme"}) is high
