"""Follow-up for the unit's report to the region: who took part in what, per place and theme.

Counts come from registrations, which outlive names (see personal_data), so a report for any
past term can be made again and gives the same figures.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, select

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


def report(start: date, end: date) -> Report:
    """Events held (not cancelled) whose first session falls from ``start`` to ``end``."""
    low, high = _bounds(start, end)
    held = (
        select(Event.id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.first_start >= low,
            Event.first_start < high,
        )
        .scalar_subquery()
    )
    came = exists().where(
        Attendance.registration_id == Registration.id, Attendance.present.is_(True)
    )
    marked = exists().where(Attendance.registration_id == Registration.id)
    seated = and_(
        Registration.event_id.in_(held), Registration.status == RegistrationStatus.CONFIRMED
    )
    measures = (
        func.count(Registration.id),
        func.count(case((came, 1))),
        func.count(case((and_(marked, ~came), 1))),
    )

    result = Report(start, end)
    result.events = db.session.scalar(select(func.count()).where(Event.id.in_(held)))
    result.sessions = db.session.scalar(select(func.count()).where(EventSession.event_id.in_(held)))
    result.registered, result.attended, result.no_shows = db.session.execute(
        select(*measures).where(seated)
    ).one()

    per_library = {
        library_id: counts
        for library_id, *counts in db.session.execute(
            select(Registration.library_id, *measures)
            .where(seated)
            .group_by(Registration.library_id)
        )
    }
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

    for column, target in (
        (Event.focus_area, result.focus_areas),
        (Event.audience, result.audiences),
    ):
        rows = db.session.execute(
            select(column, func.count(func.distinct(Event.id)), *measures)
            .select_from(Event)
            .outerjoin(Registration, and_(Registration.event_id == Event.id, seated))
            .where(Event.id.in_(held))
            .group_by(column)
            .order_by(column)
        )
        # The value itself is the label's key: a FocusArea, or the audience text.
        target.extend(Row(value or "", "", *counts) for value, *counts in rows)
    return result
