"""The dashboard in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven by Selenium, against a real server on loopback.

One browser for the module. Without Chromium the tests skip, saying why, except where
``CJSIM_REQUIRE_BROWSER=1`` (CI sets it): there they fail.

The page re-renders its tables and panels on every poll, so a test never keeps an element
across a wait: each check looks its elements up afresh and returns what it read (texts,
attributes), and ``wait_for`` looks again when an element went stale mid-render.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.chromium import require_chromium, start_chromium

require_chromium("the dashboard's browser tests")

from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

TOKEN = "dash-s3cret"
KEYS = {email: f"CJ{i}@api@{i:032x}" for i, email in enumerate(
    ("free@example.com", "prime@example.com", "before@example.com", "after@example.com", "a@example.com",
     "click@example.com"), 1)}


def account(email: str, level: str) -> dict[str, str]:
    return {"email": email, "level": level, "apiKey": KEYS[email]}


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chromium("--window-size=1400,1600")
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def sim() -> Simulator:
    # click@ logs in only in the detail test: a second login of prime@ (login_or_reuse's)
    # in the same 5 minutes would be refused, whichever test (or xdist worker) came first
    return Simulator(accounts=[account("free@example.com", "free"), account("prime@example.com", "prime"),
                               account("click@example.com", "prime")])


@pytest.fixture(scope="module")
def server(sim: Simulator) -> Iterator[BackgroundServer]:
    with BackgroundServer(sim.app) as srv:
        yield srv


@pytest.fixture(scope="module")
def page(browser: WebDriver, server: BackgroundServer) -> WebDriver:
    browser.get(server.url("/__cjsim/ui"))
    wait_for(lambda: "live" in browser.find_element(By.ID, "status").text, what="the page to go live")
    return browser


# an element replaced by a re-render, or not rendered yet: look again at the next poll
MID_RENDER = (StaleElementReferenceException, NoSuchElementException)


def wait_for(check: Callable[[], Any], timeout: float = 5.0, what: str = "") -> Any:
    """``check()``'s first truthy answer, polled every 50 ms. ``check`` must find its
    elements itself at every call and return what it read, never an element to use later."""
    last: list[Any] = [None]

    def attempt(_driver: object) -> Any:
        last[0] = check()
        return last[0]

    try:
        return WebDriverWait(None, timeout, poll_frequency=0.05,  # type: ignore[type-var]
                             ignored_exceptions=MID_RENDER).until(attempt)
    except TimeoutException as exc:
        raise AssertionError(f"waited {timeout} s for {what or check}: last saw {last[0]!r}") from exc


def texts(page: WebDriver, css: str) -> list[str]:
    """The texts of the elements ``css`` finds now (one lookup, read at once)."""
    return [e.text for e in page.find_elements(By.CSS_SELECTOR, css)]


def cells(page: WebDriver, row_css: str) -> list[str]:
    """The cell texts of the first row ``row_css`` finds now ([] if none)."""
    rows = page.find_elements(By.CSS_SELECTOR, row_css)
    return [td.text for td in rows[0].find_elements(By.TAG_NAME, "td")] if rows else []


def login(server: BackgroundServer, email: str) -> str:
    answer = requests.post(server.url("authentication/getAccessToken"), json={"apiKey": KEYS[email]},
                           timeout=5).json()
    return str(answer["data"]["accessToken"])


_tokens: dict[str, str] = {}


def login_or_reuse(server: BackgroundServer, email: str = "prime@example.com") -> str:
    if email not in _tokens:
        _tokens[email] = login(server, email)
    return _tokens[email]


def control(server: BackgroundServer, path: str, body: dict[str, Any]) -> Any:
    return requests.post(server.url(f"/__cjsim/{path}"), json=body, timeout=5).json()


def test_the_page_loads_without_errors_and_only_from_its_own_origin(page: WebDriver, server: BackgroundServer) -> None:
    time.sleep(0.6)  # a journal poll or two
    errors = [e for e in page.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    urls = page.execute_script(
        "return [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]")
    assert len(urls) > 5  # the files and the API calls
    assert all(u.startswith(server.root + "/") for u in urls), urls
    assert page.execute_script("return typeof uPlot") == "function"  # the vendored library ran


def test_a_hammered_free_account_shows_its_refusals_in_the_live_traffic(page: WebDriver,
                                                                        server: BackgroundServer) -> None:
    token = login(server, "free@example.com")
    codes = [requests.get(server.url("product/list"), headers={"CJ-Access-Token": token}, timeout=5).json()["code"]
             for _ in range(6)]
    assert 1600200 in codes
    started = time.monotonic()  # from the refusals, not from the client's own calls (slow on a busy CI)
    refused = wait_for(lambda: cells(page, "#traffic-body tr.rejected"), timeout=2.0, what="a refused row")
    assert time.monotonic() - started < 2.5
    assert refused[3] == "product/list" and refused[4].endswith("free@example.com")
    assert refused[5] == "1600200" and refused[6] == "R4" and refused[7] == "200"
    # the violation panel and the audit name the rule too
    wait_for(lambda: "R4" in page.find_element(By.ID, "violations").text, timeout=3, what="the violation")
    # the filter keeps only refusals of that code
    page.find_element(By.ID, "filter-code").send_keys("1600200")
    shown = wait_for(lambda: texts(page, "#traffic-body tr"), what="the filtered rows")
    assert all("1600200" in text for text in shown), shown
    page.find_element(By.ID, "filter-code").clear()
    page.execute_script("document.getElementById('filter-code').dispatchEvent(new Event('input'))")


def test_the_advance_button_moves_the_simulated_clock(page: WebDriver, server: BackgroundServer) -> None:
    before = control(server, "clock", {"freeze": True})["epoch"]
    page.find_element(By.CSS_SELECTOR, "button[data-advance='3600']").click()
    wait_for(lambda: requests.get(server.url("/__cjsim/clock"), timeout=5).json()["epoch"] == before + 3600,
             what="the clock to move one hour")
    wait_for(lambda: page.find_element(By.ID, "clock-state").text == "frozen", what="the frozen badge")
    page.find_element(By.ID, "freeze-button").click()  # unfreeze from the page
    wait_for(lambda: requests.get(server.url("/__cjsim/clock"), timeout=5).json()["frozen"] is False,
             what="the clock to run again")


def test_the_account_panel_shows_the_qps_window_filling(page: WebDriver, server: BackgroundServer,
                                                        sim: Simulator) -> None:
    control(server, "clock", {"freeze": True})
    control(server, "clock", {"advance": 5})  # an empty window
    token = login_or_reuse(server)
    for _ in range(3):
        requests.get(server.url("product/list"), headers={"CJ-Access-Token": token}, timeout=5)
    open_id = next(a.open_id for a in sim.accounts.all() if a.email == "prime@example.com")

    def qps_meter() -> tuple[str | None, str | None, str, str] | None:
        """The meter read in one go (a poll re-renders the panel: a kept element goes stale)."""
        meter = page.find_element(By.CSS_SELECTOR, f".account[data-open-id='{open_id}'] [role=meter]")
        if meter.get_attribute("aria-valuenow") != "3":
            return None
        fill = meter.find_element(By.CLASS_NAME, "fill")
        return (meter.get_attribute("aria-valuenow"), meter.get_attribute("aria-valuemax"),
                meter.get_attribute("aria-label") or "",
                str(page.execute_script("return arguments[0].style.width", fill)))

    now, most, label, width = wait_for(qps_meter, what="the QPS meter at 3")
    assert (now, most, width) == ("3", "4", "75%")
    assert "QPS window" in label
    control(server, "clock", {"freeze": False})


def test_a_click_shows_the_request_in_full_with_secrets_masked(page: WebDriver, server: BackgroundServer) -> None:
    key = KEYS["click@example.com"]
    requests.post(server.url("authentication/getAccessToken"), json={"apiKey": key}, timeout=5)
    last = requests.get(server.url("/__cjsim/journal?limit=1"), timeout=5).json()["entries"][-1]

    def click_row() -> bool:
        page.find_element(By.CSS_SELECTOR, f"#traffic-body tr[data-id='{last['id']}']").click()
        return True

    wait_for(click_row, what="the login's row")
    summary = wait_for(lambda: page.find_element(By.CSS_SELECTOR, "#detail pre.summary").text, what="the detail")
    text = page.find_element(By.ID, "detail").text
    assert f"Request #{last['id']}" in text and last["requestId"] in summary
    assert "/api2.0/v1/authentication/getAccessToken" in summary
    assert key not in text and key.split("@")[-1] not in text  # never the API key
    full = requests.get(server.url(f"/__cjsim/journal/{last['id']}"), timeout=5)
    if full.status_code == 200:  # the journal keeps whole exchanges: the page shows the masked body
        body = wait_for(lambda: page.find_element(By.CSS_SELECTOR, "#detail pre.body").text,
                        what="the request body")
        assert "apiKey" in body and key not in body
    else:  # an older journal: the page says why there is no more
        assert "keeps no more about this request" in text
    logged = [e["message"] for e in page.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert all(f"/__cjsim/journal/{last['id']} " in m and "404" in m for m in logged), logged


def test_the_scenario_panel_shows_each_fault_firing(page: WebDriver, server: BackgroundServer) -> None:
    control(server, "scenario", {"name": "busy-once", "faults": [
        {"match": {"path": "product/getCategory", "calls": [1]}, "action": {"code": 1600000}}]})
    token = login_or_reuse(server)
    for _ in range(2):
        requests.get(server.url("product/getCategory"), headers={"CJ-Access-Token": token}, timeout=5)

    def fault_row() -> tuple[list[str], str] | None:
        """The busy-once row's cells and text, read from the rows as they are now."""
        for row in page.find_elements(By.CSS_SELECTOR, "#scenario tbody tr"):
            text = row.text
            if text.startswith("busy-once"):
                return [td.text for td in row.find_elements(By.TAG_NAME, "td")], text
        return None

    fired, text = wait_for(lambda: (row := fault_row()) is not None and row[0][1:3] == ["1", "2"] and row,
                           what="fired 1 of 2 calls")
    assert "path=product/getCategory" in text and "code=1600000" in text, fired
    requests.delete(server.url("/__cjsim/scenario"), timeout=5)


def test_the_reset_button_asks_first(page: WebDriver, server: BackgroundServer) -> None:
    requests.get(server.url("setting/get"), timeout=5)  # something to reset, whichever tests ran before
    assert requests.get(server.url("/__cjsim/journal"), timeout=5).json()["entries"]
    page.find_element(By.ID, "reset-button").click()
    page.switch_to.alert.dismiss()
    time.sleep(0.2)
    assert requests.get(server.url("/__cjsim/journal"), timeout=5).json()["entries"]  # nothing happened
    page.find_element(By.ID, "reset-button").click()
    page.switch_to.alert.accept()
    wait_for(lambda: requests.get(server.url("/__cjsim/journal"), timeout=5).json()["entries"] == [],
             what="the journal to empty")
    wait_for(lambda: not page.find_elements(By.CSS_SELECTOR, "#traffic-body tr"), what="the table to empty")


def test_with_an_admin_token_the_page_asks_for_it_once(browser: WebDriver) -> None:
    guarded = Simulator(admin_token=TOKEN, accounts=[account("a@example.com", "free")])
    with BackgroundServer(guarded.app) as srv:
        browser.get(srv.url("/__cjsim/ui"))
        wait_for(lambda: browser.find_element(By.ID, "token-form").is_displayed(), what="the token form")
        browser.find_element(By.ID, "token-input").send_keys(TOKEN)
        browser.find_element(By.CSS_SELECTOR, "#token-form button[type=submit]").click()
        wait_for(lambda: "a@example.com" in browser.find_element(By.ID, "accounts").text, what="the accounts")
        assert browser.execute_script("return sessionStorage.getItem('cjsim-admin-token')") == TOKEN
        # given in the fragment instead: used, and taken out of the address bar
        browser.execute_script("sessionStorage.clear()")
        browser.get(srv.url(f"/__cjsim/ui#token={TOKEN}"))
        wait_for(lambda: "a@example.com" in browser.find_element(By.ID, "accounts").text, what="the accounts")
        assert "token" not in browser.current_url
        assert not browser.find_element(By.ID, "token-form").is_displayed()
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"]]
        assert errors == []


def test_a_401_answered_after_the_token_was_given_does_not_ask_again(browser: WebDriver) -> None:
    """A poll sent before the token came in (the fragment here) answers 401 after it: that
    stale refusal must not bring the token form back over a page that now has its token."""
    guarded = Simulator(admin_token=TOKEN, accounts=[account("a@example.com", "free")])
    with BackgroundServer(guarded.app) as srv:
        browser.get(srv.url("/__cjsim/ui"))
        browser.execute_script("sessionStorage.clear()")
        wait_for(lambda: browser.find_element(By.ID, "token-form").is_displayed(), what="the token form")
        # hold every call the page makes from now on (built, with its headers, but not answered yet)
        browser.execute_script("""
            window.heldCalls = []; window.realFetch = window.fetch;
            window.fetch = (...args) => new Promise(
                (resolve) => window.heldCalls.push(() => resolve(window.realFetch(...args))));""")
        wait_for(lambda: browser.execute_script("return window.heldCalls.length") >= 2, what="tokenless polls")
        browser.execute_script("location.hash = arguments[0]", f"token={TOKEN}")
        wait_for(lambda: not browser.find_element(By.ID, "token-form").is_displayed(), what="the form to go")
        browser.execute_script("window.fetch = window.realFetch; for (const go of window.heldCalls) go();")
        wait_for(lambda: "a@example.com" in browser.find_element(By.ID, "accounts").text, what="the accounts")
        time.sleep(0.3)  # the held 401s have been answered by now
        assert browser.execute_script("return sessionStorage.getItem('cjsim-admin-token')") == TOKEN
        assert not browser.find_element(By.ID, "token-form").is_displayed()


def test_a_restarted_simulator_is_followed(browser: WebDriver) -> None:
    first = Simulator(accounts=[account("before@example.com", "advanced")])
    server = BackgroundServer(first.app).start()
    port = server.port
    try:
        browser.get(server.url("/__cjsim/ui"))
        token = login(server, "before@example.com")
        for _ in range(3):
            requests.get(server.url("setting/get"), headers={"CJ-Access-Token": token}, timeout=5)
        wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "#traffic-body tr")) == 4, what="4 rows")
    finally:
        server.stop()
    second = Simulator(accounts=[account("after@example.com", "advanced")])
    with BackgroundServer(second.app, port=port) as again:  # the journal numbers from 1 again
        login(again, "after@example.com")
        shown = wait_for(lambda: (now := texts(browser, "#traffic-body tr"))
                         and any("after@example.com" in t for t in now) and now,
                         timeout=8, what="the new simulator's call")
        assert len([t for t in shown if "after@example.com" in t]) == 1
        assert not any("before@example.com" in t for t in shown), shown
