"""`mockserver serve`: the mock on a production WSGI server, in one process."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from mockserver import __version__
from mockserver.cli import replay as replay_commands
from mockserver.cli.options import (
    EnvOptions,
    HelpFormatter,
    host_address,
    port_number,
    whole_number,
)
from mockserver.contract import DocumentError
from mockserver.contract.novu_document import novu_document
from mockserver.novu.ratelimit import TIERS
from mockserver.runtime import wsgi_servers
from mockserver.runtime.request_log import JsonLogFormatter, LogFormat
from mockserver.settings import DEFAULT_SEED, Settings, ValidationMode

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4010
# How IMPLEMENTATION_COVERAGE.md names Novu's published document.
NOVU_LABEL = "Novu's published document (`--novu-api`)"


ENV = EnvOptions()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mockserver",
        description="A stateful, contract-validating mock of Novu's REST API.",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mockserver {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        parents=[_listening_options()],
        help="run the mock server",
        formatter_class=HelpFormatter,
    )
    ENV.add(
        serve,
        "--fixtures",
        type=Path,
        default=None,
        help="a seed dataset (YAML/JSON) to start from, on top of or instead of the seed",
    )
    ENV.add(
        serve,
        "--seed",
        type=int,
        default=str(DEFAULT_SEED),
        help="seed for the generated data: the same seed gives the same data",
    )
    ENV.add(serve, "--spec", type=Path, default=None, help="OpenAPI document to serve and check")
    serve.add_argument(
        "--novu-api",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="serve the whole of Novu's published API: its document from PATH, else "
        "$MOCKSERVER_NOVU_OPENAPI, a cached copy or api.novu.co (the hand-modelled resources "
        "answer their operations, the inferred engine the rest)",
    )
    serve.add_argument(
        "--no-infer",
        action="store_true",
        help="answer the operations no resource models by hand with 501 instead of inferring "
        "them from the document",
    )
    ENV.add(
        serve,
        "--structure",
        type=Path,
        default=None,
        help="a JSON Structure document; it replaces the bundled one of the same `name` (the "
        "schema component it describes)",
    )
    ENV.add(
        serve,
        "--validation",
        choices=[m.value for m in ValidationMode],
        default=ValidationMode.WARN.value,
        help="what a response that breaks the contract does",
    )
    ENV.add(
        serve,
        "--frozen-time",
        type=_timestamp,
        default=None,
        help="freeze the clock (ISO 8601) for byte-identical answers",
    )
    serve.add_argument(
        "--check-spec",
        action="store_true",
        help="validate the whole OpenAPI document with openapi-core first; refuse it if invalid",
    )
    ENV.add(
        serve,
        "--rate-limit",
        choices=sorted(TIERS),
        default=None,
        help="turn on Novu's per-environment token bucket for API keys, by tier",
    )
    serve.add_argument(
        "--any-key",
        action="store_true",
        help="give an unseen API key an environment of its own, seeded from (seed, key)",
    )
    ENV.add(
        serve,
        "--journal-size",
        type=whole_number(0),
        default="1000",
        help="exchanges the request journal keeps (0 turns it off)",
    )
    ENV.add(
        serve,
        "--journal-mb",
        type=whole_number(1),
        default="64",
        help="memory the journal may hold, in MiB; the oldest exchanges go first",
    )
    serve.add_argument("--no-admin", action="store_true", help="turn the /__mock admin API off")
    ENV.add(
        serve,
        "--admin-token",
        default=None,
        help="require this token (Authorization: Bearer ...) on every path under /__mock",
    )
    serve.add_argument(
        "--unsafe-open-admin",
        action="store_true",
        help="serve the admin API without a token on an address beyond loopback (anyone who "
        "reaches the port can read every API key and credential)",
    )
    diff = commands.add_parser(
        "spec-diff",
        help="compare the operations the mock serves in two OpenAPI documents",
        formatter_class=HelpFormatter,
    )
    diff.add_argument("left", type=Path, help="document A")
    diff.add_argument("right", type=Path, help="document B")
    diff.add_argument(
        "--intended", type=Path, help="YAML list of {match, why}: differences that are on purpose"
    )
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    # Each command gets listening options of its own: argparse's parents share action objects,
    # and record and replay set other --port defaults than serve's.
    replay_commands.add_parsers(commands, _listening_options, ENV)
    coverage = commands.add_parser(
        "coverage",
        help="write IMPLEMENTATION_COVERAGE.md: which operations are implemented",
        formatter_class=HelpFormatter,
    )
    coverage.add_argument(
        "--output", type=Path, default=Path("IMPLEMENTATION_COVERAGE.md"), help="file to write"
    )
    coverage.add_argument(
        "--novu-api",
        type=Path,
        default=None,
        metavar="PATH",
        help="also list Novu's published document (this file), operation by operation",
    )
    wire = commands.add_parser(
        "wire-spec",
        help="print the wire form of a document the mock serves: what its clients get, for "
        "another tool to check the mock against (Novu's published document by default)",
        formatter_class=HelpFormatter,
    )
    wire.add_argument("--spec", type=Path, default=None, help="the document (else --novu-api's)")
    wire.add_argument(
        "--novu-api", default=None, metavar="PATH", help="Novu's published document, as for serve"
    )
    wire.add_argument("--output", type=Path, default=None, help="file to write (else stdout)")
    for command in commands.choices.values():
        if any("[env " in (action.help or "") for action in command._actions):
            command.epilog = ENV.epilog(command)
    return parser


def _listening_options() -> argparse.ArgumentParser:
    """Where and how a command that serves HTTP listens: serve, record and replay."""
    listening = argparse.ArgumentParser(add_help=False)
    ENV.add(
        listening,
        "--host",
        type=host_address,
        default=DEFAULT_HOST,
        help="address to bind (127.0.0.1: reachable from this machine only)",
    )
    ENV.add(
        listening,
        "--port",
        type=port_number,
        default=str(DEFAULT_PORT),
        help="port to listen on; 0 picks a free one",
    )
    ENV.add(
        listening,
        "--server",
        choices=wsgi_servers.SERVERS,
        default="granian",
        help="WSGI server: granian (Rust, fastest) or waitress (pure Python)",
    )
    ENV.add(
        listening,
        "--threads",
        type=whole_number(1),
        default="4",
        help="threads that run requests (more wait longer on the GIL; bench/)",
    )
    ENV.add(
        listening,
        "--log-level",
        choices=list(LOG_LEVELS),
        default="info",
        help="info: a line per request on stderr; warning or error: only problems",
    )
    ENV.add(
        listening,
        "--log-format",
        choices=[f.value for f in LogFormat],
        default=LogFormat.TEXT.value,
        help="the request lines as text, or as one JSON object a line",
    )
    return listening


def _timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO 8601 time") from None


def serve(args: argparse.Namespace) -> int:
    from mockserver.http.app import create_app

    spec = args.spec
    if args.novu_api is not None:
        if spec is not None:
            print("mockserver: --spec and --novu-api name two documents; give one", file=sys.stderr)
            return 2
        try:
            spec = novu_document(Path(args.novu_api) if args.novu_api else None)
        except DocumentError as exc:
            print(f"mockserver: {exc}", file=sys.stderr)
            return 2
    settings = Settings(
        seed=args.seed,
        spec_path=spec,
        infer=not args.no_infer,
        structure_paths=(args.structure,) if args.structure else (),
        fixtures_path=args.fixtures,
        validation=ValidationMode(args.validation),
        frozen_time=args.frozen_time,
        rate_limit=args.rate_limit,
        check_spec=args.check_spec,
        any_key=args.any_key,
        journal_size=args.journal_size,
        journal_max_bytes=args.journal_mb * 1024 * 1024,
        admin=not args.no_admin,
        admin_token=args.admin_token,
        request_log=LogFormat(args.log_format) if _logs_requests(args) else None,
    )
    try:
        app = create_app(settings)
    except DocumentError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    mock = app.extensions["mockserver"]
    listen = wsgi_servers.Listen(host=args.host, port=args.port, threads=args.threads)
    wsgi_servers.run(
        args.server,
        app,
        listen,
        lambda url: print(banner(mock, url, args.server, args.threads), flush=True),
    )
    return 0


def wire_spec(args: argparse.Namespace) -> int:
    import json

    from mockserver.contract import default_spec_path
    from mockserver.contract.documents import load_document
    from mockserver.contract.wire import wire_document
    from mockserver.resources.registry import resource_classes

    try:
        spec = args.spec or novu_document(Path(args.novu_api) if args.novu_api else None)
        document = load_document(spec)
    except DocumentError as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    modelled = {name for cls in resource_classes() for name in cls.handlers}
    wire = wire_document(document, load_document(default_spec_path()), modelled)
    text = json.dumps(wire, indent=1, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def banner(mock: object, url: str, server: str, threads: int) -> str:
    from mockserver.server import MockServer

    assert isinstance(mock, MockServer)
    lines = [
        f"mockserver listening on {url}",
        f"  server: {server}, {threads} threads",
        f"  spec: {mock.contract.spec_path} ({len(mock.contract.operations)} operations)",
        *(
            f"  structure: {structure.source} ({structure.rendering})"
            for structure in mock.contract.structures.documents.values()
        ),
        *(
            [f"  served as the bundled spec describes them: {', '.join(mock.borrowed)}"]
            if mock.borrowed
            else []
        ),
        f"  seed: {mock.settings.seed}   validation: {mock.settings.validation.value}"
        f"   rate limit: {mock.settings.rate_limit or 'off'}",
        *(
            [
                f"  dataset: {mock.dataset.path} ("
                + ("instead of" if mock.dataset.replace_seed else "on top of")
                + " the seed)"
            ]
            if mock.dataset is not None
            else []
        ),
    ]
    for organization in mock.organizations:
        lines.append(f"  organization {organization.name} ({organization.id})")
        lines.append(f"    dashboard token: {organization.dashboard_token}")
        for environment in organization.environments.values():
            lines.append(f"    {environment.name:<12} Authorization: ApiKey {environment.api_key}")
    return "\n".join(lines)


def parse_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    # A variable's value is checked before argparse reads it, so the error names the variable.
    problems = ENV.problems()
    if problems:
        parser.error(problems[0])
    args = parser.parse_args(argv)
    if args.command == "serve":
        open_admin = not args.no_admin and not args.admin_token and not args.unsafe_open_admin
        if open_admin and not is_loopback(args.host):
            parser.error(
                f"--host {args.host} listens beyond this machine, and without --admin-token "
                "anyone who reaches the port can read every API key and credential through "
                "/__mock/state: give --admin-token T (or --no-admin), or --unsafe-open-admin "
                "to serve it open anyway"
            )
    return args


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only. A name other than localhost may
    resolve anywhere, so it counts as beyond loopback."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def _logs_requests(args: argparse.Namespace) -> bool:
    return LOG_LEVELS[getattr(args, "log_level", "info")] <= logging.INFO


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(build_parser(), argv)
    level = LOG_LEVELS[getattr(args, "log_level", "info")]
    handler = logging.StreamHandler()
    if getattr(args, "log_format", "text") == LogFormat.JSON:
        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    try:
        if args.command == "serve":
            return serve(args)
        if args.command in ("record", "replay", "verify"):
            command: Callable[[argparse.Namespace], int] = getattr(replay_commands, args.command)
            return command(args)
    except (DocumentError, wsgi_servers.PortInUse) as exc:
        print(f"mockserver: {exc}", file=sys.stderr)
        return 2
    if args.command == "coverage":
        from mockserver.cli.coverage import render
        from mockserver.contract import default_spec_path

        spec = default_spec_path()
        documents = [(spec, f"The project's spec, `specs/{spec.name}`")]
        if args.novu_api is not None:
            documents.append((args.novu_api, NOVU_LABEL))
        args.output.write_text(render(documents))
        print(f"wrote {args.output}")
        return 0
    if args.command == "wire-spec":
        return wire_spec(args)
    if args.command == "spec-diff":
        from mockserver.contract.specdiff import run
        from mockserver.resources.registry import resource_classes

        prefixes = [prefix for cls in resource_classes() for prefix in cls.path_prefixes]
        try:
            return run(args.left, args.right, args.intended, args.json, prefixes)
        except DocumentError as exc:
            print(f"mockserver: {exc}", file=sys.stderr)
            return 2
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
