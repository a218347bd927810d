"""`GET /__mock/health` and `GET /__mock/ready`, for CI jobs and orchestrators waiting on the mock.

Both answer whatever the admin settings (with `--no-admin` too, and without the admin token:
they reveal nothing), and neither enters the journal or the request log. Health says the
process answers; ready says the seeded start, and any dataset, is loaded (it is not while a
reset rebuilds the state).
"""

from __future__ import annotations

from flask import Blueprint, Response

from mockserver.http.encoding import JSON_CONTENT_TYPE, encode_json
from mockserver.http.pipeline import current_server

HEALTH_PATH = "/__mock/health"
READY_PATH = "/__mock/ready"
health = Blueprint("mockserver_health", __name__)


@health.get(HEALTH_PATH)
def liveness() -> Response:
    return Response(encode_json({"status": "ok"}), content_type=JSON_CONTENT_TYPE)


@health.get(READY_PATH)
def readiness() -> Response:
    server = current_server()
    dataset = server.dataset.path.name if server.dataset is not None else None
    body = {"ready": server.ready, "seed": server.seed, "dataset": dataset}
    return Response(
        encode_json(body), status=200 if server.ready else 503, content_type=JSON_CONTENT_TYPE
    )
