"""Where `serve --novu-api` finds Novu's published document: a path given, the environment
variable, a cached copy, else Novu's server (whose copy is then cached); and a clear error
when none of those works."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from mockserver.contract import novu_document as source
from mockserver.contract.documents import DocumentError


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(source.ENVIRONMENT_VARIABLE, raising=False)
    return tmp_path / "cache"


def _serving(monkeypatch: pytest.MonkeyPatch, body: bytes | Exception) -> list[str]:
    asked: list[str] = []

    def fake_urlopen(url: str, timeout: float) -> Any:
        asked.append(url)
        if isinstance(body, Exception):
            raise body
        return io.BytesIO(body)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    return asked


def test_a_given_path_then_the_variable_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    asked = _serving(monkeypatch, urllib.error.URLError("offline"))
    given = tmp_path / "mine.json"
    assert source.novu_document(given) == given
    monkeypatch.setenv(source.ENVIRONMENT_VARIABLE, str(tmp_path / "named.json"))
    assert source.novu_document() == tmp_path / "named.json"
    assert asked == []


def test_fetched_once_then_read_from_the_cache(monkeypatch: pytest.MonkeyPatch, cache_home: Path):
    asked = _serving(monkeypatch, b'{"openapi": "3.0.0", "paths": {}}')
    first = source.novu_document()
    assert first == cache_home / "mockserver" / "novu-openapi.json"
    assert first.read_bytes() == b'{"openapi": "3.0.0", "paths": {}}'
    assert source.novu_document() == first
    assert asked == [source.NOVU_OPENAPI_URL]


@pytest.mark.parametrize(
    "served,reason",
    [
        (urllib.error.URLError("no route to host"), "could not be fetched"),
        (b"<html>not json</html>", "not JSON"),
        (b'{"swagger": "2.0"}', "not an OpenAPI document"),
    ],
)
def test_a_failure_says_what_to_do_and_caches_nothing(
    monkeypatch: pytest.MonkeyPatch, cache_home: Path, served: Any, reason: str
):
    _serving(monkeypatch, served)
    with pytest.raises(DocumentError, match=reason):
        source.novu_document()
    assert not (cache_home / "mockserver" / "novu-openapi.json").exists()
