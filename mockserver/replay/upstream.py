"""Where the recorder forwards requests: a real server over HTTP, or a WSGI app in-process."""

from __future__ import annotations

import http.client
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from werkzeug.test import Client

# Hop-by-hop and framing headers: the forwarding side sets its own.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"}
)

Answer = tuple[int, list[tuple[str, str]], bytes]


class UpstreamError(Exception):
    pass


class Upstream(Protocol):
    label: str

    def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        """Forward one request (`target` is the path and query); the upstream's answer."""


class HttpUpstream:
    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url}")
        self.label = base_url
        self._parts = parts
        self._prefix = parts.path.rstrip("/")
        self._timeout = timeout

    def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        kind = (
            http.client.HTTPSConnection
            if self._parts.scheme == "https"
            else http.client.HTTPConnection
        )
        connection = kind(self._parts.hostname or "", self._parts.port, timeout=self._timeout)
        try:
            connection.putrequest(method, self._prefix + target, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in HOP_BY_HOP and name.lower() != "accept-encoding":
                    connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            payload = response.read()
            kept = [(n, v) for n, v in response.getheaders() if n.lower() not in HOP_BY_HOP]
            return response.status, kept, payload
        except OSError as exc:
            raise UpstreamError(f"{self.label} did not answer: {exc}") from exc
        finally:
            connection.close()


class WsgiUpstream:
    """An app in the same process (the pytest plugin records from its own mock this way)."""

    def __init__(self, app: Callable[..., Any], label: str = "in-process mock") -> None:
        self.label = label
        self._client = Client(app)

    def send(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        path, _, query = target.partition("?")
        response = self._client.open(
            path,
            method=method,
            query_string=query,
            headers=[(n, v) for n, v in headers if n.lower() not in HOP_BY_HOP],
            data=body,
        )
        kept = [(n, v) for n, v in response.headers.items() if n.lower() not in HOP_BY_HOP]
        return response.status_code, kept, response.get_data()
