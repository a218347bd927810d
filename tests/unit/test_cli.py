"""`mockserver serve` options from the environment get the same clear errors as flags."""

from __future__ import annotations

import pytest

from mockserver.cli import build_parser, parse_args


@pytest.mark.parametrize(
    "name,value,option",
    [
        ("MOCKSERVER_PORT", "abc", "--port"),
        ("MOCKSERVER_SEED", "", "--seed"),
        ("MOCKSERVER_VALIDATION", "bogus", "--validation"),
        ("MOCKSERVER_RATE_LIMIT", "platinum", "--rate-limit"),
    ],
)
def test_bad_environment_values_are_usage_errors(monkeypatch, capsys, name, value, option):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        parse_args(build_parser(), ["serve"])
    assert exited.value.code == 2
    assert option in capsys.readouterr().err


def test_environment_values_become_defaults(monkeypatch):
    monkeypatch.setenv("MOCKSERVER_PORT", "5001")
    monkeypatch.setenv("MOCKSERVER_RATE_LIMIT", "pro")
    args = parse_args(build_parser(), ["serve"])
    assert (args.port, args.rate_limit, args.seed, args.validation) == (5001, "pro", 4010, "warn")
    assert parse_args(build_parser(), ["serve", "--port", "7"]).port == 7
