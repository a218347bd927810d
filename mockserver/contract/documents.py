"""Reading spec documents from disk: YAML or JSON, told apart by content, not by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

# libyaml's loader is an order of magnitude faster on large documents, when PyYAML has it.
_YamlLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)


class DocumentError(ValueError):
    """A spec or structure document that cannot be used, with the file it came from."""


def load_document(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, _YamlLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise DocumentError(f"{path}: not valid JSON or YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{path}: expected a mapping at the top level")
    return data
