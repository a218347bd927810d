"""Novu's cursor pages, shared by every v2 list that has them (subscribers, topics, topic
subscriptions): libs/dal/src/repositories/base-repository.ts `findWithCursorBasedPagination`.

Items are sorted by (orderBy, _id) in the chosen direction; `after=<_id>` continues past
that item, `before=<_id>` pages back (the page still in the normal order); `next` is the last
item's id when more follow, `previous` the first's when some come before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from mockserver.novu.errors import BadRequest

ItemT = TypeVar("ItemT")
# Novu counts matches up to this many; past it, `totalCountCapped` says so.
COUNT_CAP = 50_000


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    items: list[ItemT]
    next: str | None
    previous: str | None
    total: int

    def to_wire(self, write: Callable[[ItemT], dict[str, Any]]) -> dict[str, Any]:
        """Sent as it is, not inside another `data` (novu/envelope.py)."""
        return {
            "data": [write(item) for item in self.items],
            "next": self.next,
            "previous": self.previous,
            "totalCount": min(self.total, COUNT_CAP),
            "totalCountCapped": self.total > COUNT_CAP,
        }


def cursor_page(
    items: Sequence[ItemT],
    *,
    sort_key: Callable[[ItemT], tuple[str, str]],
    id_of: Callable[[ItemT], str],
    query: Mapping[str, str],
    default_limit: int = 10,
) -> Page[ItemT]:
    after, before = query.get("after"), query.get("before")
    if after and before:
        # Novu's repository throws here (a 500); a client's mistake gets a 400 instead.
        raise BadRequest("Cannot use both after and before cursors")
    limit = int(float(query.get("limit") or default_limit))
    descending = (query.get("orderDirection") or "DESC") == "DESC"
    inclusive = (query.get("includeCursor") or "").lower() == "true"
    ordered = sorted(items, key=sort_key, reverse=descending)
    cursor = after or before
    if cursor:
        position = next((i for i, item in enumerate(ordered) if id_of(item) == cursor), None)
        if position is None:
            return Page([], None, None, len(ordered))
        if after:
            start = position if inclusive else position + 1
            end = start + limit
        else:
            end = position + 1 if inclusive else position
            start = max(0, end - limit)
    else:
        start, end = 0, limit
    page = ordered[start:end]
    next_cursor = id_of(page[-1]) if page and end < len(ordered) else None
    previous = id_of(page[0]) if page and start > 0 else None
    return Page(page, next_cursor, previous, len(ordered))
