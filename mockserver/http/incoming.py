"""One HTTP request as the pipeline reads it: straight from the WSGI environ.

The API routes are served without Flask's request context (see dispatch.py); this reads the
same values werkzeug's Request would (decoded path, first value of each query parameter,
case-insensitive headers, the body stream bounded by Content-Length) at a fraction of the cost,
building werkzeug's own objects only for what is rare, such as a query string.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_options_header
from werkzeug.wrappers import Request
from werkzeug.wsgi import get_content_length, get_input_stream

# Headers a WSGI server passes without the HTTP_ prefix (PEP 3333).
_UNPREFIXED = {"CONTENT_TYPE": "Content-Type", "CONTENT_LENGTH": "Content-Length"}
_LIVE_OBJECTS = ("wsgi.input", "wsgi.errors", "wsgi.file_wrapper", "werkzeug.request")


class Incoming:
    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        # PEP 3333 hands the path over as latin-1 text; werkzeug reads it back as UTF-8.
        raw_path = (environ.get("PATH_INFO") or "").encode("latin1").decode(errors="replace")
        self.path: str = "/" + raw_path.lstrip("/")
        self.query_string: str = environ.get("QUERY_STRING", "")
        # The body as read_body read it, for the journal; None until then.
        self.body_read: bytes | None = None

    @property
    def path_with_query(self) -> str:
        """The path and query string, as Novu reports it in an error's `path`."""
        return self.path + "?" + self.query_string if self.query_string else self.path

    @cached_property
    def headers(self) -> EnvironHeaders:
        return EnvironHeaders(self.environ)

    def header(self, name: str) -> str | None:
        value: str | None = self.headers.get(name)
        return value

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query parameters, parsed exactly as werkzeug parses them (rarely needed)."""
        if not self.query_string:
            return MultiDict()
        return Request(self.environ, populate_request=False, shallow=True).args

    @cached_property
    def content_length(self) -> int | None:
        return get_content_length(self.environ)

    @property
    def mimetype(self) -> str:
        return parse_options_header(self.environ.get("CONTENT_TYPE", ""))[0].lower()

    def read_body(self, limit: int) -> bytes:
        """At most `limit` + 1 bytes of the body: one more than allowed says it was too long.

        As werkzeug reads it: up to Content-Length, or to the end of a stream the server
        terminates (chunked bodies), and nothing when neither is known; and nothing for an
        HTTP/1 request with neither Content-Length nor Transfer-Encoding, which has no body
        even when the server calls its (empty) stream terminated."""
        self.body_read = body = self._read(limit)
        return body

    def _read(self, limit: int) -> bytes:
        environ, length = self.environ, self.content_length
        if length is not None:
            # The common case, read without werkzeug's stream wrapper (a third of its cost).
            return environ["wsgi.input"].read(min(length, limit + 1)) if length else b""
        if "HTTP_TRANSFER_ENCODING" not in environ and environ.get(
            "SERVER_PROTOCOL", ""
        ).startswith("HTTP/1"):
            # HTTP/1.x: with neither Content-Length nor Transfer-Encoding there is no body
            # (RFC 9112, 6.3). Granian marks every stream terminated, and reading an empty
            # one still waits on the server: a GET or a bare POST would pay for nothing.
            return b""
        return get_input_stream(environ).read(limit + 1)

    def environ_snapshot(self) -> dict[str, Any]:
        """A copy of the environ that outlives the request, for `headers_of` to read later:
        copying the dict whole is several times cheaper than picking out the headers, and the
        objects a WSGI server or Flask put in it (the body stream, the request) are left out."""
        snapshot = self.environ.copy()
        for key in _LIVE_OBJECTS:
            snapshot.pop(key, None)
        return snapshot


def headers_of(environ: dict[str, Any]) -> dict[str, str]:
    """Every request header in a WSGI environ, as a plain dict."""
    return dict(_header_items(environ))


def _header_items(environ: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            yield key[5:].replace("_", "-").title(), value
        elif key in _UNPREFIXED and value:
            yield _UNPREFIXED[key], value


class EnvironHeaders(Mapping[str, str]):
    """Case-insensitive lookups of request headers in the environ, as HTTP compares names."""

    __slots__ = ("_environ",)

    def __init__(self, environ: dict[str, Any]) -> None:
        self._environ = environ

    @staticmethod
    def _key(name: str) -> str:
        key = name.upper().replace("-", "_")
        return key if key in _UNPREFIXED else "HTTP_" + key

    def get(self, name: str, default: Any = None) -> Any:
        value = self._environ.get(self._key(name))
        return default if value is None else value

    def __getitem__(self, name: str) -> str:
        value = self._environ.get(self._key(name))
        if value is None:
            raise KeyError(name)
        return str(value)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._key(name) in self._environ

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in _header_items(self._environ))

    def __len__(self) -> int:
        return sum(1 for _ in self)
