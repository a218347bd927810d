"""`mockserver spec-diff A B`: how two OpenAPI documents differ on the operations the mock serves
(those under its resources' path prefixes).

Each document is reduced to facts per operation (parameters, request fields, statuses, response
fields, with types, required flags, enums and formats), after normalising what only differs in
spelling: Novu's `{"data": ...}` envelope is looked through, OpenAPI 3.0's `nullable` becomes a
null type, and `allOf` members are merged. Then the facts are compared. Every difference has a
stable one-line key, so a project can record the ones it intends (with the reason) and fail on
any other.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mockserver.contract.documents import load_document
from mockserver.contract.operations import HTTP_METHODS

MAX_DEPTH = 4


@dataclass(frozen=True)
class Difference:
    operation: str  # "POST /v1/integrations"
    fact: str  # "request providerId required"
    left: str | None  # None: the fact is absent from that side
    right: str | None

    @property
    def key(self) -> str:
        return f"{self.operation} | {self.fact}"

    def describe(self, left_name: str = "A", right_name: str = "B") -> str:
        if self.left is None:
            return f"{self.key}: only in {right_name} ({self.right})"
        if self.right is None:
            return f"{self.key}: only in {left_name} ({self.left})"
        return f"{self.key}: {left_name}={self.left} {right_name}={self.right}"


@dataclass(frozen=True)
class Intended:
    match: str
    why: str


def diff_documents(
    left: dict[str, Any], right: dict[str, Any], prefixes: Sequence[str] = ("*",)
) -> list[Difference]:
    """The differences on the paths `prefixes` cover (every path, by default): a pattern
    ending in `*` covers the paths under it, any other the path it names."""
    a, b = _Surface(left, prefixes).facts(), _Surface(right, prefixes).facts()
    differences = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) != b.get(key):
            operation, fact = key
            differences.append(Difference(operation, fact, a.get(key), b.get(key)))
    return differences


def load_intended(path: Path) -> list[Intended]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Intended(match=str(item["match"]), why=str(item["why"])) for item in raw]


def explain(
    differences: list[Difference], intended: list[Intended]
) -> tuple[list[tuple[Difference, Intended | None]], list[Intended]]:
    """Pair each difference with the first intended entry matching it; list unused entries."""
    used: set[int] = set()
    paired: list[tuple[Difference, Intended | None]] = []
    for difference in differences:
        reason = None
        for index, entry in enumerate(intended):
            if fnmatch.fnmatchcase(difference.key, entry.match):
                reason = entry
                used.add(index)
                break
        paired.append((difference, reason))
    stale = [entry for index, entry in enumerate(intended) if index not in used]
    return paired, stale


def run(
    left_path: Path,
    right_path: Path,
    intended_path: Path | None,
    as_json: bool,
    prefixes: Sequence[str] = ("*",),
) -> int:
    differences = diff_documents(load_document(left_path), load_document(right_path), prefixes)
    intended = load_intended(intended_path) if intended_path else []
    paired, stale = explain(differences, intended)
    unexplained = [d for d, reason in paired if reason is None]
    if as_json:
        print(
            json.dumps(
                {
                    "left": str(left_path),
                    "right": str(right_path),
                    "differences": [
                        {
                            "key": d.key,
                            "left": d.left,
                            "right": d.right,
                            "intended": reason.why if reason else None,
                        }
                        for d, reason in paired
                    ],
                    "staleIntended": [entry.match for entry in stale],
                },
                indent=2,
            )
        )
    else:
        print(f"A: {left_path}\nB: {right_path}")
        for difference, reason in paired:
            mark = "  (intended)" if reason else ""
            print(f"  {difference.describe()}{mark}")
        for entry in stale:
            print(f"  stale intended entry, matches nothing: {entry.match}")
        print(
            f"{len(differences)} differences, {len(differences) - len(unexplained)} intended, "
            f"{len(unexplained)} unexplained"
        )
    return 1 if unexplained or stale else 0


class _Surface:
    """The comparable facts of one document's operations under the prefixes."""

    def __init__(self, document: dict[str, Any], prefixes: Sequence[str]) -> None:
        self._doc = document
        self._prefixes = tuple(prefixes)
        self._nullable_style = str(document.get("openapi", "")).startswith("3.0")

    def facts(self) -> dict[tuple[str, str], str]:
        found: dict[tuple[str, str], str] = {}
        for path, item in (self._doc.get("paths") or {}).items():
            if not any(_covers(prefix, path) for prefix in self._prefixes):
                continue
            item = self._resolve(item)
            for method in HTTP_METHODS:
                if method not in item:
                    continue
                operation = self._resolve(item[method])
                name = f"{method.upper()} {path}"
                for fact, value in self._operation_facts(item, operation):
                    found[(name, fact)] = value
        return found

    def _operation_facts(
        self, item: dict[str, Any], operation: dict[str, Any]
    ) -> Iterator[tuple[str, str]]:
        yield "operationId", str(operation.get("operationId"))
        if operation.get("deprecated"):
            yield "deprecated", "true"
        for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = self._resolve(parameter)
            label = f"parameter {parameter.get('in')} {parameter.get('name')}"
            yield label, "required" if parameter.get("required") else "optional"
            yield from self._schema_facts(label, self._resolve(parameter.get("schema") or {}), 1)
        body = operation.get("requestBody")
        if body is not None:
            body = self._resolve(body)
            yield "request", "required" if body.get("required") else "optional"
            schema = _json_schema_of(body)
            if schema is not None:
                yield from self._fields("request", schema, 0)
        for status, response in (operation.get("responses") or {}).items():
            response = self._resolve(response)
            label = f"response {status}"
            yield label, "declared"
            schema = _json_schema_of(response)
            if schema is None:
                continue
            schema = self._merged(schema)
            if str(status).startswith("2"):
                schema = self._unwrap_envelope(schema)
            yield from self._fields(label, schema, 0)

    def _fields(self, label: str, schema: dict[str, Any], depth: int) -> Iterator[tuple[str, str]]:
        schema = self._merged(schema)
        yield from self._schema_facts(label, schema, depth)
        if depth >= MAX_DEPTH:
            return
        required = set(schema.get("required") or [])
        for name, sub in (schema.get("properties") or {}).items():
            field = f"{label}.{name}" if depth else f"{label} {name}"
            yield field, "required" if name in required else "optional"
            yield from self._fields(field, sub, depth + 1)
        items = schema.get("items")
        if isinstance(items, dict):
            yield from self._fields(f"{label}[]", items, depth + 1)

    def _schema_facts(
        self, label: str, schema: dict[str, Any], depth: int
    ) -> Iterator[tuple[str, str]]:
        del depth
        kind = self._type_of(schema)
        if kind:
            yield f"{label} type", kind
        if "enum" in schema:
            values = sorted(str(v) for v in schema["enum"] if v is not None)
            yield f"{label} enum", ",".join(values)
        if "format" in schema:
            yield f"{label} format", str(schema["format"])
        if "pattern" in schema:
            yield f"{label} pattern", str(schema["pattern"])

    def _type_of(self, schema: dict[str, Any]) -> str:
        kind = schema.get("type")
        kinds = [kind] if isinstance(kind, str) else list(kind or [])
        if self._nullable_style and schema.get("nullable") and "null" not in kinds:
            kinds.append("null")
        for key in ("oneOf", "anyOf"):
            for member in schema.get(key, []):
                member_type = self._type_of(self._merged(member))
                kinds.extend(t for t in member_type.split("|") if t)
        return "|".join(sorted(set(kinds)))

    def _unwrap_envelope(self, schema: dict[str, Any]) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        if set(properties) == {"data"} and "data" in (schema.get("required") or []):
            return self._merged(properties["data"])
        return schema

    def _merged(self, schema: Any) -> dict[str, Any]:
        """The schema with references followed and allOf members folded in."""
        schema = self._resolve(schema)
        if not isinstance(schema, dict):
            return {}
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for member in schema["allOf"]:
            part = self._merged(member)
            for key, value in part.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = sorted(set(merged.get("required", [])) | set(value))
                else:
                    merged.setdefault(key, value)
        return merged

    def _resolve(self, node: Any) -> Any:
        for _ in range(50):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            target: Any = self._doc
            for part in node["$ref"][2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
            node = target
        return node


def _json_schema_of(section: dict[str, Any]) -> dict[str, Any] | None:
    for media_type, media in (section.get("content") or {}).items():
        if "json" in media_type:
            schema = (media or {}).get("schema")
            return schema if isinstance(schema, dict) else None
    return None


def _covers(pattern: str, path: str) -> bool:
    """`/v1/integrations*` covers every path under it; `/v2/subscribers` that path alone."""
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern
