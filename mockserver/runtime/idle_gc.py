"""The cyclic collector's long passes, run while the server is idle instead of mid-request.

A store that grows (every create leaves a dozen containers that live on) makes CPython's
collections of the older generations scan more and more objects, tens of milliseconds each,
and whichever requests are in flight wait: a create's p99 was 20-30 ms under load with a median
of 3 ms, and 10 ms with the collector off. Served by `mockserver serve`, young collections stay
automatic and frequent (each is short), the older generations are collected here, once no
request has arrived for a moment. Under unbroken load cycles that outlive a young collection
wait for the next quiet moment; reference counting frees everything else at once.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

# Young collections every 5,000 net allocations; the older generations never by threshold.
THRESHOLDS = (5_000, 1_000_000_000, 1_000_000_000)
QUIET_SECONDS = 0.5


class IdleCollector:
    def __init__(
        self,
        quiet_seconds: float = QUIET_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        collect: Callable[[], object] = gc.collect,
    ) -> None:
        self.quiet_seconds = quiet_seconds
        self._clock = clock
        self._collect = collect
        self.last_activity = clock()

    def touch(self) -> None:
        self.last_activity = self._clock()

    def tick(self) -> bool:
        """Collect if the server has been quiet and young collections promoted anything since
        the last full one; True if it collected."""
        quiet = self._clock() - self.last_activity >= self.quiet_seconds
        # get_count()[1]: young collections since the older generations were last collected.
        if not quiet or gc.get_count()[1] == 0:
            return False
        self._collect()
        return True

    def run_forever(self) -> None:
        while True:
            time.sleep(self.quiet_seconds)
            self.tick()


class IdleCollecting:
    """WSGI middleware: notes each request's arrival, and starts the collecting thread in the
    process that serves (granian forks its worker after the app is built)."""

    def __init__(self, app: Callable[..., Iterable[bytes]], collector: IdleCollector) -> None:
        self.app = app
        self.collector = collector
        self._started_in: int | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self.collector.touch()
        if self._started_in != os.getpid():
            self._started_in = os.getpid()
            threading.Thread(target=self.collector.run_forever, name="idle-gc", daemon=True).start()
        return self.app(environ, start_response)
