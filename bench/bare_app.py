"""The yardstick: a bare Flask app that answers each benchmark request with the bytes the mock
gave for it (captured just before), served by the same WSGI server as the mock.

`python -m bench.bare_app CANNED.json [--server granian|waitress]`; CANNED maps
`canned_key(method, path, body)` to {"status", "body"}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from flask import Flask, Response, request

from mockserver.runtime import wsgi_servers


def canned_key(method: str, path: str, body: bytes) -> str:
    """Create and the failing create share a method and path: the body tells them apart."""
    return f"{method} {path} {hashlib.sha256(body).hexdigest()[:16]}"


def build(canned: dict[str, dict[str, object]]) -> Flask:
    answers = {
        key: (int(str(value["status"])), str(value["body"]).encode())
        for key, value in canned.items()
    }
    app = Flask("bare")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def answer(path: str) -> Response:
        status, body = answers[canned_key(request.method, "/" + path, request.get_data())]
        return Response(body, status=status, content_type="application/json; charset=utf-8")

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("canned", type=Path)
    parser.add_argument("--server", choices=wsgi_servers.SERVERS, default="granian")
    parser.add_argument("--threads", type=int, default=4)  # as `mockserver serve`
    args = parser.parse_args()
    app = build(json.loads(args.canned.read_text()))
    listen = wsgi_servers.Listen(host="127.0.0.1", port=0, threads=args.threads)
    wsgi_servers.run(args.server, app, listen, lambda url: print(f"bare app on {url}", flush=True))


if __name__ == "__main__":
    main()
