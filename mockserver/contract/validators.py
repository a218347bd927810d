"""A JSON Schema compiled twice: once to decide quickly, once to explain a failure in words.

Nearly every exchange is valid, and deciding that is the whole per-request cost of the contract
checks. jsonschema-rs decides it in compiled Rust; only when it says "invalid" does the pure
Python `jsonschema` walk the instance again to list each error with its path and keyword, which
the 422 messages and the violation reports are built from. tests/unit/test_fast_path.py holds
the two to the same verdict over a corpus of valid and invalid bodies.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from mockserver.contract.inline import inline_local_refs


class SharedDocument(dict[str, Any]):
    """A JSON object that nobody changes once it is built (the answer cache of an integration
    hands out these), so a verdict on it holds for as long as it lives."""


class SharedList(list[Any]):
    """A JSON array that nobody changes once it is built (a cached list answer), so a verdict
    on all of its items holds for as long as it lives."""


# Verdicts kept per validator; past this many the memory is emptied and refilled.
_REMEMBERED = 20_000


class SchemaValidator:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        # offline: a schema may never make the mock fetch anything over the network.
        self._decide = jsonschema_rs.Draft202012Validator(schema, offline=True)
        self._explain = Draft202012Validator(inline_local_refs(schema))
        # id -> the SharedDocument itself, or the SharedList whose every item is valid: holding
        # it keeps its id from being reused.
        self._valid_documents: dict[int, SharedDocument | SharedList] = {}

    def is_valid(self, instance: Any) -> bool:
        if type(instance) is SharedDocument:
            if self._valid_documents.get(id(instance)) is instance:
                return True
            if not self._decide.is_valid(instance):
                return False
            self._remember(instance)
            return True
        return bool(self._decide.is_valid(instance))

    def _remember(self, valid: SharedDocument | SharedList) -> None:
        if len(self._valid_documents) >= _REMEMBERED:
            self._valid_documents.clear()
        self._valid_documents[id(valid)] = valid

    def all_valid(self, instances: list[Any]) -> bool:
        """is_valid for each of them; an unchanged item of a list answer costs one lookup."""
        remembered = self._valid_documents
        if remembered.get(id(instances)) is instances:
            return True  # a SharedList, judged item by item before
        for instance in instances:
            if remembered.get(id(instance)) is not instance and not self.is_valid(instance):
                return False
        if type(instances) is SharedList:
            self._remember(instances)
        return True

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        """Every error, in jsonschema's words; nothing at all, quickly, for a valid instance."""
        if self.is_valid(instance):
            return iter(())
        return self.explain(instance)

    def explain(self, instance: Any) -> Iterator[ValidationError]:
        """The detailed path alone (for tests that compare the two)."""
        errors: Iterator[ValidationError] = self._explain.iter_errors(instance)
        return errors
