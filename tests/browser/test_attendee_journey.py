"""A librarian's way through the Kalendarium in a real browser: find, sign up, get mail, cancel.

These check what only a browser shows: that links and buttons are found by their visible names,
that form fields are labelled, that errors are announced next to their fields, that the keyboard
alone is enough, and that a registrant's own text never runs as script.
"""

import re

from helpers import deliver, make_event, personal_link
from playwright.sync_api import Page, expect

from eventreg.extensions import db

TITLE = "Bokprat för unga läsare"
LIBRARY = "Vetlanda stadsbibliotek"
CONSENT = "Jag har läst hur mina personuppgifter behandlas och godkänner det."
XSS_NAME = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def published_event(app) -> int:
    """A published course, committed so that the live server's threads see it; returns its id."""
    with app.app_context():
        event = make_event(title=TITLE)
        db.session.commit()
        return event.id


def fill_sign_up_form(page: Page, *, name: str, email: str, consent: bool = True) -> None:
    page.get_by_label("Namn", exact=True).fill(name)
    page.get_by_label("E-postadress", exact=True).fill(email)
    page.get_by_label("Arbetsplats", exact=True).select_option(label=LIBRARY)
    if consent:
        page.get_by_label(CONSENT).check()


def has_visible_focus(page: Page) -> bool:
    """Whether the focused element draws a focus ring (outline or box-shadow)."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return style.outlineStyle !== "none" || style.boxShadow !== "none";
        }"""
    )


def test_sign_up_from_the_calendar_then_cancel_through_the_personal_link(app, page, smtp):
    published_event(app)

    page.goto("/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("link", name="Anmäl dig").click()
    fill_sign_up_form(page, name="Karin Ek", email="karin.ek@vetlanda.se")
    page.get_by_role("button", name="Skicka anmälan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din anmälan")
    expect(page.get_by_role("status")).to_contain_text("karin.ek@vetlanda.se")

    with app.app_context():
        [confirmation] = deliver(smtp)
    assert confirmation["Subject"] == f"Bekräftelse: {TITLE}"
    page.goto(personal_link(confirmation))
    expect(page.get_by_text("Du har en plats.")).to_be_visible()

    page.get_by_role("link", name="Avboka min anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vill du avboka din anmälan?")
    page.get_by_role("button", name="Ja, avboka").click()

    expect(page.get_by_role("status")).to_contain_text("bekräftelse på avbokningen")
    expect(page.get_by_text("Din anmälan är avbokad.")).to_be_visible()
    expect(page.get_by_role("link", name="Avboka min anmälan")).to_have_count(0)
    with app.app_context():
        [cancellation] = deliver(smtp)
    assert cancellation["Subject"] == f"Avbokad: {TITLE}"


def test_errors_are_shown_in_swedish_beside_each_field_and_typed_values_stay(app, page):
    event_id = published_event(app)
    page.goto(f"/evenemang/{event_id}/anmalan")
    name = page.get_by_label("Namn", exact=True)

    page.get_by_role("button", name="Skicka anmälan").click()

    expect(page).to_have_title(re.compile("^Fel i formuläret"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Något behöver rättas")
    expect(summary.get_by_role("link", name="Namn: Fyll i ditt namn.")).to_be_visible()
    expect(name).to_have_accessible_description(re.compile("Fyll i ditt namn."))
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-postadress", exact=True)).to_have_accessible_description(
        re.compile("Fyll i din e-postadress.")
    )
    expect(page.get_by_label("Arbetsplats", exact=True)).to_have_accessible_description(
        re.compile("Välj din arbetsplats.")
    )

    fill_sign_up_form(page, name="Karin Ek", email="karin.ek@vetlanda.se", consent=False)
    page.get_by_role("button", name="Skicka anmälan").click()

    consent_error = "Du behöver godkänna behandlingen av personuppgifter för att anmäla dig."
    expect(page.get_by_label(CONSENT)).to_have_accessible_description(re.compile(consent_error))
    expect(name).to_have_value("Karin Ek")
    expect(name).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("E-postadress", exact=True)).to_have_value("karin.ek@vetlanda.se")
    expect(page.get_by_label("Arbetsplats", exact=True).locator("option:checked")).to_have_text(
        LIBRARY
    )
    summary.get_by_role("link", name=re.compile(consent_error)).click()
    expect(page.get_by_label(CONSENT)).to_be_focused()


def test_the_keyboard_alone_reaches_the_content_and_an_event_with_visible_focus(app, page):
    published_event(app)
    page.goto("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    assert has_visible_focus(page)

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    # Past the filter links to the first event; a few presses, however the filters change.
    event_link = page.get_by_role("link", name=TITLE)
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == TITLE:
            break
    expect(event_link).to_be_focused()
    assert has_visible_focus(page)

    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def test_a_script_in_a_name_is_shown_as_text_and_never_runs(app, page, smtp):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    event_id = published_event(app)
    page.goto(f"/evenemang/{event_id}/anmalan")

    # Once sent back with an error (reflected), then stored and shown on the personal page.
    fill_sign_up_form(page, name=XSS_NAME, email="mallory@vetlanda.se", consent=False)
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_label("Namn", exact=True)).to_have_value(XSS_NAME)
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din anmälan")

    with app.app_context():
        [confirmation] = deliver(smtp)
    page.goto(personal_link(confirmation))
    expect(page.get_by_text(XSS_NAME, exact=True)).to_be_visible()

    # Mail clients render the HTML part too.
    page.set_content(confirmation.get_body(("html",)).get_content())
    expect(page.get_by_text(f"Hej {XSS_NAME}!")).to_be_visible()

    assert dialogs == []
