"""What the server does with requests it cannot carry out: auth, bodies, routes."""

from __future__ import annotations

import pytest


def test_missing_authorization_is_401(client):
    response = client.get("/v1/integrations")
    assert response.status_code == 401
    assert response.get_json()["message"] == "Missing authorization header"


@pytest.mark.parametrize(
    "header,message",
    [
        ("Foo abc", 'Invalid authentication scheme: "Foo"'),
        ("apikey abc", 'Invalid authentication scheme: "apikey"'),
        ("ApiKey ", "Unauthorized"),
        ("ApiKey 0123456789abcdef", "API Key not found"),
        ("Bearer not-a-session", "Unauthorized"),
    ],
)
def test_bad_credentials_get_novu_messages(client, header, message):
    response = client.get("/v1/integrations", headers={"Authorization": header})
    assert response.status_code == 401
    body = response.get_json()
    assert body["message"] == message
    assert {"statusCode", "timestamp", "path"} <= set(body)


def test_body_over_100_kb_is_413_and_changes_nothing(api):
    before = api.integrations()
    status, body = api.call(
        "POST", "/v1/integrations", {"providerId": "ses", "name": "x" * (100 * 1024)}
    )
    assert status == 413
    assert body["message"] == "request entity too large"
    assert api.integrations() == before


def test_malformed_json_is_400(client, keys):
    response = post_raw(client, keys, '{"providerId": }', "application/json")
    assert response.status_code == 400
    assert response.get_json()["message"] == "Unexpected token '}' in JSON at position 15"


def test_truncated_json_is_400(client, keys):
    response = client.post(
        "/v1/integrations",
        data='{"providerId": "ses"',
        headers={"Authorization": f"ApiKey {keys.development}", "Content-Type": "application/json"},
    )
    assert (response.status_code, response.get_json()["message"]) == (
        400,
        "Unexpected end of JSON input",
    )


def test_invalid_utf8_is_400(client, keys):
    response = client.post(
        "/v1/integrations",
        data=b'{"providerId": "\xff"}',
        headers={"Authorization": f"ApiKey {keys.development}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_json()["message"]


def post_raw(client, keys, data: str, content_type: str):
    return client.post(
        "/v1/integrations",
        data=data,
        headers={"Authorization": f"ApiKey {keys.development}", "Content-Type": content_type},
    )


def test_a_form_body_is_parsed_as_express_parses_it(client, keys):
    # bodyParser.urlencoded({extended: true}): every value a string, so `active=true` fails
    # the DTO's boolean check with Novu's 422 (apps/api/src/bootstrap.ts).
    form = "application/x-www-form-urlencoded"
    response = post_raw(client, keys, "providerId=ses&channel=email&active=true", form)
    assert response.status_code == 422
    assert response.get_json()["errors"]["active"]["messages"] == ["active must be a boolean value"]
    created = post_raw(client, keys, "providerId=ses&channel=email&name=Formed", form)
    assert created.status_code == 201 and created.get_json()["data"]["name"] == "Formed"


def test_a_text_body_reaches_the_rules_as_an_empty_object(client, keys):
    # No parser takes text/plain: Express hands the controller {}, and the DTO answers 422.
    response = post_raw(client, keys, '{"providerId": "ses", "channel": "email"}', "text/plain")
    assert response.status_code == 422
    assert response.get_json()["errors"]["providerId"]["messages"] == [
        "providerId should not be null or undefined"
    ]


def test_json_array_body_is_422(api):
    status, body = api.call("POST", "/v1/integrations", [1, 2])
    assert status == 422
    assert body["errors"]["general"]["messages"] == ["general must be an object"]


def test_unknown_route_is_404_in_nest_words(api):
    status, body = api.call("GET", "/v1/integrations/a/b/c")
    assert (status, body["message"]) == (404, "Cannot GET /v1/integrations/a/b/c")


def test_wrong_method_is_405_with_allow(client):
    response = client.patch("/v1/integrations")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert response.get_json()["message"] == "Cannot PATCH /v1/integrations"


def test_head_answers_as_get_without_a_body(client, keys):
    auth = {"Authorization": f"ApiKey {keys.development}"}
    got, head = (
        client.get("/v1/integrations", headers=auth),
        client.head("/v1/integrations", headers=auth),
    )
    assert (head.status_code, head.data) == (200, b"")
    assert head.headers["Content-Length"] == got.headers["Content-Length"]


def test_answers_carry_an_exact_content_length(client, keys):
    auth = {"Authorization": f"ApiKey {keys.development}"}
    for response in (
        client.get("/v1/integrations", headers=auth),
        client.post("/v1/integrations", headers=auth, json={"providerId": 1}),
        client.get("/v1/nothing", headers=auth),
    ):
        assert int(response.headers["Content-Length"]) == len(response.data) > 0


def test_error_path_keeps_the_query_string(api):
    status, body = api.call("PUT", "/v1/integrations/zzz?dryRun=1", {"name": "n"})
    assert status == 404
    assert body["path"] == "/v1/integrations/zzz?dryRun=1"


def test_every_answer_is_json(client, keys):
    for path in ("/v1/integrations", "/v1/nothing", "/__mock/environments"):
        response = client.get(path, headers={"Authorization": f"ApiKey {keys.development}"})
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_deeply_nested_json_is_400_and_changes_nothing(api):
    before = api.integrations()
    nested: object = "leaf"
    for _ in range(150):
        nested = {"n": nested}
    status, body = api.call(
        "POST",
        "/v1/integrations",
        {
            "providerId": "ses",
            "credentials": {"tlsOptions": nested},
        },
    )
    assert status == 400
    assert body["message"] == "JSON body is nested too deeply (more than 100 levels)"
    assert api.integrations() == before


def test_nesting_beyond_the_parser_is_400_too(client, keys):
    response = client.post(
        "/v1/integrations",
        data="[" * 5000 + "]" * 5000,
        headers={"Authorization": f"ApiKey {keys.development}", "Content-Type": "application/json"},
    )
    assert response.status_code == 400


def test_allow_lists_every_method_routing_takes_at_the_path(client):
    # /active also fits /{integrationId}: a DELETE there is routed (as Express routes it) to
    # the delete operation with the id `active`, so Allow names it too.
    response = client.open("/v1/integrations/active", method="OPTIONS")
    assert (response.status_code, response.headers["Allow"]) == (405, "DELETE, GET, PUT")
    assert client.delete("/v1/integrations/active").status_code != 405
    response = client.patch("/v1/integrations/" + "a" * 24)
    assert response.headers["Allow"] == "DELETE, PUT"


def test_a_json_body_must_be_an_object_or_an_array_as_body_parser_strict_has_it(api):
    for raw, first in ((b"null", "n"), (b'  "text"', '"'), (b"5", "5"), (b"true", "t")):
        response = api.client.open(
            "/v2/subscribers/nobody",
            method="PATCH",
            data=raw,
            headers={"Authorization": api.authorization, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, raw
        position = len(raw) - len(raw.lstrip())
        expected = f"Unexpected token {first!r} in JSON at position {position}"
        assert response.get_json()["message"] == expected
