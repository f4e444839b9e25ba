"""Signing in with the region's account in a real browser, through a real OpenID provider's own
pages; our pages on the way (the sign-in page, a refusal, signing out) are checked with axe."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from axecheck import AXE_OPTIONS, NARROW, describe
from playwright.sync_api import Page, expect


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def accessible(page: Page) -> None:
    """WCAG 2.1 AA as axe-core finds it, wide and at 320 px without sideways scrolling."""
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{page.url}:\n{describe(violations)}"
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    page.set_viewport_size({"width": 1280, "height": 800})


def at_the_provider(page: Page, login_name: str) -> None:
    """The provider's own pages: sign in as ``login_name``, then consent."""
    page.get_by_role("link", name="Logga in med regionens konto").click()
    page.locator("input[name=login]").fill(login_name)
    page.locator("input[name=password]").fill("vad-som-helst")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def test_a_coordinator_signs_in_and_out_with_the_region_account(app, provider, coordinator, page):
    with provider.serving(app) as base:
        page.goto(f"{base}/logga-in")
        accessible(page)
        at_the_provider(page, "karin-id")
        expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")

        page.get_by_role("button", name=re.compile("^Logga ut")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")
        accessible(page)
        provider_logout = page.get_by_role("link", name="Logga ut från regionens inloggning")
        assert provider_logout.get_attribute("href").startswith(f"{provider.issuer}/session/end")


def test_someone_without_access_gets_a_page_that_says_so(app, provider, page):
    with provider.serving(app) as base:
        page.goto(f"{base}/logga-in")
        at_the_provider(page, "okand-id")
        expect(page.get_by_role("heading", level=1)).to_have_text("Inloggningen gick inte igenom")
        expect(page.get_by_role("alert")).to_contain_text("har inte tillgång till kalendariet")
        accessible(page)
