"""Follow-up for the unit's report to the region: who took part in what, per place and theme.

Counts come from registrations, which outlive names (see personal_data), so a report for any
past term can be made again and gives the same figures. They are read from counts kept as
registrations change (``counting``), not from the registrations themselves, but for the few
sign-ups not yet counted.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from eventreg.extensions import db
from eventreg.models import (
    Audience,
    CountedEvent,
    EventParticipation,
    FocusArea,
    Library,
    LibraryPlan,
    MonthlyEvents,
    MonthlyParticipation,
    Municipality,
    Registration,
)
from eventreg.statistics import counting
from eventreg.statistics.models import OTHER_WORKPLACE, PEOPLE_COUNTS


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: participants (seated), of whom came, and no-shows.

    ``events`` is counted for themes and audiences; people of one place attend many events.
    ``plan`` names a focus area's library plan: plans may word an area alike.
    """

    label: str
    code: str = ""
    events: int = 0
    registered: int = 0
    attended: int = 0
    no_shows: int = 0
    plan: str = ""


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
    def absent_municipalities(self) -> list[tuple]:
        return [row for row in self.municipalities if row.registered == 0]


def _month_after(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _in_period(start: date, end: date, monthly: Select, month, per_event: Select) -> list[tuple]:
    """The period's rows: whole months from ``monthly``, the days around them from ``per_event``.

    ``month`` is the month column of ``monthly``; ``per_event`` reads CountedEvent. So a term
    reads a few hundred rows however busy it was.
    """
    months_from = _month_after(start - timedelta(days=1))
    months_until = (end + timedelta(days=1)).replace(day=1)
    rows = []
    days = [(start, end)]
    if months_from < months_until:
        rows += db.session.execute(monthly.where(month >= months_from, month < months_until)).all()
        days = [(start, months_from - timedelta(days=1)), (months_until, end)]
    days = [CountedEvent.day.between(first, last) for first, last in days if first <= last]
    if days:
        rows += db.session.execute(per_event.where(or_(*days))).all()
    return rows


def _events(start: date, end: date) -> list[tuple]:
    """(focus area id, (audience id, audience), events, sessions) of the events held in the
    period."""
    theme = (MonthlyEvents.focus_area_id, MonthlyEvents.audience_id, MonthlyEvents.audience)
    monthly = select(*theme, func.sum(MonthlyEvents.events), func.sum(MonthlyEvents.sessions))
    theme_of_event = (CountedEvent.focus_area_id, CountedEvent.audience_id, CountedEvent.audience)
    per_event = select(*theme_of_event, func.count(), func.sum(CountedEvent.sessions))
    return _in_period(
        start,
        end,
        monthly.group_by(*theme),
        MonthlyEvents.month,
        per_event.group_by(*theme_of_event),
    )


def _participation(start: date, end: date) -> list[tuple]:
    """(library id, focus area id, audience id, audience, seated, came, no-shows) of the
    period's events: as counted, and the sign-ups the worker has yet to count."""
    people = MonthlyParticipation
    key = (people.library_id, people.focus_area_id, people.audience_id, people.audience)
    monthly = select(*key, *(func.sum(getattr(people, name)) for name in PEOPLE_COUNTS))
    key_of_event = (
        EventParticipation.library_id,
        CountedEvent.focus_area_id,
        CountedEvent.audience_id,
        CountedEvent.audience,
    )
    per_event = select(
        *key_of_event, *(func.sum(getattr(EventParticipation, name)) for name in PEOPLE_COUNTS)
    ).join(CountedEvent, CountedEvent.event_id == EventParticipation.event_id)
    # The few not yet counted, found by their partial index first: a condition on the whole
    # table let SQLite read every registration.
    new = counting.seated(Registration.id.in_(select(Registration.id).where(counting.UNCOUNTED)))
    new = new.subquery()
    not_yet_counted = (
        select(new.c.library_id, *key_of_event[1:], new.c.seated, new.c.came, new.c.no_shows)
        .join(CountedEvent, CountedEvent.event_id == new.c.event_id)
        .where(CountedEvent.day.between(start, end))
    )
    return [
        *_in_period(
            start, end, monthly.group_by(*key), people.month, per_event.group_by(*key_of_event)
        ),
        *db.session.execute(not_yet_counted),
    ]


def _add(totals: dict, key, counts) -> None:
    totals[key] = [a + b for a, b in zip(totals.get(key, [0] * len(counts)), counts, strict=True)]


def report(start: date, end: date) -> Report:
    """Events held (not cancelled) whose first session falls from ``start`` to ``end``."""
    result = Report(start, end)
    events_per_focus: dict = {}
    events_per_audience: dict = {}
    for focus_area, audience_id, audience, events, sessions in _events(start, end):
        result.events += events
        result.sessions += sessions
        _add(events_per_focus, focus_area, [events])
        _add(events_per_audience, (audience_id, audience), [events])

    per_library: dict = {}
    per_focus: dict = {}
    per_audience: dict = {}
    for library_id, focus_area, audience_id, audience, *counts in _participation(start, end):
        for totals, key in (
            (per_library, library_id),
            (per_focus, focus_area),
            (per_audience, (audience_id, audience)),
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

    areas = _areas(list(events_per_focus))
    result.focus_areas.extend(
        _area_row(areas.get(area_id), count, per_focus.get(area_id, (0, 0, 0)))
        for area_id, (count,) in sorted(
            events_per_focus.items(), key=lambda item: _area_order(areas.get(item[0]))
        )
    )
    result.audiences.extend(_audience_rows(events_per_audience, per_audience))
    return result


def _audience_rows(events: dict, people: dict) -> list[Row]:
    """Audiences by name: a listed one's as the list words it now, a one-off's as typed.
    Both dicts are keyed by (audience id, one-off text)."""
    names = dict(
        db.session.execute(
            select(Audience.id, Audience.name).where(Audience.id.in_([key[0] for key in events]))
        ).all()
    )
    rows = [
        Row(names.get(key[0], key[1]), "", count, *people.get(key, (0, 0, 0)))
        for key, (count,) in events.items()
    ]
    return sorted(rows, key=lambda row: row.label.casefold())


def _areas(ids: list[int]) -> dict[int, FocusArea]:
    return {
        area.id: area
        for area in db.session.scalars(
            select(FocusArea).where(FocusArea.id.in_(ids)).options(joinedload(FocusArea.plan))
        )
    }


def _area_order(area: FocusArea | None) -> tuple:
    """The plans in time order and each plan's areas in its own order; events without last."""
    if area is None:
        return (date.max, 0, 0)
    return (area.plan.starts_on, area.position, area.id)


def _area_row(area: FocusArea | None, events: int, counts) -> Row:
    """An area's line, naming its plan (events without an area have neither)."""
    if area is None:
        return Row("", "", events, *counts)
    return Row(area.name, "", events, *counts, plan=area.plan.name)


@dataclass(frozen=True)
class Change:
    """One line of a comparison: a count in the earlier period and in this one."""

    label: str
    before: int
    now: int
    plan: str = ""

    @property
    def difference(self) -> int:
        return self.now - self.before


@dataclass
class Comparison:
    """This period's report beside the previous period's, line by line."""

    now: Report
    before: Report

    @property
    def totals(self) -> list[Change]:
        return [
            Change(label, getattr(self.before, name), getattr(self.now, name))
            for label, name in (
                ("Evenemang", "events"),
                ("Tillfällen", "sessions"),
                ("Deltagare", "registered"),
                ("Kom", "attended"),
                ("Uteblev", "no_shows"),
            )
        ]

    def lines(self, breakdown: str) -> list[Change]:
        """Participants per line of ``breakdown`` (e.g. "focus_areas"), in either period: the
        earlier period's lines first, as a plan's areas come before the next plan's."""
        before = {(row.label, row.plan): row.registered for row in getattr(self.before, breakdown)}
        now = {(row.label, row.plan): row.registered for row in getattr(self.now, breakdown)}
        return [
            Change(label, before.get((label, plan), 0), now.get((label, plan), 0), plan)
            for label, plan in dict.fromkeys([*before, *now])
        ]


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period to compare with: the plan before, when the period is a library plan's; as
    many whole months before, when it is whole months (a term, a year); else as many days."""
    plans = db.session.scalars(select(LibraryPlan).order_by(LibraryPlan.starts_on)).all()
    for earlier, plan in zip(plans, plans[1:], strict=False):
        if (plan.starts_on, plan.ends_on) == (start, end):
            return earlier.starts_on, earlier.ends_on
    after_end = end + timedelta(days=1)
    if start.day == 1 and after_end.day == 1:
        months = (after_end.year - start.year) * 12 + after_end.month - start.month
        first = start.year * 12 + start.month - 1 - months
        return date(first // 12, first % 12 + 1, 1), start - timedelta(days=1)
    return start - (after_end - start), start - timedelta(days=1)
