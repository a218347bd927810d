"""What the commands refuse before they serve anything: one line on stderr, exit code 2."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import run_mockserver

pytestmark = pytest.mark.live


@pytest.fixture(params=["plain", "reuseport"])
def taken_port(request: pytest.FixtureRequest) -> Iterator[int]:
    """A port this test listens on; with SO_REUSEPORT as granian binds, which would let a
    second granian share it and split the traffic."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if request.param == "reuseport":
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def assert_refused(result: subprocess.CompletedProcess[str], says: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "listening on" not in result.stdout


@pytest.mark.parametrize("server", ["granian", "waitress"])
def test_serve_refuses_a_port_in_use(taken_port: int, server: str) -> None:
    assert_refused(
        run_mockserver("serve", "--port", str(taken_port), "--server", server), "already in use"
    )


def test_replay_and_record_refuse_a_port_in_use(taken_port: int, tmp_path: Path) -> None:
    cassette = Path(__file__).parents[2] / "fixtures" / "cassettes" / "acme-walkthrough.yaml"
    assert_refused(
        run_mockserver("replay", str(cassette), "--port", str(taken_port)), "already in use"
    )
    assert_refused(
        run_mockserver(
            "record",
            "--upstream",
            "http://127.0.0.1:9",
            "--cassette",
            str(tmp_path / "new.yaml"),
            "--port",
            str(taken_port),
        ),
        "already in use",
    )


def test_record_refuses_to_listen_on_its_own_upstream(tmp_path: Path) -> None:
    assert_refused(
        run_mockserver(
            "record",
            "--upstream",
            "http://127.0.0.1:4999",
            "--cassette",
            str(tmp_path / "loop.yaml"),
            "--port",
            "4999",
        ),
        "is the address this recorder would listen on",
    )


def test_a_spec_with_no_operations_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_text("openapi: 3.1.0\ninfo: {title: nothing, version: '1'}\npaths: {}\n")
    assert_refused(run_mockserver("serve", "--spec", str(empty), "--port", "0"), "no operations")
