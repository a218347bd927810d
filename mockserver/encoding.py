"""Answers written as JSON: compact UTF-8, as Express's res.json writes them.

An integration's wire form is a SharedDocument, and a cached list answer a SharedList: neither
changes once built, so their bytes are made once and spliced into every answer that carries
them (a list of 1,000 integrations was mostly re-encoding the same objects).
"""

from __future__ import annotations

import json
import operator
from typing import Any

import orjson

from mockserver.shared_documents import SharedDocument, SharedList

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def encode_json(payload: Any) -> bytes:
    try:
        return orjson.dumps(payload, default=_spliced, option=orjson.OPT_PASSTHROUGH_SUBCLASS)
    except orjson.JSONEncodeError:
        # What orjson will not write: lone surrogates a client sent escaped (JSON.stringify
        # escapes them again), integers past 64 bits.
        return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _spliced(value: Any) -> Any:
    """What orjson hands back (subclasses of JSON types, with OPT_PASSTHROUGH_SUBCLASS)."""
    kind = type(value)
    if kind is SharedDocument or kind is SharedList:
        encoded = value.encoded
        if encoded is None:
            # A benign race: two threads may both encode it, to the same bytes.
            plain = dict(value) if kind is SharedDocument else list(value)
            encoded = value.encoded = encode_json(plain)
        return orjson.Fragment(encoded)
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
