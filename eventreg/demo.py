"""Demo data for development: the county's libraries and a term of realistic events.

Dates are relative to today, so the demo always shows upcoming events. Everything is made
through the services, so demo data obeys the same rules as real data.
"""

from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from eventreg import organisation
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import (
    Event,
    EventKind,
    JoinPolicy,
    Library,
    QuestionKind,
    Role,
    User,
    Watch,
)
from eventreg.models.base import utcnow
from eventreg.services import evaluations, followups, newsletters, watches
from eventreg.services.accounts import create_user
from eventreg.services.attendance import mark_attendance
from eventreg.services.events import SessionTimes, create_event, publish_event
from eventreg.services.networks import add_member, create_network, plan_series
from eventreg.services.plans import plans
from eventreg.services.questions import ChoiceText, QuestionText, save_questions
from eventreg.services.region import load_region
from eventreg.services.registrations import Applicant, register
from eventreg.services.watches import Choices

#: The regions the demo can load (``services.region``); events are written for the first.
REGIONS = Path(__file__).parent / "data" / "regions"
DEMO_REGION = "jonkoping"

#: The questions of the demo's bokprat course: an afternoon workshop with few places.
WORKSHOP_QUESTIONS = [
    QuestionText(
        QuestionKind.SINGLE_CHOICE,
        "Vilken workshop vill du gå på efter lunch?",
        "Which workshop would you like to attend after lunch?",
        required=True,
        choices=(
            ChoiceText("Bokprat för mellanstadiet", "Book talks for ages 10–12", 20),
            ChoiceText("Bokprat för högstadiet", "Book talks for ages 13–15", 20),
        ),
    ),
    QuestionText(
        QuestionKind.LONG_TEXT,
        "Finns det en bok du vill att vi pratar om?",
        "Is there a book you would like us to talk about?",
    ),
]

#: The demo sign-in, for development only (the README names it).
DEMO_COORDINATOR = ("samordnare@example.se", "Karin Lindqvist", "demo-losenord")
#: The demo administrator's authenticator key (administrators sign in in two steps); the README
#: says how to get its code without a phone.
DEMO_TOTP_SECRET = "KALENDARIUMDEMOKALENDARIUMDEMO23"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def _weekday_in(days: int) -> date:
    """A Tuesday at least ``days`` from today: demo events fall on working days."""
    day = date.today() + timedelta(days=days)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def _session(day: date, start: tuple[int, int], end: tuple[int, int], label: str = ""):
    return SessionTimes(_at(day, *start), _at(day, *end), label)


def _current_areas() -> dict[str, int]:
    """The ids of the areas of the plan in force today, by name."""
    today = date.today()
    current = next(plan for plan in plans() if plan.covers(today))
    return {area.name: area.id for area in current.areas}


def _demo_events(areas: dict[str, int]) -> list[tuple[dict, list[SessionTimes], bool]]:
    """(details, sessions, publish) for each demo event, tagged with ``areas`` of the plan."""
    bokprat = _weekday_in(14)
    digital = _weekday_in(21)
    sprak = _weekday_in(3)
    nasta = _weekday_in(60)
    merop = _weekday_in(25)
    contact = {
        "organiser": organisation.current().owner,
        "contact_name": "Karin Lindqvist",
        "contact_email": "karin.lindqvist@example.se",
    }
    return [
        (
            {
                **contact,
                "kind": EventKind.COURSE,
                "title": "Bokprat som metod – för unga läsare",
                "summary": "En heldag om att välja böcker, bygga upp ett bokprat och nå fram till 10–15-åringar.",
                "description": (
                    "Under dagen varvar vi korta föreläsningar med övningar i grupp.\n\n"
                    "**Du får med dig**\n\n"
                    "- tre färdiga bokprat att använda direkt\n"
                    "- tips på aktuella titlar för mellanstadiet och högstadiet\n"
                    "- metoder för att få med tysta och ovana läsare\n\n"
                    "Ta gärna med en bok du själv vill prata om."
                ),
                "audience": "Barn- och skolbibliotekarier",
                "focus_area_id": areas["Läsfrämjande för alla åldrar"],
                "venue": "Jönköpings stadsbibliotek, hörsalen",
                "address": "Dag Hammarskjölds plats 1, Jönköping",
                "capacity": 40,
                "serves_meal": True,
                "meal_note": "Lunch och eftermiddagsfika ingår.",
                "registration_deadline": bokprat - timedelta(days=7),
            },
            [_session(bokprat, (9, 0), (16, 0))],
            True,
        ),
        (
            {
                **contact,
                "kind": EventKind.COURSE,
                "title": "Digitala guider på biblioteket",
                "summary": "Tre träffar om hur biblioteket hjälper invånare med e-legitimation, appar och digitala myndighetskontakter.",
                "description": (
                    "Kursen ges i tre delar, digitalt och på plats. "
                    "Mellan träffarna prövar du det vi gått igenom på ditt eget bibliotek."
                ),
                "audience": "All personal",
                "focus_area_id": areas["Digital delaktighet"],
                "venue": "Vetlanda bibliotek",
                "address": "Storgatan 16, Vetlanda",
                "online_url": "https://teams.example.se/meet/digitala-guider",
                "online_note": "Del 2 är digital. Teams-länken skickas till anmälda.",
                "capacity": 25,
                "registration_deadline": digital - timedelta(days=5),
            },
            [
                _session(digital, (9, 30), (12, 0), "Del 1: Vad invånarna frågar om"),
                _session(digital + timedelta(days=14), (13, 0), (15, 0), "Del 2: Digitalt möte"),
                _session(digital + timedelta(days=28), (9, 30), (12, 0), "Del 3: Erfarenheter"),
            ],
            True,
        ),
        (
            {
                **contact,
                "kind": EventKind.COURSE,
                "title": "Språkcafé – så kommer du igång",
                "summary": "Erfarenheter från tre bibliotek som driver språkcaféer med frivilliga.",
                "audience": "All personal",
                "focus_area_id": areas["Biblioteket som mötesplats och demokratiarena"],
                "venue": "Värnamo bibliotek",
                "address": "Stora torget, Värnamo",
                "capacity": 3,
                "registration_deadline": sprak - timedelta(days=2),
            },
            [_session(sprak, (13, 0), (16, 0))],
            True,
        ),
        (
            {
                **contact,
                "kind": EventKind.NETWORK_MEETING,
                "title": "Regionträff om meröppna bibliotek",
                "summary": "Erfarenheter av meröppet från länets kommuner. Kom till Värnamo eller delta digitalt.",
                "audience": "Bibliotekschefer och samordnare",
                "focus_area_id": areas["Biblioteket som mötesplats och demokratiarena"],
                "venue": "Värnamo bibliotek, Apladalen",
                "address": "Stora torget, Värnamo",
                "online_url": "https://teams.example.se/meet/meroppet",
                "online_note": "Teams-länken skickas till dig som deltar digitalt.",
                "choose_mode": True,
                "capacity": 30,
                "online_capacity": 60,
                "registration_deadline": merop - timedelta(days=5),
            },
            [_session(merop, (9, 30), (12, 0))],
            True,
        ),
        (
            {
                **contact,
                "kind": EventKind.COURSE,
                "title": "Medie- och informationskunnighet i praktiken",
                "summary": "Planeras för nästa termin.",
                "audience": "All personal",
                "focus_area_id": areas["Digital delaktighet"],
                "venue": "Nässjö bibliotek",
                "capacity": 30,
                "registration_deadline": nasta - timedelta(days=10),
            },
            [_session(nasta, (9, 0), (15, 0))],
            False,
        ),
    ]


def _held_course(areas: dict[str, int]) -> Event:
    """A course that ended three days ago: six came to both sessions (and have course
    certificates), one to the first only; the mail after it went out, and four have answered its
    evaluation. It is made as a coming one and moved back, since sign-up closes."""
    day = date.today() + timedelta(days=30)
    event = create_event(
        [
            _session(day, (9, 0), (12, 0), "Del 1: Läsa tillsammans"),
            _session(day + timedelta(days=7), (9, 0), (12, 0), "Del 2: Samtala om böcker"),
        ],
        kind=EventKind.COURSE,
        title="Läsecirkeln som metod",
        summary="Två förmiddagar om att starta och leda läsecirklar på biblioteket.",
        audience="All personal",
        focus_area_id=areas["Läsfrämjande för alla åldrar"],
        organiser=organisation.current().owner,
        contact_name="Karin Lindqvist",
        contact_title="Utvecklare, läsfrämjande",
        contact_email="karin.lindqvist@example.se",
        venue="Eksjö stadsbibliotek",
        address="Österlånggatan 31, Eksjö",
        capacity=20,
        registration_deadline=day - timedelta(days=3),
    )
    publish_event(event.id)
    libraries = db.session.scalars(select(Library.id).order_by(Library.id).limit(7)).all()
    people = [
        register(
            event.id,
            Applicant(f"Kursdeltagare {n}", f"kursdeltagare{n}@example.se", library_id),
        ).id
        for n, library_id in enumerate(libraries, start=1)
    ]
    back = timedelta(days=40)
    for session in event.sessions:
        session.starts_at, session.ends_at = session.starts_at - back, session.ends_at - back
    event.first_start, event.last_end = event.sessions[0].starts_at, event.sessions[-1].ends_at
    first, second = event.sessions
    mark_attendance(first, set(people), None)
    mark_attendance(second, set(people[:6]), None)
    followups.send_due()
    overall, useful, take_away, better = (q.id for q in evaluations.questions_of(event.id))
    for registration_id, grade, text, wish in (
        (people[0], "5", "Att låta alla komma till tals.", ""),
        (people[1], "4", "Boktips till cirkeln i höst.", "Mer tid för övningarna."),
        (people[2], "4", "", "Fika!"),
        (people[3], "3", "Hur man väljer böcker.", "Fler exempel från små bibliotek."),
    ):
        answers = {overall: [grade], useful: [grade], take_away: [text], better: [wish]}
        evaluations.save_response(registration_id, answers)
    return event


def _fill(event: Event) -> None:
    """Sign up colleagues from a few libraries so the demo shows seats taken and a waiting list."""
    libraries = db.session.execute(select(Library).order_by(Library.id).limit(5)).scalars()
    for number, library in enumerate(libraries, start=1):
        register(
            event.id,
            Applicant(
                name=f"Demodeltagare {number}",
                email=f"demo{number}@example.se",
                library_id=library.id,
                role_title="Bibliotekarie",
            ),
        )


def _networks(actor: User | None) -> int:
    """Two networks: children's librarians (a term of open meetings) and library heads (invited)."""
    libraries = db.session.scalars(select(Library).order_by(Library.id)).all()
    children = create_network(
        actor,
        name="Nätverket för barn- och ungdomsbibliotekarier",
        description="Vi träffas fyra gånger per termin för att dela erfarenheter om läsfrämjande för barn och unga.",
        contact_name="Karin Lindqvist",
        contact_email="karin.lindqvist@example.se",
        join_policy=JoinPolicy.OPEN,
    )
    heads = create_network(
        actor,
        name="Bibliotekschefsnätverket",
        description="Länets bibliotekschefer: biblioteksplanen och gemensamma frågor.",
        contact_name="Karin Lindqvist",
        contact_email="karin.lindqvist@example.se",
    )
    for number, library in enumerate(libraries[:8], start=1):
        add_member(
            children,
            Applicant(f"Barnbibliotekarie {number}", f"barn{number}@example.se", library.id),
        )
    main_libraries = [lib for lib in libraries if lib.kind == "huvudbibliotek"]
    for number, library in enumerate(main_libraries, start=1):
        add_member(
            heads, Applicant(f"Bibliotekschef {number}", f"chef{number}@example.se", library.id)
        )
    first = _weekday_in(10)
    plan_series(
        children,
        [_session(first + timedelta(weeks=6 * n), (13, 0), (15, 30)) for n in range(4)],
        3,
        actor,
        publish=True,
        title="Nätverksträff för barn- och ungdomsbibliotekarier",
        summary="Sommarboken, samarbete med förskolan och nytt från regionen.",
        online_url="https://teams.example.se/meet/barnnatverket",
        online_note="Träffen hålls i Teams. Länken skickas till anmälda.",
    )
    chefer = _weekday_in(30)
    plan_series(
        heads,
        [_session(chefer, (9, 0), (12, 0))],
        7,
        actor,
        publish=True,
        title="Bibliotekschefsnätverket",
        summary="Biblioteksplanen och gemensamma upphandlingar.",
        venue="Eksjö stadsbibliotek, sammanträdesrummet",
        address="Österlånggatan 31, Eksjö",
        invited_only=True,
        requires_approval=True,  # the coordinator approves who comes
    )
    return 2


def seed(region: str = DEMO_REGION, force: bool = False) -> str:
    """Load the region's profile, plans, audiences and libraries; for the demo region, add
    demo events unless there are events already (or ``force``)."""
    loaded = load_region(REGIONS / f"{region}.toml")
    email, name, password = DEMO_COORDINATOR
    # A known password must never reach a deployed system.
    if current_app.config.get("DEVELOPMENT") and not db.session.scalar(
        select(User.id).where(User.email == email)
    ):
        admin = create_user(email, name, password, Role.ADMIN)
        admin.totp_secret, admin.second_factor_at = DEMO_TOTP_SECRET, utcnow()
    if region != DEMO_REGION:
        return loaded
    if db.session.scalar(select(func.count()).select_from(Event)) and not force:
        return f"{loaded} Det finns redan evenemang: inga demoevenemang tillagda."
    events = []
    for details, sessions, publish in _demo_events(_current_areas()):
        event = create_event(sessions, **details)
        if event.title.startswith("Bokprat som metod"):
            save_questions(event.id, WORKSHOP_QUESTIONS, None)
        if publish:
            publish_event(event.id)
        events.append(event)
    _fill(next(e for e in events if e.capacity == 3))
    events.append(_held_course(_current_areas()))
    _networks(None)
    _newsletter(events)
    return (
        f"{loaded} {len(events)} demoevenemang, 2 nätverk med träffar, bevakningar och ett "
        "nyhetsbrev tillagda."
    )


#: Demo subscribers: what each watches, and whether they take the newsletter.
SUBSCRIBERS = [
    ("lena.berg@example.se", Choices(newsletter=True)),
    ("omar.haddad@example.se", Choices(everything=True, newsletter=True)),
    ("eva.nilsson@example.se", Choices(everything=True)),
]


def _newsletter(events: list[Event]) -> None:
    """Confirmed subscribers, and a newsletter already sent to them, in the archive."""
    for email, choices in SUBSCRIBERS:
        watches.request(email, choices, "sv")
        watch = db.session.scalar(select(Watch).where(Watch.email == email))
        watches.confirm(watch.id, watch.requested_at.isoformat())
    presented = [event.id for event in events if event.status == "published"][:3]
    newsletter = newsletters.save(
        None,
        newsletters.Draft(
            "Hösten i fortbildningen",
            "Hej alla på folkbiblioteken!\n\nHär är terminens första kurser. **Anmäl dig i "
            "god tid**: platserna brukar ta slut.",
            tuple(presented),
        ),
        None,
    )
    newsletters.send(newsletter.id, None)
