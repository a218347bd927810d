"""Running the Flask app on a production WSGI server: granian (the default) or waitress.

Granian, a WSGI server written in Rust, answers about twice as many requests per second as
waitress on one core (`bench/` measures both; see the README), which is what lets the mock
validate every exchange and still outrun a canned-example mock. Waitress stays available
(`--server waitress`): it is pure Python and runs in the same process as the app.
"""

from __future__ import annotations

import gc
import io
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.runtime.idle_gc import THRESHOLDS, IdleCollecting, IdleCollector

# Waitress buffers whole bodies before the app sees them; this bounds that buffer. Novu's own
# 100 kB limit is applied by the app, with Novu's 413 body.
MAX_BUFFERED_BODY = 64 * 1024 * 1024
SERVERS = ("granian", "waitress")
# Granian hands a WSGI app the body as a stream read on the app's own thread, so a client that
# sends its body slowly holds a thread for as long as it takes. Bodies are therefore read first,
# on threads of their own (up to this many arriving at once), and only a request whose body has
# arrived takes one of the `--threads` that run the app: slow uploads cannot starve the others.
BODY_READERS = 64
# Bodies up to this size are read whole before the app runs; the rest of a larger one (only the
# admin API takes any) is read by the app as it goes.
PRE_READ_LIMIT = 1024 * 1024
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Listen:
    host: str
    port: int  # 0 picks a free port
    threads: int  # threads that run the app's code


class PortInUse(OSError):
    """The address is taken: another process listens there."""


def refuse_taken_port(listen: Listen) -> None:
    """Raise PortInUse if another process already listens on the address.

    Granian binds with SO_REUSEPORT, which on Linux lets a second server share a port that is
    in use and splits the traffic between the two (and their two states); a plain bind, as
    this one is, is refused while anyone listens there."""
    if listen.port == 0:
        return
    host = listen.host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Only past connections in TIME_WAIT are let through, as every server allows them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, listen.port))
        except OSError as exc:
            raise PortInUse(
                f"{listen.host}:{listen.port} is already in use by another process "
                f"({exc.strerror}); choose another --port (0 picks a free one)"
            ) from exc


def run(server: str, app: WsgiApp, listen: Listen, on_ready: Callable[[str], None]) -> None:
    """Serve until interrupted. `on_ready` gets the URL once the socket accepts connections.
    Raises PortInUse, before serving anything, when the port is taken."""
    refuse_taken_port(listen)
    tune_interpreter()
    app = IdleCollecting(app, IdleCollector())
    if server == "waitress":
        _run_waitress(app, listen, on_ready)
    else:
        _run_granian(app, listen, on_ready)


class BodyFirst:
    """WSGI middleware: a request's body is read before the request takes one of the `threads`
    slots that run the app."""

    def __init__(self, app: WsgiApp, threads: int) -> None:
        self.app = app
        self.gate = threading.BoundedSemaphore(threads)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        read_body_first(environ)
        with self.gate:
            return self.app(environ, start_response)


def read_body_first(environ: dict[str, Any]) -> None:
    """Replace `wsgi.input` with the body already read (up to PRE_READ_LIMIT)."""
    raw_length = environ.get("CONTENT_LENGTH")
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not raw_length and not chunked:
        return
    stream = environ["wsgi.input"]
    if raw_length:
        try:
            length = int(raw_length)
        except ValueError:
            return  # the app answers a malformed length
        if 0 < length <= PRE_READ_LIMIT:
            environ["wsgi.input"] = io.BytesIO(stream.read(length))
        return
    head = stream.read(PRE_READ_LIMIT)
    environ["wsgi.input"] = io.BytesIO(head) if len(head) < PRE_READ_LIMIT else _Rest(head, stream)


class _Rest(io.RawIOBase):
    """What was read first, then whatever of the stream is left."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head = io.BytesIO(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self._head.read() + bytes(self._stream.read())
        first = self._head.read(size)
        if len(first) == size:
            return first
        return first + bytes(self._stream.read(size - len(first)))

    def readline(self, size: int | None = -1) -> bytes:
        limit = -1 if size is None else size
        line = self._head.readline(limit)
        if line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        rest = self._stream.readline() if limit < 0 else self._stream.readline(limit - len(line))
        return line + bytes(rest)


def tune_interpreter() -> None:
    """Keep the interpreter's pauses out of the answers' tail latency.

    Every answer allocates thousands of small containers (the journal keeps a thousand of them
    alive), so with CPython's defaults a full collection, tens of milliseconds, ran every few
    hundred requests: the p99 of a list answer was ten times its median. The objects that exist
    at start (the compiled contract, the seeded state) are frozen out of collections; young
    collections stay short, and the long ones wait for a quiet moment (idle_gc.py).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    # Threads take turns on the GIL; CPython's 5 ms turn is longer than a whole answer, so a
    # request could wait several turns behind others. A shorter turn halved the p99 (bench/).
    sys.setswitchinterval(0.0005)


def _run_waitress(app: WsgiApp, listen: Listen, on_ready: Callable[[str], None]) -> None:
    from waitress.server import create_server

    try:
        server = create_server(
            app,
            host=listen.host,
            port=listen.port,
            threads=listen.threads,
            max_request_body_size=MAX_BUFFERED_BODY,
            ident="mockserver",
        )
    except OSError as exc:  # taken between the check and the bind
        raise PortInUse(f"{listen.host}:{listen.port}: {exc.strerror}") from exc
    on_ready(f"http://{listen.host}:{server.effective_port}")  # type: ignore[union-attr]
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def _run_granian(app: WsgiApp, listen: Listen, on_ready: Callable[[str], None]) -> None:
    from granian._granian import ListenerSpec
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server.mp import MPServer

    class OneProcessGranian(MPServer):
        """Granian's supervisor with one worker process that inherits the app already built.

        On Linux granian lets each worker bind its own socket, so a port of 0 would give the
        worker a port nobody knows, and the port only listens once the worker is up. Binding
        once here and handing the socket down (granian's own path on other platforms) means
        the port is known and accepting before the banner says so.
        """

        def _init_shared_socket(self) -> None:
            holder = ListenerSpec(self.bind_addr, self.bind_port, self.backlog).build()
            shared = socket.socket(fileno=holder.get_fd())
            shared.set_inheritable(True)
            # Granian's worker calls listen(); calling it here already means connections made
            # as soon as the banner is out wait in the backlog instead of being refused.
            shared.listen(self.backlog)
            # The attributes MPServer reads when it spawns the worker (granian 2.8).
            internals: Any = self
            internals._ssp, internals._shd, internals._sfd = None, holder, shared.fileno()
            internals._sso = shared
            port = shared.getsockname()[1]
            self.on_startup(lambda: on_ready(f"http://{listen.host}:{port}"))

    server: Any = OneProcessGranian(
        "mockserver.http.app:create_app",  # only named in granian's logs: the loader below is used
        address=listen.host,
        port=listen.port,
        interface=Interfaces.WSGI,
        workers=1,
        # Threads that read bodies and wait at the gate, besides those that run the app.
        blocking_threads=listen.threads + BODY_READERS,
        websockets=False,
        # Its one warning would be about --threads exceeding twice the cores: threads here
        # mostly wait (latency faults), so that advice does not apply.
        log_level=LogLevels.error,
    )
    # The worker is forked from this process, so it inherits the app object (and the state
    # whose keys the banner prints) rather than building another one.
    gated = BodyFirst(app, listen.threads)
    server.serve(target_loader=lambda _target: gated)
