"""Time as the mock sees it: real by default, frozen when a test needs byte-identical answers."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta


# Every answer formats each integration's timestamps, and they rarely change: strftime was a
# tenth of the time of a list answer before this cache. (Wire forms are kept per integration
# now, so this serves what changes; a larger cache only held memory in a large store.)
@functools.lru_cache(maxsize=4096)
def iso_timestamp(moment: datetime) -> str:
    """Format like JavaScript's `Date.toISOString()`, which is what Novu puts on the wire."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    # isoformat is several times faster than strftime; "+00:00" becomes JavaScript's "Z".
    return moment.isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Clock:
    """Wall-clock time, unless frozen at one instant; a frozen clock moves only when told to
    (`advance`: the admin API's `POST /__mock/clock`), which is how a test lets a delay pass."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._start = frozen_at
        self._frozen_at = frozen_at

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> datetime:
        return self._frozen_at if self._frozen_at is not None else datetime.now(UTC)

    def advance(self, seconds: float) -> datetime:
        """Move a frozen clock forward; ValueError for a running clock or going back."""
        if self._frozen_at is None:
            raise ValueError("the clock is not frozen (start the server with --frozen-time)")
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._frozen_at += timedelta(seconds=seconds)
        return self._frozen_at

    def restart(self) -> None:
        """Back to where it was frozen at first (a reset)."""
        self._frozen_at = self._start


class SteppingClock(Clock):
    """A clock that moves forward by a fixed step each time it is read.

    Seeding uses it so that seeded records get distinct, increasing, reproducible timestamps.
    """

    def __init__(self, start: datetime, step: timedelta) -> None:
        super().__init__()
        self._next = start
        self._step = step

    def now(self) -> datetime:
        current = self._next
        self._next = current + self._step
        return current
