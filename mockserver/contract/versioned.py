"""Reading the project's own versioned files (cassettes, datasets): one way to refuse them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from mockserver.contract import DocumentError
from mockserver.contract.documents import load_document

# Cassettes and datasets larger than this are refused before they are read (the README says so).
MAX_FILE_BYTES = 32 * 1024 * 1024


def load_versioned(
    path: Path,
    *,
    kind: str,
    version: int,
    form: Draft202012Validator,
    error: type[DocumentError],
    upgrade: str,
    where: Callable[[Sequence[Any]], str],
) -> dict[str, Any]:
    """The file's content once it is readable, of this `kind` and `version`, and fits `form`.
    Otherwise `error`, naming the file, and for a wrong version what to do (`upgrade`); a
    misfit names the place in the file as `where` words a path."""
    noun = kind.removeprefix("mockserver-")
    try:
        raw = load_document(path, max_bytes=MAX_FILE_BYTES, untrusted=True)
    except DocumentError as exc:
        raise error(str(exc)) from exc
    if raw.get("kind") != kind:
        raise error(f"{path}: not a mockserver {noun} (no `kind: {kind}`)")
    if raw.get("version") != version:
        raise error(
            f"{path}: {noun} format version {raw.get('version')!r} is not one this mockserver "
            f"reads (it reads version {version}). {upgrade}"
        )
    problems = sorted(form.iter_errors(raw), key=lambda e: list(e.absolute_path))
    if problems:
        first = problems[0]
        raise error(f"{path}: {where(list(first.absolute_path))}: {rule_broken(first)}")
    return raw


def rule_broken(failure: ValidationError) -> str:
    """A form's failure as the rule it breaks, then what was found: `must be at least 8
    characters long ('abc' is too short)`."""
    rules: dict[str, Callable[[Any], str]] = {
        "minLength": lambda n: f"must be at least {n} characters long",
        "maxLength": lambda n: f"must be at most {n} characters long",
        "minItems": lambda n: f"must have at least {n} item(s)",
        "minimum": lambda n: f"must be at least {n}",
        "maximum": lambda n: f"must be at most {n}",
        "type": lambda t: f"must be of type {t if isinstance(t, str) else ' or '.join(t)}",
        "enum": lambda values: f"must be one of {', '.join(map(str, values))}",
        "const": lambda value: f"must be {value!r}",
    }
    rule = rules.get(str(failure.validator))
    if rule is None:
        return str(failure.message)
    return f"{rule(failure.validator_value)} ({failure.message})"
