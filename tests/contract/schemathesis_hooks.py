"""Schemathesis hooks for the contract run.

Novu scopes idempotency keys per organization, not per route, and answers a key reused with
another body with 422; generated data reuses short keys across operations. A correct client
sends a fresh key per call, so every generated call gets one.
"""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: Any) -> None:
    if case.headers and "idempotency-key" in case.headers:
        case.headers["idempotency-key"] = uuid.uuid4().hex
