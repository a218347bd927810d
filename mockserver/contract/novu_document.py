"""Where Novu's published OpenAPI document comes from when the whole API is asked for
(`serve --novu-api`): a path given, else `$MOCKSERVER_NOVU_OPENAPI`, else a copy cached by an
earlier run, else Novu's own server, whose copy is then cached. The project ships no copy of
it: the document is Novu's."""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import orjson

from mockserver.contract.documents import DocumentError

# Nest's Swagger module serves the document Novu's SDKs are generated from here.
NOVU_OPENAPI_URL = "https://api.novu.co/openapi.json"
ENVIRONMENT_VARIABLE = "MOCKSERVER_NOVU_OPENAPI"
# A document larger than this is not Novu's (its whole API is about 3 MB).
_MAX_BYTES = 64 * 1024 * 1024


def cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mockserver" / "novu-openapi.json"


def novu_document(given: Path | None = None, *, url: str = NOVU_OPENAPI_URL) -> Path:
    """The path of Novu's published document; DocumentError saying what was tried."""
    if given is not None:
        return given
    named = os.environ.get(ENVIRONMENT_VARIABLE)
    if named:
        return Path(named)
    cached = cache_path()
    if cached.is_file():
        return cached
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            raw = answer.read(_MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, TimeoutError) as failed:
        raise DocumentError(
            f"Novu's published document is not cached ({cached}) and could not be fetched "
            f"from {url}: {failed}. Give its path: --novu-api PATH, or set "
            f"{ENVIRONMENT_VARIABLE}"
        ) from failed
    if len(raw) > _MAX_BYTES:
        raise DocumentError(f"{url}: the document is larger than {_MAX_BYTES} bytes")
    try:
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError as broken:
        raise DocumentError(f"{url}: not JSON: {broken}") from broken
    if not isinstance(parsed, dict) or "openapi" not in parsed:
        raise DocumentError(f"{url}: not an OpenAPI document (no `openapi` field)")
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=cached.parent, delete=False) as partial:
        partial.write(raw)
    Path(partial.name).replace(cached)
    return cached
