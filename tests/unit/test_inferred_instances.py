"""Instances made from a document's schemas (the inferred engine's answers): valid, the same
for the same seed, and the fast paths (Rust checks, instances kept made) agreeing with the
plain ones."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from mockserver.contract import load_contract
from mockserver.resources.inferred.engine import InferredEngine, Schema, _payload_schema
from mockserver.resources.inferred.instances import Checks, InstanceMaker
from mockserver.state.clock import Clock
from tests.reference import novu_openapi

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def answers() -> list[tuple[str, Any, Schema]]:
    """(operationId, its success contract, the schema of what its handler answers)."""
    contract = load_contract(novu_openapi())
    found = []
    for name, operation in contract.operations.items():
        declared = operation.response_for(operation.success_status or 200)
        schema = _payload_schema(declared)
        if schema is not None:
            found.append((name, declared, schema))
    assert len(found) > 120
    return found


def _body(declared: Any, schema: Schema, value: Any) -> Any:
    return {"data": value} if schema.node is not schema.root else value


def test_every_success_answer_of_novus_document_gets_a_valid_instance(answers: Any) -> None:
    for name, declared, schema in answers:
        value = InstanceMaker(schema.root, f"1|{name}", MOMENT).make(schema.node, name)
        assert declared.validator.is_valid(_body(declared, schema, value)), name


def test_the_same_seed_makes_the_same_bytes_and_another_seed_other_ones(answers: Any) -> None:
    _name, _declared, schema = next(a for a in answers if a[0] == "LayoutsController_get")
    first = InstanceMaker(schema.root, "7", MOMENT).make(schema.node)
    again = InstanceMaker(schema.root, "7", MOMENT).make(schema.node)
    other = InstanceMaker(schema.root, "8", MOMENT).make(schema.node)
    assert orjson.dumps(first) == orjson.dumps(again) != orjson.dumps(other)


def test_rust_checks_agree_with_jsonschema(answers: Any) -> None:
    """Checks (jsonschema-rs, compiled once) against the plain jsonschema walk, over every
    instance and mutations of it: each top-level field dropped, or given a value of the
    wrong kind."""
    checks = Checks()
    compared = 0
    for name, _declared, schema in answers:
        maker = InstanceMaker(schema.root, f"2|{name}", MOMENT, checks)
        value = maker.make(schema.node, name)
        plain = Draft202012Validator({**schema.node, "$defs": maker.defs})
        variants = [value]
        if isinstance(value, dict):
            for key in value:
                variants.append({k: v for k, v in value.items() if k != key})
                variants.append({**copy.deepcopy(value), key: [object.__name__]})
        for variant in variants:
            assert checks.fits(maker.defs, schema.node, variant) == plain.is_valid(variant), name
            compared += 1
    assert compared > 1000


def test_an_instance_kept_made_is_the_one_made_afresh(answers: Any) -> None:
    contract = load_contract(novu_openapi())
    engine = InferredEngine(contract.operations, frozenset(), seed=4010, clock=Clock(MOMENT))
    for name, _declared, schema in answers[:40]:
        maker = InstanceMaker(schema.root, f"3|{name}", MOMENT, engine.checks)
        kept = engine._instance(maker, schema, "here")
        again = engine._instance(maker, schema, "here")
        fresh = InstanceMaker(schema.root, f"3|{name}", MOMENT).make(schema.node, "here")
        assert kept == again == fresh, name
        if isinstance(kept, dict):
            kept["changed"] = True  # a copy: what is kept does not change with it
            assert "changed" not in engine._instance(maker, schema, "here")
