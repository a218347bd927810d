"""What a failed check reports, and finding it for a request body without the engine's help.

jsonschema-rs decides a body in about 0.1 µs but takes about 1.1 µs to build each error it
reports (an exception object with its paths, kind and sentence), and that was the largest part
of answering a 422. Request bodies are objects whose properties mostly take a plain type or
one of a few strings; for such a property this module says itself what failed, as the engine
would: `type` when the value's JSON type is not one the schema names, `enum` when the value
is not one of the schema's strings, and `required` for each missing name. Anything else (a
nested object, an array, a pattern, a limit) is asked of the engine for that property's value
alone, and only when that value fails.

tests/unit/test_fast_path.py holds the findings, worded, to the engine's and to the pure
Python walk's over a corpus of bodies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from mockserver.contract.compiled.inline import inline_root_ref, object_root
from mockserver.contract.keywords import ANNOTATIONS


class Failure(NamedTuple):
    """One way an instance breaks a schema: enough to word it the way Novu does. (A named
    tuple: a 422 makes one per error, and a frozen dataclass costs three times as much.)"""

    path: tuple[str | int, ...]  # where in the instance
    keyword: str  # the schema keyword that failed: "type", "required", "enum", ...
    # What the keyword asked for: the allowed types or values, the pattern, the length; the
    # missing property's name for "required"; the unexpected names for "additionalProperties".
    expected: Any
    instance: Any  # the offending value
    message: str  # the engine's own sentence, for keywords Novu has no wording for


class Judge(Protocol):
    """A compiled schema, as SchemaValidator is one."""

    def is_valid(self, instance: Any) -> bool: ...

    def failures(self, instance: Any) -> list[Failure]: ...


_LEAF = ANNOTATIONS | {"type", "enum"}

# The Python types a JSON parser hands over for each JSON type (bool is not a number in JSON;
# a float with no fraction is also an integer in JSON Schema: _Leaf.add_failures).
_PYTHON_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "boolean": frozenset({bool}),
    "object": frozenset({dict}),
    "array": frozenset({list}),
    "null": frozenset({type(None)}),
    "number": frozenset({int, float}),
    "integer": frozenset({int}),
}


class _Leaf:
    """A property that takes values of some JSON types and/or one of some strings; what it
    accepts is worked out once, so that judging a value is a set lookup or two."""

    __slots__ = ("options", "python_types", "takes_whole_floats", "type_message", "types")

    def __init__(self, types: list[str] | None, options: list[str] | None) -> None:
        self.types = types
        self.options = options
        self.python_types = (
            frozenset().union(*(_PYTHON_TYPES[kind] for kind in types)) if types else None
        )
        self.takes_whole_floats = types is not None and "integer" in types
        self.type_message = f"is not of type {' or '.join(types or ())}"

    def add_failures(self, name: str, value: Any, found: list[Failure]) -> None:
        accepted = self.python_types
        if accepted is not None and type(value) not in accepted:
            whole = self.takes_whole_floats and type(value) is float and value.is_integer()
            if not whole:
                found.append(Failure((name,), "type", self.types, value, self.type_message))
        # Only strings equal strings in Python too, so `in` is JSON's equality here.
        if self.options is not None and value not in self.options:
            found.append(Failure((name,), "enum", self.options, value, "is not one of the options"))


class _Asked:
    """A property whose schema is more than a leaf: the engine judges its value."""

    __slots__ = ("judge",)

    def __init__(self, judge: Judge) -> None:
        self.judge = judge

    def add_failures(self, name: str, value: Any, found: list[Failure]) -> None:
        if not self.judge.is_valid(value):
            found += [f._replace(path=(name, *f.path)) for f in self.judge.failures(value)]


@dataclass(frozen=True)
class QuickFailures:
    """The failures of an object schema's bodies, property by property."""

    required: tuple[str, ...]
    properties: dict[str, _Leaf | _Asked]

    def failures(self, body: dict[str, Any]) -> list[Failure]:
        found = [
            Failure((), "required", name, body, f"{name!r} is a required property")
            for name in self.required
            if name not in body
        ]
        properties = self.properties
        for name, value in body.items():
            check = properties.get(name)
            # A name the schema does not mention takes anything.
            if check is not None:
                check.add_failures(name, value, found)
        return found


def quick_failures(
    schema: dict[str, Any], compile: Callable[[dict[str, Any]], Judge]
) -> QuickFailures | None:
    """The property-by-property finder for an object schema, or None for any other schema."""
    definitions = schema.get("$defs", {})
    root = object_root(schema, definitions)
    if root is None or root.get("type", "object") != "object":
        return None
    required, properties = root.get("required", []), root.get("properties", {})
    checks: dict[str, _Leaf | _Asked] = {}
    for name, raw in properties.items():
        if not isinstance(raw, dict) or "$id" in raw or "$defs" in raw:
            return None
        leaf = _leaf(inline_root_ref(dict(raw), definitions))
        checks[name] = leaf or _Asked(
            compile({**raw, "$defs": definitions} if definitions else raw)
        )
    return QuickFailures(tuple(required), checks)


def _leaf(schema: dict[str, Any] | None) -> _Leaf | None:
    if schema is None or not schema.keys() <= _LEAF or not schema.keys() - ANNOTATIONS:
        return None
    types, options = schema.get("type"), schema.get("enum")
    if isinstance(types, str):
        types = [types]
    if types is not None and not (isinstance(types, list) and set(types) <= _PYTHON_TYPES.keys()):
        return None
    if options is not None and not (
        isinstance(options, list) and all(type(option) is str for option in options)
    ):
        return None
    return _Leaf(types, options)
