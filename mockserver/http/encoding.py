"""Answers written as JSON: compact UTF-8, as Express's res.json writes them.

An answer `{"data": X}` whose X is a SharedDocument (a single answer's wire form) or a cached
list answer (SharedList) is written from X's bytes, made once: neither changes once built,
and a list of 1,000 integrations was mostly re-encoding the same objects. The integrations
inside a list keep no bytes of their own: orjson writes one in a third of a microsecond, and
kept for every integration, the bytes were a fifth of a large store's memory.
"""

from __future__ import annotations

import json
import operator
from typing import Any

import orjson

from mockserver.contract.compiled.shared_documents import SharedDocument, SharedList, shared_payload

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# A cached list answer keeps its bytes up to this many integrations (2 MB or so); a longer
# one (rare) is written afresh each time.
KEPT_LIST_ITEMS = 5000


def encode_json(payload: Any) -> bytes:
    shared = shared_payload(payload)
    if shared is not None:
        return b'{"data":' + _kept_encoding(shared) + b"}"
    return _dumps(payload)


def _kept_encoding(data: SharedDocument | SharedList) -> bytes:
    encoded = data.encoded
    if encoded is None:
        encoded = _dumps(data)
        if type(data) is SharedDocument or len(data) <= KEPT_LIST_ITEMS:
            # A benign race: two threads may both encode it, to the same bytes.
            encoded = data.encoded = _own_sized(encoded)
    return encoded


def _dumps(payload: Any) -> bytes:
    try:
        return orjson.dumps(payload, default=_plain)
    except orjson.JSONEncodeError:
        # What orjson will not write: lone surrogates a client sent escaped (JSON.stringify
        # escapes them again), integers past 64 bits.
        return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _own_sized(encoded: bytes) -> bytes:
    """`encoded` in a block of its own size, for bytes that are kept.

    orjson hands back its whole working buffer (4 KB for a short document, 8 KB for an
    integration) with only the length set to what it wrote; kept on every answered
    integration, that made a store of 100,000 integrations take a gigabyte, and the heap it
    kept growing made every later allocation fault in fresh pages.
    """
    return memoryview(encoded).tobytes()


def _plain(value: Any) -> Any:
    """What orjson does not write by itself: subclasses of float, and of other JSON types it
    might hand over."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return value[:]  # a slice is a plain str, whatever the subclass's __str__ says
    if isinstance(value, int):
        return operator.index(value)
    if isinstance(value, float):
        return float.__float__(value)
    raise TypeError(f"{type(value).__name__} is not JSON")
