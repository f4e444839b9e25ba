"""Every public page against WCAG 2.1 AA as far as a machine can tell: axe-core, and 320 px reflow.

axe-core (bundled in the PyPI package axe-playwright-python, so nothing is fetched at run time)
runs with the WCAG 2.0/2.1 A and AA rules on each page in each state a visitor can meet it in:
the calendar, an event open, full, closed and cancelled, the sign-up form with and without
errors, the personal pages and the error pages. Then each page is opened again 320 CSS pixels
wide (1280 px at 400 % zoom, WCAG 1.4.10 Reflow) and must not scroll sideways.

To stay fast, one browser context for each width serves every case, and the data is made once:
``full_site`` fills the session's SQLite database for the whole module (and empties it again);
the empty calendar has a database of its own (``empty_site``), so no case depends on the order.

A case that fails because of a known fault in a template is marked ``xfail(strict=True)`` in
KNOWN_AXE_FAILURES or KNOWN_REFLOW_FAILURES, naming the fault: when the template is fixed the
case passes, strict turns that into a failure, and the mark must then be removed.
"""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from helpers import deliver, make_event, personal_link, stockholm
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from eventreg import create_app
from eventreg.cli import LIBRARIES_CSV
from eventreg.extensions import db
from eventreg.models import EventKind, EventStatus, FocusArea, Library
from eventreg.services import registrations
from eventreg.services.events import SessionTimes
from eventreg.services.places import import_libraries
from eventreg.services.registrations import Applicant

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
NARROW = {"width": 320, "height": 640}
TIMEOUT_MS = 5_000

COURSE = "Läsfrämjande i skolbiblioteksverksamheten"
LIBRARY = "Vetlanda stadsbibliotek"
CONSENT = "Jag har läst hur mina personuppgifter behandlas och godkänner det."
#: A meeting link as Teams really makes them: long, and without a place to break.
TEAMS_URL = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
    "NWQ5ZTE4YjEtMzBkMi00ZDk5LWE2NTItYzJmNmM0NzEwYTcz%40thread.v2/0?context=%7b%22Tid%22%3a%22"
    "8f3c2e4a-1b2d-4c5e-9f6a-7b8c9d0e1f2a%22%2c%22Oid%22%3a%223a4b5c6d-7e8f-4a1b-8c2d-3e4f5a6b7c8d%22%7d"
)


# --- The app, its data and the browser ----------------------------------------------------------


@dataclass
class Site:
    """A live server, and the event ids and personal links (paths) of its data."""

    base: str
    events: dict[str, int] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)


def site_config(database_url: str, instance: Path, smtp_port: int) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "EVENTREG_BASE_URL": "https://kalendarium.test",
        # Personal links are taken from the mails, as a registrant gets them.
        "MAIL_BACKEND": "smtp",
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": ("Kalendarium", "kalendarium@kalendarium.test"),
        "MAIL_FILE_DIR": str(instance / "mail"),
    }


@contextmanager
def served(app) -> Iterator[str]:
    """The app on a free local port, one thread per request; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def delete_all_rows() -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="module")
def full_site(migrated_databases, smtp, tmp_path_factory):
    """The session's migrated SQLite database with events and registrations of every kind,
    served for the whole module and emptied afterwards, as the other tests expect it."""
    app = create_app(
        site_config(
            migrated_databases("sqlite", smtp.port), tmp_path_factory.mktemp("a11y"), smtp.port
        )
    )
    try:
        with app.app_context():
            import_libraries(LIBRARIES_CSV)
            db.session.commit()
            site = fill(smtp)
        with served(app) as base:
            site.base = base
            yield site
    finally:
        with app.app_context():
            delete_all_rows()
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def empty_site(smtp, tmp_path_factory):
    """A database of its own, migrated and without events: the calendar when nothing is on."""
    instance = tmp_path_factory.mktemp("a11y-empty")
    app = create_app(site_config(f"sqlite:///{instance / 'empty.sqlite'}", instance, smtp.port))
    with app.app_context():
        upgrade()
    with served(app) as base:
        yield Site(base)
    with app.app_context():
        db.engine.dispose()


def new_page(browser, **options) -> Page:
    context = browser.new_context(locale="sv-SE", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture(scope="module")
def wide_page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def narrow_page(browser):
    """WCAG 1.4.10: 320 CSS px wide, as 1280 px at 400 % zoom."""
    page = new_page(browser, viewport=NARROW)
    yield page
    page.context.close()


def fill(smtp) -> Site:
    """Events of both kinds in every sign-up state, and registrations in every status."""
    open_course = make_event(
        title=COURSE,
        summary="Tre träffar om hur skolbiblioteket och folkbiblioteket kan arbeta ihop.",
        description=(
            "Vi går igenom **läsfrämjande metoder** och delar erfarenheter.\n\n"
            "- Ta med en bok du har bokpratat om\n"
            "- Läs [Skolverkets stödmaterial](https://www.skolverket.se) före första träffen\n"
        ),
        audience="Skolbibliotekarier och barnbibliotekarier",
        focus_area=FocusArea.READING,
        capacity=20,
        serves_meal=True,
        meal_note="Lunch och eftermiddagsfika ingår.",
        online_url=TEAMS_URL,
        online_note="Del 3 hålls i Teams. Länken skickas till dig som har fått en plats.",
        sessions=[
            SessionTimes(stockholm(14, 9), stockholm(14, 16), "Del 1: Metoder"),
            SessionTimes(stockholm(28, 9), stockholm(28, 16), "Del 2: Samarbete"),
            SessionTimes(stockholm(42, 13), stockholm(42, 15), "Del 3: Uppföljning"),
        ],
    )
    meeting = make_event(
        title="Nätverksträff för barn- och ungdomsbibliotekarier",
        kind=EventKind.NETWORK_MEETING,
        venue="",
        address="",
        online_note="Teams-länk skickas till anmälda.",
        capacity=None,
        days=21,
    )
    full = make_event(title="Bokcirkel med författarbesök", capacity=1, days=10)
    closed = make_event(title="Digitala verktyg i folkbiblioteket", days=5, deadline_days=-1)
    cancelled = make_event(
        title="Sommarboken – uppstartsträff", publish=False, status=EventStatus.CANCELLED, days=30
    )
    db.session.commit()
    library_id = db.session.scalar(select(Library.id).where(Library.name == LIBRARY))

    def register(event, email: str) -> tuple[int, str]:
        """Sign someone up: their registration's id, and the personal link in their mail."""
        registration = registrations.register(
            event.id,
            Applicant(
                name="Karin Ek",
                email=email,
                library_id=library_id,
                role_title="Barnbibliotekarie",
                dietary_needs="Vegetarisk kost",
                accessibility_needs="Hörslinga",
                message="Jag kommer bara på de två första träffarna.\nTack!",
            ),
        )
        registration_id = registration.id
        db.session.commit()
        # The confirmation (or waiting-list notice) comes first; invites to later sessions follow.
        first, *_ = deliver(smtp)
        return registration_id, personal_link(first)

    _, confirmed = register(open_course, "karin.ek@vetlanda.se")
    register(full, "anna.berg@vetlanda.se")
    _, waitlisted = register(full, "karin.ek@vetlanda.se")
    cancelled_id, cancelled_registration = register(open_course, "per.holm@vetlanda.se")
    registrations.cancel_registration(cancelled_id)
    db.session.commit()
    deliver(smtp)  # the cancellation, and nobody waits for the open course's seat
    return Site(
        base="",  # known once served
        events={
            "open": open_course.id,
            "meeting": meeting.id,
            "full": full.id,
            "closed": closed.id,
            "cancelled": cancelled.id,
        },
        links={
            "confirmed": confirmed,
            "waitlisted": waitlisted,
            "cancelled": cancelled_registration,
        },
    )


# --- The pages ------------------------------------------------------------------------------------


def sign_up_url(site: Site, kind: str = "open") -> str:
    return f"/evenemang/{site.events[kind]}/anmalan"


def submit_empty_form(page: Page, site: Site) -> None:
    page.goto(site.base + sign_up_url(site))
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page).to_have_title(re.compile("^Fel i formuläret"))
    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")


def sign_up(page: Page, site: Site) -> None:
    page.goto(site.base + sign_up_url(site))
    page.get_by_label("Namn", exact=True).fill("Lisa Sund")
    page.get_by_label("E-postadress", exact=True).fill("lisa.sund@vetlanda.se")
    page.get_by_label("Arbetsplats", exact=True).select_option(label=LIBRARY)
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din anmälan")


def go(
    path: str | Callable[[Site], str], shows: str, *, status: int = 200
) -> Callable[[Page, Site], None]:
    """Open a page by its path (or a function of the site giving it), and check that it is the
    page in the state meant: its HTTP status, and a text it ``shows``."""

    def visit(page: Page, site: Site) -> None:
        response = page.goto(site.base + (path(site) if callable(path) else path))
        assert response.status == status, f"{page.url} answered {response.status}"
        expect(page.get_by_role("main")).to_contain_text(shows)

    return visit


def event_page(kind: str) -> Callable[[Site], str]:
    return lambda site: f"/evenemang/{site.events[kind]}"


def personal_page(status: str, then: str = "") -> Callable[[Site], str]:
    return lambda site: site.links[status] + then


@dataclass(frozen=True)
class Case:
    id: str
    visit: Callable[[Page, Site], None]
    #: The fixture whose site serves the page.
    site: str = "full_site"


CASES = [
    Case("calendar-empty", go("/", "Det finns inga kommande evenemang just nu."), "empty_site"),
    Case("calendar", go("/", "Nätverksträff för barn- och ungdomsbibliotekarier")),
    Case("calendar-courses", go("/?typ=kurs", "INSTÄLLT: Sommarboken")),
    Case("event-open", go(event_page("open"), "Del 3: Uppföljning")),
    Case("event-full", go(event_page("full"), "Anmäl dig till reservlistan")),
    Case("event-closed", go(event_page("closed"), "Det går inte längre att anmäla sig")),
    Case("event-cancelled", go(event_page("cancelled"), "Evenemanget är inställt.")),
    Case("sign-up", go(sign_up_url, "Fyll i namn, e-post och arbetsplats.")),
    Case("sign-up-errors", submit_empty_form),
    Case("sign-up-waiting-list", go(lambda s: sign_up_url(s, "full"), "Alla platser är bokade.")),
    Case("thanks", sign_up),
    Case("personal-confirmed", go(personal_page("confirmed"), "Du har en plats.")),
    Case("personal-waitlisted", go(personal_page("waitlisted"), "nummer 1 på reservlistan")),
    Case("personal-cancelled", go(personal_page("cancelled"), "Din anmälan är avbokad.")),
    Case("cancel-confirm", go(personal_page("confirmed", "/avboka"), "Vill du avboka")),
    Case("privacy", go("/personuppgifter", "Så behandlar vi dina personuppgifter")),
    Case("accessibility-statement", go("/tillganglighet", "Tillgänglighetsredogörelse")),
    Case("not-found", go("/finns-inte", "Sidan finns inte", status=404)),
    Case("forged-link", go("/anmalan/IjEi.forfalskad", "Länken är ogiltig.", status=404)),
]

#: Case id -> the fault in a template that makes axe fail it. Remove an entry once fixed.
KNOWN_AXE_FAILURES: dict[str, str] = {}
#: Case id -> the fault that makes the page scroll sideways at 320 px. Remove once fixed.
KNOWN_REFLOW_FAILURES: dict[str, str] = {}


def cases(known_failures: dict[str, str]) -> list:
    assert set(known_failures) <= {case.id for case in CASES}
    return [
        pytest.param(
            case,
            id=case.id,
            marks=(
                [pytest.mark.xfail(strict=True, reason=known_failures[case.id])]
                if case.id in known_failures
                else []
            ),
        )
        for case in CASES
    ]


# --- The checks -----------------------------------------------------------------------------------


def describe(violations: list[dict]) -> str:
    """axe's violations as lines a person can act on: rule, impact, what to fix, and where."""
    lines = [f"{len(violations)} WCAG 2.1 A/AA violation(s) found by axe-core:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(str(selector) for selector in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


#: The widest lines of text (and boxes without text) that stick out past the viewport: what
#: forces the page to scroll sideways, for the assertion message. Clipped content is left out.
STICKING_OUT = """() => {
    const width = document.documentElement.clientWidth;
    const clipped = (el) => {
        for (; el && el !== document.body; el = el.parentElement) {
            if (getComputedStyle(el).overflowX !== "visible") return true;
        }
        return false;
    };
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + [...el.classList].map((c) => "." + c).join("");
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim() || clipped(node.parentElement)) continue;
        range.selectNodeContents(node);
        const right = Math.max(...[...range.getClientRects()].map((r) => r.right));
        if (right > width + 1) {
            const text = node.textContent.trim().replace(/\\s+/g, " ");
            found.push([right, `${name(node.parentElement)} "${text.slice(0, 50)}"`]);
        }
    }
    for (const el of document.body.querySelectorAll("*")) {
        const right = el.getBoundingClientRect().right;
        if (!el.children.length && !el.textContent.trim() && right > width + 1 && !clipped(el)) {
            found.push([right, name(el)]);
        }
    }
    return found.sort((a, b) => b[0] - a[0]).slice(0, 3)
        .map(([right, what]) => `${what} (to ${Math.round(right)} px)`);
}"""


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("case", cases(KNOWN_AXE_FAILURES))
def test_axe_finds_no_wcag_21_aa_violations(request, axe, wide_page, case):
    case.visit(wide_page, request.getfixturevalue(case.site))
    violations = axe.run(wide_page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{case.id} ({wide_page.url}):\n{describe(violations)}"


@pytest.mark.parametrize("case", cases(KNOWN_REFLOW_FAILURES))
def test_no_horizontal_scrolling_at_320_px(request, narrow_page, case):
    case.visit(narrow_page, request.getfixturevalue(case.site))
    scroll_width = narrow_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW["width"], (
        f"{case.id} ({narrow_page.url}) is {scroll_width} px wide at {NARROW['width']} px;"
        f" sticking out: {'; '.join(narrow_page.evaluate(STICKING_OUT))}"
    )
