"""mockserver: a stateful, contract-validating mock of Novu's REST API.

from mockserver import ThreadedServer

with ThreadedServer() as mock:      # a seeded mock on a free loopback port, in a thread
    ...                             # mock.url, mock.api_key, mock.mock (its state)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.testing.threaded import ThreadedServer

try:
    # The one place the version is written is pyproject.toml; an installed package knows it.
    __version__ = version("mockserver")
except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["ThreadedServer", "__version__"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `import mockserver` (the CLI's --version, the pytest plugin)
    # must not load Flask and the contract.
    if name == "ThreadedServer":
        from mockserver.testing.threaded import ThreadedServer

        return ThreadedServer
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
