"""Applying the compiled contract to one exchange: request checks and response checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from werkzeug.datastructures import Headers

from mockserver.contract.compiled.failures import Failure
from mockserver.contract.compiled.shared_documents import SharedList, is_lone_data, shared_payload
from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.contract.operations import Operation, Pointer, ResponseContract
from mockserver.contract.structure import Structures

# Rewords a validator's sentence about the value at a path (message, path, value) -> message.
Redactor = Callable[[str, Sequence[Any], Any], str]


class RequestProblem(NamedTuple):
    """One way a request breaks its operation: where, and the schema failure (None when a
    required parameter is missing). The Novu layer words it (novu/wording.py)."""

    location: str  # "path", "query", "header" or "body"
    name: str | None  # the parameter's name; None for the body
    failure: Failure | None


def request_problems(
    operation: Operation,
    *,
    path_params: Mapping[str, str],
    query: Mapping[str, str],
    headers: Mapping[str, str] | Headers,
    body: Any,
    plain: bool = False,
) -> list[RequestProblem]:
    """Every problem with the request, against its operation's compiled schemas (`plain`:
    against the whole schemas, walked by jsonschema alone).

    `headers` may be the request's own Headers, whose lookups ignore case as HTTP does."""
    problems: list[RequestProblem] = []
    for parameter in operation.checked_parameters:
        location = parameter.location
        if location == "path":
            value = path_params.get(parameter.name)
        elif location == "header":
            value = headers.get(parameter.name)
        elif location == "query":
            value = query.get(parameter.name)
            if value is not None and parameter.validator.schema.get("type") == "array":
                # `?tags=a&tags=b` (form style, exploded): every value, as the list it is.
                problems.extend(
                    RequestProblem(location, parameter.name, failure)
                    for failure in _failures(
                        parameter.validator, query_list(query, parameter.name), plain
                    )
                )
                continue
        else:
            continue  # cookies are not read
        if value is None:
            if parameter.required:
                problems.append(RequestProblem(location, parameter.name, None))
            continue
        if parameter.any_text:
            continue
        value = _coerce(value, parameter.validator)
        for failure in _failures(parameter.validator, value, plain):
            problems.append(RequestProblem(location, parameter.name, failure))
    validator = operation.body_validator
    if validator is not None and (plain or not validator.is_valid(body)):
        found = validator.detailed_failures(body) if plain else validator.failures(body)
        for failure in found:
            problems.append(RequestProblem("body", None, failure))
    return problems


def _failures(validator: SchemaValidator, instance: Any, plain: bool) -> list[Failure]:
    if plain:
        return validator.detailed_failures(instance)
    return validator.failures(instance) if not validator.is_valid(instance) else []


def query_list(query: Mapping[str, str], name: str) -> list[str]:
    """Every value of a repeated query parameter (`?tags=a&tags=b`), in order."""
    getlist = getattr(query, "getlist", None)
    return list(getlist(name)) if getlist is not None else [query[name]]


def _coerce(raw: str, validator: SchemaValidator) -> Any:
    """Parameters arrive as text; read them as the type their schema declares."""
    kind = validator.schema.get("type")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def response_violations(
    operation: Operation,
    *,
    status: int,
    headers: Mapping[str, str],
    body: Any,
    structures: Structures,
    redact: Redactor | None = None,
    plain: bool = False,
) -> list[str]:
    """Every way the response breaks the spec or a structure document, as readable lines.

    `redact(message, path, value)` rewords a validator's sentence that may repeat a value
    (the Novu layer passes its secrets module's, so no secret reaches a violation). `plain`,
    for the reference path: the whole schema and each structure document walked by
    jsonschema, nothing compiled, split or remembered."""
    contract = operation.response_for(status)
    if contract is None:
        declared = ", ".join(sorted(operation.responses))
        return [f"status {status} is not declared for {operation.operation_id} ({declared})"]
    violations: list[str] = []
    for name in contract.required_headers:
        # Perhaps only spelled differently: header names ignore case.
        if name not in headers and name.lower() not in {other.lower() for other in headers}:
            violations.append(f"required header {name} is missing")
    document = body
    if 200 <= status < 300 and not contract.describes_envelope:
        # The document describes the payload inside Novu's `{"data": ...}` envelope.
        document = body.get("data") if isinstance(body, dict) else body
    if plain:
        return violations + _explained_violations(
            contract, document, structures, redact or _as_is, plain=True
        )
    # A cached list answer `{"data": [...]}` that passed with this status passes again (the
    # list never changes), whichever request hands it out: its envelope is not walked again.
    # (A shared single integration needs no such memory: its validators keep their verdicts.)
    listed = shared_payload(body)
    if type(listed) is SharedList:
        memo = (contract, structures, status)
        if memo in listed.passed_as_answer:
            return violations
        if _passes(contract, document, structures):
            # Two threads may both add it: a duplicate entry, never a wrong one.
            listed.passed_as_answer = (*listed.passed_as_answer, memo)
            return violations
    elif _passes(contract, document, structures):
        return violations
    return violations + _explained_violations(contract, document, structures, redact or _as_is)


def _as_is(message: str, path: Sequence[Any], value: Any) -> str:
    return message


def _explained_violations(
    contract: ResponseContract,
    document: Any,
    structures: Structures,
    redact: Redactor,
    *,
    plain: bool = False,
) -> list[str]:
    """What is wrong with a document that failed, and where: judged again, the slow way."""
    violations: list[str] = []
    if contract.validator is not None:
        errors = (contract.validator.explain if plain else contract.validator.iter_errors)(document)
        for error in errors:
            message = redact(error.message, list(error.absolute_path), error.instance)
            violations.append(f"{_where(error.absolute_path)}: {message}")
    for pointer, name in contract.structure_pointers:
        structure = structures.validator(name)
        for at, instance in _resolve_pointer(document, pointer):
            if not plain and structure.is_valid(instance):
                continue
            for error in structure.explain(instance):
                path = [*at, *error.absolute_path]
                message = redact(error.message, path, error.instance)
                violations.append(f"{_where(path)}: {message} ({name})")
    return violations


def _passes(contract: ResponseContract, document: Any, structures: Structures) -> bool:
    """The verdict alone, from compiled validators and remembered verdicts: the envelope and
    each item apart when the schema splits (split.py), and an item's two documents in one walk
    where the structure applies at the item too. A lone `{"data": X}` whose envelope cannot
    fail goes straight to the one validator that decides it."""
    if is_lone_data(document):
        decider = contract.lone_data_validator(structures)
        if decider is not None:
            return decider.is_valid(document["data"])
    split = contract.split
    pointers = contract.structure_pointers
    if split is None:
        if contract.validator is not None and not contract.validator.is_valid(document):
            return False
    else:
        if not split.envelope_passes(document):
            return False
        items = _values_at(document, split.pointer)
        joined = contract.joined_structure
        joint = None if joined is None else split.item_and_structure(structures.validator(joined))
        if joint is None:
            if not split.item.all_valid(items):
                return False
        else:
            if not joint.all_valid(items):
                return False
            pointers = contract.pointers_beside_split
    if not pointers:
        return True
    return all(
        structures.validator(name).all_valid(_values_at(document, at)) for at, name in pointers
    )


def _where(parts: Any) -> str:
    path = ".".join(map(str, parts))
    return "$." + path if path else "$"


def _values_at(document: Any, pointer: Pointer) -> list[Any]:
    """What the pointer reaches, without the paths (the common, valid case needs none)."""
    if len(pointer) == 1 and pointer[0] != "*":  # `data`: the one place most answers use
        return [document[pointer[0]]] if type(document) is dict and pointer[0] in document else []
    found = [document]
    for head in pointer:
        if head == "*" and len(found) == 1 and isinstance(found[0], list):
            # One array's items: the array itself (only read; a cached list answer is then
            # recognised as a whole by the validators' memory).
            found = found[0]
        elif head == "*":
            found = [item for node in found if isinstance(node, list) for item in node]
        else:
            found = [node[head] for node in found if isinstance(node, dict) and head in node]
    return found


def _resolve_pointer(document: Any, pointer: Pointer) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) for every place the pointer reaches; "*" is every item of an array."""
    found: list[tuple[tuple[Any, ...], Any]] = [((), document)]
    for head in pointer:
        reached: list[tuple[tuple[Any, ...], Any]] = []
        for at, node in found:
            if head == "*":
                if isinstance(node, list):
                    reached.extend(((*at, index), item) for index, item in enumerate(node))
            elif isinstance(node, dict) and head in node:
                reached.append(((*at, head), node[head]))
        found = reached
    return found
