"""A visitor who reads English: switch language, sign up with a mistake, get English mail.

axe-core checks the English pages too, for what only they can get wrong: the page's language
(WCAG 3.1.1) and the language of the switch back to Swedish (3.1.2).
"""

from axe_playwright_python.sync_playwright import Axe
from helpers import deliver, make_event
from playwright.sync_api import Page, expect

from eventreg.extensions import db

TITLE = "Bokprat för unga läsare"
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def assert_no_axe_violations(page: Page) -> None:
    violations = Axe().run(page, options=WCAG_21_AA).response["violations"]
    assert [violation["id"] for violation in violations] == []


def test_an_english_reader_signs_up_and_gets_english_mail(app, page, smtp):
    with app.app_context():
        event_id = make_event(title=TITLE).id
        db.session.commit()

    page.goto("/")
    page.get_by_role("link", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Upcoming courses and network meetings"
    )
    expect(page.get_by_role("link", name="På svenska")).to_have_attribute("lang", "sv")
    assert_no_axe_violations(page)

    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email address", exact=True).fill("alex@vetlanda.se")
    page.get_by_role("button", name="Send registration").click()

    expect(page.get_by_role("alert")).to_contain_text("Something needs correcting")
    expect(page.get_by_text("Enter your name.").first).to_be_visible()
    expect(page.get_by_label("Email address", exact=True)).to_have_value("alex@vetlanda.se")
    assert_no_axe_violations(page)

    page.get_by_label("Name", exact=True).fill("Alex Lind")
    page.get_by_label("Workplace", exact=True).select_option(label="Vetlanda stadsbibliotek")
    page.get_by_label("I have read how my personal data is handled and I accept it.").check()
    page.get_by_role("button", name="Send registration").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing up")
    with app.app_context():
        [confirmation] = deliver(smtp)
    assert confirmation["Subject"] == f"Confirmation: {TITLE}"
    assert "Hello Alex Lind!" in confirmation.get_body(("plain",)).get_content()

    page.get_by_role("link", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert page.url.endswith(f"/evenemang/{event_id}/anmalan/tack")
