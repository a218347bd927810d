"""JSON Logic as Novu evaluates an integration's `rules` when it picks one for a delivery:
json-logic-js with the operators Novu replaces and adds (its query-parser service).

Comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`) compare booleans (and "true"/"false"), then
numbers, then dates when both sides read as one, and otherwise fall back to strict equality
(or false for an ordering); the string operators are false unless both sides are strings.
Evaluation is "safe": a rule that cannot be evaluated is false, never an error. Operators
outside rules.OPERATORS never reach here (an integration with them is skipped as invalid).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

_MISSING = object()


def evaluate(rule: Any, data: Any) -> bool:
    """Whether the rule holds for `data` (False when it cannot be evaluated)."""
    try:
        return truthy(_apply(rule, data))
    except (TypeError, ValueError, KeyError, IndexError, RecursionError, OverflowError):
        return False


def truthy(value: Any) -> bool:
    """json-logic-js's truthiness: an empty list is false; otherwise JavaScript's."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        return value != 0 and not math.isnan(value)
    if isinstance(value, str | list):
        return bool(value)
    return True


def _apply(rule: Any, data: Any) -> Any:
    if isinstance(rule, list):
        return [_apply(item, data) for item in rule]
    if not isinstance(rule, dict) or len(rule) != 1:
        return rule
    ((operator, raw),) = rule.items()
    if operator == "var":
        return _var(raw, data)
    arguments = raw if isinstance(raw, list) else [raw]
    if operator == "and":
        value: Any = True
        for argument in arguments:
            value = _apply(argument, data)
            if not truthy(value):
                return value
        return value
    if operator == "or":
        value = False
        for argument in arguments:
            value = _apply(argument, data)
            if truthy(value):
                return value
        return value
    values = [_apply(argument, data) for argument in arguments]
    handler = _OPERATIONS.get(operator)
    if handler is None:
        raise ValueError(f"Unrecognized operation {operator}")
    return handler(*values)


def _var(raw: Any, data: Any) -> Any:
    arguments = raw if isinstance(raw, list) else [raw]
    path = _apply(arguments[0], data) if arguments else ""
    default = _apply(arguments[1], data) if len(arguments) > 1 else None
    if path in (None, ""):
        return data
    current = data
    for part in str(path).split("."):
        if isinstance(current, dict):
            current = current.get(part, _MISSING)
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            current = _MISSING
        if current is _MISSING or current is None:
            return default
    return current


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"true": True, "false": False}.get(value) if isinstance(value, str) else None


def _as_number(value: Any) -> float | None:
    """JavaScript's Number(): null and "" are 0, a numeric string its number."""
    if value is None or isinstance(value, bool):
        return float(value or 0)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            number = float(text)
        except ValueError:
            return None
        return None if math.isnan(number) else number
    return None


def _as_moment(value: Any) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _comparable(a: Any, b: Any) -> tuple[Any, Any] | None:
    """validateComparison: both booleans, else both numbers, else both dates."""
    left, right = _as_bool(a), _as_bool(b)
    if left is not None and right is not None:
        return left, right
    first, second = _as_number(a), _as_number(b)
    if first is not None and second is not None:
        return first, second
    early, late = _as_moment(a), _as_moment(b)
    if early is not None and late is not None:
        return early, late
    return None


def _equal(a: Any, b: Any) -> bool:
    pair = _comparable(a, b)
    return pair[0] == pair[1] if pair is not None else _strict_equal(a, b)


def _strict_equal(a: Any, b: Any) -> bool:
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return a is b
    return type(a) is type(b) and a == b


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[..., bool]:
    def compare(a: Any = None, b: Any = None, c: Any = _MISSING) -> bool:
        if c is not _MISSING:
            return compare(a, b) and compare(b, c)
        pair = _comparable(a, b)
        return pair is not None and test(pair[0], pair[1])

    return compare


def _strings(test: Callable[[str, str], bool]) -> Callable[..., bool]:
    def check(value: Any = None, wanted: Any = None, *_rest: Any) -> bool:
        return isinstance(value, str) and isinstance(wanted, str) and test(value, wanted)

    return check


def _in(needle: Any = None, haystack: Any = None, *_rest: Any) -> bool:
    if isinstance(haystack, str):
        return isinstance(needle, str) and needle in haystack
    if isinstance(haystack, list):
        return any(_strict_equal(needle, item) for item in haystack)
    return False


def _contains_any(value: Any = None, wanted: Any = None, *_rest: Any) -> bool:
    """Not in the query parser read; taken as: the value (a string or a list) holds one of
    the wanted values."""
    if not isinstance(wanted, list):
        return False
    if isinstance(value, str):
        return any(isinstance(item, str) and item in value for item in wanted)
    if isinstance(value, list):
        return any(_in(item, value) for item in wanted)
    return False


_OPERATIONS: dict[str, Callable[..., Any]] = {
    "!": lambda value=None, *_: not truthy(value),
    "!!": lambda value=None, *_: truthy(value),
    "==": lambda a=None, b=None, *_: _equal(a, b),
    "!=": lambda a=None, b=None, *_: not _equal(a, b),
    "===": lambda a=None, b=None, *_: _strict_equal(a, b),
    "!==": lambda a=None, b=None, *_: not _strict_equal(a, b),
    "<": _ordered(lambda a, b: a < b),
    "<=": _ordered(lambda a, b: a <= b),
    ">": _ordered(lambda a, b: a > b),
    ">=": _ordered(lambda a, b: a >= b),
    "in": _in,
    "notIn": lambda value=None, wanted=None, *_: (
        isinstance(wanted, list) and not _in(value, wanted)
    ),
    # The conditions editor writes `beginsWith`; the query parser names it `startsWith`.
    "beginsWith": _strings(str.startswith),
    "startsWith": _strings(str.startswith),
    "endsWith": _strings(str.endswith),
    "contains": _strings(lambda value, wanted: wanted in value),
    "doesNotContain": _strings(lambda value, wanted: wanted not in value),
    "doesNotBeginWith": _strings(lambda value, wanted: not value.startswith(wanted)),
    "doesNotEndWith": _strings(lambda value, wanted: not value.endswith(wanted)),
    "containsAny": _contains_any,
    "doesNotContainAny": lambda *arguments: not _contains_any(*arguments),
    "null": lambda value=None, *_: value is None,
    "notNull": lambda value=None, *_: value is not None,
}
