"""List answers built once per state of the store, and handed out until anything changes.

Listing is what clients do most, and a list of 1,000 integrations cost a millisecond to gather,
check and encode though nothing had changed since the last one. An answer kept here is a
SharedList: the contract checks remember their verdict on it, and the encoder its bytes. It is
good while the store's revision stands still; any write moves it on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from mockserver.contract.compiled.shared_documents import SharedList
from mockserver.state.store import Store


class ListAnswers:
    def __init__(self, store: Store, capacity: int = 1024) -> None:
        self._store = store
        self._capacity = capacity
        self._answers: dict[Hashable, tuple[int, SharedList]] = {}

    def get(self, key: Hashable, build: Callable[[], list[Any]]) -> SharedList:
        """The answer for `key`, built now if the state changed since it was last built.
        Call it holding the store lock, so that nothing changes while it builds."""
        state = self._store.revision
        kept = self._answers.get(key)
        if kept is not None and kept[0] == state:
            return kept[1]
        answer = SharedList(build())
        if len(self._answers) >= self._capacity:
            self._answers.clear()
        self._answers[key] = (state, answer)
        return answer
