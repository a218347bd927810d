"""The pipeline reads requests from the environ itself; it must read what werkzeug would."""

from __future__ import annotations

import io
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from mockserver.http.incoming import Incoming, headers_of


def environ_for(
    path: str = "/v1/integrations",
    *,
    query: str = "",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    method: str = "POST",
) -> dict[str, Any]:
    builder = EnvironBuilder(
        path=path,
        query_string=query,
        method=method,
        data=body,
        headers=list((headers or {}).items()),
    )
    return builder.get_environ()


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v1/integrations", ""),
        ("/v1/integrations/caf\u00e9", ""),
        ("//v1/integrations", "a=1&a=2&b=&c"),
        ("/v1/integrations", "name=%E2%9C%93&bad=%ZZ&plus=a+b"),
    ],
)
def test_path_and_query_read_as_werkzeug_reads_them(path: str, query: str) -> None:
    environ = environ_for(path, query=query)
    incoming, werkzeug = Incoming(environ), Request(environ)
    assert incoming.path == werkzeug.path
    assert incoming.args == werkzeug.args
    expected = werkzeug.path + ("?" + query if query else "")
    assert incoming.path_with_query == expected


def test_headers_are_found_whatever_their_case() -> None:
    environ = environ_for(
        headers={"Authorization": "ApiKey k", "Idempotency-Key": "i-1", "Content-Type": "a/b"}
    )
    incoming = Incoming(environ)
    assert incoming.header("authorization") == "ApiKey k"
    assert incoming.headers.get("IDEMPOTENCY-KEY") == "i-1"
    assert incoming.headers["content-type"] == "a/b"
    assert "Novu-Environment-Id" not in incoming.headers
    assert incoming.header("Novu-Environment-Id") is None
    assert dict(incoming.headers.items()) == headers_of(environ)


@pytest.mark.parametrize(
    ("length", "terminated", "sent", "expected"),
    [
        ("5", False, b"hello, and more", b"hello"),  # no further than Content-Length
        (None, False, b"hello", b""),  # no length, no terminated stream: no body, as werkzeug
        (None, True, b"chunked body", b"chunked body"),  # chunked: the server ends the stream
        ("0", False, b"ignored", b""),
        ("not a number", False, b"x", b""),
    ],
)
def test_the_body_is_read_as_werkzeug_reads_it(
    length: str | None, terminated: bool, sent: bytes, expected: bytes
) -> None:
    environ = environ_for()
    environ.pop("CONTENT_LENGTH", None)
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    if terminated:
        environ["wsgi.input_terminated"] = True
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    environ["wsgi.input"] = io.BytesIO(sent)
    assert Incoming(dict(environ)).read_body(limit=100) == expected
    environ["wsgi.input"] = io.BytesIO(sent)
    assert Request(environ).get_data() == expected


class UnreadableStream(io.BytesIO):
    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body stream was read")


def test_an_http1_request_without_length_or_transfer_encoding_is_not_read() -> None:
    """Such a request has no body; a server that ends every stream (granian) would still
    make a read wait on it."""
    environ = environ_for(method="GET")
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input_terminated": True, "wsgi.input": UnreadableStream()})
    assert environ["SERVER_PROTOCOL"].startswith("HTTP/1")
    assert Incoming(environ).read_body(limit=100) == b""
    # Over HTTP/2 a body needs neither header: it is read to the end of the stream.
    environ.update({"SERVER_PROTOCOL": "HTTP/2", "wsgi.input": io.BytesIO(b'{"a": 1}')})
    assert Incoming(environ).read_body(limit=100) == b'{"a": 1}'


def test_reading_stops_one_byte_past_the_limit() -> None:
    environ = environ_for(body=b"x" * 50)
    assert Incoming(environ).read_body(limit=10) == b"x" * 11


def test_a_snapshot_keeps_the_headers_but_not_the_live_objects() -> None:
    environ = environ_for(headers={"Authorization": "ApiKey k"}, body=b"{}")
    Request(environ)  # Flask leaves its request in the environ
    snapshot = Incoming(environ).environ_snapshot()
    assert headers_of(snapshot)["Authorization"] == "ApiKey k"
    assert not {"wsgi.input", "wsgi.errors", "werkzeug.request"} & snapshot.keys()
    assert "wsgi.input" in environ  # the request's own environ is left as it was


@pytest.mark.parametrize("levels,too_deep", [(100, False), (101, True)])
def test_nesting_is_counted_in_containers(levels: int, too_deep: bool) -> None:
    """The one depth rule of request bodies, admin bodies and untrusted documents: at most
    100 containers inside one another (MongoDB's limit)."""
    from mockserver.contract.documents import MAX_NESTING, nested_deeper_than

    value: object = "leaf"
    for n in range(levels):
        value = [value] if n % 2 else {"k": value}
    assert nested_deeper_than(value, MAX_NESTING) is too_deep
