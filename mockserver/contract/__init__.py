"""The contract: an OpenAPI document and the JSON Structure documents of its objects, loaded
and compiled once."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator
from openapi_core import OpenAPI
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from mockserver.contract.compiled.validators import SchemaValidator
from mockserver.contract.documents import DocumentError, load_document
from mockserver.contract.operations import Operation, OperationIndex, SecurityScheme
from mockserver.contract.structure import StructureDocument, Structures, load_structure

__all__ = [
    "Contract",
    "DocumentError",
    "Operation",
    "Structures",
    "bundled_path",
    "default_spec_path",
    "load_contract",
]


def bundled_path(name: str) -> Path:
    """A document shipped in `specs/` (installed as the `mockserver.specs` package)."""
    return Path(str(resources.files("mockserver.specs").joinpath(name)))


def default_spec_path() -> Path:
    return bundled_path("novu-integrations.openapi.yaml")


@dataclass(frozen=True)
class Contract:
    spec_path: Path
    # Compiled, by the name of the schema component each describes.
    structures: Structures
    operations: dict[str, Operation]
    security_schemes: dict[str, SecurityScheme]
    title: str
    version: str


def load_contract(
    spec_path: Path | None = None,
    structure_paths: Sequence[Path] = (),
    *,
    check_spec: bool = False,
    implemented: frozenset[str] | None = None,
) -> Contract:
    """Load, check and compile the documents; raises DocumentError naming the file and place.

    Each structure document applies wherever the spec's responses use the schema component
    it is named after; of two with the same name, the later one is used (a user's document
    replaces a bundled one). Only the operations in `implemented` (all, when None) get
    compiled validators.

    `check_spec` runs openapi-core's full document validation, which costs seconds on a
    multi-megabyte document; the operations' own schemas are always checked as they compile.
    A contract is immutable, so servers started from the same unchanged files share one.
    """
    spec_path = (spec_path or default_spec_path()).resolve()
    structures = tuple((path.resolve(), _mtime(path.resolve())) for path in structure_paths)
    return _load_cached(spec_path, _mtime(spec_path), structures, check_spec, implemented)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0  # unreadable: loading reports it with the file's name


@functools.lru_cache(maxsize=16)
def _load_cached(
    spec_path: Path,
    spec_mtime: float,
    structure_files: tuple[tuple[Path, float], ...],
    check_spec: bool,
    implemented: frozenset[str] | None,
) -> Contract:
    del spec_mtime  # part of the cache key only: an edited file reloads (mtimes of structures too)
    document = load_document(spec_path)
    if "openapi" not in document:
        raise DocumentError(f"{spec_path}: not an OpenAPI document (no `openapi` field)")
    if check_spec:
        try:
            OpenAPI.from_dict(document)
        except OpenAPIValidationError as exc:
            raise DocumentError(f"{spec_path}: invalid OpenAPI document: {exc}") from exc
    documents: dict[str, StructureDocument] = {}
    for path, _ in structure_files:
        structure = load_structure(path)
        try:
            Draft202012Validator.check_schema(structure.json_schema)
        except Exception as exc:
            raise DocumentError(f"{path}: the structure converts to a bad schema: {exc}") from exc
        documents[structure.name] = structure
    operations, schemes = OperationIndex(
        document,
        structure_names=frozenset(documents),
        source=str(spec_path),
        implemented=implemented,
    ).build()
    info = document.get("info") or {}
    return Contract(
        spec_path=spec_path,
        structures=Structures(
            documents=documents,
            validators={
                name: SchemaValidator(structure.json_schema)
                for name, structure in documents.items()
            },
        ),
        operations=operations,
        security_schemes=schemes,
        title=str(info.get("title", "")),
        version=str(info.get("version", "")),
    )
