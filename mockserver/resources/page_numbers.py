"""The page-number paging of Novu's older lists (`page` from 0, a `limit`), shared by the
resources that have it; cursor_pages.py has the newer cursor paging."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import islice
from typing import Any, TypeVar

T = TypeVar("T")


def page_number(raw: str | None, default: int, *, low: int = 0, high: int | None = None) -> int:
    """A paging number from the query, as the use cases take it (the contract has already
    refused one that is not a whole number in range; this only has to never fail)."""
    try:
        value = int(float(raw)) if raw else default
    except (OverflowError, ValueError):
        return default
    return max(low, value if high is None else min(value, high))


def limited_page(
    items: Iterable[T], query: Mapping[str, str], to_wire: Callable[[T], Any]
) -> dict[str, Any]:
    """`{page, hasMore, pageSize, data}`: PaginationRequestDto (`page` from 0, `limit` 10 by
    default and at most 100), with `hasMore` when the page is full and no total, as the v1
    subscriber and tenant lists answer."""
    page = page_number(query.get("page"), 0)
    limit = page_number(query.get("limit"), 10, low=1, high=100)
    data = [to_wire(item) for item in islice(items, page * limit, page * limit + limit)]
    return {"page": page, "hasMore": len(data) == limit, "pageSize": limit, "data": data}
