"""Idempotency keys and the rate-limit bucket, with a clock the tests move by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockserver.novu.errors import NovuError, ValidationFailed
from mockserver.novu.idempotency import FirstAnswer, IdempotencyStore
from mockserver.novu.ratelimit import RateLimiter
from mockserver.state.clock import Clock


class HandClock(Clock):
    """A frozen clock a test moves by any timedelta."""

    def __init__(self) -> None:
        super().__init__(datetime(2026, 5, 1, tzinfo=UTC))

    def move(self, **delta: float) -> None:
        self.advance(timedelta(**delta).total_seconds())


def answer(status: int, payload: Any) -> FirstAnswer:
    return FirstAnswer(status, payload, "op", "environment", revealed=False)


def test_first_use_claims_then_replays_the_answer():
    store = IdempotencyStore(HandClock())
    assert store.begin("org", "k1", {"a": 1}) is None
    store.complete("org", "k1", answer(201, {"data": {"x": 1}}))
    replay = store.begin("org", "k1", {"a": 1})
    assert replay is not None and (replay.status, replay.payload) == (201, {"data": {"x": 1}})


def test_a_key_still_in_flight_is_409_with_retry_after():
    store = IdempotencyStore(HandClock())
    store.begin("org", "k1", {})
    with pytest.raises(NovuError) as busy:
        store.begin("org", "k1", {})
    assert busy.value.status == 409
    assert busy.value.message == (
        'Request with key "k1" is currently being processed. Please retry after 1 second'
    )
    assert busy.value.headers["Retry-After"] == "1"


def test_same_key_different_body_is_422():
    store = IdempotencyStore(HandClock())
    store.begin("org", "k1", {"a": 1})
    store.complete("org", "k1", answer(201, {}))
    with pytest.raises(ValidationFailed) as reused:
        store.begin("org", "k1", {"a": 2})
    message = 'Request with key "k1" is being reused for a different body'
    assert reused.value.message == message
    assert reused.value.errors_by_field() == {
        "idempotency-key": {"messages": [message], "value": "k1"}
    }


def test_keys_are_scoped_per_organization():
    store = IdempotencyStore(HandClock())
    store.begin("org-a", "k", {})
    assert store.begin("org-b", "k", {}) is None


def test_keys_over_255_characters_are_400():
    with pytest.raises(NovuError) as long_key:
        IdempotencyStore(HandClock()).begin("org", "k" * 256, {})
    assert long_key.value.status == 400
    assert "has exceeded the maximum allowed length of 255 characters" in long_key.value.message


def test_results_expire_after_24_hours_and_stale_claims_after_5_minutes():
    clock = HandClock()
    store = IdempotencyStore(clock)
    store.begin("org", "done", {})
    store.complete("org", "done", answer(201, {}))
    store.begin("org", "stuck", {})
    clock.move(minutes=6)
    assert store.begin("org", "stuck", {}) is None  # the stale claim no longer blocks
    clock.move(hours=24)
    assert store.begin("org", "done", {"other": "body"}) is None


def test_memory_is_bounded():
    store = IdempotencyStore(HandClock(), max_entries=3)
    for index in range(10):
        store.begin("org", f"k{index}", {})
    assert len(store) == 3


def test_bucket_allows_the_burst_then_refuses_then_refills():
    clock = HandClock()
    limiter = RateLimiter("free", clock)
    assert (limiter.limit, limiter.burst) == (150, 165)
    decisions = [limiter.take("env") for _ in range(166)]
    assert all(d.allowed for d in decisions[:165])
    refused = decisions[165]
    assert not refused.allowed
    assert refused.headers["Retry-After"] == "1"
    assert refused.headers["RateLimit-Remaining"] == "0"
    assert refused.headers["RateLimit-Policy"] == (
        '150;w=5;burst=165;comment="token bucket";category="global";cost="single";'
        'serviceLevel="free"'
    )
    clock.move(seconds=1)  # 30 tokens a second on the free tier
    assert sum(limiter.take("env").allowed for _ in range(31)) == 30
    assert limiter.take("other-env").allowed  # buckets are per environment


@pytest.mark.parametrize("tier,limit", [("pro", 600), ("business", 1500), ("enterprise", 15000)])
def test_tiers(tier, limit):
    assert RateLimiter(tier, HandClock()).limit == limit


def test_bucket_memory_is_bounded():
    limiter = RateLimiter("free", HandClock(), max_buckets=5)
    for index in range(50):
        limiter.take(f"env-{index}")
    assert len(limiter) == 5
