"""Novu's integration rules, exercised on the backend directly (no HTTP)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from mockserver.novu.auth import Caller
from mockserver.novu.errors import (
    BadRequest,
    CommandInvalid,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from mockserver.resources.integrations.backend import IntegrationsBackend
from mockserver.resources.integrations.catalogue import load_catalogue
from mockserver.resources.integrations.models import Integration
from mockserver.state.clock import Clock
from mockserver.state.ids import IdFactory
from mockserver.state.store import Environment, Organization, Store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def world() -> tuple[IntegrationsBackend, Caller, Caller, Caller]:
    """An organization with two empty environments; returns backend, dev key, prod key, session."""
    store = Store()
    ids = IdFactory(random.Random(7))
    organization = Organization(ids.object_id(NOW), "Acme", ids.object_id(NOW), "token")
    store.add_organization(organization)
    environments = []
    for name in ("Development", "Production"):
        env = Environment(
            id=ids.object_id(NOW),
            organization_id=organization.id,
            name=name,
            identifier=name.lower(),
            api_key=name + "-key",
            ids=IdFactory(random.Random(name)),
        )
        store.add_environment(env)
        environments.append(env)
    backend = IntegrationsBackend(store, load_catalogue(), Clock(NOW))
    dev, prod = environments
    return (
        backend,
        Caller("ApiKey", organization, dev),
        Caller("ApiKey", organization, prod),
        Caller("Bearer", organization, dev),
    )


def ranks(
    backend: IntegrationsBackend, caller: Caller, channel: str
) -> list[tuple[str, bool, int]]:
    return [
        (i.name, i.primary, i.priority)
        for i in backend.list_integrations(caller)
        if i.channel == channel
    ]


def email(
    backend: IntegrationsBackend, caller: Caller, name: str, active: bool = True
) -> Integration:
    body = {"providerId": "sendgrid", "channel": "email", "name": name, "active": active}
    return backend.create(caller, body)


# ---- section 5.3: primary and priority, case by case --------------------------------------


def test_first_active_email_becomes_primary_with_priority_one(world):
    backend, dev, _, _ = world
    email(backend, dev, "A")
    assert ranks(backend, dev, "email") == [("A", True, 1)]


def test_active_create_below_a_primary_takes_its_rank_and_pushes_it_up(world):
    backend, dev, _, _ = world
    email(backend, dev, "A")
    email(backend, dev, "B")
    assert ranks(backend, dev, "email") == [("A", True, 2), ("B", False, 1)]
    email(backend, dev, "C")
    assert ranks(backend, dev, "email") == [("A", True, 3), ("B", False, 1), ("C", False, 2)]


def test_active_create_when_highest_is_not_primary_goes_on_top_as_primary(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A")
    email(backend, dev, "B")
    backend.update(dev, a.id, {"active": False})  # the primary leaves; B is left, not primary
    assert ranks(backend, dev, "email") == [("A", False, 0), ("B", False, 1)]
    email(backend, dev, "C")
    assert ranks(backend, dev, "email") == [("A", False, 0), ("B", False, 1), ("C", True, 2)]


def test_inactive_create_is_neither_primary_nor_ranked(world):
    backend, dev, _, _ = world
    email(backend, dev, "A", active=False)
    assert ranks(backend, dev, "email") == [("A", False, 0)]


@pytest.mark.parametrize(
    "channel,provider", [("chat", "slack"), ("push", "fcm"), ("in_app", "novu")]
)
def test_channels_without_primary_never_rank(world, channel, provider):
    backend, dev, _, _ = world
    created = backend.create(dev, {"providerId": provider, "channel": channel, "active": True})
    assert (created.primary, created.priority) == (False, 0)


def test_agent_kind_has_no_channel_and_no_primary(world):
    backend, dev, _, _ = world
    body = {"providerId": "sendgrid", "channel": "email", "kind": "agent", "active": True}
    created = backend.create(dev, body)
    assert (created.channel, created.kind, created.primary, created.priority) == (
        None,
        "agent",
        False,
        0,
    )


def test_activation_ranks_but_never_makes_primary(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A", active=False)
    backend.update(dev, a.id, {"active": True})
    assert ranks(backend, dev, "email") == [("A", False, 1)]


def test_activation_below_a_primary_takes_its_rank(world):
    backend, dev, _, _ = world
    email(backend, dev, "A")
    b = email(backend, dev, "B", active=False)
    backend.update(dev, b.id, {"active": True})
    assert ranks(backend, dev, "email") == [("A", True, 2), ("B", False, 1)]


def test_deactivating_the_primary_elects_no_new_one_and_renumbers(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A")
    email(backend, dev, "B")
    email(backend, dev, "C")
    backend.update(dev, a.id, {"active": False})
    assert ranks(backend, dev, "email") == [("A", False, 0), ("B", False, 1), ("C", False, 2)]


def test_delete_soft_deletes_and_renumbers_without_electing(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A")
    email(backend, dev, "B")
    remaining = backend.remove(dev, a.id)
    assert [i.name for i in remaining] == ["B"]
    assert (a.deleted, a.deleted_at is not None, a.deleted_by) == (True, True, dev.user_id)
    assert ranks(backend, dev, "email") == [("B", False, 1)]


def test_set_primary_moves_primary_activates_clears_conditions_and_ranks_first(world):
    backend, dev, _, _ = world
    email(backend, dev, "A")
    email(backend, dev, "B")
    condition = {"isNegated": False, "type": "BOOLEAN", "value": "AND", "children": []}
    c = backend.create(
        dev,
        {"providerId": "ses", "channel": "email", "name": "C", "conditions": [condition]},
    )
    backend.set_primary(dev, c.id)
    assert (c.active, c.primary, c.conditions) == (True, True, [])
    assert ranks(backend, dev, "email") == [("A", False, 2), ("B", False, 1), ("C", True, 3)]


def test_set_primary_on_the_primary_changes_nothing(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A")
    before = a.updated_at
    assert backend.set_primary(dev, a.id) is a
    assert (a.primary, a.priority, a.updated_at) == (True, 1, before)


def test_set_primary_refuses_channels_without_primary(world):
    backend, dev, _, _ = world
    chat = backend.create(dev, {"providerId": "slack", "channel": "chat", "active": True})
    with pytest.raises(BadRequest, match="Channel chat does not support primary"):
        backend.set_primary(dev, chat.id)


def test_set_primary_of_unknown_is_not_found_and_of_another_environment_forbidden(world):
    # PR #11480: the lookup is the organization's; an API key is held to its environment.
    backend, dev, prod, session = world
    theirs = email(backend, prod, "P")
    email(backend, prod, "Q")
    with pytest.raises(NotFound, match=f"Integration with id {'0' * 24} not found"):
        backend.set_primary(dev, "0" * 24)
    with pytest.raises(Forbidden, match="cannot set as primary an integration that belongs"):
        backend.set_primary(dev, theirs.id)
    second = next(i for i in backend.list_integrations(prod) if i.name == "Q")
    assert backend.set_primary(session, second.id).primary is True  # a session, across
    assert [i.name for i in backend.list_integrations(prod) if i.primary] == ["Q"]


def test_set_primary_of_a_non_object_id_fails_the_commands_check(world):
    backend, dev, _, _ = world
    with pytest.raises(CommandInvalid) as refused:
        backend.set_primary(dev, "not-an-id")
    assert (refused.value.status, refused.value.constraints) == (
        400,
        ["integrationId must be a mongodb id"],
    )


def test_conditions_on_a_primary_take_its_primary_away(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A")
    email(backend, dev, "B")
    condition = {"isNegated": False, "type": "BOOLEAN", "value": "AND", "children": []}
    backend.update(dev, a.id, {"conditions": [condition]})
    assert a.primary is False
    assert sum(i.primary for i in backend.list_integrations(dev)) == 0


def test_channels_are_ranked_independently_and_per_environment(world):
    backend, dev, prod, _ = world
    email(backend, dev, "A")
    backend.create(dev, {"providerId": "twilio", "channel": "sms", "name": "S", "active": True})
    email(backend, prod, "P")
    assert ranks(backend, dev, "sms") == [("S", True, 1)]
    assert ranks(backend, prod, "email") == [("P", True, 1)]


# ---- section 5.1: create --------------------------------------------------------------------


def test_defaults_name_identifier_kind_and_inactive(world):
    backend, dev, _, _ = world
    created = backend.create(dev, {"providerId": "sendgrid", "channel": "email"})
    assert created.name == "SendGrid"
    assert created.identifier.startswith("send-grid-")
    assert 7 <= len(created.identifier) - len("send-grid-") <= 14
    assert (created.kind, created.active, created.credentials) == ("delivery", False, {})


def test_unknown_provider_is_named_after_its_id(world):
    backend, dev, _, _ = world
    created = backend.create(dev, {"providerId": "acmeMail", "channel": "email"})
    assert created.name == "AcmeMail"
    assert created.identifier.startswith("acme-mail-")


def test_identifier_must_be_unique_in_the_environment_only(world):
    backend, dev, prod, _ = world
    backend.create(dev, {"providerId": "sendgrid", "channel": "email", "identifier": "mail"})
    with pytest.raises(Conflict, match="Integration with identifier already exists"):
        backend.create(dev, {"providerId": "ses", "channel": "email", "identifier": "mail"})
    backend.create(prod, {"providerId": "ses", "channel": "email", "identifier": "mail"})


def test_deleted_identifier_can_be_reused(world):
    backend, dev, _, _ = world
    first = backend.create(dev, {"providerId": "sendgrid", "channel": "email", "identifier": "m"})
    backend.remove(dev, first.id)
    backend.create(dev, {"providerId": "sendgrid", "channel": "email", "identifier": "m"})


def test_same_provider_twice_is_allowed(world):
    backend, dev, _, _ = world
    backend.create(dev, {"providerId": "sendgrid", "channel": "email"})
    backend.create(dev, {"providerId": "sendgrid", "channel": "email"})


def test_only_one_in_app_provider(world):
    backend, dev, _, _ = world
    backend.create(dev, {"providerId": "novu", "channel": "in_app"})
    with pytest.raises(BadRequest, match="One environment can only have one In app provider"):
        backend.create(dev, {"providerId": "novu", "channel": "in_app"})


@pytest.mark.parametrize("provider,channel", [("novu-email", "email"), ("novu-sms", "sms")])
def test_only_one_novu_demo_provider_per_channel(world, provider, channel):
    backend, dev, _, _ = world
    backend.create(dev, {"providerId": provider, "channel": channel})
    message = f"Integration with novu provider for {channel} channel already exists"
    with pytest.raises(Conflict, match=message):
        backend.create(dev, {"providerId": provider, "channel": channel})


def test_novu_anthropic_cannot_be_created(world):
    backend, dev, _, _ = world
    with pytest.raises(BadRequest, match="novu-anthropic provider is not allowed"):
        backend.create(dev, {"providerId": "novu-anthropic", "kind": "agent"})


def test_api_key_cannot_create_in_another_environment(world):
    backend, dev, prod, session = world
    body = {"providerId": "sendgrid", "channel": "email", "_environmentId": prod.environment.id}
    with pytest.raises(Forbidden, match="cannot target a different `_environmentId`"):
        backend.create(dev, body)
    assert backend.create(session, body).environment_id == prod.environment.id


def test_session_creating_in_unknown_environment_is_not_found(world):
    backend, _, _, session = world
    body = {"providerId": "sendgrid", "channel": "email", "_environmentId": "a" * 24}
    with pytest.raises(NotFound, match=f"Environment with id {'a' * 24} not found"):
        backend.create(session, body)


def test_unknown_credential_keys_are_dropped(world):
    backend, dev, _, _ = world
    backend.credential_keys = frozenset({"apiKey", "from"})
    body = {
        "providerId": "sendgrid",
        "channel": "email",
        "credentials": {"apiKey": "k", "from": "a@b.c", "apiVersion": "3"},
    }
    assert backend.create(dev, body).credentials == {"apiKey": "k", "from": "a@b.c"}


def test_wrong_types_are_rejected_even_without_contract_checks(world):
    backend, dev, _, _ = world
    with pytest.raises(ValidationFailed) as failure:
        backend.create(dev, {"providerId": 5, "active": "yes", "credentials": []})
    assert set(failure.value.errors_by_field()) == {"providerId", "active", "credentials"}


# ---- section 5.2: update --------------------------------------------------------------------


def test_update_of_unknown_id_is_not_found(world):
    backend, dev, _, _ = world
    with pytest.raises(NotFound, match="Entity with id abc not found"):
        backend.update(dev, "abc", {"name": "x"})


def test_update_across_environments_is_forbidden_for_api_keys_only(world):
    backend, dev, prod, session = world
    theirs = email(backend, prod, "P")
    with pytest.raises(Forbidden, match="cannot update an integration that belongs to a different"):
        backend.update(dev, theirs.id, {"name": "x"})
    assert backend.update(session, theirs.id, {"name": "x"}).name == "x"


def test_update_with_nothing_to_change_is_a_bad_request(world):
    backend, dev, _, _ = world
    a = email(backend, dev, "A")
    for body in ({}, {"check": False}, {"name": ""}, {"identifier": a.identifier}):
        with pytest.raises(BadRequest, match="No properties found for update"):
            backend.update(dev, a.id, body)


def test_changed_identifier_must_be_unique_in_the_whole_organization(world):
    backend, dev, prod, _ = world
    backend.create(prod, {"providerId": "ses", "channel": "email", "identifier": "taken"})
    a = email(backend, dev, "A")
    with pytest.raises(Conflict, match="Integration with identifier already exists"):
        backend.update(dev, a.id, {"identifier": "taken"})


def test_credentials_are_replaced_whole(world):
    backend, dev, _, _ = world
    a = backend.create(
        dev,
        {
            "providerId": "sendgrid",
            "channel": "email",
            "credentials": {"apiKey": "k", "from": "a@b.c"},
        },
    )
    backend.update(dev, a.id, {"credentials": {"senderName": "Acme"}})
    assert a.credentials == {"senderName": "Acme"}


def test_session_can_move_an_integration_to_another_environment(world):
    backend, dev, prod, session = world
    a = email(backend, dev, "A")
    backend.update(session, a.id, {"_environmentId": prod.environment.id})
    assert [i.id for i in backend.list_integrations(prod)] == [a.id]
    assert backend.list_integrations(dev) == []


# ---- lists, delete and the dashboard-only routes -------------------------------------------


def test_api_keys_list_their_environment_sessions_the_organization(world):
    backend, dev, prod, session = world
    email(backend, dev, "A")
    email(backend, prod, "P", active=False)
    assert [i.name for i in backend.list_integrations(dev)] == ["A"]
    assert [i.name for i in backend.list_integrations(session)] == ["A", "P"]
    assert [i.name for i in backend.list_integrations(session, active_only=True)] == ["A"]


def test_delete_across_environments_is_forbidden_for_api_keys(world):
    backend, dev, prod, _ = world
    theirs = email(backend, prod, "P")
    with pytest.raises(Forbidden, match="cannot delete an integration"):
        backend.remove(dev, theirs.id)
    with pytest.raises(NotFound, match="Entity with id"):
        backend.remove(dev, "0" * 24)


def test_channel_limit_is_the_demo_allowance(world):
    backend, dev, _, _ = world
    assert backend.channel_limit(dev, "email") == {"limit": 300, "count": 0}
    assert backend.channel_limit(dev, "sms") == {"limit": 20, "count": 0}
    assert backend.channel_limit(dev, "chat") == {"limit": 0, "count": 0}


def test_webhook_status_rules(world):
    backend, dev, _, _ = world
    with pytest.raises(NotFound, match="Integration for sendgrid was not found"):
        backend.webhook_support_status(dev, "sendgrid")
    bare = email(backend, dev, "A")
    # By provider too, the first one found is refused when it has no credentials.
    for asked in (bare.id, "sendgrid"):
        with pytest.raises(
            BadRequest, match=f"Integration {bare.id} doesn't have credentials set up"
        ):
            backend.webhook_support_status(dev, asked)
    backend.update(dev, bare.id, {"credentials": {"apiKey": "k"}})
    assert backend.webhook_support_status(dev, "sendgrid") is True
    mailersend = backend.create(
        dev, {"providerId": "mailersend", "channel": "email", "credentials": {"apiKey": "k"}}
    )
    assert backend.webhook_support_status(dev, mailersend.id) is False  # no event parser
    slack = backend.create(
        dev, {"providerId": "slack", "channel": "chat", "credentials": {"clientId": "c"}}
    )
    with pytest.raises(BadRequest, match="Webhook for slack-chat is not supported yet"):
        backend.webhook_support_status(dev, slack.id)


def test_moving_a_primary_keeps_one_primary_and_tidy_ranks_in_both_environments(world):
    backend, dev, prod, session = world
    moved = email(backend, dev, "A")
    email(backend, dev, "B")
    email(backend, prod, "P")
    backend.update(session, moved.id, {"_environmentId": prod.environment.id})
    # The source renumbers without electing; the target keeps its primary, the newcomer ranks.
    assert ranks(backend, dev, "email") == [("B", False, 1)]
    assert ranks(backend, prod, "email") == [("P", True, 2), ("A", False, 1)]
