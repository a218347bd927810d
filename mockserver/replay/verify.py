"""`mockserver verify`: replay a cassette's requests against a live server and compare.

Each recorded request is sent, in order, with the caller's API key in place of the masked one
(a request recorded without credentials goes without them), each recorded idempotency key
replaced by a fresh one of this run (so a second run against the same target is answered
afresh, not replayed), and every id seen so far mapped to the target's own (the id a recorded
create returned becomes the id the target's create returned). The answer must have the
recorded status and body, except for volatile fields (ids, timestamps, generated identifiers),
and must fit the spec. `cleanup()` deletes what the run created (each resource says which
creates make something, and how to delete it: Resource.cleanup).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree

import orjson

from mockserver.contract import Contract
from mockserver.contract.routing import OperationRouter
from mockserver.http.encoding import encode_json
from mockserver.novu.secrets import SECRET_MASK
from mockserver.replay.cassette import (
    Cassette,
    Interaction,
    interaction_violations,
    parse_body,
)
from mockserver.replay.upstream import HttpUpstream, UpstreamError

# Fields whose values are made fresh by every server: compared by presence and type only.
VOLATILE_FIELDS = frozenset(
    {
        "_id",
        "id",
        "_environmentId",
        "_organizationId",
        "createdAt",
        "updatedAt",
        "deletedAt",
        "timestamp",
        "__v",
    }
)
_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
# Novu's generated identifiers: a slug, a dash, then a shortid.
_GENERATED_IDENTIFIER = re.compile(r"^(?P<slug>.+)-[A-Za-z0-9_-]{7,14}$")


@dataclass
class Outcome:
    index: int
    label: str
    operation_id: str | None
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class Report:
    cassette: str
    target: str
    outcomes: list[Outcome]

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]

    def text(self) -> str:
        lines = [f"verify {self.cassette} against {self.target}"]
        for outcome in self.outcomes:
            mark = "skip" if outcome.skipped else "ok  " if outcome.passed else "FAIL"
            lines.append(f"  {mark} #{outcome.index} {outcome.label} ({outcome.operation_id})")
            if outcome.skipped:
                lines.append(f"         {outcome.skipped}")
            lines.extend(f"         {problem}" for problem in outcome.problems)
        skipped = sum(1 for o in self.outcomes if o.skipped)
        compared = len(self.outcomes) - skipped
        lines.append(
            f"{compared - len(self.failures)} of {compared} interactions match"
            + ("" if not self.failures else f"; {len(self.failures)} do not")
            + (f"; {skipped} skipped" if skipped else "")
        )
        return "\n".join(lines)


class Verifier:
    def __init__(
        self,
        contract: Contract,
        target: str,
        api_key: str,
        volatile: Iterable[str] = (),
        dashboard_token: str | None = None,
        cleanup: Mapping[str, str] | None = None,
    ) -> None:
        self.contract = contract
        # operationId of a create -> the path that deletes what it made (Resource.cleanup).
        self.deleters = dict(cleanup or {})
        self.upstream = HttpUpstream(target)
        self.api_key = api_key
        self.dashboard_token = dashboard_token
        self.volatile = VOLATILE_FIELDS | frozenset(volatile)
        self.router = OperationRouter(contract.operations.values())
        self.ids: dict[str, str] = {}  # recorded id -> the target's
        self.idempotency_keys: dict[str, str] = {}  # recorded key -> this run's
        # What this run created (the path that deletes it), with the credential it was created
        # with, for cleanup().
        self.created: list[tuple[str, str]] = []

    def check_credentials(self) -> str | None:
        """Why the target refuses the API key, or None when it takes it: one early error
        instead of a failure for every interaction."""
        try:
            status, _, payload = self.upstream.send(
                "GET", self._probe_path(), [("Authorization", f"ApiKey {self.api_key}")], b""
            )
        except UpstreamError as exc:
            return str(exc)
        if status in (401, 403):
            answer = parse_body(payload)
            message = answer.get("message") if isinstance(answer, dict) else None
            return f"{self.upstream.label} refuses --api-key ({status} {message or ''})".strip()
        return None

    def _probe_path(self) -> str:
        """A read an API key may make and that needs no id: the first such GET of the spec."""
        readable = sorted(
            operation.path
            for operation in self.contract.operations.values()
            if operation.method == "GET" and "{" not in operation.path
        )
        return readable[0] if readable else "/"

    def cleanup(self) -> list[str]:
        """Delete everything this run created; what could not be deleted, worded."""
        problems = []
        for deleter, authorization in reversed(self.created):
            try:
                status, _, _ = self.upstream.send(
                    "DELETE", deleter, [("Authorization", authorization)], b""
                )
            except UpstreamError as exc:
                problems.append(f"{deleter}: {exc}")
                continue
            if status not in (200, 204, 404):
                problems.append(f"{deleter}: DELETE answered {status}")
        self.created.clear()
        return problems

    def run(self, cassette: Cassette) -> Report:
        outcomes = [
            self._one(i, interaction) for i, interaction in enumerate(cassette.interactions)
        ]
        return Report(str(cassette.path), self.upstream.label, outcomes)

    def _one(self, index: int, recorded: Interaction) -> Outcome:
        outcome = Outcome(index, recorded.label, recorded.operation_id)
        recorded_auth = next(
            (v for k, v in recorded.request_headers.items() if k.lower() == "authorization"), ""
        )
        # Each request goes with the kind of credential it was recorded with: a dashboard
        # session sees every environment and credentials in clear, an API key does not.
        authorization: str | None
        if not recorded_auth:
            authorization = None  # recorded without credentials (a 401 probe): sent without
        elif recorded_auth.startswith("Bearer"):
            if self.dashboard_token is None:
                outcome.skipped = "recorded with a dashboard session: pass --dashboard-token"
                return outcome
            authorization = f"Bearer {self.dashboard_token}"
        else:
            authorization = f"ApiKey {self.api_key}"
        path = self._mapped_text(recorded.path)
        query = {k: self._mapped_text(v) for k, v in recorded.query.items()}
        target = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
        headers = [
            (name, self._fresh_key(value) if name.lower() == "idempotency-key" else value)
            for name, value in recorded.request_headers.items()
            if name.lower() != "authorization"
        ]
        if authorization is not None:
            headers.append(("Authorization", authorization))
        body = (
            b""
            if recorded.request_body is None
            else encode_json(self._mapped(recorded.request_body))
        )
        started = time.perf_counter()
        try:
            status, answer_headers, payload = self.upstream.send(
                recorded.method, target, headers, body
            )
        except UpstreamError as exc:
            outcome.problems.append(str(exc))
            return outcome
        outcome.seconds = time.perf_counter() - started
        actual = parse_body(payload)
        found = self.router.match(recorded.method, path)
        deleter = self.deleters.get(found[0].operation_id) if found is not None else None
        if authorization is not None and deleter is not None and 200 <= status < 300:
            data = actual.get("data") if isinstance(actual, dict) else None
            filled = _filled(deleter, data) if isinstance(data, dict) else None
            if filled is not None:
                self.created.append((filled, authorization))
        if status != recorded.status:
            outcome.problems.append(f"status {status}, recorded {recorded.status}")
        self._learn_ids(recorded.response_body, actual)
        outcome.problems.extend(self._compare(recorded.response_body, actual, "$"))
        if found is not None:
            operation, path_params = found
            answered = Interaction(
                method=recorded.method,
                path=path,
                query=query,
                request_headers=dict(headers),
                request_body=parse_body(body),
                status=status,
                response_headers=dict(answer_headers),
                response_body=actual,
            )
            spec_problems = [
                line
                for line in interaction_violations(self.contract, operation, path_params, answered)
                if line.startswith("response")
            ]
            outcome.problems.extend(f"spec: {line}" for line in spec_problems)
        return outcome

    def _fresh_key(self, recorded: str) -> str:
        """This run's key for a recorded idempotency key: the same within the run (a recorded
        replay is replayed), new in every run."""
        if recorded not in self.idempotency_keys:
            self.idempotency_keys[recorded] = f"verify-{uuid.uuid4()}"
        return self.idempotency_keys[recorded]

    # ---- ids ---------------------------------------------------------------------------

    def _learn_ids(self, recorded: Any, actual: Any) -> None:
        """Walk both answers together; a recorded ObjectId stands for the target's in its place."""
        if isinstance(recorded, dict) and isinstance(actual, dict):
            for key, value in recorded.items():
                if key in actual:
                    self._learn_ids(value, actual[key])
        elif isinstance(recorded, list) and isinstance(actual, list):
            for left, right in zip(recorded, actual, strict=False):
                self._learn_ids(left, right)
        elif (
            isinstance(recorded, str)
            and isinstance(actual, str)
            and _OBJECT_ID.match(recorded)
            and _OBJECT_ID.match(actual)
        ):
            self.ids.setdefault(recorded, actual)

    def _mapped_text(self, text: str) -> str:
        for recorded, actual in self.ids.items():
            text = text.replace(recorded, actual)
        return text

    def _mapped(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: self._mapped(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._mapped(item) for item in value]
        if isinstance(value, str):
            return self._mapped_text(value)
        return value

    # ---- comparison --------------------------------------------------------------------

    def _compare(self, recorded: Any, actual: Any, where: str) -> list[str]:
        if recorded == SECRET_MASK:
            return []  # a secret the recorder masked: its value cannot be compared
        if isinstance(recorded, dict) and isinstance(actual, dict):
            problems = []
            for key in sorted(recorded.keys() | actual.keys()):
                at = f"{where}.{key}"
                if key not in actual:
                    problems.append(f"{at}: missing (recorded {_short(recorded[key])})")
                elif key not in recorded:
                    problems.append(f"{at}: not in the recording (got {_short(actual[key])})")
                elif key in self.volatile:
                    if type(recorded[key]) is not type(actual[key]):
                        kind = type(recorded[key]).__name__
                        problems.append(f"{at}: {_short(actual[key])}, recorded a {kind}")
                elif key == "identifier" and _same_generated(recorded[key], actual[key]):
                    continue
                elif key == "path" and isinstance(recorded[key], str):
                    if self._mapped_text(recorded[key]) != actual[key]:
                        problems.append(
                            f"{at}: {_short(actual[key])}, recorded {_short(recorded[key])}"
                        )
                else:
                    problems.extend(self._compare(recorded[key], actual[key], at))
            return problems
        if isinstance(recorded, list) and isinstance(actual, list):
            if len(recorded) != len(actual):
                return [f"{where}: {len(actual)} items, recorded {len(recorded)}"]
            problems = []
            for index, (left, right) in enumerate(zip(recorded, actual, strict=True)):
                problems.extend(self._compare(left, right, f"{where}[{index}]"))
            return problems
        if isinstance(recorded, str) and isinstance(actual, str):
            if self._mapped_text(recorded) == actual:
                return []
        elif recorded == actual and type(recorded) is type(actual):
            return []
        return [f"{where}: {_short(actual)}, recorded {_short(recorded)}"]


def _same_generated(recorded: Any, actual: Any) -> bool:
    if not (isinstance(recorded, str) and isinstance(actual, str)):
        return False
    if recorded == actual:
        return True
    left, right = _GENERATED_IDENTIFIER.match(recorded), _GENERATED_IDENTIFIER.match(actual)
    return bool(left and right and left.group("slug") == right.group("slug"))


def _short(value: Any, limit: int = 80) -> str:
    text = orjson.dumps(value).decode() if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def junit_xml(reports: Sequence[Report]) -> bytes:
    """One <testsuite> per cassette, one <testcase> per interaction, <failure> for mismatches."""
    suites = ElementTree.Element("testsuites")
    for report in reports:
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=f"verify {report.cassette}",
            tests=str(len(report.outcomes)),
            failures=str(len(report.failures)),
        )
        for outcome in report.outcomes:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                classname=report.cassette,
                name=f"#{outcome.index} {outcome.label}",
                time=f"{outcome.seconds:.3f}",
            )
            if outcome.skipped:
                ElementTree.SubElement(case, "skipped", message=outcome.skipped)
            elif not outcome.passed:
                failure = ElementTree.SubElement(
                    case, "failure", message=outcome.problems[0], type="mismatch"
                )
                failure.text = "\n".join(outcome.problems)
    document: bytes = ElementTree.tostring(suites, encoding="utf-8", xml_declaration=True)
    return document


def _filled(template: str, made: dict[str, Any]) -> str | None:
    """A deleting path with each `{field}` the created object's value (None if one lacks)."""
    names = re.findall(r"{(\w+)}", template)
    if not all(isinstance(made.get(name), str) for name in names):
        return None
    return re.sub(r"{(\w+)}", lambda found: quote(made[found.group(1)], safe=""), template)
