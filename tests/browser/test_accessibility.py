"""Every page against WCAG 2.1 AA as far as a machine can tell: axe-core, and 320 px reflow.

axe-core (bundled in the PyPI package axe-playwright-python, so nothing is fetched at run time)
runs with the WCAG 2.0/2.1 A and AA rules on each page in each state a visitor can meet it in:
the calendar, an event open, full, closed and cancelled, the sign-up form with and without
errors, the personal pages, the networks' pages (joining with errors, answering an invitation
yes or no or too late, and leaving) and the error pages; and every page of the
coordinators' workspace, from signing in (and failing to) through the event form with errors,
two sessions and a preview, to the attendee lists, attendance, messages, the outbox with a
failed mail, networks, personal data and statistics, and the administrators' own pages, each
form of them refused with errors as well. Then
each page is opened again 320 CSS pixels wide (1280 px at 400 % zoom, WCAG 1.4.10 Reflow) and
must not scroll sideways. A table may scroll inside its ``.table-wrap``; the page may not.

To stay fast, one browser context for each width serves every case (and one more for each
width and kind of account signed in), and the data is made once: ``full_site`` fills the
session's SQLite database for the whole module (and empties it again); the empty calendar has
a database of its own (``empty_site``), so no case depends on the order. The workspace's cases
submit only forms that are refused or redisplayed, so they change nothing another case sees.

A case that fails because of a known fault in a template is marked ``xfail(strict=True)`` in
KNOWN_AXE_FAILURES or KNOWN_REFLOW_FAILURES, naming the fault: when the template is fixed the
case passes, strict turns that into a failure, and the mark must then be removed.
"""

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pytest
from axe_playwright_python.sync_playwright import Axe
from axecheck import AXE_OPTIONS, NARROW, describe
from flask_migrate import upgrade
from helpers import (
    PASSWORD,
    app_code,
    app_config,
    applicant,
    deliver,
    focus_area,
    make_event,
    personal_link,
    stockholm,
    with_second_factor,
)
from playwright.sync_api import Page, expect
from replies import plain
from sqlalchemy import select
from werkzeug.serving import make_server

from eventreg import create_app, links
from eventreg.cli import LIBRARIES_CSV
from eventreg.extensions import db
from eventreg.mail.inbound import parse
from eventreg.models import (
    Attendance,
    AttendanceMode,
    Certificate,
    EventKind,
    EventStatus,
    FocusArea,
    JoinPolicy,
    Library,
    MemberStatus,
    Municipality,
    OutboxMessage,
    OutboxStatus,
    QuestionKind,
    Role,
    User,
    Watch,
)
from eventreg.models.base import utcnow
from eventreg.services import (
    calendar_replies,
    evaluations,
    networks,
    newsletters,
    questions,
    registrations,
)
from eventreg.services.accounts import create_user
from eventreg.services.audiences import save_audience
from eventreg.services.events import SessionTimes
from eventreg.services.organisation import save_profile
from eventreg.services.places import import_libraries
from eventreg.services.questions import ChoiceText, QuestionText

#: At 320 px a table may scroll inside its .table-wrap, but only if the keyboard can scroll it
#: too (WCAG 2.1.1): axe's rule for that is run there, alone, as it is the one whose outcome
#: depends on the width, and the whole set would take four times as long.
SCROLLER_AXE_OPTIONS = {
    "runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]},
    "resultTypes": ["violations"],
}
#: Whether anything inside the page scrolls: what axe's rule looks at (overflow auto or scroll,
#: with more content than room), so that the rule need not run on a page where nothing does.
SCROLLS_INSIDE = """() => [...document.body.querySelectorAll("*")].some((el) => {
    const style = getComputedStyle(el);
    const scrolls = (overflow) => overflow === "auto" || overflow === "scroll";
    return (scrolls(style.overflowX) && el.scrollWidth > el.clientWidth)
        || (scrolls(style.overflowY) && el.scrollHeight > el.clientHeight);
})"""
LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#00509e"/></svg>'
#: A county list with one library more, as an administrator would upload it.
LIBRARY_FILE = LIBRARIES_CSV.read_bytes() + b"0685,Vetlanda,Kvillsfors bokbuss,bokbuss\n"
TIMEOUT_MS = 5_000

COURSE = "Läsfrämjande i skolbiblioteksverksamheten"
LIBRARY = "Vetlanda stadsbibliotek"
CONSENT = "Jag har läst hur mina personuppgifter behandlas och godkänner det."
COORDINATOR = "samordnare@region.test"
ADMINISTRATOR = "administrator@region.test"
NETWORK = "Nätverket för barn- och ungdomsbibliotekarier"
WORKSHOP = "Skrivarverkstad – att leda skrivcirklar för unga"
NETWORK_MEETING = f"Nätverksträff: {NETWORK}"
#: A meeting of the network whose last day to answer has passed.
LATE_MEETING = "Nätverksträff: bokprat i praktiken"
DRAFT = "Sommarlovsboken – planeringsmöte"
#: An address the SMTP server refuses with 550, so that the outbox has a failed message.
BOUNCING = "per.holm@okand-kommun.test"
#: A meeting link as Teams really makes them: long, and without a place to break.
TEAMS_URL = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_"
    "NWQ5ZTE4YjEtMzBkMi00ZDk5LWE2NTItYzJmNmM0NzEwYTcz%40thread.v2/0?context=%7b%22Tid%22%3a%22"
    "8f3c2e4a-1b2d-4c5e-9f6a-7b8c9d0e1f2a%22%2c%22Oid%22%3a%223a4b5c6d-7e8f-4a1b-8c2d-3e4f5a6b7c8d%22%7d"
)


# --- The app, its data and the browser ----------------------------------------------------------


@dataclass
class Site:
    """A live server, and the event ids, personal links (paths) and other ids of its data."""

    base: str
    events: dict[str, int] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


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
        app_config(
            migrated_databases("sqlite", smtp.port), tmp_path_factory.mktemp("a11y"), smtp.port
        )
    )
    try:
        with app.app_context():
            import_libraries(LIBRARIES_CSV)
            db.session.commit()
            site = fill(smtp)
            fill_workspace(smtp, site)
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
    app = create_app(app_config(f"sqlite:///{instance / 'empty.sqlite'}", instance, smtp.port))
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


def sign_in(page: Page, site: Site, email: str = COORDINATOR, password: str = PASSWORD) -> None:
    """Sign in as a person would, with the app's code when the account has a second factor."""
    page.goto(site.base + "/logga-in")
    page.get_by_label("E-postadress", exact=True).fill(email)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    if email == ADMINISTRATOR and password == PASSWORD:
        expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
        page.get_by_label("Kod", exact=True).fill(app_code(email))
        page.get_by_role("button", name="Logga in").click()


@contextmanager
def signed_in_pages(browser, site: Site, email: str) -> Iterator[dict[str, Page]]:
    """A wide and a narrow page signed in to one account; the narrow one shares the wide one's
    session cookie, as a password check takes a while."""
    wide = new_page(browser)
    sign_in(wide, site, email)
    expect(wide.get_by_role("heading", level=1)).to_have_text("Översikt")
    narrow = new_page(browser, viewport=NARROW, storage_state=wide.context.storage_state())
    try:
        yield {"wide": wide, "narrow": narrow}
    finally:
        wide.context.close()
        narrow.context.close()


@pytest.fixture(scope="module")
def coordinator_pages(browser, full_site):
    with signed_in_pages(browser, full_site, COORDINATOR) as pages:
        yield pages


@pytest.fixture(scope="module")
def admin_pages(browser, full_site):
    with signed_in_pages(browser, full_site, ADMINISTRATOR) as pages:
        yield pages


@pytest.fixture(scope="module")
def manager_pages(browser, full_site):
    """A library manager, signed in with the link of their invitation."""
    wide = new_page(browser)
    wide.goto(full_site.base + full_site.links["manager"])
    wide.get_by_role("button", name="Logga in").click()
    expect(wide.get_by_role("heading", level=1)).to_have_text("Personalen på kurser och träffar")
    narrow = new_page(browser, viewport=NARROW, storage_state=wide.context.storage_state())
    yield {"wide": wide, "narrow": narrow}
    wide.context.close()
    narrow.context.close()


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
        focus_area_id=focus_area("Läsfrämjande"),
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

    def register(event, email: str, **choices) -> tuple[int, str]:
        """Sign someone up: their registration's id, and the personal link in their mail."""
        registration = registrations.register(
            event.id,
            applicant(
                name="Karin Ek",
                email=email,
                library_id=library_id,
                role_title="Barnbibliotekarie",
                dietary_needs="Vegetarisk kost",
                accessibility_needs="Hörslinga",
                message="Jag kommer bara på de två första träffarna.\nTack!",
                **choices,
            ),
        )
        registration_id = registration.id
        db.session.commit()
        # The confirmation (or waiting-list notice) comes first; invites to later sessions follow.
        first, *_ = deliver(smtp)
        return registration_id, personal_link(first)

    # The open course asks which workshop, and Karin takes the last place of A (full after).
    questions.save_questions(
        open_course.id,
        [
            QuestionText(
                QuestionKind.SINGLE_CHOICE,
                "Vilken workshop vill du gå på?",
                help="Välj en. Workshop A har en plats.",
                choices=(ChoiceText("Workshop A", places=1), ChoiceText("Workshop B")),
            ),
            QuestionText(QuestionKind.YES_NO, "Vill du ha material i förväg?"),
            QuestionText(QuestionKind.LONG_TEXT, "Något du vill att vi tar upp?"),
        ],
        None,
    )
    db.session.commit()
    workshop = questions.asked(open_course.id).questions[0]
    registrations.register(
        open_course.id,
        applicant(
            name="Sara Lind",
            email="sara.lind@vetlanda.se",
            library_id=library_id,
            answers={workshop.id: [str(workshop.choices[0].id)]},
        ),
    )
    db.session.commit()
    _, confirmed = register(open_course, "karin.ek@vetlanda.se")
    register(full, "anna.berg@vetlanda.se")
    _, waitlisted = register(full, "karin.ek@vetlanda.se")
    cancelled_id, cancelled_registration = register(open_course, "per.holm@vetlanda.se")
    registrations.cancel_registration(cancelled_id)
    db.session.commit()
    deliver(smtp)  # the cancellation, and nobody waits for the open course's seat
    # Two days before the start a seat comes free: the first in line is offered it.
    soon = make_event(title="Bokcirkelledare – fortsättning", days=2, capacity=1)
    leaving, _ = register(soon, "lena.ek@vetlanda.se")
    _, offered = register(soon, "olof.ek@vetlanda.se")
    registrations.cancel_registration(leaving)
    db.session.commit()
    deliver(smtp)  # Lena's cancellation, and Olof's offer
    # On site or online: the one seat on site is taken, Karin takes part online.
    hybrid = make_event(
        title="Regionträff om meröppna bibliotek",
        days=25,
        capacity=1,
        choose_mode=True,
        online_capacity=40,
        online_url="https://teams.example.se/meet/meroppet",
    )
    register(hybrid, "sara.lind@vetlanda.se", mode=AttendanceMode.ONSITE)
    _, online = register(hybrid, "karin.ek@vetlanda.se", mode=AttendanceMode.ONLINE)
    # Attendance, a course certificate and an open evaluation for the seat behind the
    # "confirmed" personal link, as marking attendance and the mail after the course make them.
    seated = links.registration_from_token(confirmed.rsplit("/", 1)[1])
    db.session.add_all(
        Attendance(registration_id=seated.id, session_id=s.id, present=True)
        for s in open_course.sessions
    )
    db.session.add(Certificate(registration_id=seated.id, code="K7QM-9XD4-TPAW"))
    evaluations.open_evaluation(open_course)  # as the mail after the course does
    db.session.commit()
    return Site(
        base="",  # known once served
        ids={"library": library_id},
        events={
            "open": open_course.id,
            "meeting": meeting.id,
            "full": full.id,
            "closed": closed.id,
            "cancelled": cancelled.id,
            "hybrid": hybrid.id,
        },
        links={
            "confirmed": confirmed,
            "waitlisted": waitlisted,
            "cancelled": cancelled_registration,
            "offered": offered,
            "online": online,
            # Karin's "Mina kurser": coming, waiting, and the course she has a certificate of.
            "my-courses": links.my_courses_url("karin.ek@vetlanda.se").split(".test", 1)[1],
        },
    )


def fill_workspace(smtp, site: Site) -> None:
    """The coordinators' side: a coordinator's and an administrator's account; a full workshop
    with someone seated, someone waiting and someone cancelled, whose mails bounce (a failed
    message in the outbox); a draft; a network with a member, a request to join and two
    meetings, one with a meal and one whose last day to answer has passed, with the member's
    answer and leave links from her invitations; and changes made by a person, not only by the
    system, for the change log."""
    user = create_user(COORDINATOR, "Karin Lindqvist", PASSWORD, Role.COORDINATOR)
    with_second_factor(create_user(ADMINISTRATOR, "Anders Admin", PASSWORD, Role.ADMIN))
    workshop = make_event(
        title=WORKSHOP,
        capacity=1,
        days=12,
        serves_meal=True,
        meal_note="Fika ingår.",
        audience="Barnbibliotekarier",
        actor=user,
    )
    draft = make_event(title=DRAFT, publish=False, days=60, actor=user)

    def add(name: str, email: str) -> int:
        person = applicant(
            name=name,
            email=email,
            library_id=site.ids["library"],
            role_title="Bibliotekarie",
            dietary_needs="Glutenfri kost",
            accessibility_needs="Rullstolsplats",
        )
        return registrations.register(workshop.id, person, actor=user).id

    seated = add("Anna Berg", "anna.berg@vetlanda.se")
    add("Karin Ek", "karin.ek@vetlanda.se")
    bounced = add("Per Holm", BOUNCING)
    registrations.cancel_registration(bounced, actor=user)
    db.session.commit()
    smtp.refused.add(BOUNCING)
    try:
        deliver(smtp)
    finally:
        smtp.refused.discard(BOUNCING)
    failed = db.session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.to_email == BOUNCING)
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    assert failed, "the bouncing address should have left a failed message in the outbox"

    network = networks.create_network(
        user,
        name=NETWORK,
        description="Vi träffas fyra gånger per termin och delar tips om bokprat.",
        contact_name="Karin Lindqvist",
        contact_email=COORDINATOR,
        join_policy=JoinPolicy.APPROVAL,
    )
    member = applicant(name="Anna Berg", email="anna.berg@vetlanda.se", library_id=None)
    networks.add_member(network, replace(member, library_id=site.ids["library"]), actor=user)
    networks.add_member(
        network,
        replace(
            member, name="Olle Ny", email="olle.ny@eksjo.se", other_workplace="Skolbiblioteket"
        ),
        status=MemberStatus.PENDING,
    )
    # Published, so the active member is invited to each: a meal (the answer page asks about
    # special diets), and one too late to answer.
    make_event(
        title=NETWORK_MEETING,
        kind=EventKind.NETWORK_MEETING,
        network_id=network.id,
        days=25,
        serves_meal=True,
        meal_note="Fika ingår.",
        actor=user,
    )
    make_event(
        title=LATE_MEETING,
        kind=EventKind.NETWORK_MEETING,
        network_id=network.id,
        days=4,
        deadline_days=-1,
        actor=user,
    )
    db.session.commit()
    invitations = {
        message["Subject"]: message.get_body(("plain",)).get_content() for message in deliver(smtp)
    }

    def links_in(meeting: str, path: str) -> dict[str, str]:
        """The links under ``path`` in the member's invitation to a meeting, by their last part."""
        text = invitations[f"Inbjudan: {meeting}"]
        found = re.findall(rf"https://kalendarium\.test({path}\S+)", text)
        return {link.rsplit("/", 1)[1]: link for link in found}

    meal, late = links_in(NETWORK_MEETING, "/inbjudan/"), links_in(LATE_MEETING, "/inbjudan/")
    (leave,) = links_in(NETWORK_MEETING, "/natverk/lamna/").values()
    site.links.update(
        {
            "invitation-yes": meal["kommer"],
            "invitation-no": meal["kommer-inte"],
            "invitation-too-late": late["kommer"],
            "leave": leave,
        }
    )
    # A question typed as a reply, read from the mailbox and forwarded to the contact person.
    calendar_replies.handle(
        parse(plain("Anna Berg <anna.berg@habo.se>", "Fråga om parkering", "Finns det parkering?"))
    )
    db.session.commit()
    municipality = db.session.scalar(
        select(Library.municipality_id).where(Library.id == site.ids["library"])
    )
    assert db.session.get(Municipality, municipality)
    # The organisation as an administrator fills it in, with a logo in the header.
    save_profile(
        None,
        colour="#00509e",
        name="Regionen",
        unit="Regionbiblioteket",
        contact_email="regionbiblioteket@example.se",
        intro="Kurser och nätverksträffar för personalen på regionens folkbibliotek.",
        logo=LOGO,
    )
    save_audience(None, "Skolbibliotekarier", "School librarians", False, None)
    plan = db.session.get(FocusArea, focus_area("Läsfrämjande")).plan_id
    db.session.commit()
    # A course whose sign-ups wait for the coordinator's approval, with one waiting.
    approval = make_event(title="Ledarskapsdagen", days=25, requires_approval=True)
    registrations.register(
        approval.id,
        applicant(name="Eva Holm", email="eva.holm@habo.se", library_id=site.ids["library"]),
    )
    db.session.commit()
    # The newsletter: a subscriber, one whose address the relay refused three times in a row,
    # a newsletter sent to them and a draft.
    now = utcnow()
    for email, undeliverable in (("prenumerant@vetlanda.se", None), (BOUNCING, now)):
        db.session.add(
            Watch(
                email=email,
                newsletter=True,
                requested_at=now,
                confirmed_at=now,
                told_through=now,
                newsletters_refused=3 if undeliverable else 0,
                undeliverable_at=undeliverable,
            )
        )
    sent = newsletters.save(
        None, newsletters.Draft("Höstens kurser", "Hej **alla**!", (workshop.id,)), user
    )
    newsletters.send(sent.id, user)
    newsletter_draft = newsletters.save(
        None, newsletters.Draft("Vårens kurser", "Ett utkast.", (workshop.id,)), user
    )
    db.session.commit()
    boss = User(
        email="chef@vetlanda.se",
        name="Maja Chef",
        password_hash="",
        role=Role.MANAGER,
        manager_library_id=site.ids["library"],
    )
    db.session.add(boss)
    db.session.commit()
    subscriber = db.session.scalar(select(Watch).where(Watch.email == "prenumerant@vetlanda.se"))
    site.links.update(
        {
            "watch": links.watch_url(subscriber).split(".test", 1)[1],
            "newsletter-stop": links.watch_url(subscriber, "newsletters.stop").split(".test", 1)[1],
            "manager": links.manager_sign_in_url(boss, invitation=True).split(".test", 1)[1],
        }
    )
    site.events.update(workshop=workshop.id, draft=draft.id, approval=approval.id)
    site.ids.update(
        newsletter=sent.id,
        newsletter_draft=newsletter_draft.id,
        seated=seated,
        failed_message=failed,
        network=network.id,
        municipality=municipality,
        plan=plan,
    )


# --- The pages ------------------------------------------------------------------------------------


def sign_up_url(site: Site, kind: str = "open") -> str:
    return f"/evenemang/{site.events[kind]}/anmalan"


def submit_empty_form(page: Page, site: Site) -> None:
    page.goto(site.base + sign_up_url(site))
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page).to_have_title(re.compile("^Fel i formuläret"))
    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")


def submit_empty_evaluation(page: Page, site: Site) -> None:
    """Required questions left out: each error is tied to its question's group."""
    page.goto(site.base + personal_page("confirmed", "/utvardering")(site))
    page.get_by_role("button", name="Skicka svaren").click()
    expect(
        page.get_by_role("group", name="Vad tycker du om kursen som helhet? (svar krävs)")
    ).to_have_accessible_description(re.compile("Svara på frågan."))


def submit_empty_hybrid_form(page: Page, site: Site) -> None:
    """The choice between on site and online left out: its error is tied to the fieldset."""
    page.goto(site.base + sign_up_url(site, "hybrid"))
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("group", name="Hur deltar du?")).to_have_accessible_description(
        re.compile("Välj om du deltar på plats eller digitalt.")
    )


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


def begin_second_factor(page: Page, site: Site) -> None:
    """The QR code to scan: a coordinator begins setting up the app (not yet turned on)."""
    page.goto(site.base + "/samordnare/tvastegsverifiering")
    page.get_by_role("button", name="Slå på tvåstegsverifiering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Slå på tvåstegsverifiering")
    expect(page.get_by_role("img", name=re.compile("QR-kod"))).to_be_visible()


def wrong_setup_code(page: Page, site: Site) -> None:
    begin_second_factor(page, site)
    page.get_by_label("Kod", exact=True).fill("000000")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="Slå på", exact=True).click()
    assert posted.value.status == 422
    expect(page.get_by_role("main")).to_contain_text("Koden stämmer inte.")


def second_step(page: Page, site: Site) -> None:
    """The administrator's password is right: the page that asks for the app's code."""
    page.goto(site.base + "/logga-in")
    page.get_by_label("E-postadress", exact=True).fill(ADMINISTRATOR)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")


def fail_to_sign_in(page: Page, site: Site) -> None:
    sign_in(page, site, password="inte-mitt-lösenord")
    expect(page).to_have_title(re.compile("^Fel vid inloggning"))
    expect(page.get_by_role("alert")).to_contain_text("Fel e-postadress eller lösenord.")


def workspace(kind: str, then: str = "") -> Callable[[Site], str]:
    """The path of an event's page in the coordinators' workspace, or of one under it."""
    return lambda site: f"/samordnare/evenemang/{site.events[kind]}{then}"


NEW_EVENT = "/samordnare/evenemang/nytt"


def submit_invalid_event(page: Page, site: Site) -> None:
    """Nothing filled in that must be, an address without a domain, and a session that ends
    before it starts: an error beside many kinds of field, and the summary above them."""
    page.goto(site.base + NEW_EVENT)
    page.get_by_label("Kontaktpersonens e-post").fill("karin@")
    first = page.get_by_role("group", name="Tillfälle 1", exact=True)
    first.get_by_label("Börjar", exact=True).fill("13:00")
    first.get_by_label("Slutar", exact=True).fill("12:00")
    page.get_by_role("button", name="Spara som utkast").click()
    expect(page).to_have_title(re.compile("^Fel i formuläret"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Titel: Ge evenemanget en titel.")
    expect(summary).to_contain_text("Sluttiden måste vara efter starttiden.")


def add_a_session(page: Page, site: Site) -> None:
    page.goto(site.base + NEW_EVENT)
    page.get_by_role("button", name="Lägg till tillfälle").click()
    expect(page.get_by_role("group", name="Tillfälle 2", exact=True)).to_be_visible()


def preview_description(page: Page, site: Site) -> None:
    page.goto(site.base + NEW_EVENT)
    page.get_by_label("Beskrivning", exact=True).fill(
        "Vi går igenom **läsfrämjande metoder**.\n\n"
        "- Ta med en bok\n"
        f"- Läs [stödmaterialet]({TEAMS_URL}) före första träffen\n"
    )
    page.get_by_role("button", name="Förhandsgranska beskrivningen").click()
    preview = page.get_by_role("region", name="Förhandsgranskning av beskrivningen")
    expect(preview.get_by_role("link", name="stödmaterialet")).to_be_visible()


def preview_library_file(page: Page, site: Site) -> None:
    page.goto(site.base + "/samordnare/bibliotek/fil")
    page.get_by_label("CSV-fil med kommuner och bibliotek").set_input_files(
        files=[{"name": "bibliotek.csv", "mimeType": "text/csv", "buffer": LIBRARY_FILE}]
    )
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_role("heading", name="Nya bibliotek (1)")).to_be_visible()


def refused(
    path: str | Callable[[Site], str],
    button: str,
    shows: str,
    fill: dict[str, str] | None = None,
    title: str = "Fel i formuläret",
) -> Callable[[Page, Site], None]:
    """Open the form at ``path``, fill in ``fill`` (label: value), press ``button``, and check
    that the form came back refused: 422, its title, and ``shows`` in the summary of what is
    wrong. Only forms refused whatever is in the database, so nothing changes for another case."""

    def visit(page: Page, site: Site) -> None:
        page.goto(site.base + (path(site) if callable(path) else path))
        for label, value in (fill or {}).items():
            page.get_by_label(label, exact=True).fill(value)
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            page.get_by_role("button", name=button, exact=True).click()
        assert posted.value.status == 422, f"{page.url} answered {posted.value.status}"
        expect(page).to_have_title(re.compile(f"^{re.escape(title)}"))
        expect(page.get_by_role("alert")).to_contain_text(shows)

    return visit


def outbox_with_a_failure(page: Page, site: Site) -> None:
    go("/samordnare/utskick", BOUNCING)(page, site)
    expect(page.get_by_role("row").filter(has_text=BOUNCING).first).to_contain_text("Misslyckades")


@dataclass(frozen=True)
class Case:
    id: str
    visit: Callable[[Page, Site], None]
    #: The fixture whose site serves the page.
    site: str = "full_site"
    #: The account signed in to see the page: "coordinator", "admin", or none.
    account: str = ""


def coordinator(id: str, visit: Callable[[Page, Site], None]) -> Case:
    return Case(id, visit, account="coordinator")


def administrator(id: str, visit: Callable[[Page, Site], None]) -> Case:
    """A page only administrators may see."""
    return Case(id, visit, account="admin")


def manager(id: str, visit: Callable[[Page, Site], None]) -> Case:
    """A library manager's page."""
    return Case(id, visit, account="manager")


def network_page(then: str = "", workspace: bool = True) -> Callable[[Site], str]:
    return lambda site: f"{'/samordnare' if workspace else ''}/natverk/{site.ids['network']}{then}"


def municipality_page(site: Site) -> str:
    return f"/samordnare/kommuner/{site.ids['municipality']}"


CASES = [
    Case("calendar-empty", go("/", "Det finns inga kommande evenemang just nu."), "empty_site"),
    Case("calendar", go("/", "Nätverksträff för barn- och ungdomsbibliotekarier")),
    Case("calendar-courses", go("/?typ=kurs", "INSTÄLLT: Sommarboken")),
    Case("event-open", go(event_page("open"), "Del 3: Uppföljning")),
    Case("event-full", go(event_page("full"), "Anmäl dig till reservlistan")),
    Case("event-closed", go(event_page("closed"), "Det går inte längre att anmäla sig")),
    Case("event-cancelled", go(event_page("cancelled"), "Evenemanget är inställt.")),
    Case("sign-up", go(sign_up_url, "Workshop A (fullt)")),
    Case("sign-up-errors", submit_empty_form),
    Case("event-hybrid", go(event_page("hybrid"), "Digitalt: 39 platser kvar")),
    Case(
        "sign-up-hybrid",
        go(lambda s: sign_up_url(s, "hybrid"), "På plats – fullt, du hamnar på reservlistan"),
    ),
    Case("sign-up-hybrid-errors", submit_empty_hybrid_form),
    Case("sign-up-waiting-list", go(lambda s: sign_up_url(s, "full"), "Alla platser är bokade.")),
    Case("thanks", sign_up),
    Case("personal-confirmed", go(personal_page("confirmed"), "Du har en plats.")),
    Case("personal-waitlisted", go(personal_page("waitlisted"), "nummer 1 på reservlistan")),
    Case("personal-cancelled", go(personal_page("cancelled"), "Din anmälan är avbokad.")),
    Case("personal-offered", go(personal_page("offered"), "Ta platsen")),
    Case("personal-online", go(personal_page("online"), "Det är fullt på plats just nu.")),
    Case("evaluation", go(personal_page("confirmed", "/utvardering"), "1 är sämst, 5 är bäst.")),
    Case("evaluation-errors", submit_empty_evaluation),
    Case("certificate-check", go("/intyg", "Skriv koden som står på intyget")),
    Case("embedded", go("/inbaddat?typ=kurs", "Alla evenemang i kalendariet")),
    Case("my-courses-ask", go("/mina-kurser", "Se allt du har anmält dig till")),
    Case("watch-ask", go("/bevaka", "högst ett om dagen")),
    Case("watch-own", go(personal_page("watch"), "Avsluta nyhetsbrevet")),
    Case("newsletter-archive", go("/nyhetsbrev", "Höstens kurser")),
    Case(
        "newsletter-subscribe-errors",
        refused("/nyhetsbrev", "Prenumerera", "Fyll i din e-postadress."),
    ),
    Case("newsletter", go(lambda site: f"/nyhetsbrev/{site.ids['newsletter']}", WORKSHOP)),
    Case("newsletter-stop", go(personal_page("newsletter-stop"), "Ja, avsluta nyhetsbrevet")),
    Case("my-courses", go(personal_page("my-courses"), "Kalender att prenumerera på")),
    Case("certificate-valid", go("/intyg/K7QM-9XD4-TPAW", "Giltigt kursintyg")),
    Case("certificate-invalid", go("/intyg/AAAA-BBBB-CCCC", "Intyget är inte giltigt", status=404)),
    Case("cancel-confirm", go(personal_page("confirmed", "/avboka"), "Vill du avboka")),
    Case("personal-change", go(personal_page("confirmed", "/andra"), "Spara ändringarna")),
    Case(
        "hand-over", go(personal_page("confirmed", "/lamna-over"), "Fyll i din kollegas uppgifter.")
    ),
    Case("privacy", go("/personuppgifter", "Så behandlar vi dina personuppgifter")),
    Case("accessibility-statement", go("/tillganglighet", "Tillgänglighetsredogörelse")),
    Case("not-found", go("/finns-inte", "Sidan finns inte", status=404)),
    Case("forged-link", go("/anmalan/IjEi.forfalskad", "Länken är ogiltig.", status=404)),
    Case("networks-public", go("/natverk", NETWORK)),
    Case("network-public", go(network_page(workspace=False), "Vi träffas fyra gånger")),
    Case(
        "network-join-errors",
        refused(network_page(workspace=False), "Ansök om medlemskap", "Något behöver rättas"),
    ),
    # The answer is sent with a button; the link alone answers nothing.
    Case("invitation-yes", go(personal_page("invitation-yes"), "Specialkost")),
    Case("invitation-no", go(personal_page("invitation-no"), "Nej, jag kommer inte")),
    Case(
        "invitation-too-late",
        refused(
            personal_page("invitation-too-late"),
            "Ja, jag kommer",
            "Svarstiden har gått ut.",
            title="Fel – ",
        ),
    ),
    Case("leave-network", go(personal_page("leave"), "Ja, lämna nätverket")),
    # The coordinators' workspace; signing in is the only page of it seen signed out.
    Case("login", go("/logga-in", "Logga in som samordnare")),
    Case("login-failed", fail_to_sign_in),
    Case("login-second-step", second_step),
    Case("ask-for-link", go("/logga-in/lank", "Inloggningslänk för chefer")),
    Case(
        "ask-for-link-errors",
        refused("/logga-in/lank", "Skicka länken", "Fyll i din e-postadress."),
    ),
    Case("manager-link", go(personal_page("manager"), "Länken fungerar en gång")),
    coordinator("dashboard", go("/samordnare/", WORKSHOP)),
    coordinator("audit-log", go("/samordnare/logg", "lade till deltagare")),
    coordinator("new-event", go(NEW_EVENT, "Tillfälle 1")),
    coordinator("new-event-errors", submit_invalid_event),
    coordinator("new-event-two-sessions", add_a_session),
    coordinator("new-event-preview", preview_description),
    coordinator("event", go(workspace("workshop"), "Publicerat")),
    coordinator("event-draft", go(workspace("draft"), "Ta bort utkastet")),
    coordinator("event-edit", go(workspace("open", "/redigera"), "Evenemanget är publicerat.")),
    coordinator("event-cancel", go(workspace("workshop", "/stall-in"), "Ja, ställ in")),
    coordinator("event-delete", go(workspace("draft", "/ta-bort"), "Utkastet tas bort för gott.")),
    coordinator("attendees", go(workspace("workshop", "/deltagare"), "Avbokade (1)")),
    coordinator(
        "attendees-search", go(workspace("workshop", "/deltagare?sok=karin"), "Reservlista (1)")
    ),
    coordinator("add-attendee", go(workspace("workshop", "/deltagare/ny"), "Lägg till deltagare")),
    coordinator(
        "cancel-attendee",
        go(lambda s: workspace("workshop", f"/deltagare/{s.ids['seated']}/avboka")(s), "Anna Berg"),
    ),
    coordinator("sign-in-sheet", go(workspace("workshop", "/namnlista"), "Närvarolista")),
    coordinator("attendance", go(workspace("open", "/narvaro"), "Kom till tillfället")),
    coordinator("event-questions", go(workspace("open", "/fragor"), "Val hittills")),
    coordinator("event-materials", go(workspace("open", "/material"), "Ladda upp en fil")),
    coordinator("embedding", go("/samordnare/inbaddning?typ=kurs", "Kopiera och klistra in")),
    coordinator("newsletters", go("/samordnare/nyhetsbrev", BOUNCING)),
    coordinator("second-factor", go("/samordnare/tvastegsverifiering", "Vi rekommenderar den")),
    coordinator("managers", go("/samordnare/chefer", "Maja Chef")),
    coordinator("managers-errors", refused("/samordnare/chefer", "Bjud in", "Fyll i namnet.")),
    manager("manager-overview", go("/chef/", "Anna Berg")),
    manager("manager-statistics", go("/chef/statistik", "Uteblev")),
    manager("manager-sign-up", go("/chef/anmal", "Kollegans namn")),
    coordinator("second-factor-setup", begin_second_factor),
    coordinator("second-factor-setup-errors", wrong_setup_code),
    administrator(
        "second-factor-on", go("/samordnare/tvastegsverifiering", "oanvända reservkoder")
    ),
    coordinator("newsletter-new", go("/samordnare/nyhetsbrev/nytt", "Förvalda är de som")),
    coordinator(
        "newsletter-draft",
        go(
            lambda site: f"/samordnare/nyhetsbrev/{site.ids['newsletter_draft']}",
            "Så här ser det ut",
        ),
    ),
    coordinator(
        "newsletter-send",
        go(
            lambda site: f"/samordnare/nyhetsbrev/{site.ids['newsletter_draft']}/skicka",
            "Ja, skicka",
        ),
    ),
    coordinator("event-evaluation", go(workspace("open", "/utvardering"), "som kom har svarat")),
    coordinator(
        "event-evaluation-questions", go(workspace("open", "/utvardering/fragor"), "Frågor")
    ),
    administrator(
        "evaluation-defaults", go("/samordnare/utvardering", "Standardfrågor för kursutvärderingar")
    ),
    coordinator("attendees-pending", go(workspace("approval", "/deltagare"), "Godkänn markerade")),
    coordinator("message", go(workspace("workshop", "/meddelande"), "Skicka meddelande")),
    coordinator("outbox", outbox_with_a_failure),
    coordinator("calendar-replies", go("/samordnare/utskick/kalendersvar", "Fråga om parkering")),
    coordinator(
        "outbox-message",
        go(lambda s: f"/samordnare/utskick/{s.ids['failed_message']}", "Försök skicka igen"),
    ),
    coordinator("networks", go("/samordnare/natverk", "Nytt nätverk")),
    coordinator(
        "networks-errors",
        refused("/samordnare/natverk", "Skapa nätverket", "Ge nätverket ett namn."),
    ),
    coordinator("network", go(network_page(), "Väntar på godkännande")),
    coordinator("network-meetings", go(network_page("/traffar"), "Träff 1")),
    coordinator(
        "network-meetings-errors",
        refused(network_page("/traffar"), "Spara som utkast", "Fyll i minst en träff."),
    ),
    coordinator("personal-data", go("/samordnare/personuppgifter", "registerutdrag")),
    coordinator(
        "personal-data-found",
        go("/samordnare/personuppgifter?epost=karin.ek@vetlanda.se", "Radera uppgifterna"),
    ),
    coordinator("statistics", go("/samordnare/statistik", "Per kommun")),
    coordinator(
        "statistics-by-choice",
        go(
            "/samordnare/statistik?fran=2000-01-01&till=2099-12-31&fraga=Vilken+workshop+vill+du+g%C3%A5+p%C3%A5%3F",
            "Visa svaren",
        ),
    ),
    coordinator(
        "statistics-compared",
        go("/samordnare/statistik?fran=2026-01-01&till=2026-12-31&jamfor=y", "Jämfört med"),
    ),
    coordinator(
        "statistics-errors",
        go(
            "/samordnare/statistik?fran=2025-06-30&till=2025-01-01",
            "Slutdatum måste vara samma dag eller senare än startdatum.",
            status=422,
        ),
    ),
    administrator("admin-dashboard", go("/samordnare/", WORKSHOP)),
    administrator("accounts", go("/samordnare/konton", "Karin Lindqvist")),
    administrator("accounts-errors", refused("/samordnare/konton", "Skapa konto", "Ange namnet.")),
    administrator("libraries", go("/samordnare/bibliotek", LIBRARY)),
    administrator(
        "libraries-errors",
        refused("/samordnare/bibliotek", "Spara", "Bibliotekets namn: Ange namnet."),
    ),
    administrator(
        "library-edit",
        go(lambda s: f"/samordnare/bibliotek/{s.ids['library']}", f"Ändra {LIBRARY}"),
    ),
    administrator("municipality", go(municipality_page, "Ändra kommun")),
    administrator("plans", go("/samordnare/biblioteksplaner", "Lägg till plan")),
    administrator(
        "plan-edit", go(lambda s: f"/samordnare/biblioteksplaner/{s.ids['plan']}", "Område 1")
    ),
    administrator(
        "plan-errors",
        refused(
            "/samordnare/biblioteksplaner/ny", "Spara planen", "Planens namn: Ange planens namn."
        ),
    ),
    administrator("audiences", go("/samordnare/malgrupper", "School librarians")),
    administrator(
        "audiences-errors", refused("/samordnare/malgrupper", "Spara", "Målgrupp: Ange målgruppen.")
    ),
    administrator("organisation", go("/samordnare/organisation", "Nuvarande logotyp")),
    administrator(
        "organisation-errors",
        refused(
            "/samordnare/organisation",
            "Spara",
            "Vit text på #ffcc00",
            fill={"Profilfärg": "#ffcc00"},
        ),
    ),
    administrator("library-file", go("/samordnare/bibliotek/fil", "Förhandsgranska")),
    administrator("library-file-preview", preview_library_file),
    administrator(
        "library-file-errors",
        refused("/samordnare/bibliotek/fil", "Förhandsgranska", "Filen saknar kolumnerna"),
    ),
    administrator(
        "municipality-errors",
        refused(
            municipality_page,
            "Spara",
            "Kommunkoden är fyra siffror.",
            fill={"Kommunkod (SCB)": "12"},
        ),
    ),
]

#: Case id -> the fault in a template that makes axe fail it. Remove an entry once fixed.
KNOWN_AXE_FAILURES: dict[str, str] = {}
#: Case id -> the fault that makes the page scroll sideways at 320 px, or leaves a part that
#: scrolls out of the keyboard's reach. Remove once fixed.
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


#: The widest lines of text, boxes without text and absolutely positioned boxes that stick out
#: past the viewport: what forces the page to scroll sideways, for the assertion message.
#: Clipped content is left out; an absolutely positioned box (such as .visually-hidden text) is
#: clipped only by an ancestor from its containing block up, so it can escape a scroller.
STICKING_OUT = """() => {
    const width = document.documentElement.clientWidth;
    const boxClipped = (el) => {
        let position = getComputedStyle(el).position;
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (position === "fixed") return false;
            const style = getComputedStyle(a);
            if (position !== "absolute" || style.position !== "static") {
                if (style.overflowX !== "visible") return true;
                position = style.position;
            }
        }
        return false;
    };
    const clipped = (el) => getComputedStyle(el).overflowX !== "visible" || boxClipped(el);
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
        const leaf = !el.children.length && !el.textContent.trim();
        const absolute = getComputedStyle(el).position === "absolute";
        if ((leaf || absolute) && right > width + 1 && !boxClipped(el)) {
            found.push([right, name(el)]);
        }
    }
    return found.sort((a, b) => b[0] - a[0]).slice(0, 3)
        .map(([right, what]) => `${what} (to ${Math.round(right)} px)`);
}"""


@pytest.fixture(scope="module")
def axe():
    return Axe()


def page_for(request, case: Case, width: str) -> Page:
    """The module's page ``width`` wide ("wide" or "narrow"), signed in if the case needs it."""
    if case.account:
        return request.getfixturevalue(f"{case.account}_pages")[width]
    return request.getfixturevalue(f"{width}_page")


def open_case(request, case: Case, width: str) -> Page:
    """The case's page, in its state, with its style sheet applied.

    A case that ends by submitting a form has seen its text once the new page's DOM is there,
    which may be before the load event, and so before its style sheet is sure to apply; a page
    measured without CSS could pass the reflow check, and axe would judge default colours."""
    page = page_for(request, case, width)
    case.visit(page, request.getfixturevalue(case.site))
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("case", cases(KNOWN_AXE_FAILURES))
def test_axe_finds_no_wcag_21_aa_violations(request, axe, case):
    wide_page = open_case(request, case, "wide")
    violations = axe.run(wide_page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{case.id} ({wide_page.url}):\n{describe(violations)}"


@pytest.mark.parametrize("case", cases(KNOWN_REFLOW_FAILURES))
def test_no_horizontal_scrolling_at_320_px(request, axe, case):
    """The page never scrolls sideways; what scrolls inside it (a wide table in its .table-wrap)
    can be scrolled with the keyboard as well."""
    narrow_page = open_case(request, case, "narrow")
    scroll_width = narrow_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW["width"], (
        f"{case.id} ({narrow_page.url}) is {scroll_width} px wide at {NARROW['width']} px;"
        f" sticking out: {'; '.join(narrow_page.evaluate(STICKING_OUT))}"
    )
    if narrow_page.evaluate(SCROLLS_INSIDE):
        violations = axe.run(narrow_page, options=SCROLLER_AXE_OPTIONS).response["violations"]
        assert not violations, f"{case.id} ({narrow_page.url}) at 320 px:\n{describe(violations)}"
