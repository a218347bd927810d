"""The admin API under /__mock: inspect the seeded environments and reset the state."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from mockserver.pipeline import JSON_CONTENT_TYPE, current_server, encode_json

admin = Blueprint("mockserver_admin", __name__, url_prefix="/__mock")


def _json(payload: Any, status: int = 200) -> Response:
    return Response(encode_json(payload), status=status, content_type=JSON_CONTENT_TYPE)


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
                        "integrations": sum(1 for _ in environment.live()),
                    }
                    for environment in organization.environments.values()
                ],
            }
            for organization in server.organizations
        ]
    return _json({"organizations": organizations})


@admin.post("/reset")
def reset() -> Response:
    server = current_server()
    server.reset()
    return _json({"reset": True, "seed": server.settings.seed})
