"""JSON Schema vocabulary the contract modules reason about when they rewrite or read schemas."""

from __future__ import annotations

# Where the compiled schemas keep their definitions (schema_convert.py puts them there).
DEFS_PREFIX = "#/$defs/"

# What `format: date-time` asks, as a pattern every engine of the contract checks (formats
# are annotations to them): an ISO 8601 date and time, as class-validator's @IsISO8601 and
# @IsDateString take it.
ISO_DATE_TIME_PATTERN = (
    r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$"
)

# A Mongo ObjectId, as class-validator's @IsMongoId takes it.
OBJECT_ID_PATTERN = "^[0-9a-fA-F]{24}$"

# @novu/shared SLUG_IDENTIFIER_REGEX: letters and digits, `-`, `_` or `.` between them. Novu's
# document names the constant where its pattern belongs (schema_convert.py puts it back).
SLUG_IDENTIFIER_PATTERN = r"^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$"
KNOWN_PATTERN_CONSTANTS = {"SLUG_IDENTIFIER_REGEX": SLUG_IDENTIFIER_PATTERN}

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
