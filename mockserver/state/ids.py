"""Identifiers that look like Novu's: Mongo ObjectIds, shortids, slugs and API keys.

Every generator draws from a `random.Random` handed in by the caller, so a seed fixes them all.
"""

from __future__ import annotations

import random
import re
from datetime import datetime
from typing import Any

_SHORTID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
_OBJECT_ID = re.compile(r"^[0-9a-fA-F]{24}$")


def is_object_id(value: str) -> bool:
    return bool(_OBJECT_ID.match(value))


class IdFactory:
    """Makes ids from one random source; callers hold the store lock while using it."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._counter = rng.getrandbits(24)

    def object_id(self, created: datetime) -> str:
        """A 24-hex ObjectId: creation seconds, 5 random bytes, a 3-byte counter, as Mongo does."""
        self._counter = (self._counter + 1) % (1 << 24)
        seconds = int(created.timestamp()) & 0xFFFFFFFF
        return f"{seconds:08x}{self._rng.getrandbits(40):010x}{self._counter:06x}"

    def state(self) -> dict[str, Any]:
        """Everything needed to continue the same sequence elsewhere (state export)."""
        version, internal, gauss = self._rng.getstate()
        return {"random": [version, list(internal), gauss], "counter": self._counter}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> IdFactory:
        version, internal, gauss = state["random"]
        factory = cls(random.Random())
        # Restored after construction: building a factory draws from its generator.
        factory._rng.setstate((version, tuple(internal), gauss))
        factory._counter = int(state["counter"])
        return factory

    def short_id(self) -> str:
        """What the `shortid` package makes: 7 to 14 url-safe characters; 9 here."""
        return "".join(self._rng.choice(_SHORTID_ALPHABET) for _ in range(9))

    def hex_token(self, length: int) -> str:
        return f"{self._rng.getrandbits(length * 4):0{length}x}"


def slugify(name: str) -> str:
    """Lower-case, de-camel-cased, dash-separated, as `@novu/shared`'s slugify makes identifiers.

    `SendGrid` -> `send-grid`, `Novu Email` -> `novu-email`, `Custom SMTP` -> `custom-smtp`.
    """
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1-\2", text)
    text = re.sub(r"[^a-z0-9]+", "-", text.lower())
    return text.strip("-")
