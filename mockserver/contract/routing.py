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
    def __init__(self, operations: Iterable[Operation]) -> None:
        routes = []
        for operation in operations:
            # Literal parts escaped, each {parameter} one path segment.
            pieces = _TEMPLATE_PARAMETER.split(operation.path)
            literals, names = pieces[0::2], pieces[1::2]
            pattern = "([^/]+)".join(re.escape(literal) for literal in literals)
            # Literal segments win over parameters (/integrations/active before /{id}).
            weight = sum(len(literal) for literal in literals)
            routes.append((weight, re.compile(f"^{pattern}/?$"), names, operation))
        routes.sort(key=lambda route: -route[0])
        self._routes = routes

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for _, pattern, names, operation in self._routes:
            if operation.method != method.upper():
                continue
            found = pattern.match(path)
            if found:
                return operation, dict(zip(names, found.groups(), strict=True))
        return None
