"""Novu's success envelope, as its global ResponseInterceptor puts it on the wire
(apps/api/src/app/shared/framework/response.interceptor.ts in novuhq/novu).

A handler's result goes out as `{"data": result}`, unless it already carries a truthy `data`
and is no entity (no `_id`, no `id`): the paginated answers (`{data, next, previous,
totalCount}`) go out as they are. Truthy as JavaScript has it: an empty list or object is.
"""

from __future__ import annotations

from typing import Any


def enveloped(result: Any) -> Any:
    if (
        type(result) is dict
        and _js_truthy(result.get("data"))
        and "_id" not in result
        and "id" not in result
    ):
        return result
    return {"data": result}


def _js_truthy(value: Any) -> bool:
    if isinstance(value, list | dict):
        return True  # empty ones too, unlike Python
    return bool(value)  # None, False, 0, "" are falsy in both
