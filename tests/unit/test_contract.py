"""Loading the OpenAPI document: operations, envelopes, 3.0 conversion, bad documents."""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from mockserver.contract import DocumentError, load_contract
from mockserver.contract.documents import load_document
from mockserver.contract.operations import check_schema
from mockserver.contract.schema_convert import SchemaConverter
from mockserver.state.ids import IdFactory, is_object_id, slugify
from tests.reference import novu_openapi

EXPECTED_OPERATIONS = {
    ("GET", "/v1/integrations"): ("IntegrationsController_listIntegrations", "200"),
    ("POST", "/v1/integrations"): ("IntegrationsController_createIntegration", "201"),
    ("GET", "/v1/integrations/active"): ("IntegrationsController_getActiveIntegrations", "200"),
    ("PUT", "/v1/integrations/{integrationId}"): (
        "IntegrationsController_updateIntegrationById",
        "200",
    ),
    ("DELETE", "/v1/integrations/{integrationId}"): (
        "IntegrationsController_removeIntegration",
        "200",
    ),
    ("POST", "/v1/integrations/{integrationId}/set-primary"): (
        "IntegrationsController_setIntegrationAsPrimary",
        "200",
    ),
    ("POST", "/v1/integrations/{integrationId}/auto-configure"): (
        "IntegrationsController_autoConfigureIntegration",
        "200",
    ),
    ("POST", "/v1/integrations/chat/oauth"): ("IntegrationsController_getChatOAuthUrl", "201"),
    ("POST", "/v1/integrations/channel-connections/oauth"): (
        "IntegrationsController_generateConnectOAuthUrl",
        "201",
    ),
    ("POST", "/v1/integrations/channel-endpoints/oauth"): (
        "IntegrationsController_generateLinkUserOAuthUrl",
        "201",
    ),
    ("POST", "/v1/integrations/channel-endpoints/link"): (
        "IntegrationsController_linkChannelEndpoint",
        "200",
    ),
    ("POST", "/v1/integrations/{integrationIdentifier}/mobile-link"): (
        "IntegrationsController_createIntegrationMobileLink",
        "200",
    ),
    ("POST", "/v1/integrations/{integrationIdentifier}/webhook/configure"): (
        "IntegrationsController_configureIntegrationWebhook",
        "200",
    ),
    ("GET", "/v1/integrations/webhook/provider/{providerOrIntegrationId}/status"): (
        "IntegrationsController_getWebhookSupportStatus",
        "200",
    ),
    ("GET", "/v1/integrations/{channelType}/limit"): (
        "IntegrationsController_getProviderLimit",
        "200",
    ),
    ("GET", "/v1/integrations/in-app/status"): ("IntegrationsController_getInAppActivated", "200"),
    ("POST", "/v2/subscribers"): ("SubscribersController_createSubscriber", "201"),
    ("GET", "/v2/subscribers"): ("SubscribersController_searchSubscribers", "200"),
    ("GET", "/v2/subscribers/{subscriberId}"): ("SubscribersController_getSubscriber", "200"),
    ("PATCH", "/v2/subscribers/{subscriberId}"): ("SubscribersController_patchSubscriber", "200"),
    ("DELETE", "/v2/subscribers/{subscriberId}"): ("SubscribersController_removeSubscriber", "200"),
    ("POST", "/v1/subscribers/bulk"): ("SubscribersV1Controller_bulkCreateSubscribers", "201"),
    ("POST", "/v2/workflows"): ("WorkflowController_create", "201"),
    ("GET", "/v2/workflows"): ("WorkflowController_searchWorkflows", "200"),
    ("GET", "/v2/workflows/{workflowId}"): ("WorkflowController_getWorkflow", "200"),
    ("PUT", "/v2/workflows/{workflowId}"): ("WorkflowController_update", "200"),
    ("PATCH", "/v2/workflows/{workflowId}"): ("WorkflowController_patchWorkflow", "200"),
    ("DELETE", "/v2/workflows/{workflowId}"): ("WorkflowController_removeWorkflow", "204"),
    ("PUT", "/v1/subscribers/{subscriberId}/credentials"): (
        "SubscribersV1Controller_updateSubscriberChannel",
        "200",
    ),
    ("PATCH", "/v1/subscribers/{subscriberId}/credentials"): (
        "SubscribersV1Controller_modifySubscriberChannel",
        "200",
    ),
    ("DELETE", "/v1/subscribers/{subscriberId}/credentials/{providerId}"): (
        "SubscribersV1Controller_deleteSubscriberCredentials",
        "204",
    ),
    ("PATCH", "/v1/subscribers/{subscriberId}/online-status"): (
        "SubscribersV1Controller_updateSubscriberOnlineFlag",
        "200",
    ),
    ("GET", "/v2/subscribers/{subscriberId}/preferences"): (
        "SubscribersController_getSubscriberPreferences",
        "200",
    ),
    ("PATCH", "/v2/subscribers/{subscriberId}/preferences"): (
        "SubscribersController_updateSubscriberPreferences",
        "200",
    ),
    ("GET", "/v2/subscribers/{subscriberId}/notifications"): (
        "SubscribersController_getSubscriberNotifications",
        "200",
    ),
    ("GET", "/v2/subscribers/{subscriberId}/notifications/count"): (
        "SubscribersController_getSubscriberNotificationsCount",
        "200",
    ),
    ("PUT", "/v2/workflows/{workflowId}/sync"): ("WorkflowController_sync", "200"),
    ("GET", "/v2/subscribers/{subscriberId}/subscriptions"): (
        "SubscribersController_listSubscriberTopics",
        "200",
    ),
    ("POST", "/v1/events/trigger"): ("EventsController_trigger", "201"),
    ("POST", "/v1/events/trigger/bulk"): ("EventsController_triggerBulk", "201"),
    ("POST", "/v1/events/trigger/broadcast"): ("EventsController_broadcastEventToAll", "201"),
    ("DELETE", "/v1/events/trigger/{transactionId}"): ("EventsController_cancel", "200"),
    ("GET", "/v1/messages"): ("MessagesController_getMessages", "200"),
    ("GET", "/v1/notifications"): ("NotificationsController_listNotifications", "200"),
    ("GET", "/v2/topics"): ("TopicsController_listTopics", "200"),
    ("POST", "/v2/topics"): ("TopicsController_upsertTopic", "201"),
    ("GET", "/v2/topics/{topicKey}"): ("TopicsController_getTopic", "200"),
    ("PATCH", "/v2/topics/{topicKey}"): ("TopicsController_updateTopic", "200"),
    ("DELETE", "/v2/topics/{topicKey}"): ("TopicsController_deleteTopic", "200"),
    ("GET", "/v2/topics/{topicKey}/subscriptions"): (
        "TopicsController_listTopicSubscriptions",
        "200",
    ),
    ("POST", "/v2/topics/{topicKey}/subscriptions"): (
        "TopicsController_createTopicSubscriptions",
        "201",
    ),
    ("DELETE", "/v2/topics/{topicKey}/subscriptions"): (
        "TopicsController_deleteTopicSubscriptions",
        "200",
    ),
    ("GET", "/v2/topics/{topicKey}/subscriptions/{identifier}"): (
        "TopicsController_getTopicSubscription",
        "200",
    ),
    # The v1 routes @novu/node calls (Novu's server serves them; its newest document omits
    # most).
    ("POST", "/v1/subscribers"): ("SubscribersV1Controller_createSubscriber", "201"),
    ("GET", "/v1/subscribers"): ("SubscribersV1Controller_listSubscribers", "200"),
    ("GET", "/v1/subscribers/{subscriberId}"): ("SubscribersV1Controller_getSubscriber", "200"),
    ("PUT", "/v1/subscribers/{subscriberId}"): ("SubscribersV1Controller_updateSubscriber", "200"),
    ("DELETE", "/v1/subscribers/{subscriberId}"): (
        "SubscribersV1Controller_removeSubscriber",
        "200",
    ),
    ("POST", "/v1/topics"): ("TopicsV1Controller_createTopic", "201"),
    ("GET", "/v1/topics"): ("TopicsV1Controller_listTopics", "200"),
    ("GET", "/v1/topics/{topicKey}"): ("TopicsV1Controller_getTopic", "200"),
    ("PATCH", "/v1/topics/{topicKey}"): ("TopicsV1Controller_renameTopic", "200"),
    ("DELETE", "/v1/topics/{topicKey}"): ("TopicsV1Controller_deleteTopic", "204"),
    ("POST", "/v1/topics/{topicKey}/subscribers"): ("TopicsV1Controller_addSubscribers", "200"),
    ("POST", "/v1/topics/{topicKey}/subscribers/removal"): (
        "TopicsV1Controller_removeSubscribers",
        "204",
    ),
    ("GET", "/v1/topics/{topicKey}/subscribers/{externalSubscriberId}"): (
        "TopicsV1Controller_getTopicSubscriber",
        "200",
    ),
    ("POST", "/v1/notification-templates"): ("NotificationTemplateController_create", "201"),
    ("GET", "/v1/notification-templates"): (
        "NotificationTemplateController_getNotificationTemplates",
        "200",
    ),
    ("GET", "/v1/notification-templates/{templateId}"): (
        "NotificationTemplateController_getNotificationTemplateById",
        "200",
    ),
    ("PUT", "/v1/notification-templates/{templateId}"): (
        "NotificationTemplateController_updateTemplateById",
        "200",
    ),
    ("DELETE", "/v1/notification-templates/{templateId}"): (
        "NotificationTemplateController_deleteTemplateById",
        "200",
    ),
    ("PUT", "/v1/notification-templates/{templateId}/status"): (
        "NotificationTemplateController_changeActiveStatus",
        "200",
    ),
    ("GET", "/v1/notification-groups"): (
        "NotificationGroupsController_listNotificationGroups",
        "200",
    ),
    ("POST", "/v1/tenants"): ("TenantController_createTenant", "201"),
    ("GET", "/v1/tenants"): ("TenantController_listTenants", "200"),
    ("GET", "/v1/tenants/{identifier}"): ("TenantController_getTenantById", "200"),
    ("PATCH", "/v1/tenants/{identifier}"): ("TenantController_updateTenant", "200"),
    ("DELETE", "/v1/tenants/{identifier}"): ("TenantController_removeTenant", "204"),
}
ERROR_STATUSES = {
    "400",
    "401",
    "403",
    "404",
    "405",
    "409",
    "413",
    "414",
    "415",
    "422",
    "429",
    "500",
    "503",
}


@pytest.fixture(scope="module")
def contract():
    return load_contract()


def test_the_spec_has_every_operation_with_its_exact_success_status(contract):
    found = {
        (op.method, op.path): (op.operation_id, next(s for s in op.responses if s[0] == "2"))
        for op in contract.operations.values()
    }
    assert found == EXPECTED_OPERATIONS


def test_every_operation_declares_novu_error_answers_and_the_envelope(contract):
    for op in contract.operations.values():
        assert set(op.responses) - ERROR_STATUSES == {s for s in op.responses if s[0] == "2"}
        assert set(op.responses) >= ERROR_STATUSES
        status, success = next((s, c) for s, c in op.responses.items() if s[0] == "2")
        # 204 is the one success with no body, so no envelope (DELETE /v2/workflows/{id}).
        if status == "204":
            assert not success.required_headers and success.validator is None
        else:
            assert success.describes_envelope, op.operation_id
            assert "Content-Type" in success.required_headers
        assert any(p.name == "idempotency-key" for p in op.parameters)


def test_openapi_3_0_nullable_becomes_a_null_type():
    document = {
        "openapi": "3.0.0",
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {"n": {"type": "string", "nullable": True, "enum": ["x"]}},
                }
            }
        },
    }
    schema = SchemaConverter(document).to_json_schema({"$ref": "#/components/schemas/A"})
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"n": None})
    assert validator.is_valid({"n": "x"})
    assert not validator.is_valid({"n": "y"})


def test_a_discriminated_one_of_picks_its_schema_by_the_value():
    """Novu's workflow steps: ten DTOs that all accept any `type`, told apart only by the
    discriminator; a plain oneOf would refuse every step, as several alternatives fit."""
    step = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}
    document = {
        "openapi": "3.0.0",
        "components": {
            "schemas": {
                "Email": {**step, "required": ["type", "subject"]},
                "Sms": step,
                "Steps": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Email"},
                        {"$ref": "#/components/schemas/Sms"},
                    ],
                    "discriminator": {
                        "propertyName": "type",
                        "mapping": {
                            "email": "#/components/schemas/Email",
                            "sms": "#/components/schemas/Sms",
                        },
                    },
                },
            }
        },
    }
    schema = SchemaConverter(document).to_json_schema({"$ref": "#/components/schemas/Steps"})
    validator = Draft202012Validator(schema)
    assert validator.is_valid({"type": "sms"})
    assert validator.is_valid({"type": "email", "subject": "s"})
    assert not validator.is_valid({"type": "email"})  # the email schema applies
    assert not validator.is_valid({"type": "push"})  # no schema for it


def test_a_one_of_with_a_bare_object_means_any_of_and_a_constant_name_is_no_pattern():
    document = {
        "openapi": "3.0.0",
        "components": {
            "schemas": {
                "Controls": {"type": "object", "required": ["subject"]},
                "Step": {
                    "type": "object",
                    "properties": {
                        "controlValues": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/Controls"},
                                {"type": "object", "additionalProperties": True},
                            ]
                        },
                        "stepId": {"type": "string", "pattern": "SLUG_IDENTIFIER_REGEX"},
                        "code": {"type": "string", "pattern": "^[A-Z_]+$"},
                    },
                },
            }
        },
    }
    schema = SchemaConverter(document).to_json_schema({"$ref": "#/components/schemas/Step"})
    validator = Draft202012Validator(schema)
    # A valid Controls fits both alternatives: the oneOf as written would refuse it.
    assert validator.is_valid({"controlValues": {"subject": "s"}})
    assert validator.is_valid({"stepId": "my-step"})
    assert not validator.is_valid({"code": "lower"})  # a real pattern is kept


def test_a_missing_spec_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DocumentError, match="cannot read"):
        load_contract(tmp_path / "nope.yaml")


def test_a_document_that_is_not_openapi_is_refused(tmp_path: Path):
    path = tmp_path / "x.json"
    path.write_text('{"swagger": "2.0"}')
    with pytest.raises(DocumentError, match="not an OpenAPI document"):
        load_contract(path)


def test_an_invalid_openapi_document_is_refused_when_checked(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("openapi: 3.1.0\ninfo: {title: t}\npaths: {}\n")
    with pytest.raises(DocumentError, match="invalid OpenAPI document"):
        load_contract(path, check_spec=True)


def test_the_bundled_spec_passes_openapi_cores_full_check():
    assert len(load_contract(check_spec=True).operations) == len(EXPECTED_OPERATIONS)


def test_object_ids_and_slugs_look_like_novus():
    import random
    from datetime import UTC, datetime

    ids = IdFactory(random.Random(1))
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    made = ids.object_id(moment)
    assert is_object_id(made) and made.startswith(f"{int(moment.timestamp()):08x}")
    assert ids.object_id(moment) != made
    assert slugify("SendGrid") == "send-grid"
    assert slugify("Novu Email") == "novu-email"
    assert slugify("Custom SMTP") == "custom-smtp"
    assert slugify("OneSignal") == "one-signal"


def test_a_required_answer_header_counts_in_any_case_and_is_named_when_missing(contract):
    from mockserver.contract.checks import response_violations

    operation = contract.operations["IntegrationsController_getInAppActivated"]

    def violations(headers: dict[str, str]) -> list[str]:
        return response_violations(
            operation,
            status=200,
            headers=headers,
            body={"data": {"active": True}},
            structures=contract.structures,
        )

    assert violations({"Content-Type": "application/json"}) == []
    assert violations({"content-type": "application/json"}) == []
    assert violations({"X-Other": "1"}) == ["required header Content-Type is missing"]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": 12},
        {"type": "object", "properties": {"a": {"minLength": -1}}},
        {"required": "name"},
        {"enum": "not-a-list"},
        {"$defs": {"x": {"type": ["string", 5]}}},
    ],
)
def test_the_quick_metaschema_check_refuses_what_jsonschema_refuses(
    schema: dict[str, object],
) -> None:
    with pytest.raises(SchemaError):
        check_schema(schema)
    with pytest.raises(SchemaError):
        Draft202012Validator.check_schema(schema)


def test_the_quick_metaschema_check_agrees_with_jsonschema_on_novus_document() -> None:
    """Loading checks every converted schema against the metaschema in Rust; Python's
    jsonschema (the plain way) must find the same schemas good."""
    document = load_document(novu_openapi())
    converter = SchemaConverter(document)
    checked = 0
    for component in document["components"]["schemas"].values():
        converted = converter.to_json_schema(component)
        for schema in [*converted.get("$defs", {}).values(), converted]:
            rust = jsonschema_rs.meta.is_valid(schema)
            python = Draft202012Validator(Draft202012Validator.META_SCHEMA).is_valid(schema)
            assert rust == python, schema
            checked += 1
    assert checked > 500


def test_a_javascript_regex_literal_is_read_as_its_expression() -> None:
    """Nest's swagger plugin writes class-validator's @Matches(/^[A-Za-z]...$/) with its
    slashes (Novu's environment-variable key): read as it stands it refuses every value."""
    converted = SchemaConverter({"openapi": "3.0.0"}).to_json_schema(
        {"type": "string", "pattern": "/^[A-Za-z][A-Za-z0-9_]*$/"}
    )
    checker = Draft202012Validator(converted)
    assert checker.is_valid("API_URL") and not checker.is_valid("1up")


def test_all_of_beside_additional_properties_leaves_the_parts_fields_to_the_parts() -> None:
    """Novu's broadcast `overrides`: `allOf: [TriggerOverrides]` with
    `additionalProperties: {type: object}`; `layoutIdentifier` (a string in TriggerOverrides)
    is TriggerOverrides' field, not an additional one that must be an object."""
    document = {
        "openapi": "3.0.0",
        "components": {
            "schemas": {
                "Overrides": {
                    "type": "object",
                    "properties": {"layoutIdentifier": {"type": "string"}},
                }
            }
        },
    }
    converted = SchemaConverter(document).to_json_schema(
        {
            "allOf": [{"$ref": "#/components/schemas/Overrides"}],
            "additionalProperties": {"type": "object"},
        }
    )
    checker = Draft202012Validator(converted)
    assert checker.is_valid({"layoutIdentifier": "brand", "fcm": {"data": {}}})
    assert not checker.is_valid({"fcm": "not an object"})
