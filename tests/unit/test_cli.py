"""`mockserver serve` options from the environment get the same clear errors as flags."""

from __future__ import annotations

import argparse

import pytest

from mockserver import __version__
from mockserver.cli.main import build_parser, parse_args


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
    error = capsys.readouterr().err
    assert name in error and option in error


def test_environment_values_become_defaults(monkeypatch):
    monkeypatch.setenv("MOCKSERVER_PORT", "5001")
    monkeypatch.setenv("MOCKSERVER_RATE_LIMIT", "pro")
    args = parse_args(build_parser(), ["serve"])
    assert (args.port, args.rate_limit, args.seed, args.validation) == (5001, "pro", 4010, "warn")
    assert parse_args(build_parser(), ["serve", "--port", "7"]).port == 7


@pytest.mark.parametrize(
    "argv,says",
    [
        (["serve", "--port", "99999"], "99999 is not a port from 0 to 65535"),
        (["serve", "--port", "-1"], "-1 is not a port"),
        (["serve", "--host", "999.1.1.1"], "'999.1.1.1' is not an IP address"),
        (["serve", "--journal-size", "-1"], "-1 is less than 0"),
        (["serve", "--threads", "0"], "0 is less than 1"),
        (["serve", "--journal-mb", "0"], "0 is less than 1"),
        (["replay", "x.yaml", "--threads", "0"], "0 is less than 1"),
        (["record", "--upstream", "u", "--cassette", "c", "--port", "70000"], "70000"),
    ],
)
def test_bad_settings_are_one_line_usage_errors(capsys, argv, says):
    with pytest.raises(SystemExit) as exited:
        parse_args(build_parser(), argv)
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert says in error and "Traceback" not in error


@pytest.mark.parametrize(
    "name,value",
    [
        ("MOCKSERVER_PORT", "99999"),
        ("MOCKSERVER_HOST", "999.1.1.1"),
        ("MOCKSERVER_JOURNAL_SIZE", "-1"),
        ("MOCKSERVER_THREADS", "0"),
    ],
)
def test_bad_settings_from_the_environment_name_the_variable(monkeypatch, capsys, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        parse_args(build_parser(), ["serve"])
    assert exited.value.code == 2
    assert f"{name}={value!r}" in capsys.readouterr().err


def test_every_option_and_positional_has_help_and_shows_its_default():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"{name} {action.dest} has no help"
        text = " ".join(command.format_help().split())
        if name in ("serve", "record", "replay"):
            assert "(default: 127.0.0.1)" in text and "MOCKSERVER_PORT" in text
    assert "(default: 4010)" in " ".join(commands.choices["serve"].format_help().split())


def test_record_and_replay_listen_apart_from_serve_by_default():
    ports = {
        parse_args(build_parser(), ["serve"]).port,
        parse_args(build_parser(), ["record", "--upstream", "u", "--cassette", "c"]).port,
        parse_args(build_parser(), ["replay", "c.yaml"]).port,
    }
    assert len(ports) == 3


def test_version(capsys):
    with pytest.raises(SystemExit) as exited:
        parse_args(build_parser(), ["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"mockserver {__version__}"
