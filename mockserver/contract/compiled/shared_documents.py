"""JSON documents that nobody changes once they are built, so facts about them can be kept.

An integration's answer cache hands out SharedDocuments (its wire form), and a cached list
answer is a SharedList. Each carries what is known about it: which validators passed it
(compiled/validators.py), for a list which response contracts passed the answer
`{"data": it}` (contract/checks.py) and, as a whole answer's payload, its encoded bytes
(encoding.py). Kept on the document rather than in a table beside it, the facts go when it
goes, and nothing keeps a replaced one alive.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

# The facts are opaque here: a validator that passed a document, or the (contract, structure
# validator, status) an answer passed. This module sits below the contract layer, which keeps
# them, and knows nothing of it.
Verdict = Hashable


class SharedDocument(dict[str, Any]):
    # __weakref__: a stored object may hold its single-answer form weakly (an integration does:
    # resources/integrations/models.py).
    __slots__ = ("__weakref__", "encoded", "valid_under")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.valid_under: tuple[Verdict, ...] = ()  # the validators that passed it
        self.encoded: bytes | None = None  # its JSON, once written

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        # A copy (the journal's, a pickle) may be changed: a plain dict, knowing nothing.
        return dict, (dict(self),)


class SharedList(list[Any]):
    __slots__ = ("encoded", "passed_as_answer", "valid_under")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.valid_under: tuple[Verdict, ...] = ()  # the validators that passed each item
        # The (contract, structure validator, status) checks that `{"data": it}` passed.
        self.passed_as_answer: tuple[Verdict, ...] = ()
        self.encoded: bytes | None = None

    def __reduce__(self) -> tuple[type[list[Any]], tuple[list[Any]]]:
        return list, (list(self),)


def is_lone_data(body: Any) -> bool:
    """True when `body` is exactly `{"data": X}`: Novu's success envelope, nothing beside it."""
    return type(body) is dict and len(body) == 1 and "data" in body


def shared_payload(body: Any) -> SharedDocument | SharedList | None:
    """X, when `body` is exactly `{"data": X}` and X is shared: an answer whose facts (verdicts,
    bytes) can be kept on X, since the envelope around it adds nothing that varies."""
    if not is_lone_data(body):
        return None
    data = body["data"]
    kind = type(data)
    return data if kind is SharedDocument or kind is SharedList else None
