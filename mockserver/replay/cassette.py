"""The cassette file: ordered interactions, each a request and its answer, human-readable.

    kind: mockserver-cassette
    version: 1
    recorded: {upstream: https://api.novu.co, at: '2026-11-23T10:00:00.000Z', mode: once}
    interactions:
    - operationId: IntegrationsController_createIntegration
      request: {method: POST, path: /v1/integrations, query: {}, headers: {...}, body: {...}}
      response: {status: 201, headers: {...}, body: {...}}
      violations: []

YAML or JSON by the file's extension. Loading checks the format, then each interaction against
the spec: an interaction must belong to an operation, and any contract violation it shows must
be one the recorder saw and wrote down (so a hand edit cannot slip a broken answer in).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml
from jsonschema import Draft202012Validator
from werkzeug.datastructures import Headers

from mockserver.contract import Contract, DocumentError
from mockserver.contract.checks import response_violations
from mockserver.contract.routing import OperationRouter
from mockserver.contract.versioned import load_versioned
from mockserver.novu.errors import ValidationFailed
from mockserver.novu.secrets import scrub_message
from mockserver.novu.wording import check_request

KIND = "mockserver-cassette"
VERSION = 1

_JSON_OBJECT_OF_STRINGS = {"type": "object", "additionalProperties": {"type": "string"}}
# What HTTP lets a header be (RFC 9110): a token for the name, no line break or NUL in the value.
# A CR or LF would split one header into two on the wire (or make the HTTP client refuse it
# half-way through a verify run), so the file is refused when it is read.
_HEADERS = {
    "type": "object",
    "propertyNames": {"pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"},
    # Put as "contains none", not "^...$": Python's `$` also matches before a final newline.
    "additionalProperties": {"type": "string", "not": {"pattern": "[\\r\\n\\x00]"}},
}
FORMAT = Draft202012Validator(
    {
        "type": "object",
        "required": ["kind", "version", "interactions"],
        "properties": {
            "kind": {"const": KIND},
            "version": {"const": VERSION},
            "recorded": {"type": "object"},
            "interactions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["request", "response"],
                    "additionalProperties": False,
                    "properties": {
                        "operationId": {"type": ["string", "null"]},
                        "request": {
                            "type": "object",
                            "required": ["method", "path"],
                            "additionalProperties": False,
                            "properties": {
                                "method": {
                                    "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
                                },
                                "path": {"type": "string", "pattern": "^/"},
                                "query": _JSON_OBJECT_OF_STRINGS,
                                "headers": _HEADERS,
                                "body": {},
                            },
                        },
                        "response": {
                            "type": "object",
                            "required": ["status"],
                            "additionalProperties": False,
                            "properties": {
                                "status": {"type": "integer", "minimum": 100, "maximum": 599},
                                "headers": _HEADERS,
                                "body": {},
                            },
                        },
                        "violations": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
        },
    }
)


class CassetteError(DocumentError):
    """A cassette that cannot be used, with the file, interaction and field it is about."""


@dataclass
class Interaction:
    method: str
    path: str
    query: dict[str, str]
    request_headers: dict[str, str]
    request_body: Any
    status: int
    response_headers: dict[str, str]
    response_body: Any
    operation_id: str | None = None
    violations: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{self.method} {self.path}{'?' + query if query else ''}"

    def to_json(self) -> dict[str, Any]:
        return {
            "operationId": self.operation_id,
            "request": {
                "method": self.method,
                "path": self.path,
                "query": self.query,
                "headers": self.request_headers,
                "body": self.request_body,
            },
            "response": {
                "status": self.status,
                "headers": self.response_headers,
                "body": self.response_body,
            },
            "violations": self.violations,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Interaction:
        request, response = raw["request"], raw["response"]
        return cls(
            method=request["method"],
            path=request["path"],
            query=dict(request.get("query") or {}),
            request_headers=dict(request.get("headers") or {}),
            request_body=request.get("body"),
            status=response["status"],
            response_headers=dict(response.get("headers") or {}),
            response_body=response.get("body"),
            operation_id=raw.get("operationId"),
            violations=list(raw.get("violations") or []),
        )


@dataclass
class Cassette:
    path: Path
    interactions: list[Interaction] = field(default_factory=list)
    recorded: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "version": VERSION,
            "recorded": self.recorded,
            "interactions": [interaction.to_json() for interaction in self.interactions],
        }

    def save(self) -> None:
        """Written whole to a temporary file and renamed: a reader never sees half a cassette."""
        document = self.to_json()
        if self.path.suffix == ".json":
            text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        else:
            text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        Path(temporary).replace(self.path)


def load_cassette(path: Path, contract: Contract) -> Cassette:
    raw = load_versioned(
        path,
        kind=KIND,
        version=VERSION,
        form=FORMAT,
        error=CassetteError,
        upgrade=f"Record it again with `mockserver record --mode all --cassette {path} "
        "--upstream URL`, or use the mockserver release that wrote it.",
        where=_where,
    )
    cassette = Cassette(
        path=path,
        interactions=[Interaction.from_json(item) for item in raw["interactions"]],
        recorded=dict(raw.get("recorded") or {}),
    )
    router = OperationRouter(contract.operations.values())
    for index, interaction in enumerate(cassette.interactions):
        _check_against_spec(path, index, interaction, contract, router)
    return cassette


def _where(parts: Sequence[Any]) -> str:
    if len(parts) >= 2 and parts[0] == "interactions":
        rest = ".".join(str(p) for p in parts[2:])
        return f"interaction {parts[1]}" + (f", field {rest}" if rest else "")
    return "field " + (".".join(str(p) for p in parts) or "(top level)")


def _check_against_spec(
    path: Path, index: int, interaction: Interaction, contract: Contract, router: OperationRouter
) -> None:
    found = router.match(interaction.method, interaction.path)
    where = f"{path}: interaction {index} ({interaction.label})"
    if found is None:
        raise CassetteError(f"{where}: no operation of {contract.spec_path.name} has this route")
    operation, path_params = found
    if interaction.operation_id not in (None, operation.operation_id):
        raise CassetteError(
            f"{where}, field operationId: {interaction.operation_id} is not the route's "
            f"operation ({operation.operation_id})"
        )
    interaction.operation_id = operation.operation_id
    seen = interaction_violations(contract, operation, path_params, interaction)
    unrecorded = [v for v in seen if v not in interaction.violations]
    if unrecorded:
        raise CassetteError(
            f"{where}: breaks the spec in ways the recording did not note: {'; '.join(unrecorded)}"
        )


def interaction_violations(
    contract: Contract, operation: Any, path_params: dict[str, str], interaction: Interaction
) -> list[str]:
    """Both directions of one exchange checked against the spec, as readable lines."""
    found: list[str] = []
    body = interaction.request_body
    if body is None and operation.body_validator is not None:
        body = {}
    try:
        check_request(
            operation,
            path_params=path_params,
            query=interaction.query,
            headers=Headers(list(interaction.request_headers.items())),
            body=body,
            secret_keys=frozenset(),
        )
    except ValidationFailed as failure:
        found.extend(f"request {p.field}: {p.message}" for p in failure.problems)
    found.extend(
        f"response {line}"
        for line in response_violations(
            operation,
            status=interaction.status,
            headers=interaction.response_headers,
            body=interaction.response_body,
            structures=contract.structures,
            redact=scrub_message,
        )
    )
    return found


def parse_body(raw: bytes) -> Any:
    """A body as a cassette keeps it: parsed JSON, the text when it is not JSON, None if empty."""
    if not raw.strip():
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw.decode("utf-8", errors="replace")
