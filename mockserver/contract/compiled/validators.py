"""A JSON Schema compiled twice: once to decide quickly, once to explain a failure in words.

Nearly every exchange is valid, and deciding that is the whole per-request cost of the contract
checks. jsonschema-rs decides it in compiled Rust; only when it says "invalid" is the instance
walked again to list each error with its path and keyword:

- a 422 is worded from `failures`: for an object body, found property by property
  (failures.py), the engine asked only about a value it cannot read at a glance; otherwise
  jsonschema-rs's own errors, each carrying its keyword's value (the missing property, the
  allowed values, the pattern), which is all Novu's sentences need, at about a third of the
  cost of the pure Python walk;
- a contract violation report is worded by the pure Python `jsonschema` (`explain`), whose
  messages quote the schema in full.

tests/unit/test_fast_path.py holds the two engines to the same verdict, and the three ways of
wording a 422 to the same answer, over a corpus of valid and invalid bodies.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mockserver.contract.compiled.failures import Failure, QuickFailures, quick_failures
from mockserver.contract.compiled.inline import inline_local_refs
from mockserver.contract.compiled.merge import merged_schema
from mockserver.contract.compiled.shared_documents import SharedDocument, SharedList

# Where jsonschema-rs keeps, per keyword, what `Failure.expected` holds.
_EXPECTED_ATTRIBUTE = {
    "type": "types",
    "enum": "options",
    "const": "expected_value",
    "pattern": "pattern",
    "maxLength": "limit",
    "minLength": "limit",
    "maxItems": "limit",
    "minItems": "limit",
    "required": "property",
    "additionalProperties": "unexpected",
}


class SchemaValidator:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        # offline: a schema may never make the mock fetch anything over the network.
        self._decide = jsonschema_rs.Draft202012Validator(schema, offline=True)

    @functools.cached_property
    def _explain(self) -> Draft202012Validator:
        # Built on the first failure: many validators never see one (joint_validator's never).
        return Draft202012Validator(inline_local_refs(self.schema))

    def is_valid(self, instance: Any) -> bool:
        if type(instance) is SharedDocument:
            if self in instance.valid_under:
                return True
            if not self._decide.is_valid(instance):
                return False
            # Two threads judging at once may each write their own tuple: one verdict can be
            # lost (and found again next time), none invented.
            instance.valid_under = (*instance.valid_under, self)
            return True
        return bool(self._decide.is_valid(instance))

    def all_valid(self, instances: list[Any]) -> bool:
        """is_valid for each of them; an unchanged item of a list answer costs one lookup."""
        if not isinstance(instances, SharedList):
            return all(map(self.is_valid, instances))
        if self in instances.valid_under:
            return True  # judged item by item before
        if not all(map(self.is_valid, instances)):
            return False
        instances.valid_under = (*instances.valid_under, self)
        return True

    @functools.cached_property
    def _quick(self) -> QuickFailures | None:
        return quick_failures(self.schema, SchemaValidator)

    def failures(self, instance: Any) -> list[Failure]:
        """Every error (none for a valid instance): for an object schema's bodies, found
        property by property (failures.py); otherwise as the compiled validator finds them."""
        quick = self._quick
        if quick is not None and type(instance) is dict:
            return quick.failures(instance)
        return self.engine_failures(instance)

    def engine_failures(self, instance: Any) -> list[Failure]:
        """Every error, as the compiled validator finds them."""
        try:
            return [_compiled_failure(error) for error in self._decide.iter_errors(instance)]
        except UnicodeError:
            # jsonschema-rs cannot hand back a string holding a lone surrogate (JSON's
            # "\ud800" escape allows one); the pure Python walk can.
            return self.detailed_failures(instance)

    def detailed_failures(self, instance: Any) -> list[Failure]:
        """The same, found by the pure Python walk."""
        return [_detailed_failure(error) for error in self.explain(instance)]

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        """Every error, in jsonschema's words; nothing at all, quickly, for a valid instance."""
        if self.is_valid(instance):
            return iter(())
        return self.explain(instance)

    def explain(self, instance: Any) -> Iterator[ValidationError]:
        """Every error in jsonschema's words, without asking jsonschema-rs first."""
        errors: Iterator[ValidationError] = self._explain.iter_errors(instance)
        return errors


def joint_validator(first: SchemaValidator, second: SchemaValidator) -> SchemaValidator | None:
    """One validator that passes what passes both: one compiled walk instead of two. Two
    simple object schemas are merged, each property checked once where both say the same of
    it (merge.py); otherwise each schema becomes a resource of its own (`$id`), so its
    `#/$defs/...` references still resolve within it. None when either names itself already."""
    merged = merged_schema(first.schema, second.schema)
    if merged is not None:
        return SchemaValidator(merged)
    if "$id" in first.schema or "$id" in second.schema:
        return None
    return SchemaValidator(
        {
            "allOf": [
                {**first.schema, "$id": "urn:mockserver:joint:first"},
                {**second.schema, "$id": "urn:mockserver:joint:second"},
            ]
        }
    )


def _compiled_failure(error: jsonschema_rs.ValidationError) -> Failure:
    kind = error.kind
    attribute = _EXPECTED_ATTRIBUTE.get(kind.name)
    return Failure(
        path=tuple(error.instance_path),
        keyword=kind.name,
        expected=getattr(kind, attribute) if attribute else None,
        instance=error.instance,
        message=error.message,
    )


def _detailed_failure(error: ValidationError) -> Failure:
    keyword, expected, instance = str(error.validator), error.validator_value, error.instance
    if keyword == "type" and isinstance(expected, str):
        expected = [expected]
    elif keyword == "required":
        # One error per missing name, and only the message says which.
        expected = next(
            (name for name in expected if error.message == f"{name!r} is a required property"),
            expected[0],
        )
    elif keyword == "additionalProperties":
        declared = error.schema.get("properties", {})
        expected = [name for name in instance if name not in declared]
    return Failure(
        path=tuple(error.absolute_path),
        keyword=keyword,
        expected=expected,
        instance=instance,
        message=error.message,
    )
