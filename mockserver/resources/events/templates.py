"""Step templates rendered as Novu renders them: Liquid, over `subscriber`, `payload`,
`actor` and `step` (python-liquid, a maintained implementation of Shopify's language).

The environment is bounded so that a hostile template (a loop over a huge range, a deep
nesting, an endless output) fails as a rendering error instead of holding the server.
"""

from __future__ import annotations

import functools
from typing import Any

from liquid import BoundTemplate, Environment
from liquid.exceptions import LiquidError


class BoundedLiquid(Environment):
    loop_iteration_limit = 10_000
    output_stream_limit = 256 * 1024
    context_depth_limit = 30
    local_namespace_limit = 64 * 1024


_LIQUID = BoundedLiquid()
# Parsed templates by source: a workflow's few templates are parsed once, not per message.
_PARSED_TEMPLATES = 1024


@functools.lru_cache(maxsize=_PARSED_TEMPLATES)
def _parsed(source: str) -> BoundTemplate:
    return _LIQUID.from_string(source)


class TemplateError(ValueError):
    """A template that does not parse or render; the message says why."""


def render(template: Any, variables: dict[str, Any]) -> str:
    """The template with the variables in; a value that is no string is written as JSON
    would be read back by a person (Novu stores such control values as they are)."""
    if not isinstance(template, str):
        return "" if template is None else str(template)
    if "{" not in template:
        return template  # no tag and no output: Liquid would give it back as it is
    try:
        return _parsed(template).render(**variables)
    except LiquidError as failure:
        raise TemplateError(str(failure)) from failure
    except RecursionError as failure:
        raise TemplateError("the template nests too deeply") from failure
