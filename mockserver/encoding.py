"""Answers written as JSON: compact UTF-8, as Express's res.json writes them.

An integration's wire form is a SharedDocument that never changes once built, so its bytes are
made once and spliced into every answer that carries it (a list of 1,000 integrations was
mostly re-encoding the same objects).
"""

from __future__ import annotations

import json
import operator
from typing import Any

import orjson

from mockserver.contract.validators import SharedDocument

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
    if type(value) is SharedDocument:
        encoded = value.__dict__.get("encoded")
        if encoded is None:
            # A benign race: two threads may both encode it, to the same bytes.
            encoded = value.__dict__["encoded"] = encode_json(dict(value))
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
