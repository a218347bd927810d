"""Time as the mock sees it: real by default, frozen when a test needs byte-identical answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def iso_timestamp(moment: datetime) -> str:
    """Format like JavaScript's `Date.toISOString()`, which is what Novu puts on the wire."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def parse_timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Clock:
    """Wall-clock time, unless frozen at one instant."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._frozen_at = frozen_at

    def now(self) -> datetime:
        return self._frozen_at if self._frozen_at is not None else datetime.now(UTC)


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
