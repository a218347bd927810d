"""A mock (or any WSGI app) served on a free loopback port from a thread of this process.

    from mockserver.testing.threaded import ThreadedServer

    with ThreadedServer() as mock:                # the default settings, strict validation
        novu = Novu(server_url=mock.url, secret_key=mock.api_key)
        ...

The pytest plugin is a thin layer over it. Stopping closes every open connection as well, so
a client that keeps its connection alive (an SDK, an httpx.Client) never holds the stop up.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from mockserver.settings import Settings, ValidationMode


class ThreadedServer:
    """Serves `app` (by default a new mock with `settings`, strict validation) on 127.0.0.1."""

    def __init__(
        self, app: Any = None, *, settings: Settings | None = None, threads: int = 8
    ) -> None:
        if app is None:
            from mockserver.http.app import create_app

            app = create_app(settings or Settings(validation=ValidationMode.STRICT))
        self.app = app
        self._threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url = ""

    @property
    def mock(self) -> Any:
        """The MockServer behind the app (its store, journal, faults), when it is a mock."""
        return self.app.extensions["mockserver"]

    @property
    def api_key(self) -> str:
        """The first seeded environment's API key."""
        organization = self.mock.organizations[0]
        return str(next(iter(organization.environments.values())).api_key)

    def start(self) -> ThreadedServer:
        from waitress.server import create_server

        self._server = create_server(
            self.app, host="127.0.0.1", port=0, threads=self._threads, ident="mockserver"
        )
        self.url = f"http://127.0.0.1:{self._server.effective_port}"
        self._thread = threading.Thread(target=self._server.run, name="novu-mock", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        # Waitress's loop runs while any connection is open: close them all, or a client
        # that keeps its connection alive would hold the loop (and this stop) for seconds.
        for channel in list(self._server._map.values()):
            channel.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None

    def __enter__(self) -> ThreadedServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
