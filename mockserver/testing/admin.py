"""The admin API under /__mock: state, environments, the request journal and faults.

Off with `--no-admin`; with `--admin-token T` every call needs `Authorization: Bearer T` (or
`?token=T`, for a browser on the inspector page).
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from flask import Blueprint, Response, request

from mockserver.contract.documents import MAX_NESTING, nested_deeper_than
from mockserver.http.encoding import JSON_CONTENT_TYPE, encode_json
from mockserver.http.health import HEALTH_PATH, READY_PATH
from mockserver.http.pipeline import current_server
from mockserver.novu.errors import NovuError
from mockserver.settings import DEFAULT_SEED
from mockserver.state.clock import iso_timestamp
from mockserver.state.snapshot import SnapshotError, export_state
from mockserver.testing.faults import FaultError
from mockserver.testing.journal import JournalFilter

admin = Blueprint("mockserver_admin", __name__, url_prefix="/__mock")


# The largest body an admin call takes (a state document of ~25,000 objects); the README
# says so. Larger ones are refused with 413 before they are read.
MAX_ADMIN_BODY = 32 * 1024 * 1024


class AdminError(Exception):
    def __init__(self, status: int, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = problems


def _json(payload: Any, status: int = 200) -> Response:
    return Response(encode_json(payload), status=status, content_type=JSON_CONTENT_TYPE)


@admin.app_errorhandler(AdminError)
def _admin_error(error: AdminError) -> Response:
    body: dict[str, Any] = {
        "statusCode": error.status,
        "path": request.path,
        "message": error.message,
    }
    if error.problems is not None:
        body["problems"] = error.problems
    return _json(body, error.status)


ADMIN_PREFIX = "/__mock"
# How far one call may move the clock: beyond it a timestamp leaves what the state document
# can hold.
MAX_ADVANCE_SECONDS = 10 * 365 * 86400
# Paths under the prefix that reveal nothing and stay open to whoever can reach the server.
OPEN_PATHS = frozenset({HEALTH_PATH, READY_PATH})


def require_admin_token() -> None:
    """Every path under /__mock needs the token when one is set: the admin API, the inspector
    page (which shows every key and the journal) and paths that match nothing there, so a
    caller without the token learns nothing, not even which admin routes exist.

    Registered on the app, not on a blueprint: a blueprint's guard covers its own routes only,
    which is how the inspector once answered without the token."""
    path = request.path
    if not (path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")) or path in OPEN_PATHS:
        return
    token = current_server().settings.admin_token
    if token is None:
        return
    offered = request.args.get("token", "")
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme == "Bearer":
        offered = credential
    if not hmac.compare_digest(offered.encode(), token.encode()):
        raise AdminError(401, "the admin API needs the admin token (Authorization: Bearer ...)")


def _body() -> Any:
    length = request.content_length
    if length is not None and length > MAX_ADMIN_BODY:
        raise AdminError(413, f"the body is over the admin API's limit of {MAX_ADMIN_BODY} bytes")
    raw = request.stream.read(MAX_ADMIN_BODY + 1)
    if len(raw) > MAX_ADMIN_BODY:
        raise AdminError(413, f"the body is over the admin API's limit of {MAX_ADMIN_BODY} bytes")
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw, parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise AdminError(400, f"the body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise AdminError(400, f"the body is nested more than {MAX_NESTING} levels deep") from exc
    if nested_deeper_than(parsed, MAX_NESTING):
        raise AdminError(400, f"the body is nested more than {MAX_NESTING} levels deep")
    return parsed


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _object_body() -> dict[str, Any]:
    body = _body()
    if not isinstance(body, dict):
        raise AdminError(400, "the body must be a JSON object")
    return body


# ---- environments and state --------------------------------------------------------------


@admin.get("/environments")
def list_environments() -> Response:
    """Organizations, their environments and the credentials to reach each one."""
    server = current_server()
    with server.store.lock:
        organizations = [
            {
                "_id": organization.id,
                "name": organization.name,
                "dashboardToken": organization.dashboard_token,
                "environments": [
                    {
                        "_id": environment.id,
                        "name": environment.name,
                        "identifier": environment.identifier,
                        "apiKey": environment.api_key,
                        **{
                            key: count
                            for resource in server.resources
                            for key, count in resource.summary(environment).items()
                        },
                    }
                    for environment in organization.environments.values()
                ],
            }
            for organization in server.organizations
        ]
    return _json({"organizations": organizations})


@admin.post("/environments")
def create_environment() -> Response:
    """A new isolated environment (in an organization of its own), seeded from its label."""
    server = current_server()
    body = _object_body()
    label = body.get("label")
    api_key = body.get("apiKey")
    if label is not None and not isinstance(label, str):
        raise AdminError(400, "label must be a string")
    if api_key is not None and (not isinstance(api_key, str) or not api_key.strip()):
        raise AdminError(400, "apiKey must be a non-empty string")
    with server.store.lock:
        # A label or key already in use is the server's Conflict (409); nothing is replaced.
        try:
            environment = server.isolated_environment(label, api_key=api_key)
        except NovuError as exc:
            raise AdminError(exc.status, exc.message) from exc
        organization = server.store.organizations[environment.organization_id]
    return _json(
        {
            "organizationId": organization.id,
            "dashboardToken": organization.dashboard_token,
            "_id": environment.id,
            "name": environment.name,
            "label": environment.seed_label,
            "apiKey": environment.api_key,
        },
        201,
    )


@admin.post("/reset")
def reset() -> Response:
    """Everything back to the seeded start, or one environment (`{"environmentId": ...}`)."""
    server = current_server()
    environment_id = _object_body().get("environmentId")
    if environment_id is None:
        server.reset()
        return _json({"reset": "all", "seed": server.seed})
    environment = next(
        (
            o.environments[environment_id]
            for o in server.organizations
            if environment_id in o.environments
        ),
        None,
    )
    if environment is None:
        raise AdminError(404, f"no environment with id {environment_id}")
    server.reset_environment(environment)
    return _json({"reset": environment_id, "seed": server.seed})


@admin.post("/seed")
def reseed() -> Response:
    server = current_server()
    seed = _object_body().get("seed", DEFAULT_SEED)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise AdminError(400, "seed must be a whole number")
    server.reseed(seed)
    return _json({"seed": seed})


@admin.get("/state")
def get_state() -> Response:
    server = current_server()
    return _json({"seed": server.seed, **export_state(server.store, server.resources)})


@admin.put("/state")
def put_state() -> Response:
    server = current_server()
    document = _object_body()
    seed = document.pop("seed", server.seed)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise AdminError(400, "seed must be a whole number")
    try:
        server.import_state(document)
    except SnapshotError as exc:
        raise AdminError(400, str(exc), exc.problems) from exc
    server.seed = seed
    return _json({"imported": True})


# ---- the journal -------------------------------------------------------------------------


def _journal_filter() -> JournalFilter:
    args = request.args

    def flag(name: str) -> bool | None:
        value = args.get(name)
        return None if value is None else value.lower() in ("1", "true", "yes")

    status = args.get("status")
    if status is not None and not status.isdigit():
        raise AdminError(400, "status must be a number")
    return JournalFilter(
        method=args.get("method"),
        path=args.get("path"),
        operation_id=args.get("operationId"),
        status=int(status) if status else None,
        environment_id=args.get("environment"),
        since=args.get("since"),
        matched=flag("matched"),
        with_violations=flag("violations"),
    )


@admin.get("/requests")
def list_requests() -> Response:
    server = current_server()
    entries = server.journal.entries(_journal_filter())
    limit = request.args.get("limit", "")
    if limit.isdigit():
        entries = entries[: int(limit)]
    return _json({"requests": [e.to_json() for e in entries], "capacity": server.journal.capacity})


@admin.get("/requests/count")
def count_requests() -> Response:
    return _json({"count": len(current_server().journal.entries(_journal_filter()))})


@admin.get("/requests/unmatched")
def unmatched_requests() -> Response:
    entries = current_server().journal.entries(JournalFilter(matched=False))
    return _json({"requests": [e.to_json() for e in entries]})


@admin.delete("/requests")
def clear_requests() -> Response:
    current_server().journal.clear()
    return _json({"cleared": True})


# ---- faults ------------------------------------------------------------------------------


@admin.get("/faults")
def list_faults() -> Response:
    return _json({"faults": [f.to_json() for f in current_server().faults.list()]})


@admin.post("/faults")
def add_fault() -> Response:
    """Define a fault; its status and body are checked against the contract first."""
    server = current_server()
    try:
        fault = server.faults.add(_body(), server.operations.values())
    except FaultError as exc:
        raise AdminError(400, str(exc)) from exc
    return _json(fault.to_json(), 201)


@admin.delete("/faults")
def clear_faults() -> Response:
    current_server().faults.clear()
    return _json({"cleared": True})


@admin.delete("/faults/<fault_id>")
def remove_fault(fault_id: str) -> Response:
    if not current_server().faults.remove(fault_id):
        raise AdminError(404, f"no fault with id {fault_id} (it may have run out)")
    return _json({"removed": fault_id})


@admin.get("/clock")
def read_clock() -> Response:
    clock = current_server().clock
    return _json({"now": iso_timestamp(clock.now()), "frozen": clock.frozen})


@admin.post("/clock")
def move_clock() -> Response:
    """`{"advanceSeconds": n}`: move the frozen clock forward; what delays held back and has
    come due is delivered now."""
    body = _object_body()
    seconds = body.get("advanceSeconds")
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
        raise AdminError(400, "advanceSeconds must be a number of seconds, 0 or more")
    if seconds > MAX_ADVANCE_SECONDS:
        raise AdminError(400, f"advanceSeconds is at most {MAX_ADVANCE_SECONDS} (ten years)")
    try:
        moment = current_server().advance_clock(float(seconds))
    except ValueError as refused:
        raise AdminError(409, str(refused)) from refused
    return _json({"now": iso_timestamp(moment), "frozen": True})


@admin.get("/<view>")
def read_view(view: str) -> Response:
    """A resource's view (Resource.views), e.g. `GET /__mock/outbox?channel=email`: entries
    of every environment, oldest first, or of one (`environmentId=`); the other query
    parameters filter."""
    server = current_server()
    offered = [(r, r.views[view]) for r in server.resources if view in r.views]
    if not offered:
        raise AdminError(404, f"no admin route or view named {view!r}")
    resource, read = offered[0]
    filters = {k: v for k, v in request.args.items() if k not in ("environmentId", "token")}
    wanted = request.args.get("environmentId")
    with server.store.lock:
        environments = [
            environment
            for organization in server.store.organizations.values()
            for environment in organization.environments.values()
            if wanted is None or environment.id == wanted
        ]
        entries = [entry for e in environments for entry in read(resource, e, filters)]
    return _json({"data": entries, "totalCount": len(entries)})
