"""Follow-up for the unit's report to the region: who took part in what, per place and theme.

Counts come from registrations, which outlive names (see personal_data), so a report for any
past term can be made again and gives the same figures. They are read from counts kept as
registrations change (services.participation), not from the registrations themselves.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import (
    Event,
    EventParticipation,
    EventSession,
    EventStatus,
    Library,
    MonthlyParticipation,
    Municipality,
)
from eventreg.models.participation import OTHER_WORKPLACE


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


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _participation(start: date, end: date) -> list[tuple]:
    """(library id, focus area, audience, seated, came, no-shows), from the pre-counted tables.

    The period's whole months come from the monthly sums and the days before and after them from
    the events' own rows, so that a term reads a few hundred rows however busy it was.
    """
    months_from = _month_after(start - timedelta(days=1))
    months_until = (end + timedelta(days=1)).replace(day=1)
    rows = []
    days = EventParticipation.day.between(start, end)
    if months_from < months_until:
        rows += _summed(
            MonthlyParticipation,
            MonthlyParticipation.month >= months_from,
            MonthlyParticipation.month < months_until,
        )
        days &= (EventParticipation.day < months_from) | (EventParticipation.day >= months_until)
    return rows + _summed(EventParticipation, days)


def _summed(table, *where) -> list[tuple]:
    key = (table.library_id, table.focus_area, table.audience)
    return db.session.execute(
        select(*key, func.sum(table.seated), func.sum(table.came), func.sum(table.no_shows))
        .where(*where)
        .group_by(*key)
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
    for library_id, focus_area, audience, *counts in _participation(start, end):
        for totals, key in (
            (per_library, library_id),
            (per_focus, focus_area or None),
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
    if OTHER_WORKPLACE in per_library:
        result.libraries.append(Row("Annan arbetsplats", "", 0, *per_library[OTHER_WORKPLACE]))

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
