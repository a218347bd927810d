"""Novu's JavaScript SDKs (@novu/api and @novu/node), unchanged, against a live mockserver.

The SDKs are installed from the npm registry with the committed lock file (`npm ci`); each
script asserts every step itself and prints what it exercised.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.live import LiveServer

pytestmark = pytest.mark.live

JS = Path(__file__).resolve().parent / "js"
API_METHODS = [
    "list",
    "listActive",
    "create",
    "update",
    "setAsPrimary",
    "autoConfigure",
    "generateConnectOAuthUrl",
    "generateLinkUserOAuthUrl",
    "generateChatOAuthUrl",
    "createMobileLink",
    "configureIntegrationWebhook",
    "linkChannelEndpoint",
    "delete",
    "webhook provider status (raw)",
]
NODE_METHODS = [
    "getAll",
    "getActive",
    "create",
    "update",
    "setIntegrationAsPrimary",
    "getWebhookProviderStatus",
    "delete",
]


@pytest.fixture(scope="session")
def node_modules() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed for the JavaScript SDK tests (CI installs them)")
    # pytest-xdist workers each ask for the SDKs: one installs them while the others wait.
    with (Path(tempfile.gettempdir()) / "mockserver-npm-ci.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (JS / "node_modules" / ".package-lock.json").exists():
            subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                cwd=JS,
                check=True,
                timeout=600,
            )
    return JS / "node_modules"


def run_script(script: str, server: LiveServer) -> dict[str, list[str]]:
    httpx.post(f"{server.url}/__mock/reset")
    done = subprocess.run(
        ["node", script, server.url, server.development_key],
        cwd=JS,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    result: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.usefixtures("node_modules")
def test_novu_api_sdk(server: LiveServer):
    result = run_script("novu-api.mjs", server)
    assert result["exercised"] == API_METHODS
    assert result["errors"] == [
        "delete unknown: 404 ErrorDto",
        "create twice: 409 ErrorDto",
        "create without providerId: 422 ValidationErrorDto",
        "wrong key: 401 ErrorDto",
    ]


@pytest.mark.usefixtures("node_modules")
def test_novu_node_sdk(server: LiveServer):
    result = run_script("novu-node.mjs", server)
    assert result["exercised"] == NODE_METHODS
    assert [line.split(":")[0] for line in result["errors"]] == [
        "getInAppStatus with an API key",
        "delete unknown",
        "set primary on chat",
        "duplicate identifier",
        "wrong key",
        "create without providerId",
    ]


@pytest.mark.usefixtures("node_modules")
def test_novu_api_sdk_subscribers(server: LiveServer):
    result = run_script("novu-api-subscribers.mjs", server)
    assert result["exercised"] == ["create", "retrieve", "patch", "search", "createBulk", "delete"]
    assert result["errors"] == [
        "retrieve deleted: 404 ErrorDto",
        "create with a bad email: 422 ValidationErrorDto",
    ]


@pytest.mark.usefixtures("node_modules")
def test_novu_api_sdk_in_a_box(server: LiveServer):
    result = run_script("novu-api-box.mjs", server)
    assert result["exercised"] == [
        "workflows.create",
        "workflows.patch",
        "workflows.list",
        "topics.create",
        "topics.subscriptions.create",
        "trigger",
        "trigger to a topic",
        "triggerBulk",
        "cancel",
        "messages.retrieve",
        "topics.delete",
        "workflows.delete",
    ]
    assert result["errors"] == [
        "get a deleted workflow: 404 ErrorDto",
        "get a deleted topic: 404 ErrorDto",
    ]


@pytest.mark.usefixtures("node_modules")
def test_novu_node_sdk_in_a_box(server: LiveServer):
    result = run_script("novu-node-box.mjs", server)
    assert result["exercised"] == [
        "notificationTemplates.create",
        "subscribers.identify",
        "topics",
        "trigger",
        "trigger to a topic",
        "bulkTrigger",
        "broadcast",
        "cancel",
        "tenants",
        "topics.removeSubscribers and delete",
        "subscribers.delete",
        "notificationTemplates.delete",
    ]
    assert result["errors"] == ["trigger an unknown workflow: 422 workflow_not_found"]
