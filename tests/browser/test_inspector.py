"""The inspector page as a person sees it, rendered by headless Chromium."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.live import live_server

pytestmark = pytest.mark.live


def render(url: str, profile: Path) -> str:
    """The page's DOM after Chromium has loaded and laid it out."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("headless Chromium is needed (Debian package chromium; CI installs it)")
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def test_inspector_shows_environments_integrations_and_the_journal(tmp_path: Path):
    with live_server("--validation", "strict") as server:
        auth = {"Authorization": f"ApiKey {server.development_key}"}
        httpx.post(
            f"{server.url}/v1/integrations",
            headers=auth,
            json={"providerId": "postmark", "channel": "email", "name": "Receipts"},
        )
        httpx.post(f"{server.url}/v1/integrations", headers=auth, json={"providerId": 5})
        httpx.get(f"{server.url}/v1/integrationz", headers=auth)
        dom = render(f"{server.url}/__mock/", tmp_path / "profile")

    assert "<title>mockserver inspector</title>" in dom
    assert '<meta http-equiv="refresh" content="3">' in dom
    page = text_of(dom)
    assert "Development (13 integrations" in page
    assert "Production (11 integrations" in page
    assert "Receipts postmark email no" in page

    rows = re.findall(r'<tr class="entry([^"]*)">(.*?)</tr>', dom, flags=re.S)
    assert len(rows) == 3  # newest first
    (unmatched_class, unmatched), (violation_class, violation), (ok_class, ok) = rows
    assert "unmatched" in unmatched_class
    assert "GET /v1/integrationz" in text_of(unmatched)
    assert "nearest: IntegrationsController_listIntegrations" in text_of(unmatched)
    assert "violation" in violation_class
    assert "request violation: providerId: providerId must be a string" in text_of(violation)
    assert ok_class == ""
    assert "201 IntegrationsController_createIntegration" in text_of(ok)
    # The highlighted rows really are coloured for the eye, not only classed.
    assert re.search(r"tr\.violation td \{ background: #[0-9a-f]{6}", dom)
