"""What every official-SDK test starts from: a live, strict server, once with the bundled spec
and once with Novu's published document as the contract; and a novu-py client on it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from novu_py import Novu
from novu_py.utils import BackoffStrategy, RetryConfig

from tests.live import LiveServer, live_server
from tests.reference import novu_openapi

# The SDK retries 409, 429 and 5xx for up to an hour by default; a test wants the answer at once.
NO_RETRIES = RetryConfig("none", BackoffStrategy(1, 1, 1.0, 1), False)


@pytest.fixture(scope="module", params=["bundled spec", "Novu's published spec"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    extra = ["--spec", str(novu_openapi())] if request.param != "bundled spec" else []
    with live_server("--validation", "strict", *extra) as running:
        yield running


@pytest.fixture
def novu(server: LiveServer) -> Iterator[Novu]:
    """novu-py on the server, reset first, retrying nothing."""
    httpx.post(f"{server.url}/__mock/reset")
    with Novu(
        server_url=server.url, secret_key=server.development_key, retry_config=NO_RETRIES
    ) as client:
        yield client
