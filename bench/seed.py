"""Fill an empty, migrated eventreg database with the data the benchmark needs.

Run by ``bench/run.py`` with the same DATABASE_URL, SECRET_KEY and EVENTREG_INSTANCE_PATH as the
server under test::

    .venv/bin/python bench/seed.py --events 1000 --burst-events 3 --burst-capacity 40

Events are made through the services (``create_event``, ``publish_event``), so the data obeys the
app's own rules, but everything goes into one transaction: a commit per event would make seeding
1,000 events on PostgreSQL take longer than the benchmark itself. Prints one JSON object: the ids
of the event whose page is read, of the events the sign-up bursts target (one per round, as each
burst needs an empty event), of the hybrid events whose bursts choose on site or online and
answer a choice question (``--hybrid-events``), and of the libraries.
"""

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from eventreg import create_app  # noqa: E402
from eventreg.cli import LIBRARIES_CSV  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from eventreg.formatting import STOCKHOLM  # noqa: E402
from eventreg.models import EventKind, FocusArea, Library, LibraryPlan, QuestionKind  # noqa: E402
from eventreg.services.audiences import audiences, save_audience  # noqa: E402
from eventreg.services.events import SessionTimes, create_event, publish_event  # noqa: E402
from eventreg.services.places import import_libraries  # noqa: E402
from eventreg.services.questions import ChoiceText, QuestionText, save_questions  # noqa: E402

#: Realistic variety, so the calendar renders what a real term looks like (short and long
#: summaries, one to three sessions, online and on-site, limited and unlimited seats).
TOPICS = [
    ("Bokprat som metod", 0, "Barn- och skolbibliotekarier"),
    ("Digitala guider på biblioteket", 1, "All personal"),
    ("Språkcafé – så kommer du igång", 2, "All personal"),
    ("Medie- och informationskunnighet", 1, "Bibliotekarier"),
    ("Nätverksträff för barnbibliotekarier", 0, "Barnbibliotekarier"),
    ("Bibliotekschefsnätverket", 2, "Bibliotekschefer"),
]
#: The plan benchmark events are tagged from (TOPICS name its areas by number): it covers every
#: date the benchmarks use.
PLAN = ("Biblioteksplanen", date(2000, 1, 1), date(2099, 12, 31))
PLAN_AREAS = ("Läsfrämjande", "Digital delaktighet", "Biblioteken i samhället")
VENUES = [
    ("Jönköpings stadsbibliotek, hörsalen", "Dag Hammarskjölds plats 1, Jönköping"),
    ("Vetlanda bibliotek", "Storgatan 16, Vetlanda"),
    ("Eksjö stadsbibliotek", "Österlånggatan 31, Eksjö"),
    ("Värnamo bibliotek", "Stora torget, Värnamo"),
]
DESCRIPTION = (
    "Under dagen varvar vi korta föreläsningar med övningar i grupp.\n\n"
    "**Du får med dig**\n\n"
    "- tre färdiga upplägg att använda direkt\n"
    "- tips på aktuella titlar och verktyg\n"
    "- metoder för att nå fler besökare\n\n"
    "Ta gärna med en fråga du vill diskutera."
)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def plan_areas() -> list[int]:
    """The ids of the benchmark plan's areas, the plan made on first use (not committed)."""
    name, starts_on, ends_on = PLAN
    plan = db.session.scalar(select(LibraryPlan).where(LibraryPlan.name == name))
    if plan is None:
        plan = LibraryPlan(name=name, starts_on=starts_on, ends_on=ends_on)
        plan.areas = [
            FocusArea(name=area, position=position) for position, area in enumerate(PLAN_AREAS)
        ]
        db.session.add(plan)
        db.session.flush()
    return [area.id for area in plan.areas]


def _details(number: int, first_day: date, areas: list[int]) -> dict:
    title, focus, audience = TOPICS[number % len(TOPICS)]
    venue, address = VENUES[number % len(VENUES)]
    meeting = number % 3 == 2
    online = number % 4 == 1
    return {
        "kind": EventKind.NETWORK_MEETING if meeting else EventKind.COURSE,
        "title": f"{title} ({number})",
        "summary": "En dag om metoder, erfarenheter och nytt från regionen." * (1 + number % 2),
        "description": DESCRIPTION,
        "audience": audience,
        "focus_area_id": areas[focus],
        "organiser": "Biblioteksutveckling, Region Jönköpings län",
        "contact_name": "Karin Lindqvist",
        "contact_email": "karin.lindqvist@example.se",
        "venue": "" if online else venue,
        "address": "" if online else address,
        "online_url": "https://teams.example.se/meet/bench" if online else "",
        "online_note": "Teams-länken skickas till anmälda." if online else "",
        "capacity": None if meeting else 20 + number % 30,
        "serves_meal": number % 2 == 0,
        "meal_note": "Lunch ingår." if number % 2 == 0 else "",
        "registration_deadline": first_day - timedelta(days=2),
    }


def _sessions(number: int, first_day: date) -> list[SessionTimes]:
    count = 1 + number % 3
    return [
        SessionTimes(
            _at(first_day + timedelta(days=7 * part), 9),
            _at(first_day + timedelta(days=7 * part), 12),
            f"Del {part + 1}" if count > 1 else "",
        )
        for part in range(count)
    ]


def list_audiences() -> dict[str, int]:
    """The TOPICS' audiences as the admin's list, so events name them by id (not committed):
    their ids by name."""
    listed = {audience.name: audience.id for audience in audiences()}
    for name in dict.fromkeys(audience for _, _, audience in TOPICS):
        if name not in listed:
            listed[name] = save_audience(None, name, "", False, None).id
    return listed


#: The hybrid burst's form: on site or online, and one choice question (without places).
WORKSHOP = QuestionText(
    QuestionKind.SINGLE_CHOICE,
    "Vilken workshop vill du gå på?",
    required=True,
    choices=(ChoiceText("Workshop A"), ChoiceText("Workshop B")),
)


def seed(events: int, burst_events: int, burst_capacity: int, hybrid_events: int) -> dict:
    import_libraries(LIBRARIES_CSV)
    areas = plan_areas()
    list_audiences()
    today = date.today()
    made = []
    for number in range(events):
        # Spread over about two years, several events a day, all in the future.
        first_day = today + timedelta(days=5 + number * 730 // max(events, 1))
        event = create_event(_sessions(number, first_day), **_details(number, first_day, areas))
        publish_event(event.id)
        made.append(event)
    burst_day = today + timedelta(days=30)
    bursts = []
    for number in range(burst_events):
        burst = create_event(
            [SessionTimes(_at(burst_day, 9), _at(burst_day, 16))],
            **{
                **_details(1, burst_day, areas),
                "title": f"Anmälningsrusning {number + 1}",
                "capacity": burst_capacity,
            },
        )
        publish_event(burst.id)
        bursts.append(burst.id)
    hybrids = []
    for number in range(hybrid_events):
        hybrid = create_event(
            [SessionTimes(_at(burst_day, 9), _at(burst_day, 16))],
            **{
                **_details(1, burst_day, areas),
                "title": f"Anmälningsrusning, på plats eller digitalt {number + 1}",
                "online_url": "https://teams.example.se/meet/bench",
                "choose_mode": True,
                # Half the seats in each way: as many in all as the plain burst's.
                "capacity": burst_capacity // 2,
                "online_capacity": burst_capacity - burst_capacity // 2,
            },
        )
        save_questions(hybrid.id, [WORKSHOP], None)
        publish_event(hybrid.id)
        hybrids.append(hybrid.id)
    library_ids = list(db.session.scalars(select(Library.id).order_by(Library.id)))
    # The event page measured is the first one in the calendar: the page a visitor opens most.
    return {
        "read_event_id": made[0].id,
        "burst_event_ids": bursts,
        "hybrid_event_ids": hybrids,
        "library_ids": library_ids,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--burst-events", type=int, required=True)
    parser.add_argument("--burst-capacity", type=int, required=True)
    parser.add_argument("--hybrid-events", type=int, default=0)
    args = parser.parse_args()
    app = create_app()
    with app.app_context(), db.session.begin():
        result = seed(args.events, args.burst_events, args.burst_capacity, args.hybrid_events)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
