"""Headless Chromium for the browser tests: Debian's ``chromium`` and ``chromium-driver``
(the system chromedriver, never a download), driven by Selenium.

``require_chromium()`` at a test module's top: without Chromium the module skips, saying
why, except where ``CJSIM_REQUIRE_BROWSER=1`` (CI sets it): there it fails.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def why_no_browser() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} not found (apt-get install chromium chromium-driver)"
    return None


def require_chromium(needed_for: str) -> None:
    missing = why_no_browser()
    if missing is None:
        return
    if os.environ.get("CJSIM_REQUIRE_BROWSER") == "1":
        pytest.fail(f"CJSIM_REQUIRE_BROWSER=1 but {missing}", pytrace=False)
    pytest.skip(f"{needed_for} need headless Chromium: {missing}", allow_module_level=True)


def start_chromium(*extra: str) -> WebDriver:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-extensions", "--no-first-run", *extra):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the system chromedriver: Selenium Manager must never download one
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
