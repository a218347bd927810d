"""Page-number paging: a number from the query never fails the handler, whatever it says."""

from __future__ import annotations

import pytest

from mockserver.resources.page_numbers import limited_page, page_number


@pytest.mark.parametrize(
    "raw,expected",
    [(None, 7), ("", 7), ("3", 3), ("2.0", 2), ("-4", 0), ("1e400", 7), ("nan", 7), ("x", 7)],
)
def test_page_number_reads_what_it_can_and_falls_back(raw: str | None, expected: int) -> None:
    assert page_number(raw, 7) == expected


def test_limited_page_says_has_more_only_when_the_page_is_full() -> None:
    items = list(range(25))
    first = limited_page(items, {"limit": "10"}, str)
    assert (first["data"][0], first["hasMore"], first["pageSize"]) == ("0", True, 10)
    last = limited_page(items, {"page": "2", "limit": "10"}, str)
    assert (last["data"], last["hasMore"]) == ([str(n) for n in range(20, 25)], False)
    assert limited_page(items, {"limit": "500"}, str)["pageSize"] == 100
