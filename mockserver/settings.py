"""Everything that configures one server, in one frozen value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from mockserver.runtime.request_log import LogFormat

# The seed when none is given. Here rather than in seed.py: reading settings must not load
# Faker (the pytest plugin reads them in every test run, most of which never start a mock).
DEFAULT_SEED = 4010


class ValidationMode(StrEnum):
    STRICT = "strict"  # a response that breaks the contract becomes a 500 naming the violation
    WARN = "warn"  # it goes out, flagged in a header and in the log
    OFF = "off"  # neither requests nor responses are checked against the contract


@dataclass(frozen=True)
class Settings:
    seed: int = DEFAULT_SEED
    spec_path: Path | None = None
    # JSON Structure documents besides the resources' own; one named as a bundled one
    # (by its `name`, the schema component it describes) replaces it.
    structure_paths: tuple[Path, ...] = ()
    # A seed dataset (mockserver.state.dataset) applied on top of, or instead of, the seed.
    fixtures_path: Path | None = None
    validation: ValidationMode = ValidationMode.STRICT
    # Novu's body limit (body-parser's default, 100 kB).
    max_body_bytes: int = 100 * 1024
    # Freeze the clock for byte-identical answers across runs (ids embed the time too).
    frozen_time: datetime | None = None
    # Run openapi-core's full check of the whole spec document at start-up. Off by default: the
    # bundled document is checked by the test suite, the operations the mock serves are always
    # checked as they compile, and Novu's own published document does not pass the full check.
    check_spec: bool = False
    # Novu's token bucket per environment for API keys: None (off), free, pro, business, enterprise.
    rate_limit: str | None = None
    # How many idempotency keys are remembered at most (least recently used go first).
    idempotency_capacity: int = 10_000
    # How many exchanges the request journal keeps (oldest go first); 0 turns it off.
    journal_size: int = 1000
    # ... and at most this many bytes of them (bodies as sent, plus a fixed cost per entry).
    journal_max_bytes: int = 64 * 1024 * 1024
    # An API key the mock has not seen gets a new environment of its own instead of a 401.
    any_key: bool = False
    # At most this many environments (seeded, isolated and --any-key ones together), so a long
    # run with ever-new keys cannot grow memory without bound.
    max_environments: int = 5000
    # One line per request on stderr, in this format (None: no request log).
    request_log: LogFormat | None = None
    # The plain reference path: every fast path off (Flask's routing and views instead of the
    # front dispatcher, answers built afresh instead of cached wire forms and lists, each
    # schema checked whole by jsonschema instead of the compiled, split and remembered
    # checks). Slower; the test suite holds the fast path to its answers, byte for byte.
    reference: bool = False
    # Answer every operation of the loaded document no resource models by hand from state
    # inferred from the document (resources/inferred); off: such operations answer 501.
    infer: bool = True
    # The admin API under /__mock, and the token it requires (None: no token).
    admin: bool = True
    admin_token: str | None = None
