"""Novu's API rate limit: a token bucket per environment for API-key callers.

The integrations routes are in Novu's `global` category at a cost of one token. Each tier's
rate (requests per second) fills a 5-second window; the bucket holds 10% more as burst.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from mockserver.novu.errors import NovuError
from mockserver.state.clock import Clock

WINDOW_SECONDS = 5
BURST_FACTOR = 1.1
# Global-category requests per second per tier (@novu/shared feature-tiers constants).
TIERS = {"free": 30, "pro": 120, "business": 300, "enterprise": 3000}


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True)
class Decision:
    allowed: bool
    headers: dict[str, str]


class RateLimiter:
    def __init__(self, tier: str, clock: Clock, *, max_buckets: int = 10_000) -> None:
        if tier not in TIERS:
            raise ValueError(f"unknown rate-limit tier {tier!r}; one of {', '.join(TIERS)}")
        self.tier = tier
        self.rate = TIERS[tier]
        self.limit = self.rate * WINDOW_SECONDS
        self.burst = math.floor(self.limit * BURST_FACTOR)
        self._clock = clock
        self._max_buckets = max_buckets
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()
        self.policy = (
            f'{self.limit};w={WINDOW_SECONDS};burst={self.burst};comment="token bucket";'
            f'category="global";cost="single";serviceLevel="{tier}"'
        )

    def __len__(self) -> int:
        return len(self._buckets)

    def take(self, environment_id: str) -> Decision:
        now = self._clock.now().timestamp()
        with self._lock:
            bucket = self._buckets.get(environment_id)
            if bucket is None:
                bucket = _Bucket(tokens=float(self.burst), updated=now)
                self._buckets[environment_id] = bucket
                while len(self._buckets) > self._max_buckets:
                    self._buckets.popitem(last=False)
            else:
                self._buckets.move_to_end(environment_id)
                elapsed = max(0.0, now - bucket.updated)
                bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
                bucket.updated = now
            allowed = bucket.tokens >= 1
            if allowed:
                bucket.tokens -= 1
            wait = 0.0 if bucket.tokens >= 1 else (1 - bucket.tokens) / self.rate
            reset = max(1, math.ceil(wait)) if not allowed else math.ceil(wait)
            headers = {
                "RateLimit-Limit": str(self.limit),
                "RateLimit-Remaining": str(math.floor(bucket.tokens)),
                "RateLimit-Reset": str(reset),
                "RateLimit-Policy": self.policy,
            }
        if not allowed:
            headers["Retry-After"] = str(reset)
        return Decision(allowed, headers)

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


def too_many_requests(headers: dict[str, str]) -> NovuError:
    return NovuError(429, "API rate limit exceeded", headers=headers, ctx={})
