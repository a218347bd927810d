"""An integration's `rules`: JSON Logic that chooses it for a delivery, checked as Novu checks
them on update (assert-integration-rules.ts and application-generic's integration rules).

Rules "say something" when they are a non-empty object; only then are they checked and kept.
A node is an operation only with exactly one key, and only operators the conditions editor
knows are accepted (JSON Logic's own `log`, `map`, `if`, `+`... would still run if stored).
"""

from __future__ import annotations

from typing import Any

# JSON Logic's logical and comparison operators, and the string and list operators Novu adds.
OPERATORS = frozenset(
    {
        "and",
        "or",
        "!",
        "!!",
        "==",
        "===",
        "!=",
        "!==",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "beginsWith",
        "endsWith",
        "var",
        "contains",
        "doesNotContain",
        "doesNotBeginWith",
        "doesNotEndWith",
        "containsAny",
        "doesNotContainAny",
        "null",
        "notNull",
        "notIn",
    }
)


def is_rules(value: Any) -> bool:
    """`hasIntegrationRules`: a non-empty object (not a list)."""
    return isinstance(value, dict) and bool(value)


def rules_issues(rules: dict[str, Any]) -> list[str]:
    """What is wrong with the rules, worded as Novu words it; empty when they are fine."""
    issues: list[str] = []
    _walk(rules, issues)
    return issues


def _walk(node: Any, issues: list[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, issues)
        return
    if not isinstance(node, dict):
        return
    if len(node) != 1:
        issues.append(f"Invalid rule node with {len(node)} keys, expected exactly one operator")
        return
    ((operator, value),) = node.items()
    if operator not in OPERATORS:
        issues.append(f'Unsupported operator "{operator}"')
        return
    if operator != "var":
        _walk(value, issues)
