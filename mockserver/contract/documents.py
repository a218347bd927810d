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


# Deeper than any document this project reads; far less than would exhaust a parser's stack.
MAX_NESTING = 100


def load_document(
    path: Path, *, max_bytes: int | None = None, untrusted: bool = False
) -> dict[str, Any]:
    """A JSON or YAML document's top-level mapping.

    `max_bytes` refuses a larger file before reading it. `untrusted` refuses YAML aliases and
    nesting past MAX_NESTING, for files a user may have been handed (cassettes, datasets): a
    kilobyte of aliases can expand to gigabytes ("billion laughs"), and a deep document would
    exhaust the stack of whatever walks it next."""
    if max_bytes is not None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DocumentError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        if size > max_bytes:
            raise DocumentError(f"{path}: {size} bytes, over the limit of {max_bytes} bytes")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(
            f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}"
        ) from exc
    try:
        if text.lstrip().startswith("{"):
            data = json.loads(text)
            if untrusted and nested_deeper_than(data, MAX_NESTING):
                raise DocumentError(f"{path}: nested more than {MAX_NESTING} levels deep")
        else:
            if untrusted:
                _refuse_aliases_and_depth(path, text)
            data = yaml.load(text, _YamlLoader)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise DocumentError(f"{path}: not valid JSON or YAML: {exc}") from exc
    except RecursionError as exc:
        raise DocumentError(f"{path}: nested too deeply to read") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{path}: expected a mapping at the top level")
    return data


def _refuse_aliases_and_depth(path: Path, text: str) -> None:
    """Walk the YAML's events (no values are built) and refuse an alias or deep nesting."""
    depth = 0
    for event in yaml.parse(text, _YamlLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark else "?"
            raise DocumentError(
                f"{path}: line {line}: YAML aliases (*{event.anchor}) are not accepted here; "
                "write the value out in full"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise DocumentError(f"{path}: nested more than {MAX_NESTING} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value has containers more than `limit` levels deep."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            if depth >= limit:
                return True
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, depth + 1) for child in children)
    return False
