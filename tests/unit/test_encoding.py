"""Answers splice each integration's bytes in; they must read exactly as encoding it whole."""

from __future__ import annotations

import json
from enum import Enum, IntEnum

import orjson

from mockserver.encoding import encode_json
from mockserver.shared_documents import SharedDocument


class Channel(str, Enum):  # noqa: UP042 - its str() is "Channel.EMAIL", the trap tested
    EMAIL = "email"


class Level(IntEnum):
    HIGH = 3


def test_shared_documents_encode_as_plain_json() -> None:
    first = SharedDocument({"_id": "a1", "name": "Résumé ✓", "conditions": [{"k": None}]})
    second = SharedDocument({"_id": "b2", "active": True, "priority": 2.5})
    payload = {"data": [first, second, first], "next": {"inner": first}}
    encoded = encode_json(payload)
    assert encoded == orjson.dumps(json.loads(json.dumps(payload)))
    assert encode_json(payload) == encoded  # again, from the remembered bytes


def test_subclasses_of_json_types_encode_as_their_values() -> None:
    assert encode_json({"channel": Channel.EMAIL, "level": Level.HIGH}) == (
        b'{"channel":"email","level":3}'
    )


def test_what_orjson_refuses_still_encodes_as_javascript_would() -> None:
    shared = SharedDocument({"name": "n"})
    encoded = encode_json({"data": [shared], "big": 2**70, "odd": "\ud800"})
    assert json.loads(encoded) == {"data": [{"name": "n"}], "big": 2**70, "odd": "\ud800"}
    assert b"\\ud800" in encoded
