"""The journal's HAR export opens in Chromium's own "Import HAR file" and holds no secret
in full.

How (the genuine importer, not a validator of ours): Chromium ships its DevTools front end
inside the browser, and ChromeDriver lets a page navigate to it
(``devtools://devtools/bundled/devtools_app.html``). Unattached to any target, that page
still runs the whole DevTools app, Network panel included. The test shows the Network
panel and gives the exported ``.har`` file to the panel's own hidden file input (the one
its "Import HAR file…" toolbar button clicks; Selenium sets a file input's file the way a
chosen file would). The panel then runs its own code, exactly as for a user: it reads the
file, parses it with ``HARFormat.HARRoot`` (which throws on a malformed log), turns the
entries into requests with ``Importer.requestsFromHARLog`` and adds them to the network
log; on any failure it writes "Failed to load HAR file…" to the DevTools console model
instead. The test then reads, through the front end's own modules (``models/logs``,
``core/common``, same module instances as the panel's), the requests the panel imported
and the console messages, and compares them with the HAR entries. A deliberately broken
HAR shows the failure is seen (the check is not vacuous). Checked with Debian's Chromium 150 and 156;
the module paths used (``ui/legacy``, ``models/logs``, ``core/common``) are the front end's
long-standing entry points.

Without Chromium the module skips, saying why, except where ``CJSIM_REQUIRE_BROWSER=1``
(CI sets it): there it fails.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from cjsim import Simulator
from cjsim.server import BackgroundServer
from tests.chromium import require_chromium, start_chromium

require_chromium("the HAR import tests")

from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402

DEVTOOLS = "devtools://devtools/bundled/devtools_app.html"
FREE_KEY = "CJ7@api@" + "a1" * 16
PRIME_KEY = "CJ8@api@" + "b2" * 16
WRONG_KEY = "CJ9@api@" + "c3" * 16  # no account's

# Show the Network panel and hand back its file input (the one "Import HAR file…" clicks).
FIND_IMPORT_INPUT = """
const done = arguments[arguments.length - 1];
(async () => {
  const UI = await import('./ui/legacy/legacy.js');
  await UI.ViewManager.ViewManager.instance().showView('network');
  function* walk(root) {
    for (const el of root.querySelectorAll('*')) { yield el; if (el.shadowRoot) yield* walk(el.shadowRoot); }
  }
  for (let i = 0; i < 100; i++) {
    const all = [...walk(document)];
    const button = all.find(e => e.getAttribute('aria-label') === 'Import HAR file…');
    const inputs = all.filter(e => e.tagName === 'INPUT' && e.type === 'file');
    if (button && inputs.length === 1) return done(inputs[0]);
    await new Promise(r => setTimeout(r, 50));
  }
  done(null);
})().catch(e => done(String(e)));
"""

# How many requests the network log holds (before an import: none, DevTools is attached to nothing).
COUNT_LOGGED = """
const done = arguments[arguments.length - 1];
import('./models/logs/logs.js').then(Logs => done(Logs.NetworkLog.NetworkLog.instance().requests().length),
                                     e => done(String(e)));
"""

# What the panel imported (the network log) and what it reported (the console model).
READ_IMPORT = """
const [expected, done] = arguments;
(async () => {
  const Logs = await import('./models/logs/logs.js');
  const Common = await import('./core/common/common.js');
  const log = Logs.NetworkLog.NetworkLog.instance();
  const consoleModel = Common.Console.Console.instance();
  for (let i = 0; i < 100 && log.requests().length < expected && !consoleModel.messages().length; i++) {
    await new Promise(r => setTimeout(r, 50));
  }
  const imported = [];
  for (const r of log.requests()) {
    const content = await r.requestContentData();
    imported.push({url: r.url(), method: r.requestMethod, status: r.statusCode,
                   har: typeof r.isImportedHar === 'function' ? r.isImportedHar() : null,
                   postData: await r.requestFormData(), text: content.text ?? null,
                   token: r.requestHeaderValue('CJ-Access-Token') ?? null});
  }
  done({imported, messages: consoleModel.messages().map(m => ({level: m.level, text: m.text}))});
})().catch(e => done({error: String(e)}));
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = start_chromium("--window-size=1400,1000", "--lang=en-US")  # the button is found by its label
    yield driver
    driver.quit()


def import_in_devtools(browser: WebDriver, har_file: Path, expected: int) -> dict[str, Any]:
    """Import ``har_file`` through a fresh DevTools Network panel; what it imported and said."""
    browser.get(DEVTOOLS)
    assert browser.current_url == DEVTOOLS
    deadline = time.monotonic() + 15
    while True:  # a DevTools still starting has no locale data yet: its panels cannot show
        file_input = browser.execute_async_script(FIND_IMPORT_INPUT)
        starting = isinstance(file_input, str) and "No locale data registered" in file_input
        if not starting or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert file_input is not None and not isinstance(file_input, str), file_input
    # nothing logged before: every request the log holds afterwards came from the file
    # (Chromium 156's requests also say so themselves, isImportedHar(); 150's have no such flag)
    assert browser.execute_async_script(COUNT_LOGGED) == 0
    file_input.send_keys(str(har_file))
    seen: dict[str, Any] = browser.execute_async_script(READ_IMPORT, expected)
    assert "error" not in seen, seen
    return seen


def masked(secret: str) -> str:
    return f"{secret[:4]}…{secret[-4:]}"


@pytest.fixture(scope="module")
def test_run() -> tuple[str, dict[str, str]]:
    """A client's run over real HTTP: logins by apiKey and by email/password, token-bearing
    calls, refusals (1600200 for too many calls, 1600001 for a wrong key), a token refresh and a
    POST with a JSON body. The HAR text and the secrets the run used."""
    sim = Simulator(seed=3, clock="frozen", accounts=[
        {"email": "free@example.com", "level": "free", "apiKey": FREE_KEY},
        {"email": "prime@example.com", "level": "prime", "apiKey": PRIME_KEY}])
    with BackgroundServer(sim.app) as server:
        def call(method: str, path: str, token: str | None = None, **options: Any) -> dict[str, Any]:
            headers = {"CJ-Access-Token": token} if token else {}
            answer: dict[str, Any] = requests.request(method, server.url(path), headers=headers, timeout=10,
                                                      **options).json()
            return answer

        free = call("POST", "authentication/getAccessToken", json={"apiKey": FREE_KEY})["data"]
        prime = call("POST", "authentication/getAccessToken",
                     json={"email": "prime@example.com", "password": PRIME_KEY})["data"]
        sim.clock.advance(1)
        codes = [call("GET", "product/list", free["accessToken"], params={"pageNum": 1, "pageSize": 2})["code"]
                 for _ in range(3)]
        assert codes == [200, 1600200, 1600200]  # a free account: 1 call a second
        sim.clock.advance(1)
        assert call("POST", "authentication/getAccessToken", json={"apiKey": FREE_KEY})["code"] == 1600200
        assert call("POST", "authentication/getAccessToken", json={"apiKey": WRONG_KEY})["code"] == 1600001
        sim.clock.advance(1)
        renewed = call("POST", "authentication/refreshAccessToken", json={"refreshToken": prime["refreshToken"]})
        assert renewed["code"] == 200
        sim.clock.advance(1)
        assert call("GET", "setting/get", renewed["data"]["accessToken"])["code"] == 200
        call("POST", "logistic/freightCalculate", renewed["data"]["accessToken"],
             json={"startCountryCode": "CN", "endCountryCode": "US", "products": [{"quantity": 2, "vid": "V-1"}]})
        har = requests.get(server.url("/__cjsim/journal.har"), timeout=10).text
    secrets = {"free apiKey": FREE_KEY, "wrong apiKey": WRONG_KEY, "prime password (its API key)": PRIME_KEY,
               "free accessToken": free["accessToken"], "free refreshToken": free["refreshToken"],
               "prime accessToken": prime["accessToken"], "prime refreshToken": prime["refreshToken"],
               "renewed accessToken": renewed["data"]["accessToken"],
               "renewed refreshToken": renewed["data"]["refreshToken"]}
    return har, secrets


def test_the_har_of_a_test_run_opens_in_chromiums_own_har_import(
        browser: WebDriver, test_run: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    har_text, _secrets = test_run
    entries = json.loads(har_text)["log"]["entries"]
    assert len(entries) == 10
    har_file = tmp_path / "cjsim-journal.har"
    har_file.write_text(har_text, encoding="utf-8")

    seen = import_in_devtools(browser, har_file, len(entries))
    assert [m for m in seen["messages"] if m["level"] == "error"] == []  # nothing failed
    imported = seen["imported"]
    assert len(imported) == len(entries)
    assert all(r["har"] in (True, None) for r in imported)  # all of them came from the file
    assert [(r["url"], r["method"], r["status"]) for r in imported] == [
        (e["request"]["url"], e["request"]["method"], e["response"]["status"]) for e in entries]
    # bodies and headers came through: the JSON request bodies, the answers, the masked token
    assert [r["postData"] for r in imported] == [e["request"].get("postData", {}).get("text") for e in entries]
    assert [r["text"] for r in imported] == [e["response"]["content"]["text"] for e in entries]
    assert [e["_cjsim"]["code"] for e in entries].count(1600200) == 3
    assert any(json.loads(r["text"])["code"] == 1600200 for r in imported)
    freight = imported[-1]
    assert freight["url"].endswith("/logistic/freightCalculate") and freight["method"] == "POST"
    assert json.loads(freight["postData"])["products"] == [{"quantity": 2, "vid": "V-1"}]
    assert freight["token"] is not None and "…" in freight["token"]


def test_a_broken_har_is_refused_by_the_same_import(browser: WebDriver, test_run: tuple[str, dict[str, str]],
                                                    tmp_path: Path) -> None:
    """The check above can fail: an entry without its response makes the panel report the
    failure and import nothing."""
    har = json.loads(test_run[0])
    del har["log"]["entries"][1]["response"]
    broken = tmp_path / "broken.har"
    broken.write_text(json.dumps(har), encoding="utf-8")
    seen = import_in_devtools(browser, broken, len(har["log"]["entries"]))
    assert seen["imported"] == []
    errors = [m["text"] for m in seen["messages"] if m["level"] == "error"]
    assert len(errors) == 1 and "Failed to load HAR file" in errors[0], seen["messages"]


def test_the_har_of_a_test_run_holds_no_secret_in_full(test_run: tuple[str, dict[str, str]]) -> None:
    har_text, secrets = test_run
    text = json.dumps(json.loads(har_text), ensure_ascii=False)  # escapes undone, e.g. \\u0040
    for name, secret in secrets.items():
        for where in (har_text, text):
            assert secret not in where and quote(secret) not in where, f"the {name} in full in the HAR"
    # not vacuous: the secrets were sent and answered, and the HAR keeps them masked
    for name, secret in secrets.items():
        assert masked(secret) in text, f"the {name} is not in the HAR even masked"
