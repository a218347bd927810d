"""`mockserver record`, `mockserver replay` and `mockserver verify`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockserver.cli.options import ENV_PREFIX, EnvOptions, HelpFormatter
from mockserver.contract import Contract, DocumentError, load_contract
from mockserver.replay.cassette import Cassette, Interaction, load_cassette
from mockserver.replay.options import ATTRIBUTES, RecordMode, parse_match_on
from mockserver.replay.proxy import CassetteApp
from mockserver.replay.secrets import SecretFilter
from mockserver.replay.upstream import HttpUpstream
from mockserver.replay.verify import Verifier, junit_xml
from mockserver.resources.registry import resource_classes, structure_paths
from mockserver.runtime import wsgi_servers

# Not serve's 4010, so that a recorder in front of a local mock, or a replay beside one, can
# start with no --port at all.
RECORD_PORT = 4011
REPLAY_PORT = 4012


def add_parsers(
    commands: Any, listening: Callable[[], argparse.ArgumentParser], env: EnvOptions
) -> None:
    """`listening()` makes --host, --port, --server and --threads, as serve has them."""
    record = commands.add_parser(
        "record",
        parents=[listening()],
        help="proxy to a Novu-compatible server, validating both ways, and record a cassette",
        formatter_class=HelpFormatter,
    )
    record.set_defaults(port=_port_default(RECORD_PORT))
    record.add_argument("--upstream", required=True, help="the server to forward to (URL)")
    record.add_argument("--cassette", type=Path, required=True, help="file to write (.yaml/.json)")
    record.add_argument(
        "--mode",
        type=RecordMode,
        choices=list(RecordMode),
        default=RecordMode.ONCE,
        help="VCR.py record mode",
    )
    record.add_argument(
        "--filter-key",
        action="append",
        default=[],
        metavar="KEY",
        help="also mask this body key (repeatable)",
    )
    record.add_argument(
        "--filter-header", action="append", default=[], metavar="NAME", help="also mask it"
    )
    record.add_argument(
        "--filter-query",
        action="append",
        default=[],
        metavar="NAME",
        help="also mask this query parameter (names that look secret always are)",
    )
    record.add_argument(
        "--allow-header",
        action="append",
        default=[],
        metavar="NAME",
        help="keep this header although its name looks secret (repeatable)",
    )
    _matching_options(record)
    _spec_option(record)

    replay = commands.add_parser(
        "replay",
        parents=[listening()],
        help="serve recorded answers from cassettes, offline",
        formatter_class=HelpFormatter,
    )
    replay.set_defaults(port=_port_default(REPLAY_PORT))
    replay.add_argument("cassettes", type=Path, nargs="+", help="cassette files, played in order")
    replay.add_argument(
        "--fallback",
        choices=["none", "mock"],
        default="none",
        help="answer unmatched requests with an error naming the nearest (none) or the mock",
    )
    replay.add_argument(
        "--seed", type=int, default=None, help="the fallback mock's seed (default: serve's)"
    )
    replay.add_argument(
        "--repeat", action="store_true", help="once played out, answer with the last again"
    )
    _matching_options(replay)
    _spec_option(replay)

    verify = commands.add_parser(
        "verify",
        help="send a cassette's requests to a live server and compare its answers",
        formatter_class=HelpFormatter,
    )
    verify.add_argument("cassettes", type=Path, nargs="+", help="cassette files to check")
    verify.add_argument("--target", required=True, help="the server to check (URL)")
    verify.add_argument("--api-key", required=True, help="an API key of the target")
    verify.add_argument(
        "--dashboard-token",
        help="a dashboard session token of the target, for interactions recorded with one "
        "(skipped without it)",
    )
    verify.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="FIELD",
        help="a further volatile field, compared by type only (repeatable)",
    )
    verify.add_argument("--junit", type=Path, help="also write a JUnit XML report here")
    verify.add_argument(
        "--cleanup",
        action="store_true",
        help="delete what the run created on the target (integrations, ...), once it is done",
    )
    _spec_option(verify)


def _port_default(port: int) -> str:
    """MOCKSERVER_PORT when set (it is the listening options' variable), else `port`."""
    return os.environ.get(ENV_PREFIX + "PORT", str(port))


def _matching_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--match-on",
        default=",".join(ATTRIBUTES),
        help="what must be equal for a recorded answer to be played",
    )


def _spec_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--spec", type=Path, help="OpenAPI document to validate by")
    parser.add_argument(
        "--structure", type=Path, help="a JSON Structure document, besides the bundled ones"
    )


def _contract(args: argparse.Namespace) -> Contract:
    return load_contract(args.spec, structure_paths([args.structure] if args.structure else []))


def _match_on(args: argparse.Namespace) -> tuple[str, ...]:
    try:
        return parse_match_on(args.match_on)
    except ValueError as exc:
        raise DocumentError(f"--match-on: {exc}") from exc


def record(args: argparse.Namespace) -> int:
    _refuse_own_address(args)
    contract = _contract(args)
    if args.cassette.exists() and args.mode.keeps_the_cassette:
        cassette = load_cassette(args.cassette, contract)
    else:
        cassette = Cassette(path=args.cassette)
    app = CassetteApp(
        contract,
        cassette,
        mode=args.mode,
        upstream=HttpUpstream(args.upstream),
        secrets=SecretFilter.with_extra(
            args.filter_key, args.filter_header, args.filter_query, args.allow_header
        ),
        match_on=_match_on(args),
    )
    doing = "recording" if app.recording else "replaying (the cassette exists; mode once)"
    _serve(
        app,
        args,
        [
            f"  {doing} {args.cassette} ({len(cassette.interactions)} interactions so far)",
            f"  upstream: {args.upstream}   mode: {args.mode}",
        ],
    )
    return 0


def _refuse_own_address(args: argparse.Namespace) -> None:
    """A recorder listening where its upstream is would forward every request to itself."""
    upstream = urlsplit(args.upstream)
    same_port = upstream.port == args.port or (upstream.port is None and args.port == 80)
    hosts = {args.host.strip("[]"), upstream.hostname or ""}
    if same_port and (len(hosts) == 1 or hosts <= _LOOPBACK_NAMES | {"0.0.0.0", "::"}):
        raise DocumentError(
            f"--upstream {args.upstream} is the address this recorder would listen on "
            f"({args.host}:{args.port}); give record another --port"
        )


_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


def replay(args: argparse.Namespace) -> int:
    contract = _contract(args)
    interactions: list[Interaction] = []
    for path in args.cassettes:
        interactions.extend(load_cassette(path, contract).interactions)
    cassette = Cassette(path=args.cassettes[0], interactions=interactions)
    fallback = None
    if args.fallback == "mock":
        from mockserver.http.app import create_app
        from mockserver.settings import Settings, ValidationMode

        settings = Settings(spec_path=args.spec, validation=ValidationMode.WARN)
        if args.seed is not None:
            settings = Settings(seed=args.seed, spec_path=args.spec, validation=ValidationMode.WARN)
        fallback = create_app(settings)
    app = CassetteApp(
        contract,
        cassette,
        mode=RecordMode.NONE,
        fallback=fallback,
        match_on=_match_on(args),
        repeat_last=args.repeat,
    )
    names = ", ".join(str(p) for p in args.cassettes)
    _serve(
        app,
        args,
        [
            f"  replaying {names} ({len(interactions)} interactions)",
            "  unmatched requests: "
            + ("the stateful mock" if fallback else "a 404 naming the nearest recordings"),
        ],
    )
    return 0


def _serve(app: CassetteApp, args: argparse.Namespace, lines: list[str]) -> None:
    listen = wsgi_servers.Listen(host=args.host, port=args.port, threads=args.threads)

    def ready(url: str) -> None:
        print("\n".join([f"mockserver {args.command} listening on {url}", *lines]), flush=True)

    wsgi_servers.run(args.server, app, listen, ready)


def verify(args: argparse.Namespace) -> int:
    contract = _contract(args)
    cassettes = [load_cassette(path, contract) for path in args.cassettes]
    refused = Verifier(contract, args.target, args.api_key).check_credentials()
    if refused is not None:
        raise DocumentError(refused)
    reports = []
    for cassette in cassettes:
        verifier = Verifier(
            contract,
            args.target,
            args.api_key,
            volatile=args.ignore,
            dashboard_token=args.dashboard_token,
            cleanup={
                name: path for cls in resource_classes() for name, path in cls.cleanup.items()
            },
        )
        report = verifier.run(cassette)
        print(report.text())
        reports.append(report)
        if args.cleanup:
            for problem in verifier.cleanup():
                print(f"verify --cleanup: {problem}", file=sys.stderr)
    if args.junit:
        args.junit.write_bytes(junit_xml(reports))
    failed = sum(len(report.failures) for report in reports)
    if failed:
        print(f"verify: {failed} interaction(s) do not match", file=sys.stderr)
    return 1 if failed else 0
