"""Form bodies as Novu reads them: Express's `bodyParser.urlencoded({extended: true})`.

Novu's API parses JSON and urlencoded bodies (apps/api/src/bootstrap.ts); the extended parser
(the `qs` package) reads `a[b]=1` as `{"a": {"b": "1"}}`, `a[]=1&a[]=2` and a repeated `a` as
lists, and leaves every value a string, so a form's `active=true` fails the DTO's boolean
check with Novu's 422. This reads the shapes a client sends; `qs`'s rarer syntax (dots,
indices past 20, its depth limit of 5) is not followed.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY_PARTS = re.compile(r"\[([^\[\]]*)\]")
# qs nests at most 5 levels; a deeper key keeps its remainder as one literal name.
MAX_DEPTH = 5
# qs's parameterLimit: pairs past it are ignored.
MAX_PAIRS = 1000


def parse_urlencoded(raw: bytes) -> dict[str, Any]:
    text = raw.decode("utf-8", errors="replace")
    pairs = parse_qsl(text, keep_blank_values=True)[:MAX_PAIRS]
    parsed: dict[str, Any] = {}
    for key, value in pairs:
        _place(parsed, _path(key), value)
    return parsed


def _path(key: str) -> list[str]:
    """`a[b][]` -> ["a", "b", ""]; a key with no brackets is one name."""
    head, bracket, _ = key.partition("[")
    if not bracket or not head:
        return [key]
    rest = key[len(head) :]
    parts = _KEY_PARTS.findall(rest)
    consumed = "".join(f"[{part}]" for part in parts)
    if not rest.startswith(consumed) or not parts:
        return [key]
    if len(parts) > MAX_DEPTH:
        return [head, *parts[:MAX_DEPTH], "".join(f"[{p}]" for p in parts[MAX_DEPTH:])]
    trailing = rest[len(consumed) :]
    return [head, *parts] + ([trailing] if trailing else [])


def _place(target: dict[str, Any], path: list[str], value: str) -> None:
    node: Any = target
    for index, name in enumerate(path):
        last = index == len(path) - 1
        if isinstance(node, list):
            # `a[]=1&a[]=2`: an empty name appends.
            if last:
                node.append(value)
                return
            child: Any = {}
            node.append(child)
            node = child
            continue
        if last:
            existing = node.get(name)
            if existing is None:
                node[name] = value
            elif isinstance(existing, list):
                existing.append(value)
            else:
                node[name] = [existing, value]  # a repeated key becomes a list
            return
        following = path[index + 1]
        container = node.get(name)
        if not isinstance(container, dict | list):
            container = [] if following == "" else {}
            node[name] = container
        node = container
