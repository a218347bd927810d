"""Novu's rules for subscribers (v2, and v1's bulk create), per environment.

From novuhq/novu: `libs/application-generic/src/usecases/create-or-update-subscriber` (create
is an upsert; `failIfExists` makes it a 409), `apps/api/src/app/subscribers-v2/usecases`
(get, patch, remove, list with cursors: `libs/dal/src/repositories/base-repository.ts`
`findWithCursorBasedPagination`) and `apps/api/src/app/subscribers/usecases/bulk-create`.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.novu.auth import Caller
from mockserver.novu.errors import (
    Conflict,
    FieldProblem,
    NotFound,
    NovuError,
    ValidationFailed,
)
from mockserver.resources.cursor_pages import Page, cursor_page
from mockserver.resources.subscribers.models import PROFILE_FIELDS, Subscriber
from mockserver.resources.subscribers.state import subscribers_of
from mockserver.state.clock import Clock
from mockserver.state.store import Environment, Store

# validator.js's isEmail and isLocale (class-validator's @IsEmail, @IsLocale), in the forms a
# client meets: a local part, an @ and a dotted domain; a BCP 47-like language tag.
_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_TIME_ZONES = frozenset(zoneinfo.available_timezones())


# What the worker copies from a trigger's recipient object onto the subscriber
# (process-subscriber: `timezone` is not among them).
RECIPIENT_FIELDS = ("email", "firstName", "lastName", "phone", "avatar", "locale", "data")


class SubscribersBackend:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        on_remove: Callable[[Environment, Subscriber], None] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.on_remove = on_remove

    # ---- create, get, patch, delete ---------------------------------------------------

    def create(self, caller: Caller, body: dict[str, Any], *, fail_if_exists: bool) -> Subscriber:
        subscriber_id = subscriber_id_of(body)
        profile = checked_profile(body)
        # The v2 controller hands the use case `data: body.data || {}`.
        profile["data"] = profile.get("data") or {}
        with self.store.lock:
            state = subscribers_of(caller.environment)
            existing = state.live.get(subscriber_id)
            if existing is not None:
                if fail_if_exists:
                    raise Conflict(f'Subscriber with id "{subscriber_id}" already exists')
                self.change(existing, profile)
                return existing
            return self.make(caller.environment, subscriber_id, profile)

    def get(self, caller: Caller, subscriber_id: str) -> Subscriber:
        found = subscribers_of(caller.environment).live.get(subscriber_id)
        if found is None:
            raise NotFound(f"Subscriber: {subscriber_id} was not found")
        return found

    def patch(self, caller: Caller, subscriber_id: str, body: dict[str, Any]) -> Subscriber:
        profile = checked_profile(body)
        with self.store.lock:
            subscriber = self.get(caller, subscriber_id)
            if profile:
                self.change(subscriber, profile)
            return subscriber

    def remove(self, caller: Caller, subscriber_id: str) -> None:
        with self.store.lock:
            state = subscribers_of(caller.environment)
            subscriber = state.live.get(subscriber_id)
            if subscriber is None:
                raise NovuError(
                    404,
                    "Subscriber was not found",
                    fields={"externalSubscriberId": subscriber_id},
                )
            state.retire(subscriber)
            self.store.update(subscriber, deleted=True, updated_at=self.clock.now())
            if self.on_remove is not None:
                self.on_remove(caller.environment, subscriber)

    def upsert_recipient(
        self, environment: Environment, subscriber_id: str, fields: Mapping[str, Any]
    ) -> Subscriber:
        """A trigger's recipient as Novu's worker keeps it (process-subscriber.usecase.ts):
        made when missing, even from a bare id; otherwise the fields given are set, and one
        absent or undefined never unsets a stored value."""
        changes = {
            name: fields[name]
            for name in RECIPIENT_FIELDS
            if name in fields and fields[name] is not None
        }
        with self.store.lock:
            existing = subscribers_of(environment).live.get(subscriber_id)
            if existing is None:
                return self.make(environment, subscriber_id, changes)
            if any(existing.profile.get(name) != value for name, value in changes.items()):
                self.change(existing, changes)
            return existing

    # ---- bulk (v1) ----------------------------------------------------------------------

    def bulk_create(self, caller: Caller, items: list[dict[str, Any]]) -> dict[str, Any]:
        """Each item an upsert, in order: a live or soft-deleted subscriber with that id is
        updated (a deleted one revived), any other created."""
        created: list[dict[str, str]] = []
        updated: list[dict[str, str]] = []
        failed: list[dict[str, str]] = []
        with self.store.lock:
            state = subscribers_of(caller.environment)
            for item in items:
                try:
                    subscriber_id = subscriber_id_of(item)
                    profile = checked_profile(item)
                except ValidationFailed as refused:
                    failed.append(
                        {
                            "message": "; ".join(p.message for p in refused.problems),
                            "subscriberId": str(item.get("subscriberId", "")),
                        }
                    )
                    continue
                existing = state.live.get(subscriber_id) or state.deleted.get(subscriber_id)
                if existing is None:
                    self.make(caller.environment, subscriber_id, profile)
                    created.append({"subscriberId": subscriber_id})
                    continue
                if existing.deleted:
                    state.revive(existing)
                    self.store.update(existing, deleted=False)
                self.change(existing, profile)
                updated.append({"subscriberId": subscriber_id})
        return {"updated": updated, "created": created, "failed": failed}

    # ---- search -------------------------------------------------------------------------

    def search(self, caller: Caller, query: Mapping[str, str]) -> Page[Subscriber]:
        order_by = query.get("orderBy") or "_id"
        matches = [s for s in subscribers_of(caller.environment).in_order() if _fits(s, query)]

        def sort_key(subscriber: Subscriber) -> tuple[str, str]:
            first = subscriber.updated_at.isoformat() if order_by == "updatedAt" else subscriber.id
            return (first, subscriber.id)

        return cursor_page(
            matches, sort_key=sort_key, id_of=lambda subscriber: subscriber.id, query=query
        )

    # ---- writes -------------------------------------------------------------------------

    def make(
        self, environment: Environment, subscriber_id: str, profile: dict[str, Any]
    ) -> Subscriber:
        now = self.clock.now()
        subscriber = Subscriber(
            id=environment.ids.object_id(now),
            environment_id=environment.id,
            organization_id=environment.organization_id,
            subscriber_id=subscriber_id,
            profile=profile,
            created_at=now,
            updated_at=now,
        )
        subscribers_of(environment).add(subscriber)
        self.store.changed(subscriber)
        return subscriber

    def change(self, subscriber: Subscriber, changes: dict[str, Any]) -> None:
        self.store.update(
            subscriber, profile={**subscriber.profile, **changes}, updated_at=self.clock.now()
        )


def subscriber_id_of(body: dict[str, Any]) -> str:
    raw = body.get("subscriberId")
    if not isinstance(raw, str):
        raise ValidationFailed([FieldProblem("subscriberId", "subscriberId must be a string")])
    trimmed = raw.strip()
    if not trimmed:
        raise ValidationFailed(
            [FieldProblem("subscriberId", "subscriberId should not be empty", raw, True)]
        )
    return trimmed


def checked_profile(body: dict[str, Any]) -> dict[str, Any]:
    """The profile fields the body sets (null included), each checked as Novu's DTO checks
    it: `email`, `locale` and `timezone` take null but not an empty or malformed string."""
    profile = {name: body[name] for name in PROFILE_FIELDS if name in body}
    problems: list[FieldProblem] = []
    email, locale, timezone = profile.get("email"), profile.get("locale"), profile.get("timezone")
    if isinstance(email, str) and not _EMAIL.match(email):
        problems.append(FieldProblem("email", "email must be an email", email, True))
    if isinstance(locale, str) and not _LOCALE.match(locale):
        problems.append(FieldProblem("locale", "locale must be locale", locale, True))
    if isinstance(timezone, str) and timezone not in _TIME_ZONES:
        problems.append(
            FieldProblem("timezone", "timezone must be a valid IANA time-zone", timezone, True)
        )
    if problems:
        raise ValidationFailed(problems)
    return profile


def _fits(subscriber: Subscriber, query: Mapping[str, str]) -> bool:
    """Novu's search filters: exact email, phone and subscriberId; `name` within the full
    name. All case-sensitive."""
    profile = subscriber.profile
    for name in ("email", "phone"):
        wanted = query.get(name)
        if wanted and profile.get(name) != wanted:
            return False
    wanted_id = query.get("subscriberId")
    if wanted_id and subscriber.subscriber_id != wanted_id:
        return False
    wanted_name = query.get("name")
    return not wanted_name or wanted_name in subscriber.full_name
