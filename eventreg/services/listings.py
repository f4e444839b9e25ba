"""What pages read: the events the public may see, and how many people are registered.

One place for the filter that decides what is public (a published or cancelled event; drafts
never), used by the calendar, the event pages, network pages and the feeds.
"""

from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, bindparam, case, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from eventreg.extensions import db
from eventreg.models import (
    AttendanceMode,
    Choice,
    Event,
    EventStatus,
    Question,
    Registration,
    RegistrationStatus,
)
from eventreg.models.base import one_of, utcnow
from eventreg.models.registrations import SEAT_HOLDERS
from eventreg.services.registrations import SIGN_UP_COLUMNS

#: What the public sees: a cancelled event stays, marked, so that nobody wonders.
VISIBLE = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def is_visible() -> ColumnElement[bool]:
    return Event.status.in_(VISIBLE)  # as the calendar's partial index says it


def visible_events(*, ending_after: datetime | None = None) -> Select:
    """Visible events, with their sessions, in the calendar's order; filter further as needed."""
    query = (
        select(Event)
        .where(is_visible())
        # Not joined to the audiences: on SQLite that made the 10,000-event calendar 1.45× as
        # slow as at 100 events (BENCHMARKS.md), against 1.11× with a query of its own.
        .options(selectinload(Event.sessions), selectinload(Event.listed_audience))
        .order_by(Event.first_start, Event.id)
    )
    return query.where(Event.last_end >= ending_after) if ending_after else query


def upcoming_events() -> Select:
    return visible_events(ending_after=utcnow())


def visible_event(event_id: int, with_sessions: bool = True) -> Event | None:
    """A published or cancelled event (with its sessions, unless a page needs none), or None."""
    query = (
        select(Event)
        .where(Event.id == event_id, is_visible())
        .options(joinedload(Event.listed_audience))
    )
    if with_sessions:
        query = query.options(selectinload(Event.sessions))
    return db.session.scalar(query)


def _seated(*where: ColumnElement[bool]) -> ColumnElement[int]:
    return (
        select(func.count())
        .where(Registration.event_id == Event.id, one_of(Registration.status, SEAT_HOLDERS), *where)
        .scalar_subquery()
    )


#: What decides which sign-up page a visitor gets (the columns ``sign_up_state`` reads, when the
#: event last changed) and how many have seats (on site and online where people choose). Built
#: once, and read as columns rather than as an event: when a course opens everyone asks for the
#: form at once, and the page itself comes from memory.
_SIGN_UP_FACTS = select(
    *SIGN_UP_COLUMNS,
    Event.updated_at,
    _seated(Registration.mode.is_distinct_from(AttendanceMode.ONLINE)).label("seated"),
    case((Event.choose_mode, _seated(Registration.mode == AttendanceMode.ONLINE)), else_=0).label(
        "online_seated"
    ),
    # For an event whose questions have choices with places: the places left change with every
    # sign-up and cancellation, and so does this count. None otherwise, so that a plain form
    # stays stored through a burst of sign-ups (counted only when needed: CASE is lazy).
    case(
        (
            exists().where(
                Question.event_id == Event.id,
                Choice.question_id == Question.id,
                Choice.places.is_not(None),
            ),
            select(func.count())
            .where(
                Registration.event_id == Event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .scalar_subquery(),
        ),
        else_=None,
    ).label("active"),
).where(Event.id == bindparam("event_id"), one_of(Event.status, VISIBLE))


def sign_up_facts(event_id: int) -> Row | None:
    """A visible event's sign-up facts and its seats taken (:func:`taken`), in one query, or
    None."""
    return db.session.connection().execute(_SIGN_UP_FACTS, {"event_id": event_id}).one_or_none()


def taken(facts: Row) -> dict[AttendanceMode | None, int]:
    """The seats taken in each way of taking part, as ``registrations.free_seats`` takes them."""
    if facts.choose_mode:
        return {AttendanceMode.ONSITE: facts.seated, AttendanceMode.ONLINE: facts.online_seated}
    return {None: facts.seated}


#: A search's result count stops here: counting every match of a filter that reads each
#: event's seats would grow with the calendar, and "more than a hundred" tells as much.
COUNT_UP_TO = 100


def count(query: Select) -> int:
    """How many rows a query of events selects, up to one more than COUNT_UP_TO (for a search's
    result count: more than that is said as such)."""
    return db.session.scalar(
        select(func.count()).select_from(query.order_by(None).limit(COUNT_UP_TO + 1).subquery())
    )


def last_changed(event_id: int) -> datetime | None:
    """When a visible event last changed (its questions included), or None."""
    return db.session.scalar(select(Event.updated_at).where(Event.id == event_id, is_visible()))


def status_counts(event_ids: list[int]) -> dict[int, dict[str, int]]:
    """Registrations per event and status, in one query for a whole list."""
    counts: dict[int, dict[str, int]] = {event_id: {} for event_id in event_ids}
    if event_ids:
        rows = db.session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(Registration.event_id.in_(event_ids))
            .group_by(Registration.event_id, Registration.status)
        )
        for event_id, status, count in rows:
            counts[event_id][status] = count
    return counts
