"""The inspector in a real browser: Debian's Chromium, driven by Selenium through Debian's
chromedriver (no browser or driver is downloaded). The page is opened once per test, and
everything after that happens without a reload: the test sends requests to the mock and watches
them appear, opens one, filters, injects a fault, resets.

Screenshots of what the tests saw go to MOCKSERVER_SCREENSHOTS (a folder) when it is set.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx
import pytest

from tests.live import LiveServer, live_server

pytestmark = pytest.mark.live

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
selenium = pytest.importorskip("selenium", reason="Selenium is needed (pip install selenium)")
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip(
        "Debian's chromium and chromium-driver are needed for the browser tests "
        "(apt install chromium chromium-driver; CI installs them)",
        allow_module_level=True,
    )

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

T = TypeVar("T")
TOKEN = "inspector-admin-token"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server("--validation", "strict", "--admin-token", TOKEN) as running:
        yield running


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(
    tmp_path_factory: pytest.TempPathFactory, downloads: Path
) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def page(server: LiveServer, browser: webdriver.Chrome) -> webdriver.Chrome:
    """The inspector of a freshly reset server, loaded once: nothing below reloads it."""
    admin = {"Authorization": f"Bearer {TOKEN}"}
    httpx.post(f"{server.url}/__mock/reset", headers=admin, json={}).raise_for_status()
    browser.get(f"{server.url}/__mock/?token={TOKEN}")
    wait_for(browser, lambda: browser.find_element(By.ID, "summary").text.startswith("Novu"))
    browser.execute_script("window.__loadedOnce = true")
    return browser


def wait_for(
    browser: webdriver.Chrome, condition: Callable[[], T | None], seconds: float = 10
) -> T:
    """What `condition` gives once it gives something (not None, False or empty)."""

    def attempt(_: Any) -> Any:
        try:
            return condition() or False
        except (StaleElementReferenceException, IndexError, AssertionError):
            return False

    return cast(T, WebDriverWait(browser, seconds, poll_frequency=0.1).until(attempt))


def never_reloaded(browser: webdriver.Chrome) -> None:
    assert browser.execute_script("return window.__loadedOnce === true"), "the page reloaded"


def rows(browser: webdriver.Chrome) -> list[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#exchanges > li")


def state_text(browser: webdriver.Chrome) -> str:
    """The state view's text, folded environments included."""
    return str(browser.find_element(By.ID, "state").get_attribute("textContent"))


def shot(browser: webdriver.Chrome, name: str) -> None:
    folder = os.environ.get("MOCKSERVER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(Path(folder) / f"{name}.png"))


def api(server: LiveServer) -> httpx.Client:
    return httpx.Client(
        base_url=server.url, headers={"Authorization": f"ApiKey {server.development_key}"}
    )


def test_a_request_appears_live_and_opens_to_its_bodies_with_the_violation_marked(
    server: LiveServer, page: webdriver.Chrome
) -> None:
    with api(server) as client:
        client.post("/v1/integrations", json={"providerId": "postmark", "channel": "email"})
        refused = client.post("/v1/integrations", json={"providerId": 5, "channel": "email"})
    assert refused.status_code == 422
    wait_for(page, lambda: len(rows(page)) == 2)
    never_reloaded(page)
    newest, older = rows(page)
    assert "POST /v1/integrations" in newest.text and "422" in newest.text
    assert "violation" in (newest.get_attribute("class") or "")
    assert "201" in older.text
    # Opened with the keyboard: the row is a button.
    newest.find_element(By.CSS_SELECTOR, "button.row").send_keys(Keys.ENTER)
    detail = wait_for(page, lambda: rows(page)[0].find_element(By.CSS_SELECTOR, ".detail"))
    request_body = detail.find_element(By.CSS_SELECTOR, ".side.request pre.json")
    assert json.loads(request_body.text) == {"providerId": 5, "channel": "email"}
    response_body = json.loads(detail.find_element(By.CSS_SELECTOR, ".side.response pre").text)
    assert response_body["errors"]["providerId"]["messages"] == ["providerId must be a string"]
    marked = detail.find_elements(By.CSS_SELECTOR, ".side.request .hl")
    assert [m.get_attribute("data-path") for m in marked] == ["providerId"]
    assert marked[0].text == "5"
    assert "request: providerId: providerId must be a string" in detail.text
    assert "IntegrationsController_createIntegration" in detail.text
    # The key stays masked in the headers shown, and in a curl command unless asked.
    assert "********" in detail.find_element(By.CSS_SELECTOR, ".side.request table").text
    assert server.development_key not in detail.text
    detail.find_element(By.CSS_SELECTOR, "button.copy-curl").click()
    curl = wait_for(page, lambda: rows(page)[0].find_element(By.CSS_SELECTOR, "pre.curl").text)
    assert curl.startswith("curl -X POST") and server.development_key not in curl
    shot(page, "exchange-422-opened")
    rows(page)[0].find_element(By.CSS_SELECTOR, "input.curl-with-key").click()
    rows(page)[0].find_element(By.CSS_SELECTOR, "button.copy-curl").click()
    wait_for(
        page,
        lambda: (
            server.development_key in rows(page)[0].find_element(By.CSS_SELECTOR, "pre.curl").text
        ),
    )


def test_filters_narrow_the_list_and_unmatched_requests_show_the_nearest_operations(
    server: LiveServer, page: webdriver.Chrome
) -> None:
    with api(server) as client:
        client.get("/v1/integrations")
        client.post("/v1/integrations", json={"channel": "email"})
        client.get("/v1/integrationz")
    wait_for(page, lambda: len(rows(page)) == 3)
    page.find_element(By.ID, "filter-violations").click()
    wait_for(page, lambda: len(rows(page)) == 2)
    page.find_element(By.ID, "filter-unmatched").click()
    (unmatched,) = wait_for(page, lambda: rows(page) if len(rows(page)) == 1 else None)
    unmatched.find_element(By.CSS_SELECTOR, "button.row").click()
    nearest = wait_for(page, lambda: rows(page)[0].find_element(By.CSS_SELECTOR, "ul.nearest"))
    assert "IntegrationsController_listIntegrations" in nearest.text
    page.find_element(By.ID, "filter-unmatched").click()
    page.find_element(By.ID, "filter-violations").click()
    Select(page.find_element(By.ID, "filter-status")).select_by_visible_text("2xx")
    wait_for(page, lambda: len(rows(page)) == 1 and "GET /v1/integrations" in rows(page)[0].text)
    Select(page.find_element(By.ID, "filter-status")).select_by_visible_text("any")
    page.find_element(By.ID, "filter-text").send_keys("integrationz")
    wait_for(page, lambda: len(rows(page)) == 1)
    never_reloaded(page)


def test_a_fault_added_in_the_form_fires_and_can_be_removed(
    server: LiveServer, page: webdriver.Chrome
) -> None:
    page.find_element(By.ID, "tab-faults").click()
    Select(page.find_element(By.ID, "fault-operation")).select_by_value(
        "IntegrationsController_listIntegrations"
    )
    status = page.find_element(By.ID, "fault-status")
    status.send_keys("418")
    page.find_element(By.ID, "fault-add").click()
    # Refused as the admin API refuses it: 418 is not a status the operation declares.
    notice = wait_for(page, lambda: page.find_element(By.ID, "notice").text)
    assert "418" in notice and "not declared" in notice
    status.clear()
    status.send_keys("503")
    page.find_element(By.ID, "fault-message").send_keys("Novu is down for maintenance")
    page.find_element(By.ID, "fault-add").click()
    wait_for(page, lambda: page.find_elements(By.CSS_SELECTOR, "#faults tr[data-fault]"))
    shot(page, "fault-form")
    with api(server) as client:
        assert client.get("/v1/integrations").status_code == 503
    page.find_element(By.ID, "tab-exchanges").click()
    fired = wait_for(page, lambda: rows(page)[0] if "503" in rows(page)[0].text else None)
    assert "fault fault-" in fired.text
    page.find_element(By.ID, "tab-faults").click()
    page.find_element(By.CSS_SELECTOR, "#faults button.remove-fault").click()
    wait_for(page, lambda: not page.find_elements(By.CSS_SELECTOR, "#faults tr[data-fault]"))
    with api(server) as client:
        assert client.get("/v1/integrations").status_code == 200
    never_reloaded(page)


def test_the_state_view_shows_primaries_and_a_reset_brings_the_seed_back(
    server: LiveServer, page: webdriver.Chrome
) -> None:
    page.find_element(By.ID, "tab-state").click()
    development = wait_for(
        page, lambda: page.find_element(By.CSS_SELECTOR, "#state details[data-environment]")
    )
    assert development.get_attribute("open") is None  # folded by default
    assert "(12 integrations" in development.text
    assert server.development_key not in page.find_element(By.ID, "state").text
    development.find_element(By.TAG_NAME, "summary").click()
    primary_table = development.find_elements(By.CSS_SELECTOR, "section.resource table")[1]
    assert "email" in primary_table.text and "Priority" in development.text
    with api(server) as client:
        made = client.post(
            "/v1/integrations",
            json={"providerId": "sendgrid", "channel": "email", "name": "Inspector Mail"},
        )
        assert made.status_code == 201
    wait_for(page, lambda: "Inspector Mail" in page.find_element(By.ID, "state").text)
    shot(page, "state-view")
    button = page.find_element(By.CSS_SELECTOR, "#state details[open] button.reset-environment")
    button.click()
    wait_for(page, lambda: "Inspector Mail" not in page.find_element(By.ID, "state").text)
    never_reloaded(page)


def test_what_a_trigger_delivered_shows_in_the_environments_outbox(
    server: LiveServer, page: webdriver.Chrome
) -> None:
    page.find_element(By.ID, "tab-state").click()
    development = wait_for(
        page, lambda: page.find_element(By.CSS_SELECTOR, "#state details[data-environment]")
    )
    development.find_element(By.TAG_NAME, "summary").click()
    with api(server) as client:
        made = client.post(
            "/v2/subscribers",
            json={"subscriberId": "inspected", "firstName": "Ines", "email": "ines@example.com"},
        )
        assert made.status_code == 201
        sent = client.post("/v1/events/trigger", json={"name": "welcome", "to": "inspected"})
        assert sent.status_code == 201
    wait_for(page, lambda: "ines@example.com" in page.find_element(By.ID, "state").text)
    # The view is drawn again as the state changes: the sections are found afresh.
    outbox = next(
        section
        for section in page.find_elements(By.CSS_SELECTOR, "#state details[open] section.resource")
        if "Outbox" in section.text
    )
    assert "Welcome" in outbox.text and "Ines" in outbox.text  # the rendered subject
    assert "email" in outbox.text and "in_app" in outbox.text
    page.execute_script("arguments[0].scrollIntoView()", outbox)
    shot(page, "state-outbox")
    never_reloaded(page)


def test_the_page_obeys_the_admin_token_and_its_own_calls_stay_out_of_the_journal(
    server: LiveServer, browser: webdriver.Chrome
) -> None:
    admin = {"Authorization": f"Bearer {TOKEN}"}
    httpx.delete(f"{server.url}/__mock/requests", headers=admin).raise_for_status()
    browser.get(f"{server.url}/__mock/")
    assert "admin token" in browser.page_source
    browser.get(f"{server.url}/__mock/?token={TOKEN}")
    wait_for(browser, lambda: browser.find_element(By.ID, "summary").text.startswith("Novu"))
    browser.find_element(By.ID, "tab-state").click()
    browser.find_element(By.ID, "tab-faults").click()
    browser.find_element(By.ID, "tab-exchanges").click()
    # Let it poll the journal a few times (and read the state and the faults).
    polls = "return performance.getEntriesByType('resource')" + (
        ".filter(e => e.name.includes('/__mock/requests')).length"
    )
    wait_for(browser, lambda: browser.execute_script(polls) >= 3)
    count = httpx.get(f"{server.url}/__mock/requests/count", headers=admin).json()["count"]
    assert count == 0
    # Narrow, as on a phone: the list stays usable, its rows within the window.
    browser.set_window_size(420, 900)
    with api(server) as client:
        client.get("/v1/integrations")
    row = wait_for(browser, lambda: rows(browser)[0])
    assert row.size["width"] <= 420
    assert "GET /v1/integrations" in row.text
    browser.set_window_size(1280, 1000)


def test_export_downloads_the_state_and_a_bad_import_is_refused_whole(
    server: LiveServer, page: webdriver.Chrome, downloads: Path, tmp_path: Path
) -> None:
    page.find_element(By.ID, "export-state").click()
    exported = downloads / "mockserver-state.json"
    wait_for(page, lambda: exported.is_file() and exported.stat().st_size > 0)
    document = json.loads(exported.read_text())
    assert document["organizations"][0]["environments"][0]["name"] == "Development"
    # A document with two environments sharing an id: refused with the reasons, nothing changed.
    broken = json.loads(json.dumps(document))
    environments = broken["organizations"][0]["environments"]
    environments[1]["_id"] = environments[0]["_id"]
    bad = tmp_path / "bad-state.json"
    bad.write_text(json.dumps(broken))
    page.find_element(By.ID, "import-state").send_keys(str(bad))
    notice = wait_for(page, lambda: page.find_element(By.CSS_SELECTOR, "#notice.error"))
    assert "state document refused, nothing changed" in notice.text
    assert "two environment ids are" in notice.find_element(By.TAG_NAME, "ul").text
    # A good one (the export, with one integration renamed) is taken.
    integrations = document["organizations"][0]["environments"][0]["integrations"]
    integrations[-1]["name"] = "Imported Through The Page"
    good = tmp_path / "good-state.json"
    good.write_text(json.dumps(document))
    page.find_element(By.ID, "import-state").send_keys(str(good))
    wait_for(page, lambda: page.find_element(By.CSS_SELECTOR, "#notice.ok"))
    page.find_element(By.ID, "tab-state").click()
    wait_for(
        page,
        lambda: "Imported Through The Page" in state_text(page),
    )
    never_reloaded(page)


def test_reset_everything_and_clear_the_journal(server: LiveServer, page: webdriver.Chrome) -> None:
    with api(server) as client:
        client.post(
            "/v1/integrations",
            json={"providerId": "sendgrid", "channel": "email", "name": "Gone Soon"},
        )
    wait_for(page, lambda: len(rows(page)) == 1)
    page.find_element(By.ID, "clear-journal").click()
    wait_for(page, lambda: not rows(page))
    page.find_element(By.ID, "tab-state").click()
    wait_for(page, lambda: "Gone Soon" in state_text(page))
    page.find_element(By.ID, "reset-all").click()
    page.switch_to.alert.accept()
    wait_for(
        page,
        lambda: "Gone Soon" not in state_text(page),
    )
    never_reloaded(page)


def test_an_inferred_answer_is_tagged_in_the_journal(browser: webdriver.Chrome) -> None:
    """On Novu's whole published document (`--novu-api`), what the inferred engine answered
    is tagged as such; a hand-modelled answer is not."""
    from tests.reference import novu_openapi

    with live_server("--novu-api", str(novu_openapi()), "--admin-token", TOKEN) as whole:
        browser.get(f"{whole.url}/__mock/?token={TOKEN}")
        wait_for(browser, lambda: browser.find_element(By.ID, "summary").text.startswith("Novu"))
        with api(whole) as client:
            assert client.get("/v2/layouts").headers["X-Mockserver-Inferred"] == "true"
            assert "X-Mockserver-Inferred" not in client.get("/v1/integrations").headers
        wait_for(browser, lambda: len(rows(browser)) == 2)
        modelled, inferred = rows(browser)
        assert "GET /v2/layouts" in inferred.text and "inferred" in inferred.text
        assert "inferred" not in modelled.text
        inferred.find_element(By.CSS_SELECTOR, "button.row").send_keys(Keys.ENTER)
        detail = wait_for(
            browser, lambda: rows(browser)[1].find_element(By.CSS_SELECTOR, ".detail")
        )
        assert "inferred from the document" in detail.text
        shot(browser, "inferred-answer")
