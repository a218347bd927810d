"""Running the Flask app on a production WSGI server: granian (the default) or waitress.

Granian, a WSGI server written in Rust, answers about twice as many requests per second as
waitress on one core (`bench/` measures both; see the README), which is what lets the mock
validate every exchange and still outrun a canned-example mock. Waitress stays available
(`--server waitress`): it is pure Python and runs in the same process as the app.
"""

from __future__ import annotations

import gc
import socket
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.idle_gc import THRESHOLDS, IdleCollecting, IdleCollector

# Waitress buffers whole bodies before the app sees them; this bounds that buffer. Novu's own
# 100 kB limit for the integrations routes is applied by the app, with Novu's 413 body.
MAX_BUFFERED_BODY = 64 * 1024 * 1024
SERVERS = ("granian", "waitress")
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Listen:
    host: str
    port: int  # 0 picks a free port
    threads: int  # threads that run the app's code


def run(server: str, app: WsgiApp, listen: Listen, on_ready: Callable[[str], None]) -> None:
    """Serve until interrupted. `on_ready` gets the URL once the socket accepts connections."""
    tune_interpreter()
    app = IdleCollecting(app, IdleCollector())
    if server == "waitress":
        _run_waitress(app, listen, on_ready)
    else:
        _run_granian(app, listen, on_ready)


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

    server = create_server(
        app,
        host=listen.host,
        port=listen.port,
        threads=listen.threads,
        max_request_body_size=MAX_BUFFERED_BODY,
        ident="mockserver",
    )
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
        "mockserver.app:create_app",  # only named in granian's logs: the loader below is used
        address=listen.host,
        port=listen.port,
        interface=Interfaces.WSGI,
        workers=1,
        blocking_threads=listen.threads,
        websockets=False,
        # Its one warning would be about --threads exceeding twice the cores: threads here
        # mostly wait (latency faults), so that advice does not apply.
        log_level=LogLevels.error,
    )
    # The worker is forked from this process, so it inherits the app object (and the state
    # whose keys the banner prints) rather than building another one.
    server.serve(target_loader=lambda _target: app)
