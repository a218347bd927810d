"""`GET /__mock/`: the inspector, a page for people beside the app they are building.

The page is one self-contained document (its script and styles inline, no external assets),
which reads the admin API: the journal (`/__mock/requests`, polled, so new exchanges appear
without a reload), faults, the state export and import, resets. What it shows of the state
comes from `/__mock/inspector/state`, each resource's own tables for people, with API keys and
tokens cut to their last four characters: the page never holds a secret it does not need. Only
a curl command copied "with the key" asks `/__mock/environments` for the real one.

Like every admin path, the page and its calls obey `--admin-token` (`?token=` in the address,
which the page passes on as `Authorization: Bearer`), and none of them enters the journal.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template

from mockserver.http.encoding import JSON_CONTENT_TYPE, encode_json
from mockserver.http.pipeline import current_server
from mockserver.novu.secrets import SECRET_MASK

inspector = Blueprint("mockserver_inspector", __name__, template_folder="templates")
# How often the page asks for new exchanges, and how many it shows at most.
POLL_MILLISECONDS = 1000
SHOWN_EXCHANGES = 200


@inspector.get("/__mock/")
def page() -> str:
    server = current_server()
    return render_template(
        "inspector.html",
        title=server.contract.title,
        poll_ms=POLL_MILLISECONDS,
        shown=SHOWN_EXCHANGES,
    )


@inspector.get("/__mock/inspector/state")
def state() -> Response:
    """What the page shows: settings, operations (for the filters and the fault form), and
    each organization's environments with every resource's tables."""
    server = current_server()
    with server.store.lock:
        organizations = [
            {
                "_id": organization.id,
                "name": organization.name,
                "dashboardToken": _hint(organization.dashboard_token),
                "environments": [
                    {
                        "_id": environment.id,
                        "name": environment.name,
                        "label": environment.seed_label,
                        "apiKey": _hint(environment.api_key),
                        "counts": {
                            name: count
                            for resource in server.resources
                            for name, count in resource.summary(environment).items()
                        },
                        "tables": [
                            {"title": table.title, "columns": table.columns, "rows": table.rows}
                            for resource in server.resources
                            for table in resource.tables(environment)
                        ],
                    }
                    for environment in organization.environments.values()
                ],
            }
            for organization in server.organizations
        ]
    payload: dict[str, Any] = {
        "title": server.contract.title,
        "seed": server.seed,
        "validation": server.settings.validation.value,
        "operations": [
            {
                "operationId": operation.operation_id,
                "method": operation.method,
                "path": operation.path,
                "errorStatuses": sorted(int(s) for s in operation.responses if s[:1] in "45"),
            }
            for operation in sorted(server.operations.values(), key=lambda o: o.path)
            if operation.compiled
        ],
        "organizations": organizations,
    }
    return Response(encode_json(payload), content_type=JSON_CONTENT_TYPE)


def _hint(secret: str) -> str:
    """Enough of a key or token to tell two apart: the mask and its last four characters."""
    return SECRET_MASK + secret[-4:] if len(secret) > 8 else SECRET_MASK
