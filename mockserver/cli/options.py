"""The command line's values, checked as they are read: a bad one is a usage error of one line
(exit 2) that names the option, or the MOCKSERVER_* variable it came from.

Every option that a variable can set is declared through `EnvOptions.add`, which keeps the
list `--help` prints and checks each variable that is set before argparse reads its default
(argparse would convert a bad default without saying where it came from).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ENV_PREFIX = "MOCKSERVER_"
_DOTTED_NUMBERS = re.compile(r"^[0-9.]+$")
_ENV_MARK = re.compile(r"\[env (\w+)\]")


def port_number(text: str) -> int:
    """0 to 65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port from 0 to 65535")
    return value


def whole_number(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} is less than {minimum}")
        return value

    parse.__name__ = f"whole number from {minimum}"
    return parse


def host_address(text: str) -> str:
    """An IP address, or a name this machine resolves."""
    literal = text.strip("[]")
    try:
        ipaddress.ip_address(literal)
        return text
    except ValueError:
        pass
    if not text or _DOTTED_NUMBERS.match(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an IP address")
    try:
        socket.getaddrinfo(text, None)
    except (OSError, UnicodeError):
        raise argparse.ArgumentTypeError(f"{text!r} is not an address this machine knows") from None
    return text


@dataclass
class EnvOptions:
    """Options whose default may come from a MOCKSERVER_* variable."""

    checks: dict[str, Callable[[str], Any]] = field(default_factory=dict)
    described: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        parser: argparse.ArgumentParser,
        flag: str,
        *,
        default: str | None,
        help: str,
        type: Callable[[str], Any] | None = None,
        choices: list[str] | tuple[str, ...] | None = None,
    ) -> None:
        name = ENV_PREFIX + flag.lstrip("-").replace("-", "_").upper()
        self.described[name] = flag
        extra: dict[str, Any] = {}
        if type is not None:
            extra["type"] = type
        if choices is not None:
            extra["choices"] = choices
        if extra:
            self.checks[name] = _checker(type, choices)
        parser.add_argument(
            flag, default=os.environ.get(name, default), help=f"{help} [env {name}]", **extra
        )

    def problems(self) -> list[str]:
        """One line for each variable that is set to a value its option refuses."""
        found = []
        for name, check in self.checks.items():
            value = os.environ.get(name)
            if value is None:
                continue
            try:
                check(value)
            except argparse.ArgumentTypeError as exc:
                found.append(f"{name}={value!r} (for {self.described[name]}): {exc}")
            except (TypeError, ValueError):
                found.append(f"{name}={value!r} (for {self.described[name]}): not a valid value")
        return found

    @staticmethod
    def epilog(parser: argparse.ArgumentParser) -> str:
        """The variables that set this parser's options, for the end of its --help."""
        names = [
            match.group(1)
            for action in parser._actions
            for match in [_ENV_MARK.search(action.help or "")]
            if match
        ]
        return (
            f"Each option marked [env NAME] can also be set by that variable: {', '.join(names)}."
        )


def _checker(
    convert: Callable[[str], Any] | None, choices: list[str] | tuple[str, ...] | None
) -> Callable[[str], Any]:
    def check(value: str) -> Any:
        converted = convert(value) if convert is not None else value
        if choices is not None and converted not in choices:
            raise argparse.ArgumentTypeError(f"choose from {', '.join(map(str, choices))}")
        return converted

    return check


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Defaults shown after each option's help; None and flags' False left unsaid."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default in (None, False, argparse.SUPPRESS) or "%(default)" in text:
            return text
        if action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE):
            return f"{text} (default: %(default)s)"
        return text
