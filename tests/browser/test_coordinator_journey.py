"""A new coordinator's way through the workspace in a real browser: sign in, create an event with
two sessions and publish it, see it in the calendar, and find the first person who signs up.

Fields and buttons are found by their visible names only, as a coordinator (or a screen reader)
finds them; the sign-in form is also completed with the keyboard alone, and a failed sign-in must
move the focus to its error so that it is read out.
"""

import re

from helpers import PASSWORD, stockholm
from playwright.sync_api import Page, expect

from eventreg.extensions import db
from eventreg.services.organisation import save_profile

TITLE = "Bokcirkelns metoder för vuxna"
LIBRARY = "Vetlanda stadsbibliotek"
CONSENT = "Jag har läst hur mina personuppgifter behandlas och godkänner det."
WRONG_PASSWORD = "inte-mitt-lösenord"


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/logga-in")
    page.get_by_label("E-postadress", exact=True).fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()


def fill_session(page: Page, number: int, days: int, starts: str, ends: str) -> None:
    """The date and times of one row of the event form, found within its fieldset."""
    row = page.get_by_role("group", name=f"Tillfälle {number}", exact=True)
    row.get_by_label("Datum", exact=True).fill(stockholm(days).date().isoformat())
    row.get_by_label("Börjar", exact=True).fill(starts)
    row.get_by_label("Slutar", exact=True).fill(ends)


def has_visible_focus(page: Page) -> bool:
    """Whether the focused element draws a focus ring (outline or box-shadow)."""
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return style.outlineStyle !== "none" || style.boxShadow !== "none";
        }"""
    )


def test_create_and_publish_an_event_with_two_sessions_then_see_who_signed_up(
    app, page, coordinator
):
    with app.app_context():
        save_profile(None, colour="#00509e", unit="Regionbiblioteket", name="Region Exempel")
        db.session.commit()
    sign_in(page, coordinator)
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")

    # The header has a link of the same name; the overview's own button is the one meant.
    page.get_by_role("main").get_by_role("link", name="Nytt evenemang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nytt evenemang")
    # Prefilled from the account, so a new coordinator need not type them.
    expect(page.get_by_label("Kontaktperson", exact=True)).to_have_value("Karin Lindqvist")
    expect(page.get_by_label("Kontaktpersonens e-post")).to_have_value(coordinator)
    expect(page.get_by_label("Kurs", exact=True)).to_be_checked()
    expect(page.get_by_label("Arrangör", exact=True)).to_have_value(
        "Regionbiblioteket, Region Exempel"
    )

    page.get_by_label("Titel", exact=True).fill(TITLE)
    page.get_by_label("Kort beskrivning", exact=True).fill("Två träffar om samtalsledning.")
    page.get_by_label("Annan målgrupp", exact=True).fill("All personal")
    page.get_by_label("Lokal", exact=True).fill("Stadsbiblioteket, hörsalen")
    fill_session(page, 1, 20, "09:00", "12:00")
    page.get_by_label("Sista anmälningsdag", exact=True).fill(stockholm(15).date().isoformat())
    page.get_by_label("Antal platser", exact=True).fill("25")

    page.get_by_role("button", name="Lägg till tillfälle").click()
    # The page comes back with a second row, and keeps everything typed so far.
    expect(page.get_by_role("group", name="Tillfälle 2", exact=True)).to_be_visible()
    expect(page.get_by_label("Titel", exact=True)).to_have_value(TITLE)
    first = page.get_by_role("group", name="Tillfälle 1", exact=True)
    expect(first.get_by_label("Börjar", exact=True)).to_have_value("09:00")
    fill_session(page, 2, 27, "13:00", "16:00")
    page.get_by_role("group", name="Tillfälle 2", exact=True).get_by_label(
        "Rubrik", exact=True
    ).fill("Del 2: Uppföljning")

    page.get_by_role("button", name="Spara och publicera").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_have_text("Evenemanget är publicerat.")
    main = page.get_by_role("main")
    expect(main.get_by_text("Publicerat", exact=True)).to_be_visible()
    expect(main).to_contain_text("0 bekräftade av 25 platser")
    expect(main).to_contain_text("Del 2: Uppföljning")

    page.get_by_role("link", name="Alla evenemang").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("link", name="Anmäl dig").click()
    page.get_by_label("Namn", exact=True).fill("Lisa Sund")
    page.get_by_label("E-postadress", exact=True).fill("lisa.sund@vetlanda.se")
    page.get_by_label("Arbetsplats", exact=True).select_option(label=LIBRARY)
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din anmälan")

    page.get_by_role("link", name="Översikt").click()
    # The change log below links the title too; the list of coming events is where to look.
    upcoming = page.get_by_role("table", name="Kommande evenemang")
    upcoming.get_by_role("link", name=TITLE).click()
    page.get_by_role("navigation", name="Evenemanget").get_by_role("link", name="Deltagare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Deltagare: {TITLE}")
    confirmed = page.get_by_role("table", name="Bekräftade deltagare (1)")
    expect(confirmed.get_by_role("rowheader")).to_have_text("Lisa Sund")
    expect(confirmed).to_contain_text("lisa.sund@vetlanda.se")
    expect(page.get_by_role("table", name="Reservlista (0)")).to_contain_text("Ingen.")


def test_the_keyboard_alone_signs_in(page, coordinator):
    page.goto("/logga-in")
    email = page.get_by_label("E-postadress", exact=True)

    # Past the skip link and the header's links; a few presses, however the header changes.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    expect(email).to_be_focused()
    assert has_visible_focus(page)
    page.keyboard.type(coordinator)

    page.keyboard.press("Tab")
    expect(page.get_by_label("Lösenord", exact=True)).to_be_focused()
    assert has_visible_focus(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    expect(page.get_by_role("button", name=re.compile("^Logga ut"))).to_be_visible()


def test_a_failed_sign_in_says_so_and_moves_the_focus_to_the_error(page, coordinator):
    sign_in(page, coordinator, WRONG_PASSWORD)

    expect(page).to_have_title(re.compile("^Fel vid inloggning"))
    error = page.get_by_role("alert")
    expect(error).to_contain_text("Fel e-postadress eller lösenord.")
    expect(error).to_be_focused()
    # The address stays for another try; the password does not.
    expect(page.get_by_label("E-postadress", exact=True)).to_have_value(coordinator)
    expect(page.get_by_label("Lösenord", exact=True)).to_have_value("")

    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
