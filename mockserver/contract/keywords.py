"""JSON Schema vocabulary the contract modules reason about when they rewrite or read schemas."""

from __future__ import annotations

# Where the compiled schemas keep their definitions (schema_convert.py puts them there).
DEFS_PREFIX = "#/$defs/"

# Keywords that describe a schema without constraining what it accepts: a schema made of
# these alone beside its `type` or `$ref` accepts exactly what that `type` or `$ref` does.
ANNOTATIONS = frozenset(
    {
        "$schema",
        "$comment",
        "title",
        "description",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
