"""mockserver: a stateful, contract-validating mock of Novu's Integrations REST API."""

from __future__ import annotations

__version__ = "0.1.0"
