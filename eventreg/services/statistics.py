"""Follow-up for the unit's report to the region: who took part in what, per place and theme.

Counts come from registrations, which outlive names (see personal_data), so a report for any
past term can be made again and gives the same figures.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import (
    Attendance,
    Event,
    EventSession,
    EventStatus,
    Library,
    Municipality,
    Registration,
    RegistrationStatus,
)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: participants (seated), of whom came, and no-shows.

    ``events`` is counted for themes and audiences; people of one place attend many events.
    """

    label: str
    code: str = ""
    events: int = 0
    registered: int = 0
    attended: int = 0
    no_shows: int = 0


@dataclass
class Report:
    start: date
    end: date
    events: int = 0
    sessions: int = 0
    registered: int = 0
    attended: int = 0
    no_shows: int = 0
    municipalities: list[Row] = field(default_factory=list)
    libraries: list[Row] = field(default_factory=list)
    focus_areas: list[Row] = field(default_factory=list)
    audiences: list[Row] = field(default_factory=list)

    @property
    def absent_municipalities(self) -> list[Row]:
        return [row for row in self.municipalities if row.registered == 0]


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(0), tzinfo=STOCKHOLM),
        datetime.combine(end + timedelta(days=1), time(0), tzinfo=STOCKHOLM),
    )


def _held(low: datetime, high: datetime):
    return and_(
        Event.status == EventStatus.PUBLISHED, Event.first_start >= low, Event.first_start < high
    )


def _participation(low: datetime, high: datetime) -> list[tuple]:
    """(library id, focus area, audience, seated, came, no-shows), in one pass over the period.

    Each seated registration is read once, with its attendance: "came" if marked present at any
    session, a no-show if marked only absent, neither if nobody marked it.
    """
    per_person = (
        select(
            Registration.library_id.label("library_id"),
            Event.focus_area.label("focus_area"),
            Event.audience.label("audience"),
            func.max(
                case((Attendance.present.is_(True), 1), (Attendance.id.is_not(None), 0))
            ).label("came"),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(_held(low, high), Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.id, Registration.library_id, Event.focus_area, Event.audience)
        .subquery()
    )
    columns = (per_person.c.library_id, per_person.c.focus_area, per_person.c.audience)
    return db.session.execute(
        select(
            *columns,
            func.count(),
            func.count(case((per_person.c.came == 1, 1))),
            func.count(case((per_person.c.came == 0, 1))),
        ).group_by(*columns)
    ).all()


def _add(totals: dict, key, counts) -> None:
    totals[key] = [a + b for a, b in zip(totals.get(key, (0, 0, 0)), counts, strict=True)]


def report(start: date, end: date) -> Report:
    """Events held (not cancelled) whose first session falls from ``start`` to ``end``."""
    low, high = _bounds(start, end)
    result = Report(start, end)
    result.events = db.session.scalar(select(func.count()).where(_held(low, high)))
    result.sessions = db.session.scalar(
        select(func.count()).select_from(EventSession).join(Event).where(_held(low, high))
    )

    per_library: dict = {}
    per_focus: dict = {}
    per_audience: dict = {}
    for library_id, focus_area, audience, *counts in _participation(low, high):
        for totals, key in (
            (per_library, library_id),
            (per_focus, focus_area),
            (per_audience, audience),
        ):
            _add(totals, key, counts)
    result.registered, result.attended, result.no_shows = [
        sum(counts[i] for counts in per_library.values()) for i in range(3)
    ]

    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    libraries = db.session.scalars(select(Library).order_by(Library.name)).all()
    for municipality in municipalities:
        totals = [0, 0, 0]
        for library in (lib for lib in libraries if lib.municipality_id == municipality.id):
            counts = per_library.get(library.id, (0, 0, 0))
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
            if counts[0] or library.active:
                result.libraries.append(
                    Row(f"{library.name} ({municipality.name})", municipality.scb_code, 0, *counts)
                )
        result.municipalities.append(Row(municipality.name, municipality.scb_code, 0, *totals))
    if None in per_library:
        result.libraries.append(Row("Annan arbetsplats", "", 0, *per_library[None]))

    for column, counted, target in (
        (Event.focus_area, per_focus, result.focus_areas),
        (Event.audience, per_audience, result.audiences),
    ):
        events = db.session.execute(
            select(column, func.count()).where(_held(low, high)).group_by(column).order_by(column)
        )
        # The value itself is the label's key: a FocusArea, or the audience text.
        target.extend(
            Row(value or "", "", count, *counted.get(value, (0, 0, 0))) for value, count in events
        )
    return result
