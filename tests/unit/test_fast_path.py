"""The compiled fast path (jsonschema-rs) and the detailed path (jsonschema) give one verdict.

A request or response is judged by the fast validator alone when it passes; only a failure is
explained by the detailed one. If the two ever disagreed, a broken answer would slip through
(fast says valid) or a valid one would be refused with no error to show (fast says invalid).
The corpus: every compiled request body and response schema of the bundled spec and of Novu's
published document, and the JSON Structure document, each given valid instances and every
field of them replaced by a value of each JSON type, removed, or nested wrongly.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from mockserver.contract.compiled.failures import Failure
from mockserver.contract.compiled.shared_documents import SharedDocument, SharedList
from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.http.app import create_app
from mockserver.resources.integrations.state import integrations_of
from mockserver.server import MockServer
from mockserver.settings import Settings
from tests.integrations_resource import integrations, structure_validator
from tests.reference import novu_openapi

ODD_VALUES: list[Any] = [None, 0, -1, 2.5, "", "text", True, False, [], [1], {}, {"a": 1}]
NESTED_ODD_VALUES: list[Any] = [None, 1, "text", [], {}]


def mutations(instance: Any) -> Iterator[Any]:
    """The instance itself, then each top-level and second-level field changed or removed."""
    yield instance
    for value in ODD_VALUES:
        yield value
    if not isinstance(instance, dict):
        return
    for key in instance:
        removed = dict(instance)
        del removed[key]
        yield removed
        for value in ODD_VALUES:
            yield {**instance, key: value}
        inner = instance[key]
        if isinstance(inner, dict):
            for inner_key in inner:
                for value in NESTED_ODD_VALUES:
                    yield {**instance, key: {**inner, inner_key: value}}
    yield {**instance, "unexpected": {"nested": [1, "x", None]}}


def integration_samples(server: MockServer) -> list[dict[str, Any]]:
    samples = []
    for organization in server.organizations:
        for environment in organization.environments.values():
            for integration in integrations_of(environment).integrations.values():
                for reveal in (True, False):
                    samples.append(
                        integration.to_wire(reveal_credentials=reveal, include_virtual_id=reveal)
                    )
    return samples


REQUEST_SAMPLES: list[Any] = [
    {},
    {"providerId": "sendgrid", "channel": "email", "name": "Mail", "active": True},
    {"providerId": "twilio", "channel": "sms", "credentials": {"accountSid": "AC1", "token": "t"}},
    {"name": "Renamed", "identifier": "renamed", "active": False, "check": False},
    {"credentials": {"apiKey": "k"}, "conditions": [{"children": [], "isNegated": False}]},
    {"configurations": {"inboundWebhookEnabled": True}},
    {"integrationId": "6571c0a1b2c3d4e5f6a7b8c9", "subscriberId": "s-1", "providerId": "slack"},
]


ERROR_SAMPLE = {
    "statusCode": 404,
    "timestamp": "2026-01-01T00:00:00.000Z",
    "path": "/v1/integrations/x",
    "message": "Integration not found",
    "errors": {"name": {"messages": ["name must be a string"], "value": 1}},
}


def agree(validator: SchemaValidator, instance: Any) -> tuple[bool, bool]:
    fast = validator.is_valid(copy.deepcopy(instance))
    detailed = not any(True for _ in validator.explain(instance))
    return fast, detailed


def corpus_verdicts(app: Flask) -> tuple[int, int, list[str]]:
    server: MockServer = app.extensions["mockserver"]
    samples = integration_samples(server)
    valid = invalid = 0
    disagreements: list[str] = []

    def judge(name: str, validator: SchemaValidator, instance: Any) -> None:
        nonlocal valid, invalid
        fast, detailed = agree(validator, instance)
        if fast != detailed:
            disagreements.append(f"{name}: fast={fast} detailed={detailed} on {instance!r:.200}")
        valid += detailed
        invalid += not detailed

    for operation in server.operations.values():
        if not operation.compiled:
            continue
        if operation.body_validator is not None:
            for base in REQUEST_SAMPLES:
                for instance in mutations(base):
                    judge(f"{operation.operation_id} body", operation.body_validator, instance)
        for status, contract in operation.responses.items():
            if contract.validator is None:
                continue
            name = f"{operation.operation_id} {status}"
            sample = samples[0] if status.startswith("2") else ERROR_SAMPLE
            for instance in mutations(sample):
                for shaped in (instance, {"data": instance}, {"data": [instance]}):
                    judge(name, contract.validator, shaped)
    for sample in samples[:8]:
        for instance in mutations(sample):
            judge("structure", structure_validator(server.contract), instance)
    return valid, invalid, disagreements


@pytest.mark.parametrize("spec", ["bundled", "novu"])
def test_fast_and_detailed_validation_agree_on_a_corpus(spec: str) -> None:
    settings = Settings() if spec == "bundled" else Settings(spec_path=novu_openapi())
    valid, invalid, disagreements = corpus_verdicts(create_app(settings))
    assert not disagreements, "\n".join(disagreements[:20])
    # The corpus holds plenty of both, or agreeing would prove nothing.
    assert valid > 100 and invalid > 10_000, (valid, invalid)


def test_a_remembered_verdict_is_only_for_that_very_document(app: Flask) -> None:
    server: MockServer = app.extensions["mockserver"]
    validator = structure_validator(server.contract)
    good = SharedDocument(integration_samples(server)[0])
    assert validator.is_valid(good)
    assert validator.is_valid(good)  # from memory now
    broken = SharedDocument({**good, "active": "yes"})
    assert not validator.is_valid(broken)
    assert any("'yes' is not of type 'boolean'" in e.message for e in validator.iter_errors(broken))
    # A plain dict equal to a remembered document is judged afresh.
    assert not validator.is_valid({**good, "deleted": None})
    # So is a copy (the journal keeps copies), which may be changed: it is a plain dict.
    copied = copy.deepcopy(good)
    assert type(copied) is dict
    copied["active"] = "yes"
    assert not validator.is_valid(copied)


def test_a_remembered_list_verdict_is_only_for_that_very_list(app: Flask) -> None:
    server: MockServer = app.extensions["mockserver"]
    validator = structure_validator(server.contract)
    good = [SharedDocument(sample) for sample in integration_samples(server)[:3]]
    kept = SharedList(good)
    assert validator.all_valid(kept)
    assert validator.all_valid(kept)  # from memory now
    broken = SharedDocument({**good[0], "active": "yes"})
    assert not validator.all_valid(SharedList([*good, broken]))
    assert not validator.all_valid([*good, broken])


def test_an_answer_remembered_as_valid_is_so_only_for_its_contract_and_status(app: Flask) -> None:
    from mockserver.contract.checks import response_violations

    server: MockServer = app.extensions["mockserver"]
    operations = server.operations
    update = operations["IntegrationsController_updateIntegrationById"]
    listing = operations["IntegrationsController_listIntegrations"]
    json_headers = {"Content-Type": "application/json"}

    def violations(operation: Any, body: Any, status: int = 200, headers: Any = None) -> list[str]:
        return response_violations(
            operation,
            status=status,
            headers=json_headers if headers is None else headers,
            body=body,
            structures=server.contract.structures,
        )

    good = SharedDocument(integration_samples(server)[0])
    assert violations(update, {"data": good}) == []
    assert violations(update, {"data": good}) == []  # from memory now
    # The same integration, where the contract wants a list, or an error, is still wrong.
    assert violations(listing, {"data": good}) != []
    assert violations(update, {"data": good}, status=404) != []
    # Beside something else in the answer it is judged again.
    assert any("extra" in v for v in violations(update, {"data": good, "extra": 1}))
    # Headers are checked on every answer.
    assert violations(update, {"data": good}, headers={}) == [
        "required header Content-Type is missing"
    ]
    # A broken integration is reported every time it is handed out.
    broken = SharedDocument({**good, "active": "yes"})
    assert violations(update, {"data": broken}) != []
    assert violations(update, {"data": broken}) != []
    listed = SharedList([good, broken])
    assert violations(listing, {"data": listed}) != []
    assert violations(listing, {"data": listed}) != []


def answer_documents(sample: dict[str, Any]) -> Iterator[Any]:
    """Answers of shared integrations, lists and single ones: valid, with an integration
    broken, with the envelope broken."""
    good = [SharedDocument(sample), SharedDocument({**sample, "name": "Other"})]
    yield {"data": good}
    yield {"data": []}
    yield good
    yield {"data": good[0]}
    yield good[0]
    for broken in mutations(sample):
        if isinstance(broken, dict):
            yield {"data": [good[0], SharedDocument(broken)]}
            yield [good[0], SharedDocument(broken)]
            yield {"data": SharedDocument(broken)}
    yield {"data": good, "extra": 1}
    yield {"data": good[0], "extra": 1}
    yield {"data": {"0": good[0]}}
    yield {}


@pytest.mark.parametrize("spec", ["bundled", "novu"])
def test_answers_judged_by_parts_get_the_whole_schema_verdict(spec: str) -> None:
    from mockserver.contract.checks import _passes, _values_at

    settings = Settings() if spec == "bundled" else Settings(spec_path=novu_openapi())
    server: MockServer = create_app(settings).extensions["mockserver"]
    structures = server.contract.structures
    sample = integration_samples(server)[1]
    split_contracts = [
        contract
        for operation in server.operations.values()
        for contract in operation.responses.values()
        if contract.split is not None
    ]
    # Lists (all, active, what is left after a delete), and in the bundled spec, whose single
    # answers are enveloped, create, update, set-primary and auto-configure too.
    assert len(split_contracts) >= (7 if spec == "bundled" else 3)
    judged = {True: 0, False: 0}
    for contract in split_contracts:
        assert contract.validator is not None
        for document in answer_documents(sample):
            body = document if contract.describes_envelope else {"data": document}
            target = body if contract.describes_envelope else body["data"]
            plain = copy.deepcopy(target)
            whole = contract.validator.is_valid(plain) and all(
                structures.validator(name).is_valid(instance)
                for pointer, name in contract.structure_pointers
                for instance in _values_at(plain, pointer)
            )
            # By parts may only say "valid" when both whole documents agree, and must say so
            # whenever they do (all items here are shared documents); the second time from
            # what the first remembered.
            assert _passes(contract, target, structures) == whole, (contract.status, document)
            assert _passes(contract, target, structures) == whole, (contract.status, document)
            judged[whole] += 1
    assert judged[True] > 5 and judged[False] > 100, judged


def test_a_joint_validator_keeps_each_schemas_definitions_its_own() -> None:
    from mockserver.contract.compiled.validators import joint_validator

    def needs(name: str) -> SchemaValidator:
        # Both name their definition T: each must still reach its own.
        return SchemaValidator(
            {"$ref": "#/$defs/T", "$defs": {"T": {"type": "object", "required": [name]}}}
        )

    joint = joint_validator(needs("a"), needs("b"))
    assert joint is not None
    assert joint.is_valid({"a": 1, "b": 2})
    assert not joint.is_valid({"a": 1})
    assert not joint.is_valid({"b": 2})
    assert joint_validator(SchemaValidator({"$id": "urn:x"}), needs("a")) is None


def test_merged_schemas_pass_exactly_what_passes_both() -> None:
    from mockserver.contract.compiled.merge import merged_schema

    def both(first: dict[str, Any], second: dict[str, Any]) -> SchemaValidator:
        merged = merged_schema(first, second)
        assert merged is not None
        return SchemaValidator(merged)

    # A property both constrain differently is checked under both; Python's 1 == True must
    # not make two different constants look the same.
    one = {"type": "object", "properties": {"n": {"const": 1}}}
    true = {"type": "object", "properties": {"n": {"const": True}, "m": {"type": "string"}}}
    strict = both(one, true)
    assert not strict.is_valid({"n": 1})
    assert not strict.is_valid({"n": True})
    assert not strict.is_valid({"m": 2})
    assert strict.is_valid({"m": "x"})
    # The same constraint said twice, once through a definition with a description, is kept
    # once; names required by either are required.
    described = {
        "$ref": "#/$defs/T",
        "$defs": {
            "T": {"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/$defs/S"}}},
            "S": {"type": "string", "description": "text"},
        },
    }
    plain = {"type": "object", "required": ["b"], "properties": {"a": {"type": "string"}}}
    merged = merged_schema(described, plain)
    assert merged is not None and merged["properties"]["a"] == {"$ref": "#/$defs/S"}
    assert both(described, plain).is_valid({"a": "x", "b": 1})
    assert not both(described, plain).is_valid({"a": "x"})
    assert not both(described, plain).is_valid({"a": 1, "b": 1})

    # Definitions of one name in both keep their own meaning, nested references included.
    def holding(name: str, kind: str) -> dict[str, Any]:
        return {
            "$ref": "#/$defs/T",
            "$defs": {
                "T": {"type": "object", "properties": {name: {"$ref": "#/$defs/U"}}},
                "U": {"type": kind},
            },
        }

    namesakes = both(holding("x", "string"), holding("y", "integer"))
    assert namesakes.is_valid({"x": "a", "y": 1})
    assert not namesakes.is_valid({"x": 1})
    assert not namesakes.is_valid({"y": "a"})
    # Unless the first already uses the name the second's would be renamed to.
    taken = holding("x", "boolean")
    taken["$defs"] = {"T": {"properties": {"x": {"$ref": "#/$defs/second__U"}}}, "second__U": {}}
    assert merged_schema(taken, holding("y", "integer")) is None
    # Neither demands an object: neither does the merge.
    assert both({"properties": {"a": {"type": "string"}}}, {"required": []}).is_valid("text")
    # additionalProperties would read the other's names as additional: not merged.
    closed = {"type": "object", "properties": {"a": {}}, "additionalProperties": False}
    assert merged_schema(closed, plain) is None
    assert merged_schema({"type": "array"}, plain) is None


def test_the_joint_item_and_structure_validator_passes_what_passes_both(app: Flask) -> None:
    server: MockServer = app.extensions["mockserver"]
    structure = structure_validator(server.contract)
    splits = {
        id(contract.split): contract.split
        for operation in server.operations.values()
        for contract in operation.responses.values()
        if contract.split is not None and contract.joined_structure is not None
    }
    assert splits
    verdicts = set()
    for split in splits.values():
        joint = split.item_and_structure(structure)
        assert joint is not None
        for sample in integration_samples(server)[:4]:
            for instance in mutations(sample):
                both = split.item.is_valid(instance) and structure.is_valid(instance)
                assert joint.is_valid(instance) == both, instance
                verdicts.add(both)
    assert verdicts == {True, False}


def test_an_envelope_judges_a_lone_data_once_only_when_its_value_cannot_matter() -> None:
    from mockserver.contract.compiled.split import split_at

    item = {"type": "object", "required": ["a"]}
    plain = {"type": "object", "properties": {"data": item}, "required": ["data"]}
    split = split_at(plain, ("data",))
    assert split is not None and split.lone_data_verdict is True
    assert split.envelope_passes({"data": {"a": 1}})
    assert not split.envelope_passes({})
    crowded = split_at({**plain, "minProperties": 2}, ("data",))
    assert crowded is not None and crowded.lone_data_verdict is False
    assert not crowded.envelope_passes({"data": {"a": 1}})
    # patternProperties reach `data` too: its value matters, so it is judged every time.
    patterned = split_at({**plain, "patternProperties": {"^d": {"type": "object"}}}, ("data",))
    assert patterned is not None and patterned.lone_data_verdict is None
    assert patterned.envelope_passes({"data": {"a": 1}})
    assert not patterned.envelope_passes({"data": "text"})


def test_a_lone_answer_decided_by_one_validator_still_meets_both_documents() -> None:
    from mockserver.contract.checks import _passes
    from mockserver.contract.compiled.split import split_at
    from mockserver.contract.operations import ResponseContract
    from mockserver.contract.structure import Structures

    item = {"type": "object", "required": ["a"]}
    envelope = {"type": "object", "properties": {"data": item}, "required": ["data"]}
    # A structure document stricter than the spec's item, so that skipping it would show.
    strict = SchemaValidator({"type": "object", "properties": {"a": {"minimum": 10}}})
    structure = Structures(documents={}, validators={"Item": strict})

    def contract(schema: dict[str, Any], pointers: tuple[tuple[tuple[str, ...], str], ...]) -> Any:
        return ResponseContract(
            status="200",
            validator=SchemaValidator(schema),
            required_headers=(),
            describes_envelope=True,
            structure_pointers=pointers,
            split=split_at(schema, ("data",)),
        )

    single = contract(envelope, ((("data",), "Item"),))
    assert single.lone_data_validator(structure) is not None
    assert _passes(single, {"data": SharedDocument({"a": 12})}, structure)
    assert not _passes(single, {"data": SharedDocument({"a": 3})}, structure)
    assert not _passes(single, {"data": SharedDocument({"b": 12})}, structure)
    # Without the structure document at `data`, the item schema alone decides.
    unstructured = contract(envelope, ())
    assert unstructured.lone_data_validator(structure) is not None
    assert _passes(unstructured, {"data": SharedDocument({"a": 3})}, structure)
    # An envelope whose verdict depends on more than `data` gets the general walk.
    crowded = contract({**envelope, "minProperties": 2}, ((("data",), "Item"),))
    assert crowded.lone_data_validator(structure) is None
    assert not _passes(crowded, {"data": SharedDocument({"a": 12})}, structure)


def test_a_list_schema_with_a_combinator_on_the_way_is_not_split() -> None:
    from mockserver.contract.compiled.split import split_at

    item = {"type": "object", "required": ["a"]}
    plain = {"type": "object", "properties": {"data": {"type": "array", "items": item}}}
    assert split_at(plain, ("data", "*")) is not None
    guarded = {**plain, "anyOf": [{"required": ["data"]}, {"required": ["other"]}]}
    assert split_at(guarded, ("data", "*")) is None
    unevaluated = {
        "type": "object",
        "properties": {"data": {"type": "array", "items": item, "unevaluatedItems": False}},
    }
    assert split_at(unevaluated, ("data", "*")) is None


@pytest.mark.parametrize("spec", ["bundled", "novu"])
def test_explanations_from_the_inlined_schema_match_the_original(spec: str) -> None:
    """The detailed path words errors from a copy of the schema with its $refs inlined (for
    speed); every 422 and violation report must read as the schema itself would word it."""
    from jsonschema import Draft202012Validator

    settings = Settings() if spec == "bundled" else Settings(spec_path=novu_openapi())
    server: MockServer = create_app(settings).extensions["mockserver"]
    sample = integration_samples(server)[0]

    def wording(errors: Iterator[Any]) -> list[tuple[Any, ...]]:
        return sorted((list(e.absolute_path), e.validator, e.message) for e in errors)

    bodies = {id(op.body_validator): op.body_validator for op in server.operations.values()}
    answers = {
        id(contract.validator): contract.validator
        for operation in server.operations.values()
        for contract in operation.responses.values()
    }
    cases = [(v, i) for v in bodies.values() if v for b in REQUEST_SAMPLES for i in mutations(b)]
    cases += [(v, {"data": i}) for v in answers.values() if v for i in mutations(sample)]
    references = {id(v): Draft202012Validator(v.schema) for v, _ in cases}
    compared = 0
    for validator, instance in cases:
        expected = wording(references[id(validator)].iter_errors(instance))
        assert wording(validator.explain(instance)) == expected, instance
        compared += bool(expected)
    assert compared > 1000


@pytest.mark.parametrize("spec", ["bundled", "novu"])
def test_a_422_reads_the_same_whichever_engine_finds_the_errors(spec: str) -> None:
    """422s are worded from failures found property by property (failures.py), or from
    jsonschema-rs's errors; the engine and the pure Python walk must find the same problems,
    field by field and sentence by sentence, or a client would see answers that depend on
    which way ran."""
    settings = Settings() if spec == "bundled" else Settings(spec_path=novu_openapi())
    server: MockServer = create_app(settings).extensions["mockserver"]
    secret = integrations(server).catalogue.secure_keys
    bodies = {
        id(op.body_validator): op.body_validator
        for op in server.operations.values()
        if op.body_validator is not None
    }
    compared = 0
    for validator in bodies.values():
        for base in REQUEST_SAMPLES:
            for instance in mutations(base):
                ways = (
                    validator.failures(instance),
                    validator.engine_failures(instance),
                    validator.detailed_failures(instance),
                )
                places = [sorted((f.path, f.keyword) for f in found) for found in ways]
                assert places[0] == places[1] == places[2], instance
                worded = [wording(found, secret) for found in ways]
                assert worded[0] == worded[1] == worded[2], instance
                compared += bool(worded[0])
    assert compared > 500, compared
    # The property-by-property way served the bundled spec's bodies.
    assert spec == "novu" or all(v._quick is not None for v in bodies.values())


def test_property_by_property_failures_read_json_types_as_the_engine_does() -> None:
    """Python's types are not JSON's: True is an int, 1.0 is JSON Schema's integer."""
    kinds = ["integer", "number", "boolean", "string", "null", "object", "array"]
    schema = {
        "type": "object",
        "required": ["must"],
        "properties": {
            **{kind: {"type": kind} for kind in kinds},
            "either": {"type": ["integer", "null"]},
            "choice": {"type": "string", "enum": ["a", "b"]},
            "loose": {"enum": ["a"]},
            "nested": {"type": "object", "properties": {"n": {"type": "integer"}}},
        },
    }
    validator = SchemaValidator(schema)
    assert validator._quick is not None
    values: list[Any] = [0, 1, 1.0, 1.5, True, False, None, "a", "1", [], [1], {}, {"n": 1.5}]

    def read(found: list[Failure]) -> list[tuple[Any, ...]]:
        # The engine lists a schema's types in an order of its own.
        return sorted((f.path, f.keyword, sorted(map(str, f.expected))) for f in found)

    checked = 0
    for name in schema["properties"]:
        for value in values:
            body = {name: value}
            engine = validator.engine_failures(body)
            assert read(validator.failures(body)) == read(engine), body
            checked += len(engine)
    assert checked > 60, checked


def wording(found: list[Failure], secret: frozenset[str]) -> list[tuple[Any, ...]]:
    from mockserver.novu.wording import describe

    problems = [
        describe(failure, root="general", secret_keys=secret)
        for failure in found
        # Keywords Novu has no sentence for quote the engine's own message.
        if failure.keyword in WORDED_KEYWORDS
    ]
    return sorted((p.field, p.message, repr(p.value), p.has_value) for p in problems)


WORDED_KEYWORDS = {
    "type",
    "enum",
    "const",
    "pattern",
    "additionalProperties",
    "maxLength",
    "minLength",
    "oneOf",
    "anyOf",
    "required",
}


def test_a_lone_surrogate_is_worded_when_the_engine_cannot_hand_it_back() -> None:
    validator = SchemaValidator({"type": "object", "properties": {"name": {"type": "integer"}}})
    body = {"name": "\ud800"}
    for found in (validator.failures(body), validator.engine_failures(body)):
        (failure,) = found
        assert (failure.path, failure.keyword, failure.expected) == (("name",), "type", ["integer"])


def test_every_missing_property_is_named() -> None:
    validator = SchemaValidator({"type": "object", "required": ["a", "b", "c"]})
    for found in (validator.failures({"b": 1}), validator.detailed_failures({"b": 1})):
        assert sorted(f.expected for f in found) == ["a", "c"]
