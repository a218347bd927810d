"""The contract: an OpenAPI document and a JSON Structure document, loaded and compiled once."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator
from openapi_core import OpenAPI
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.contract.documents import DocumentError, load_document
from mockserver.contract.operations import Operation, OperationIndex, SecurityScheme
from mockserver.contract.structure import StructureDocument, load_structure

__all__ = [
    "Contract",
    "DocumentError",
    "Operation",
    "default_spec_path",
    "default_structure_path",
    "load_contract",
]


def _bundled(name: str) -> Path:
    return Path(str(resources.files("mockserver.specs").joinpath(name)))


def default_spec_path() -> Path:
    return _bundled("novu-integrations.openapi.yaml")


def default_structure_path() -> Path:
    return _bundled("IntegrationResponseDto.structure.json")


@dataclass(frozen=True)
class Contract:
    spec_path: Path
    structure: StructureDocument
    structure_validator: SchemaValidator
    operations: dict[str, Operation]
    security_schemes: dict[str, SecurityScheme]
    title: str
    version: str


def load_contract(
    spec_path: Path | None = None,
    structure_path: Path | None = None,
    *,
    check_spec: bool = False,
    implemented: frozenset[str] | None = None,
) -> Contract:
    """Load, check and compile both documents; raises DocumentError naming the file and place.

    Only the operations in `implemented` (all, when None) get compiled validators.

    `check_spec` runs openapi-core's full document validation, which costs seconds on a
    multi-megabyte document; the operations' own schemas are always checked as they compile.
    A contract is immutable, so servers started from the same unchanged files share one.
    """
    spec_path = (spec_path or default_spec_path()).resolve()
    structure_path = (structure_path or default_structure_path()).resolve()
    return _load_cached(
        spec_path,
        _mtime(spec_path),
        structure_path,
        _mtime(structure_path),
        check_spec,
        implemented,
    )


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0  # unreadable: loading reports it with the file's name


@functools.lru_cache(maxsize=16)
def _load_cached(
    spec_path: Path,
    spec_mtime: float,
    structure_path: Path,
    structure_mtime: float,
    check_spec: bool,
    implemented: frozenset[str] | None,
) -> Contract:
    del spec_mtime, structure_mtime  # part of the cache key only: an edited file reloads
    document = load_document(spec_path)
    if "openapi" not in document:
        raise DocumentError(f"{spec_path}: not an OpenAPI document (no `openapi` field)")
    if check_spec:
        try:
            OpenAPI.from_dict(document)
        except OpenAPIValidationError as exc:
            raise DocumentError(f"{spec_path}: invalid OpenAPI document: {exc}") from exc
    structure = load_structure(structure_path)
    try:
        Draft202012Validator.check_schema(structure.json_schema)
    except Exception as exc:
        raise DocumentError(
            f"{structure_path}: the structure converts to a bad schema: {exc}"
        ) from exc
    operations, schemes = OperationIndex(
        document, structure_name=structure.name, source=str(spec_path), implemented=implemented
    ).build()
    info = document.get("info") or {}
    return Contract(
        spec_path=spec_path,
        structure=structure,
        structure_validator=SchemaValidator(structure.json_schema),
        operations=operations,
        security_schemes=schemes,
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
    )
