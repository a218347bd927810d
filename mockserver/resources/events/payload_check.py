"""A trigger's payload against its workflow's payload schema, as Novu checks it.

From novuhq/novu `apps/api/src/app/events/usecases/parse-event-request` and
`exceptions/payload-validation-exception.ts`: AJV with `allErrors` and `useDefaults`
validates a copy of the payload, which (defaults filled in) replaces it; a failure is a 400
`PAYLOAD_VALIDATION_ERROR` listing each error's field (the instance path in dot form, the
missing property appended, `root` at the top), AJV's message, the value and the schema path.
"""

from __future__ import annotations

import copy
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from referencing.exceptions import Unresolvable

from mockserver.novu.errors import NovuError

# AJV's wording of the keywords a payload schema usually uses; others keep jsonschema's.
_TYPE_NAMES = {"integer": "integer", "number": "number", "string": "string", "boolean": "boolean"}


def checked_payload(payload: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The payload with the schema's defaults filled in; NovuError 400 when it does not fit."""
    filled = copy.deepcopy(payload)
    _fill_defaults(filled, schema, depth=0)
    try:
        errors = sorted(Draft7Validator(schema).iter_errors(filled), key=lambda e: list(e.path))
    except Unresolvable as unresolved:
        # Workflows refuse references outside their schema; one imported by hand still
        # answers a 400 naming it, never a 500.
        raise NovuError(400, f"Payload validation failed: root: {unresolved}") from unresolved
    if not errors:
        return filled
    listed = [_listed(error) for error in errors]
    summary = "; ".join(f"{item['field']}: {item['message']}" for item in listed)
    raise NovuError(
        400,
        f"Payload validation failed: {summary}",
        reason="",
        fields={"type": "PAYLOAD_VALIDATION_ERROR", "errors": listed, "schema": schema},
    )


def _fill_defaults(instance: Any, schema: Any, *, depth: int) -> None:
    """AJV's useDefaults: a missing property with a `default` gets it, object by object."""
    if depth > 32 or not isinstance(instance, dict) or not isinstance(schema, dict):
        return
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, sub in properties.items():
        if not isinstance(sub, dict):
            continue
        if name not in instance and "default" in sub:
            instance[name] = copy.deepcopy(sub["default"])
        if name in instance:
            _fill_defaults(instance[name], sub, depth=depth + 1)


def _listed(error: ValidationError) -> dict[str, Any]:
    path = [str(part) for part in error.absolute_path]
    message = _ajv_message(error)
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        path.append(missing)
    schema_path = "#/" + "/".join(str(part) for part in error.absolute_schema_path)
    return {
        "field": ".".join(path) or "root",
        "message": message,
        "value": error.instance,
        "schemaPath": schema_path,
    }


def _ajv_message(error: ValidationError) -> str:
    keyword, expected = error.validator, error.validator_value
    if keyword == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else ""
        return f"must have required property '{missing}'"
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return "must be " + ",".join(_TYPE_NAMES.get(str(k), str(k)) for k in kinds)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return f"must be {sign[str(keyword)]} {expected}"
    if keyword == "minLength":
        return f"must NOT have fewer than {expected} characters"
    if keyword == "maxLength":
        return f"must NOT have more than {expected} characters"
    if keyword == "enum":
        return "must be equal to one of the allowed values"
    if keyword == "additionalProperties":
        return "must NOT have additional properties"
    if keyword == "pattern":
        return f'must match pattern "{expected}"'
    if keyword == "format":
        return f'must match format "{expected}"'
    return str(error.message)
