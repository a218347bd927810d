"""Finding the recorded interaction for a request, and saying why none fits.

A request matches an interaction when every attribute in `on` is equal: method, path, query
(as a mapping: order does not matter) and body (as parsed JSON, after the same secret filter
the recorder applied, since the cassette holds the masked body). Identical requests are
answered in the order they were recorded, each recorded answer once.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.replay.cassette import Interaction
from mockserver.replay.options import ATTRIBUTES, MATCHERS, parse_match_on


@dataclass(frozen=True)
class RequestToMatch:
    method: str
    path: str
    query: dict[str, str]
    body: Any

    @property
    def label(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query.items())
        return f"{self.method} {self.path}{'?' + query if query else ''}"


class Matcher:
    def __init__(
        self,
        interactions: list[Interaction],
        on: Sequence[str] = ATTRIBUTES,
        repeat_last: bool = False,
    ) -> None:
        # The cassette's own list: what the recorder adds is in the cassette it saves.
        self.interactions = interactions
        self.on = parse_match_on(on)
        self._compared = [MATCHERS[name] for name in self.on]
        self.repeat_last = repeat_last
        self._played: set[int] = set()
        self._lock = threading.Lock()

    def add(self, interaction: Interaction) -> None:
        """A newly recorded interaction, already answered: it counts as played."""
        with self._lock:
            self.interactions.append(interaction)
            self._played.add(len(self.interactions) - 1)

    def rewind(self) -> None:
        """Play every recorded answer again from the first (POST /__mock/reset)."""
        with self._lock:
            self._played.clear()

    def take(self, request: RequestToMatch) -> Interaction | None:
        """The first unplayed interaction that matches, marked played; None if there is none."""
        with self._lock:
            candidates = [
                index
                for index, interaction in enumerate(self.interactions)
                if not self.differences(interaction, request)
            ]
            for index in candidates:
                if index not in self._played:
                    self._played.add(index)
                    return self.interactions[index]
            if candidates and self.repeat_last:
                return self.interactions[candidates[-1]]
            return None

    def all_played(self, request: RequestToMatch) -> int:
        """How many recorded answers to this very request there were (all played already)."""
        return sum(1 for i in self.interactions if not self.differences(i, request))

    def differences(self, interaction: Interaction, request: RequestToMatch) -> list[str]:
        found = (compare(interaction, request) for compare in self._compared)
        return [difference for difference in found if difference is not None]

    def nearest(self, request: RequestToMatch, limit: int = 3) -> list[str]:
        """The closest recorded interactions, each with what differs."""
        scored = []
        for index, interaction in enumerate(self.interactions):
            differences = self.differences(interaction, request)
            weight = sum(2 if d.startswith(("method", "path")) else 1 for d in differences)
            scored.append(
                (
                    weight,
                    index,
                    f"#{index} {interaction.label}: {'; '.join(differences) or 'already played'}",
                )
            )
        scored.sort()
        return [text for _, _, text in scored[:limit]]
