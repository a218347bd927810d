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

# The root keywords of an object schema that says nothing but which properties it has, what
# each takes and which are required: one that merge.py and failures.py can read property by
# property (no additionalProperties, which reads the other names; no combinators).
PLAIN_OBJECT_ROOT = ANNOTATIONS | {"type", "properties", "required"}
