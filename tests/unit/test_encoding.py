"""Answers splice each integration's bytes in; they must read exactly as encoding it whole."""

from __future__ import annotations

import json
from enum import Enum, IntEnum

import orjson

from mockserver.contract.compiled.shared_documents import SharedDocument, SharedList
from mockserver.http.encoding import KEPT_LIST_ITEMS, encode_json


class Channel(str, Enum):  # noqa: UP042 - its str() is "Channel.EMAIL", the trap tested
    EMAIL = "email"


class Level(IntEnum):
    HIGH = 3


def plain_encoding(payload: object) -> bytes:
    return orjson.dumps(json.loads(json.dumps(payload)))


def test_shared_documents_encode_as_plain_json() -> None:
    first = SharedDocument({"_id": "a1", "name": "Résumé ✓", "conditions": [{"k": None}]})
    second = SharedDocument({"_id": "b2", "active": True, "priority": 2.5})
    payload = {"data": [first, second, first], "next": {"inner": first}}
    assert encode_json(payload) == plain_encoding(payload)
    listed = {"data": SharedList([first, second, first])}
    encoded = encode_json(listed)
    assert encoded == plain_encoding(listed)
    assert encode_json(listed) == encoded  # again, from the remembered bytes
    # The integrations in a list keep no bytes of their own (memory, in a large store).
    assert first.encoded is None and listed["data"].encoded is not None
    assert encode_json({"data": first}) == plain_encoding({"data": first})


def test_a_long_list_answer_is_written_afresh_rather_than_kept() -> None:
    item = SharedDocument({"_id": "a1"})
    long = SharedList([item] * (KEPT_LIST_ITEMS + 1))
    encoded = encode_json({"data": long})
    assert json.loads(encoded) == {"data": [{"_id": "a1"}] * (KEPT_LIST_ITEMS + 1)}
    assert long.encoded is None


def test_kept_bytes_take_no_more_memory_than_their_length() -> None:
    import tracemalloc

    answers = [SharedDocument({"_id": str(n)}) for n in range(200)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for answer in answers:
            encode_json({"data": answer})
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert all(answer.encoded is not None for answer in answers)
    # orjson's own result holds a 4 KB buffer whatever it wrote; kept, that is 100 times this.
    assert grown < 200 * 100, grown


def test_subclasses_of_json_types_encode_as_their_values() -> None:
    assert encode_json({"channel": Channel.EMAIL, "level": Level.HIGH}) == (
        b'{"channel":"email","level":3}'
    )


def test_what_orjson_refuses_still_encodes_as_javascript_would() -> None:
    shared = SharedDocument({"name": "n"})
    encoded = encode_json({"data": [shared], "big": 2**70, "odd": "\ud800"})
    assert json.loads(encoded) == {"data": [{"name": "n"}], "big": 2**70, "odd": "\ud800"}
    assert b"\\ud800" in encoded
    odd = SharedDocument({"name": "\ud800"})
    assert json.loads(encode_json({"data": odd})) == {"data": {"name": "\ud800"}}
