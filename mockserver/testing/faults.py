"""Injected faults: make an operation (or all) answer with an error, slow down, or hang up.

A fault is checked against the contract when it is defined (its status must be declared for
the operations it targets and its body must fit), so the answers it produces later are still
Novu-shaped. Faults fire for the next N calls, or with a probability drawn from a seeded source.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mockserver.contract.operations import Operation
from mockserver.novu.errors import (
    FieldProblem,
    NovuError,
    ValidationFailed,
    error_body,
    validation_error_body,
)


class DroppedConnection(Exception):
    """Raised inside a response body so the WSGI server closes the socket mid-answer."""


@dataclass
class Fault:
    id: str
    operation_id: str  # "*" for every operation
    status: int | None = None
    body: Any = None
    message: str | None = None
    latency_ms: tuple[int, int] | None = None
    drop: bool = False
    remaining: int | None = None  # None: until removed
    probability: float = 1.0
    fired: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operationId": self.operation_id,
            "status": self.status,
            "body": self.body,
            "message": self.message,
            "latencyMs": list(self.latency_ms) if self.latency_ms else None,
            "drop": self.drop,
            "remaining": self.remaining,
            "probability": self.probability,
            "fired": self.fired,
        }


class FaultError(ValueError):
    """A fault definition the admin API refuses, with the reason."""


def parse_fault(raw: Any, fault_id: str) -> Fault:
    if not isinstance(raw, dict):
        raise FaultError("a fault is a JSON object")
    known = {
        "operationId",
        "status",
        "body",
        "message",
        "latencyMs",
        "drop",
        "times",
        "probability",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise FaultError(f"unknown fault fields: {', '.join(unknown)}")
    operation_id = raw.get("operationId", "*")
    status = raw.get("status")
    latency = raw.get("latencyMs")
    times = raw.get("times")
    probability = raw.get("probability", 1.0)
    if not isinstance(operation_id, str):
        raise FaultError("operationId must be a string")
    if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
        raise FaultError("status must be an error status, 400 to 599")
    if isinstance(latency, int | float) and not isinstance(latency, bool):
        latency = (int(latency), int(latency))
    elif (
        isinstance(latency, list)
        and len(latency) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in latency)
    ):
        latency = (int(min(latency)), int(max(latency)))
    elif latency is not None:
        raise FaultError("latencyMs is a number of milliseconds or a [min, max] range")
    if latency is not None and (latency[0] < 0 or latency[1] > 60_000):
        raise FaultError("latencyMs must be between 0 and 60000")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool) or times < 1):
        raise FaultError("times must be a positive whole number")
    if not isinstance(probability, int | float) or not 0 < probability <= 1:
        raise FaultError("probability must be above 0 and at most 1")
    drop = raw.get("drop", False)
    if not isinstance(drop, bool):
        raise FaultError("drop must be true or false")
    if status is None and latency is None and not drop:
        raise FaultError("a fault needs a status, a latencyMs or drop: true")
    message = raw.get("message")
    if message is not None and not isinstance(message, str):
        raise FaultError("message must be a string")
    return Fault(
        id=fault_id,
        operation_id=operation_id,
        status=status,
        body=raw.get("body"),
        message=message,
        latency_ms=latency,
        drop=drop,
        remaining=times,
        probability=float(probability),
    )


def fault_payload(fault: Fault, *, path: str, timestamp: str) -> Any:
    """The body a fault answers with: its own, or the Novu-shaped error for its status."""
    if fault.body is not None:
        return fault.body
    assert fault.status is not None
    message = fault.message or f"Injected fault {fault.id}"
    if fault.status == 422:
        failure = ValidationFailed([FieldProblem("general", message)], message=message)
        return validation_error_body(failure, path=path, timestamp=timestamp)
    return error_body(NovuError(fault.status, message), path=path, timestamp=timestamp)


def _check_against_contract(fault: Fault, implemented: list[Operation]) -> None:
    """A fault may only make an operation answer what its contract declares."""
    if fault.operation_id == "*":
        targets = implemented
    else:
        targets = [op for op in implemented if op.operation_id == fault.operation_id]
        if not targets:
            names = ", ".join(sorted(op.operation_id for op in implemented))
            raise FaultError(f"unknown operationId {fault.operation_id!r}; one of: {names}")
    if fault.status is None:
        return
    body = fault_payload(fault, path="/", timestamp="1970-01-01T00:00:00.000Z")
    for operation in targets:
        contract = operation.response_for(fault.status)
        if contract is None:
            raise FaultError(f"status {fault.status} is not declared for {operation.operation_id}")
        problems = (
            [e.message for e in contract.validator.iter_errors(body)]
            if (contract.validator is not None)
            else []
        )
        if problems:
            raise FaultError(
                f"the fault's body breaks the contract of {operation.operation_id} "
                f"{fault.status}: {'; '.join(problems)}"
            )


class Faults:
    def __init__(self, seed: int) -> None:
        self._faults: list[Fault] = []
        self._rng = random.Random(f"{seed}:faults")
        self._lock = threading.Lock()
        self._next = 1

    def add(self, raw: Any, operations: Iterable[Operation]) -> Fault:
        """Parse a fault, check it against the operations it targets, and start it.

        Raises FaultError, naming what is wrong, for a definition that does not parse or whose
        answer would break the contract.
        """
        with self._lock:
            fault = parse_fault(raw, f"fault-{self._next}")
            _check_against_contract(fault, [op for op in operations if op.compiled])
            self._next += 1
            self._faults.append(fault)
            return fault

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def remove(self, fault_id: str) -> bool:
        """Stop one fault; False when there is none with that id (it may have run out)."""
        with self._lock:
            kept = [fault for fault in self._faults if fault.id != fault_id]
            removed = len(kept) != len(self._faults)
            self._faults[:] = kept
            return removed

    def pick(self, operation_id: str) -> Fault | None:
        """The first fault that fires for this call; it is used up when its count runs out."""
        with self._lock:
            for fault in self._faults:
                if fault.operation_id not in ("*", operation_id):
                    continue
                if fault.probability < 1 and self._rng.random() >= fault.probability:
                    continue
                fault.fired += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                return fault
            return None

    def latency_of(self, fault: Fault) -> float:
        assert fault.latency_ms is not None
        low, high = fault.latency_ms
        with self._lock:
            return (low if low == high else self._rng.uniform(low, high)) / 1000
