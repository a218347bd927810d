"""Form bodies parsed as Express's extended urlencoded parser (qs) parses them."""

from __future__ import annotations

import pytest

from mockserver.http.form_bodies import parse_urlencoded


@pytest.mark.parametrize(
    "raw,parsed",
    [
        (b"providerId=ses&channel=email", {"providerId": "ses", "channel": "email"}),
        (b"active=true", {"active": "true"}),
        (
            b"credentials[apiKey]=k&credentials[from]=a%40b.c",
            {"credentials": {"apiKey": "k", "from": "a@b.c"}},
        ),
        (b"tags[]=a&tags[]=b", {"tags": ["a", "b"]}),
        (b"tag=a&tag=b", {"tag": ["a", "b"]}),
        (b"name=&x=1", {"name": "", "x": "1"}),
        (b"a[b][c]=1", {"a": {"b": {"c": "1"}}}),
        (b"%5Bodd=1", {"[odd": "1"}),
    ],
)
def test_shapes(raw: bytes, parsed: dict[str, object]) -> None:
    assert parse_urlencoded(raw) == parsed


def test_depth_past_five_keeps_the_rest_as_one_name() -> None:
    assert parse_urlencoded(b"a[1][2][3][4][5][6][7]=x") == {
        "a": {"1": {"2": {"3": {"4": {"5": {"[6][7]": "x"}}}}}}
    }
