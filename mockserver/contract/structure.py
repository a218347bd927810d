"""JSON Structure documents, turned into JSON Schema so one engine validates everything.

Two renderings are understood:

* the JSON Structure draft's own syntax: `$schema`, `$id`, `name`, a root `type` (or `$root`),
  `properties`, `required`, `definitions`, with `$ref` allowed only inside `type`;
* the flattened `fields` rendering the seed document uses: a `name` and a list of
  `{name, type, required, description}` entries. It keeps only top-level names, coarse types and
  required flags, so it checks less than a draft-style document does.

Every document is first checked by the JSON Structure project's own schema validator (the
`json-structure` package), which names the place of each problem. The `fields` rendering is not
a core document, so it is checked in its core form (`core_document`): an object whose properties
are the fields, `object` read as a map of any values and `array` as an array of any values (the
rendering says nothing of what is inside them), required as the fields' flags say.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.contract.documents import DocumentError, load_document
from mockserver.contract.keywords import DEFS_PREFIX
from mockserver.contract.schema_convert import DRAFT_2020_12

# String-encoded or string-shaped primitives, with the JSON Schema format that describes them.
_STRING_FORMATS: dict[str, str | None] = {
    "string": None,
    "date": "date",
    "datetime": "date-time",
    "date-time": "date-time",  # the seed site's spelling
    "time": "time",
    "duration": "duration",
    "uuid": "uuid",
    "uri": "uri-reference",
    "binary": None,
    "jsonpointer": "json-pointer",
    "int64": None,
    "uint64": None,
    "int128": None,
    "uint128": None,
    "decimal": None,
}
_INTEGER_RANGES: dict[str, tuple[int, int]] = {
    "int8": (-(2**7), 2**7 - 1),
    "uint8": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "integer": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
}
_NUMBERS = {"number", "float", "float8", "double", "float32", "float64"}
# Validation keywords that carry over unchanged (the draft's validation add-in).
_PASS_THROUGH = {
    "enum",
    "const",
    "description",
    "maxLength",
    "minLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "default",
}


@dataclass(frozen=True)
class StructureDocument:
    name: str
    rendering: str  # "draft" or "fields"
    json_schema: dict[str, Any]
    source: str


# Compared by identity: answers remember the structures they passed (checks.py).
@dataclass(frozen=True, eq=False)
class Structures:
    """The JSON Structure documents of a contract, and their compiled validators, by the name
    of the schema component each describes."""

    documents: dict[str, StructureDocument]
    validators: dict[str, SchemaValidator]

    def validator(self, name: str) -> SchemaValidator:
        return self.validators[name]


CORE_META_SCHEMA = "https://json-structure.org/meta/core/v0/#"
# How the `fields` rendering's coarse types read as core JSON Structure types.
_CORE_OF_FIELD_TYPE: dict[str, dict[str, Any]] = {
    "object": {"type": "map", "values": {"type": "any"}},
    "array": {"type": "array", "items": {"type": "any"}},
}


def load_structure(path: Path) -> StructureDocument:
    return structure_from_document(load_document(path), source=str(path))


def core_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document as core JSON Structure: itself, or the `fields` rendering restated."""
    if "fields" not in document or not isinstance(document["fields"], list):
        return document
    fields = [entry for entry in document["fields"] if isinstance(entry, dict)]
    properties = {
        str(entry.get("name")): _CORE_OF_FIELD_TYPE.get(
            str(entry.get("type")), {"type": entry.get("type")}
        )
        for entry in fields
    }
    core: dict[str, Any] = {
        "$schema": CORE_META_SCHEMA,
        "$id": f"urn:mockserver:fields:{document.get('name')}",
        "name": document.get("name"),
        "type": "object",
        "properties": properties,
    }
    required = [str(entry.get("name")) for entry in fields if entry.get("required") is True]
    if required:
        core["required"] = required
    return core


def sdk_problems(document: dict[str, Any]) -> list[str]:
    """What the JSON Structure project's schema validator finds wrong, each with its place."""
    from json_structure import SchemaValidator, ValidationSeverity

    found = SchemaValidator().validate(core_document(document))
    return [
        f"{problem.path}: {problem.message}"
        for problem in found
        if problem.severity == ValidationSeverity.ERROR
    ]


def structure_from_document(document: dict[str, Any], *, source: str) -> StructureDocument:
    name = document.get("name")
    if not isinstance(name, str) or not name:
        raise DocumentError(f"{source}: a JSON Structure document needs a `name`")
    problems = sdk_problems(document)
    if problems:
        raise DocumentError(
            f"{source}: not a valid JSON Structure document: " + "; ".join(problems[:5])
        )
    if "fields" in document:
        schema = _from_fields(document, source)
        rendering = "fields"
    else:
        schema = _from_draft(document, source)
        rendering = "draft"
    return StructureDocument(name=name, rendering=rendering, json_schema=schema, source=source)


def _from_fields(document: dict[str, Any], source: str) -> dict[str, Any]:
    fields = document["fields"]
    if not isinstance(fields, list):
        raise DocumentError(f"{source}: `fields` must be a list")
    properties: dict[str, Any] = {}
    required: list[str] = []
    for index, entry in enumerate(fields):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise DocumentError(f"{source}: fields[{index}] needs a `name`")
        if "type" not in entry:
            raise DocumentError(f"{source}: fields[{index}] ({entry['name']}) needs a `type`")
        translator = _Translator({}, source)
        properties[entry["name"]] = translator.type_schema(entry, f"fields[{index}]")
        if entry.get("required") is True:
            required.append(entry["name"])
    schema: dict[str, Any] = {"$schema": DRAFT_2020_12, "type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _from_draft(document: dict[str, Any], source: str) -> dict[str, Any]:
    for key in ("$schema", "$id"):
        if not isinstance(document.get(key), str):
            raise DocumentError(f"{source}: a JSON Structure document needs `{key}`")
    definitions = _flatten_definitions(document.get("definitions", {}), prefix="")
    translator = _Translator(definitions, source)
    if "type" in document:
        root = translator.type_schema(document, "#")
    elif isinstance(document.get("$root"), str):
        root = {"$ref": translator.reference(document["$root"], "$root")}
    else:
        raise DocumentError(f"{source}: the root needs a `type` or a `$root`")
    schema: dict[str, Any] = {"$schema": DRAFT_2020_12, **root}
    if definitions:
        schema["$defs"] = {
            name: translator.type_schema(body, f"#/definitions/{name}")
            for name, body in definitions.items()
        }
    return schema


def _flatten_definitions(tree: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Definitions may be grouped in namespaces: plain maps whose values are types."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if not isinstance(value, dict):
            continue
        path = f"{prefix}/{key}" if prefix else key
        if "type" in value or "$extends" in value or "choices" in value:
            flat[path] = value
        else:
            flat.update(_flatten_definitions(value, path))
    return flat


class _Translator:
    def __init__(self, definitions: dict[str, Any], source: str) -> None:
        self._definitions = definitions
        self._source = source

    def reference(self, ref: str, where: str) -> str:
        prefix = "#/definitions/"
        name = ref[len(prefix) :] if ref.startswith(prefix) else None
        if name is None or name not in self._definitions:
            raise DocumentError(f"{self._source}: {where}: unresolvable reference {ref!r}")
        return DEFS_PREFIX + name.replace("~", "~0").replace("/", "~1")

    def type_schema(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        schema = self._type(node.get("type"), node, where)
        extends = node.get("$extends")
        if extends:
            bases = extends if isinstance(extends, list) else [extends]
            schema = {"allOf": [{"$ref": self.reference(b, where)} for b in bases] + [schema]}
        for key in _PASS_THROUGH:
            if key in node:
                schema[key] = node[key]
        return schema

    def _type(self, kind: Any, node: dict[str, Any], where: str) -> dict[str, Any]:
        if isinstance(kind, dict):
            if "$ref" in kind:
                return {"$ref": self.reference(kind["$ref"], where)}
            return self.type_schema(kind, where)
        if isinstance(kind, list):
            return {"anyOf": [self._type(member, {}, f"{where}/type") for member in kind]}
        if kind is None and "$extends" in node:
            return {}
        if not isinstance(kind, str):
            raise DocumentError(f"{self._source}: {where}: missing or invalid `type`")
        return self._named_type(kind, node, where)

    def _named_type(self, kind: str, node: dict[str, Any], where: str) -> dict[str, Any]:
        if kind in _STRING_FORMATS:
            fmt = _STRING_FORMATS[kind]
            return {"type": "string", "format": fmt} if fmt else {"type": "string"}
        if kind in _INTEGER_RANGES:
            low, high = _INTEGER_RANGES[kind]
            return {"type": "integer", "minimum": low, "maximum": high}
        if kind in _NUMBERS:
            return {"type": "number"}
        if kind in ("boolean", "null"):
            return {"type": kind}
        if kind == "any":
            return {}
        if kind == "object":
            return self._object(node, where)
        if kind in ("array", "set"):
            schema: dict[str, Any] = {"type": "array"}
            if isinstance(node.get("items"), dict):
                schema["items"] = self.type_schema(node["items"], f"{where}/items")
            if kind == "set":
                schema["uniqueItems"] = True
            return schema
        if kind == "map":
            schema = {"type": "object"}
            if isinstance(node.get("values"), dict):
                schema["additionalProperties"] = self.type_schema(node["values"], f"{where}/values")
            return schema
        if kind == "tuple":
            order = node.get("tuple", [])
            props = node.get("properties", {})
            return {
                "type": "array",
                "prefixItems": [self.type_schema(props[n], f"{where}/{n}") for n in order],
                "items": False,
                "minItems": len(order),
            }
        if kind == "choice":
            return self._choice(node, where)
        raise DocumentError(f"{self._source}: {where}: unknown type {kind!r}")

    def _object(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object"}
        properties = node.get("properties")
        if isinstance(properties, dict):
            schema["properties"] = {
                name: self.type_schema(body, f"{where}/properties/{name}")
                for name, body in properties.items()
            }
        required = node.get("required")
        if isinstance(required, list) and required:
            if all(isinstance(item, list) for item in required):
                schema["anyOf"] = [{"required": alternative} for alternative in required]
            else:
                schema["required"] = list(required)
        extra = node.get("additionalProperties")
        if isinstance(extra, bool):
            schema["additionalProperties"] = extra
        elif isinstance(extra, dict):
            schema["additionalProperties"] = self.type_schema(
                extra, f"{where}/additionalProperties"
            )
        return schema

    def _choice(self, node: dict[str, Any], where: str) -> dict[str, Any]:
        choices = node.get("choices", {})
        if node.get("selector"):
            return {"anyOf": [self.type_schema(c, f"{where}/{n}") for n, c in choices.items()]}
        return {
            "oneOf": [
                {
                    "type": "object",
                    "properties": {name: self.type_schema(body, f"{where}/{name}")},
                    "required": [name],
                    "additionalProperties": False,
                }
                for name, body in choices.items()
            ]
        }
