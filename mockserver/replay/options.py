"""The options of recording and replaying, typed once for the CLI and the pytest plugin: the
record modes (VCR.py's) and the table of what a request may be matched on."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the plugin reads the modes at start-up: this module stays light
    from mockserver.replay.cassette import Interaction


class RecordMode(StrEnum):
    """When a cassette is recorded and when it is played (VCR.py's record modes)."""

    ONCE = "once"  # record a new cassette; play an existing one, and refuse anything else
    NEW_EPISODES = "new_episodes"  # play what is recorded, record what is not
    ALL = "all"  # record everything again, playing nothing
    NONE = "none"  # play only; never record

    @classmethod
    def parse(cls, value: str | RecordMode) -> RecordMode:
        """The mode a user named; ValueError listing the modes when there is none so named."""
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(mode.value for mode in cls)
            raise ValueError(f"unknown record mode {value!r}: one of {choices}") from None

    def records(self, *, has_recordings: bool) -> bool:
        """Whether a cassette in this mode takes new recordings."""
        return self in (RecordMode.ALL, RecordMode.NEW_EPISODES) or (
            self is RecordMode.ONCE and not has_recordings
        )

    @property
    def replays(self) -> bool:
        return self is not RecordMode.ALL

    @property
    def keeps_the_cassette(self) -> bool:
        """False for ALL, which starts the cassette again from nothing."""
        return self is not RecordMode.ALL


# What a recorded interaction and a request are compared on, each with what it says when they
# differ (None when they agree): the request, as the recorder would write it down.
Difference = Callable[["Interaction", Any], "str | None"]


def _method(recorded: Interaction, request: Any) -> str | None:
    sent = request.method.upper()
    return None if recorded.method == sent else f"method {recorded.method}, not {sent}"


def _path(recorded: Interaction, request: Any) -> str | None:
    same = recorded.path.rstrip("/") == request.path.rstrip("/")
    return None if same else f"path {recorded.path}"


def _query(recorded: Interaction, request: Any) -> str | None:
    if recorded.query == request.query:
        return None
    return f"query {recorded.query or '{}'}, not {request.query or '{}'}"


def _body(recorded: Interaction, request: Any) -> str | None:
    if recorded.request_body == request.body:
        return None
    return f"body {_differing_fields(recorded.request_body, request.body)}"


def _differing_fields(recorded: Any, sent: Any) -> str:
    if isinstance(recorded, dict) and isinstance(sent, dict):
        keys = sorted(k for k in recorded.keys() | sent.keys() if recorded.get(k) != sent.get(k))
        return "differs in " + ", ".join(keys)
    return "differs"


MATCHERS: dict[str, Difference] = {
    "method": _method,
    "path": _path,
    "query": _query,
    "body": _body,
}
ATTRIBUTES = tuple(MATCHERS)


def parse_match_on(value: str | Iterable[str]) -> tuple[str, ...]:
    """`method,path` or ("method", "path"): the attributes named, each a key of MATCHERS;
    ValueError naming the unknown ones."""
    names = value.split(",") if isinstance(value, str) else list(value)
    chosen = tuple(name.strip() for name in names if name.strip())
    unknown = sorted(set(chosen) - set(MATCHERS))
    if unknown:
        raise ValueError(f"cannot match on {', '.join(unknown)}: use {','.join(MATCHERS)}")
    return chosen
