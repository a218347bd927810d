"""An integration's wire forms: shared between answers, kept only as long as they are worth it,
and never a way to see or change what the caller may not."""

from __future__ import annotations

import gc
import weakref
from datetime import UTC, datetime

from mockserver.resources.integrations.list_answers import ListAnswers
from mockserver.resources.integrations.models import SIGNING_KEY, Integration
from mockserver.state.store import Store


def integration() -> Integration:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return Integration(
        id="6b0cbb46d30120d27b0d4bfa",
        environment_id="6b0cbb46d30120d27b0d4bfb",
        organization_id="6b0cbb46d30120d27b0d4bfc",
        name="Mail",
        identifier="mail",
        provider_id="sendgrid",
        channel="email",
        kind="delivery",
        credentials={"apiKey": "SG.secret"},
        configurations={SIGNING_KEY: "whsec", "inboundWebhookEnabled": True},
        active=True,
        created_at=moment,
        updated_at=moment,
        conditions=[{"children": []}],
    )


def test_a_list_form_is_kept_until_the_integration_changes() -> None:
    store = Store()
    stored = integration()
    listed = stored.wire_view(reveal_credentials=False, include_virtual_id=False)
    assert stored.wire_view(reveal_credentials=False, include_virtual_id=False) is listed
    store.update(stored, name="Renamed")
    renamed = stored.wire_view(reveal_credentials=False, include_virtual_id=False)
    assert renamed is not listed and renamed["name"] == "Renamed"
    # A write elsewhere in the store leaves this integration's form alone.
    store.update(integration(), name="Other")
    assert stored.wire_view(reveal_credentials=False, include_virtual_id=False) is renamed


def test_two_stores_count_their_writes_apart() -> None:
    """The pytest plugin runs several servers in one process: a write to one must not make
    the other's cached answers look stale, nor look fresh after a write of its own."""
    first, second = Store(), Store()
    answers = ListAnswers(first)
    built: list[int] = []

    def build() -> list[int]:
        built.append(1)
        return [len(built)]

    kept = answers.get("key", build)
    second.update(integration(), name="Elsewhere")
    assert answers.get("key", build) is kept, "another store's write made this answer stale"
    first.update(integration(), name="Here")
    assert answers.get("key", build) is not kept
    assert len(built) == 2


def test_a_single_answer_form_lives_only_while_something_holds_it() -> None:
    stored = integration()
    single = stored.wire_view(reveal_credentials=False, include_virtual_id=True)
    assert single["id"] == stored.id
    # Held (as the journal holds recent answers): the same form, with what is known about it.
    assert stored.wire_view(reveal_credentials=False, include_virtual_id=True) is single
    watch = weakref.ref(single)
    del single
    gc.collect()
    assert watch() is None, "an integration's single answer form outlived every answer"
    again = stored.wire_view(reveal_credentials=False, include_virtual_id=True)
    assert again["id"] == stored.id


def test_api_key_forms_hide_secrets_without_touching_the_stored_integration() -> None:
    stored = integration()
    for virtual_id in (False, True):
        hidden = stored.wire_view(reveal_credentials=False, include_virtual_id=virtual_id)
        assert hidden["credentials"] == {}
        assert SIGNING_KEY not in hidden["configurations"]
        shown = stored.wire_view(reveal_credentials=True, include_virtual_id=virtual_id)
        assert shown["credentials"] == {"apiKey": "SG.secret"}
        assert shown["configurations"][SIGNING_KEY] == "whsec"
    assert stored.configurations[SIGNING_KEY] == "whsec"


def test_a_wire_copy_can_be_changed_without_changing_the_integration() -> None:
    stored = integration()
    copy = stored.to_wire(reveal_credentials=True, include_virtual_id=True)
    copy["configurations"]["inboundWebhookEnabled"] = False
    copy["credentials"]["apiKey"] = "changed"
    copy["conditions"].append({"children": [1]})
    assert stored.configurations["inboundWebhookEnabled"] is True
    assert stored.credentials == {"apiKey": "SG.secret"}
    assert stored.conditions == [{"children": []}]
