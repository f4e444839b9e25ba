"""Fixtures for driving the app in headless Chromium through a real HTTP server.

Playwright's own browser download is not used: tests/setup_system.py installs Debian's Chromium.
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
#: Headless in a container, as root, with no network chatter of its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
#: A page the app serves locally should never take long; fail fast instead of hanging.
TIMEOUT_MS = 5_000

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test in this directory, so `-m "not browser"` skips them all."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def database_url(migrated_databases, smtp):
    """SQLite only: a browser test is slow, and PostgreSQL is covered below the HTTP layer."""
    return migrated_databases("sqlite", smtp.port)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `python tests/setup_system.py` as root.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh, Swedish-speaking browser context whose relative URLs go to the live server."""
    context = browser.new_context(locale="sv-SE", base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
