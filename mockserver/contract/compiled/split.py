"""Judging an answer's envelope and its integrations apart, so that an unchanged integration
is not judged again.

An answer is `{"data": integration}` or `{"data": [integration, ...]}`. Its schema is valid for
a document exactly when the document is valid with the integrations left unconstrained (the
envelope) and each integration is valid against the item schema, provided the way from the
root to them goes only through `$ref`, `properties` and `items`: no combinator (allOf, anyOf,
oneOf, not, if), no `unevaluated*` or `prefixItems` on the way, which could make an item's
verdict depend on anything else. `split_at` builds the two halves when that holds and returns
None otherwise.

The integrations the mock answers with are SharedDocuments, whose verdicts are remembered
(validators.py), so a list of 1,000 unchanged integrations, or one fetched again, costs the
envelope check alone. A new integration (after a create or an update) is judged once, against
the item schema and the JSON Structure document joined into one validator where the structure
applies to the same place; and the envelope of a lone `{"data": X}` needs no walk at all when
its root reads names only, as Novu's envelopes do (its verdict is decided when compiled).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from mockserver.contract.compiled.inline import inline_root_ref
from mockserver.contract.compiled.shared_documents import is_lone_data
from mockserver.contract.compiled.validators import SchemaValidator, joint_validator
from mockserver.contract.keywords import ANNOTATIONS

_UNSAFE_ON_THE_WAY = frozenset(
    {
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "dependentSchemas",
        "unevaluatedProperties",
        "unevaluatedItems",
        "prefixItems",
        "$dynamicRef",
        "$recursiveRef",
    }
)


# Keywords of an envelope's root that cannot tell one `{"data": X}` from another when the
# schema of `data` itself is empty (the split leaves it so): they read names, not values.
_READS_NAMES_ONLY = ANNOTATIONS | {
    "$schema",
    "$id",
    "$defs",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "dependentRequired",
}


@dataclass(frozen=True)
class SplitSchema:
    pointer: tuple[str, ...]
    envelope: SchemaValidator
    item: SchemaValidator
    # The envelope's verdict on every `{"data": X}`, when it is one whatever X is (a single
    # item under `data`); None when X matters (a list's length may, for one).
    lone_data_verdict: bool | None = None
    # The item validator joined with the structure document's (validators.joint_validator),
    # by the structure validator; filled on first use.
    joint: dict[SchemaValidator, SchemaValidator | None] = field(
        default_factory=dict, compare=False
    )

    def envelope_passes(self, document: Any) -> bool:
        lone = self.lone_data_verdict
        if lone is not None and is_lone_data(document):
            return lone
        return self.envelope.is_valid(document)

    def item_and_structure(self, structure: SchemaValidator) -> SchemaValidator | None:
        """One validator for both of an item's checks, when the structure applies here too."""
        if structure not in self.joint:
            # A benign race: two threads may each compile one; either is right.
            self.joint[structure] = joint_validator(self.item, structure)
        return self.joint[structure]


def split_at(schema: dict[str, Any], pointer: tuple[str, ...]) -> SplitSchema | None:
    """Envelope and item validators for the items at `pointer`, or None if not exact."""
    definitions = schema.get("$defs", {})
    envelope = copy.deepcopy({k: v for k, v in schema.items() if k != "$defs"})
    node = envelope
    steps = list(pointer)
    while True:
        inlined = inline_root_ref(node, definitions)
        if inlined is None or _UNSAFE_ON_THE_WAY & inlined.keys():
            return None
        node = inlined
        if not steps:
            return None  # the pointer ends on the root: nothing to split
        step = steps.pop(0)
        if step == "*":
            child_key, container = "items", node
        else:
            properties = node.get("properties")
            if not isinstance(properties, dict):
                return None
            child_key, container = step, properties
        child = container.get(child_key)
        if not isinstance(child, dict):
            return None
        if not steps:
            item = {**copy.deepcopy(child), "$defs": definitions} if definitions else child
            container[child_key] = {}
            if definitions:
                envelope["$defs"] = definitions
            envelope_validator = SchemaValidator(envelope)
            lone = None
            if pointer == ("data",) and envelope.keys() <= _READS_NAMES_ONLY:
                lone = envelope_validator.is_valid({"data": None})
            return SplitSchema(pointer, envelope_validator, SchemaValidator(item), lone)
        node = child
