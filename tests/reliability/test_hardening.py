"""What an attack run found (loopback only, with the tools a hostile or careless client has),
each kept closed by a test here. The numbers are the findings' in the hardening issue."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from mockserver.app import create_app
from mockserver.settings import Settings

TOKEN = "adm1n-t0ken-for-tests"


def fresh(**settings: Any) -> Flask:
    return create_app(Settings(**settings))


# ---- 1. every path under /__mock obeys --admin-token ----------------------------------------


@pytest.fixture(scope="module")
def guarded() -> Flask:
    return fresh(admin_token=TOKEN)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/__mock/"),
        ("GET", "/__mock"),
        ("GET", "/__mock/state"),
        ("GET", "/__mock/requests"),
        ("POST", "/__mock/reset"),
        ("GET", "/__mock/no-such-admin-route"),
    ],
)
def test_no_admin_path_answers_without_the_token(guarded: Flask, method: str, path: str) -> None:
    client = guarded.test_client()
    environment = guarded.extensions["mockserver"].organizations[0].environments
    api_keys = [e.api_key for e in environment.values()]
    answer = client.open(path, method=method)
    assert answer.status_code == 401
    assert not any(key in answer.get_data(as_text=True) for key in api_keys)
    wrong = client.open(path, method=method, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_the_inspector_works_with_the_token_in_the_address(guarded: Flask) -> None:
    client = guarded.test_client()
    page = client.get(f"/__mock/?token={TOKEN}")
    assert page.status_code == 200
    assert "mockserver inspector" in page.get_data(as_text=True)
    assert client.get("/__mock/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
