"""Which operation of the spec a method and path belong to, outside Flask's URL map.

The recorder, the replayer and the cassette loader see requests that never went through the
mock's own routes, and still need the operation to validate them against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mockserver.contract.operations import Operation

_TEMPLATE_PARAMETER = re.compile(r"{([^}/]+)}")


class OperationRouter:
    def __init__(self, operations: Iterable[Operation], *, trailing_slash: bool = True) -> None:
        """`trailing_slash`: also match the path with one `/` more, as Express does."""
        routes = []
        ending = "/?" if trailing_slash else ""
        for operation in operations:
            # Literal parts escaped, each {parameter} one path segment.
            pieces = _TEMPLATE_PARAMETER.split(operation.path)
            literals, names = pieces[0::2], pieces[1::2]
            source = "([^/]+)".join(re.escape(literal) for literal in literals)
            # Literal segments win over parameters (/integrations/active before /{id}).
            weight = sum(len(literal) for literal in literals)
            routes.append((weight, re.compile(source + ending), names, operation))
        routes.sort(key=lambda route: -route[0])
        self._by_method: dict[str, list[tuple[re.Pattern[str], list[str], Operation]]] = {}
        for _, pattern, names, operation in routes:
            self._by_method.setdefault(operation.method, []).append((pattern, names, operation))

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for pattern, names, operation in self._by_method.get(method.upper(), ()):
            found = pattern.fullmatch(path)
            if found:
                return operation, dict(zip(names, found.groups(), strict=True))
        return None
