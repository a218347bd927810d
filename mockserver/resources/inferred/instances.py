"""A deterministic instance of a JSON Schema: what an inferred operation answers where the
request and the stored state say nothing.

The schema is one the contract compiled (components under `$defs`, Novu's discriminators as
`if`/`then`, nullable as a type list). Values come from, in order: `const`, an `example` or
`default` the schema gives, an `enum`, the field's name (an email for `email`, an ObjectId for
`_id` and `...Id`, a slug for `identifier`, ...) and its format, then its type within its
bounds. Every choice is drawn from a generator seeded by the caller's seed and the field's
place, so the same seed gives the same bytes in any process.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import jsonschema_rs
from faker import Faker
from jsonschema import Draft202012Validator

from mockserver.state.clock import iso_timestamp

# Below this depth only required properties are made, and arrays are empty when they may be.
_FULL_DEPTH = 4
_MAX_DEPTH = 12
_FAKER = Faker("en_US")


_NO_DEFS: Mapping[str, Any] = {}


def definitions(root: Mapping[str, Any]) -> Mapping[str, Any]:
    """A compiled schema's `$defs` (one shared empty mapping when it has none, so the checks
    it is keyed in are found again)."""
    defs: Mapping[str, Any] = root.get("$defs", _NO_DEFS)
    return defs


class Checks:
    """Whether a value fits a schema node, each node compiled once (with its root's
    definitions) by jsonschema-rs: making and laying fields over an answer asks thousands of
    times. One per engine; the contract's schemas live as long as it does."""

    def __init__(self) -> None:
        self._validators: dict[tuple[int, int], Any] = {}

    def fits(self, defs: Mapping[str, Any], node: Any, value: Any) -> bool:
        key = (id(defs), id(node))
        validator = self._validators.get(key)
        if validator is None:
            whole = {**node, "$defs": defs} if isinstance(node, Mapping) else node
            try:
                validator = jsonschema_rs.Draft202012Validator(whole, offline=True)
            except (ValueError, TypeError):  # a schema the Rust engine cannot take
                validator = Draft202012Validator(whole)
            self._validators[key] = validator
        return bool(validator.is_valid(value))


class InstanceMaker:
    def __init__(
        self,
        root: Mapping[str, Any],
        seed: str,
        moment: datetime,
        checks: Checks | None = None,
    ) -> None:
        self.root = root
        self.defs = definitions(root)
        self.seed = seed
        self.moment = moment
        self.checks = checks or Checks()

    def make(self, schema: Mapping[str, Any], place: str = "") -> Any:
        return self._make(schema, place, place.rsplit(".", 1)[-1], 0)

    # ---- by keyword ---------------------------------------------------------------------

    def _make(self, schema: Any, place: str, name: str, depth: int) -> Any:
        schema = self.resolve(schema)
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return None
        if "const" in schema:
            return schema["const"]
        given = self._given(schema)
        if given is not _NOTHING:
            return given
        if "enum" in schema:
            choices = [value for value in schema["enum"] if value is not None] or [None]
            return self._rng(place).choice(choices)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                return self._alternative(schema, keyword, place, name, depth)
        kind = self.kind(schema)
        if kind == "object" or (kind is None and ("properties" in schema or "allOf" in schema)):
            return self._object(schema, place, depth)
        if kind == "array":
            return self._array(schema, place, name, depth)
        if kind == "string":
            return self._string(schema, place, name)
        if kind in ("integer", "number"):
            return self._number(schema, place, kind)
        if kind == "boolean":
            return self._rng(place).random() < 0.5
        if "allOf" in schema:
            return self._make(schema["allOf"][0], place, name, depth)
        return None

    def _object(self, schema: Mapping[str, Any], place: str, depth: int) -> dict[str, Any]:
        made: dict[str, Any] = {}
        self._fill(made, schema, place, depth)
        return made

    def _fill(self, made: dict[str, Any], schema: Any, place: str, depth: int) -> None:
        """Add what `schema` (an object schema, its `allOf` parts and the `then` of every
        `if` the object meets) asks of the object being made."""
        schema = self.resolve(schema)
        if not isinstance(schema, Mapping):
            return
        required = set(schema.get("required", []))
        for key, sub in (schema.get("properties") or {}).items():
            if key in made or (depth >= _FULL_DEPTH and key not in required):
                continue
            value = self._make(sub, f"{place}.{key}", key, depth + 1)
            if value is not None or key in required or self._nullable(sub):
                made[key] = value
        for part in schema.get("allOf", []):
            self._fill(made, part, place, depth)
        if "if" in schema:
            branch = "then" if self.fits(schema["if"], made) else "else"
            if branch in schema:
                self._fill(made, schema[branch], place, depth)

    def _array(self, schema: Mapping[str, Any], place: str, name: str, depth: int) -> list[Any]:
        low = int(schema.get("minItems", 0))
        count = max(low, 1 if depth < _FULL_DEPTH else 0)
        count = min(count, int(schema.get("maxItems", count)))
        items = schema.get("items", {})
        made = [self._make(items, f"{place}[{i}]", name, depth + 1) for i in range(count)]
        if schema.get("uniqueItems") and len({repr(item) for item in made}) < len(made):
            made = made[:1]
        return made

    def _alternative(
        self, schema: Mapping[str, Any], keyword: str, place: str, name: str, depth: int
    ) -> Any:
        """The first alternative whose instance the whole schema takes (oneOf: exactly one)."""
        options = [o for o in schema[keyword] if self.kind(self.resolve(o)) != "null"]
        for option in options or schema[keyword]:
            value = self._make(option, place, name, depth)
            if self.fits(schema, value):
                return value
        return self._make((options or schema[keyword])[0], place, name, depth)

    def _string(self, schema: Mapping[str, Any], place: str, name: str) -> str:
        rng = self._rng(place)
        text = self._by_format(schema.get("format"), rng) or self._by_name(name, rng)
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _matches(pattern, text):
            text = next(
                (
                    candidate
                    for candidate in (_slug(rng), _slug(rng).replace("-", "_"), "a1", "A1")
                    if _matches(pattern, candidate)
                ),
                text,
            )
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        return text

    def _number(self, schema: Mapping[str, Any], place: str, kind: str) -> int | float:
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", max(low, 0) + 100))
        if "exclusiveMinimum" in schema and "minimum" not in schema:
            low += 1
        if "exclusiveMaximum" in schema and "maximum" not in schema:
            high -= 1
        value = self._rng(place).randint(int(low), max(int(low), int(high)))
        return value if kind == "integer" else float(value)

    # ---- by name and format -------------------------------------------------------------

    def _by_format(self, form: Any, rng: random.Random) -> str | None:
        if form == "date-time":
            return iso_timestamp(self.moment)
        if form == "date":
            return self.moment.date().isoformat()
        if form == "uuid":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if form == "email":
            return f"{_slug(rng)}@example.com"
        if form in ("uri", "url"):
            return f"https://example.com/{_slug(rng)}"
        return None

    def _by_name(self, name: str, rng: random.Random) -> str:
        lowered = name.lower()
        _FAKER.seed_instance(rng.getrandbits(32))
        if lowered in ("_id", "id") or (lowered.endswith("id") and lowered.startswith("_")):
            return f"{rng.getrandbits(96):024x}"
        if lowered.endswith("id") and lowered not in ("identifier",) and len(lowered) > 2:
            return f"{rng.getrandbits(96):024x}"
        if "email" in lowered:
            return f"{_slug(rng)}@example.com"
        if lowered in ("identifier", "key", "slug") or lowered.endswith(("key", "identifier")):
            return _slug(rng)
        if lowered in ("url", "uri", "avatar", "href", "link") or lowered.endswith("url"):
            return f"https://example.com/{_slug(rng)}"
        if lowered in ("firstname",):
            return str(_FAKER.first_name())
        if lowered in ("lastname",):
            return str(_FAKER.last_name())
        if lowered == "phone":
            return "+1555" + "".join(str(rng.randint(0, 9)) for _ in range(7))
        if lowered in ("locale", "language"):
            return "en_US"
        if lowered == "timezone":
            return "UTC"
        if lowered in ("description", "message", "content", "body", "text"):
            return str(_FAKER.sentence())
        if lowered in ("createdat", "updatedat") or lowered.endswith("at"):
            return iso_timestamp(self.moment)
        if "name" in lowered or "title" in lowered:
            return str(_FAKER.catch_phrase())
        return str(_FAKER.word())

    # ---- helpers ------------------------------------------------------------------------

    def _given(self, schema: Mapping[str, Any]) -> Any:
        """A value the schema itself offers, `example` or `default`, when the schema takes
        it."""
        for keyword in ("example", "default"):
            if keyword in schema and schema[keyword] is not None:
                value = schema[keyword]
                if self.fits(schema, value):
                    return value
        examples = schema.get("examples")
        if isinstance(examples, list):
            for value in examples:
                if value is not None and self.fits(schema, value):
                    return value
        return _NOTHING

    def resolve(self, schema: Any) -> Any:
        seen = 0
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < 32:
            reference = schema["$ref"]
            name = reference.rsplit("/", 1)[-1]
            if not reference.startswith("#/$defs/") or name not in self.defs:
                return {}
            schema = self.defs[name]
            seen += 1
        return schema

    def kind(self, schema: Any) -> str | None:
        if not isinstance(schema, Mapping):
            return None
        kind = schema.get("type")
        if isinstance(kind, list):
            real = [k for k in kind if k != "null"]
            return real[0] if real else "null"
        return kind if isinstance(kind, str) else None

    def _nullable(self, schema: Any) -> bool:
        kind = self.resolve(schema).get("type") if isinstance(schema, Mapping) else None
        return kind == "null" or (isinstance(kind, list) and "null" in kind)

    def fits(self, schema: Any, value: Any) -> bool:
        return self.checks.fits(self.defs, schema, value)

    def _rng(self, place: str) -> random.Random:
        digest = hashlib.sha256(f"{self.seed}|{place}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))


_NOTHING = object()


def _slug(rng: random.Random) -> str:
    words = ("alpha", "bravo", "delta", "echo", "lima", "nova", "orbit", "pixel", "terra")
    return f"{rng.choice(words)}-{rng.randint(100, 999)}"


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True
