"""Keeping the statistics' pre-counted events and participation (models.participation) in step.

After each flush the session notes the events whose counted facts changed: a seat taken or given
up, a workplace, an attendance mark, a session added or removed, or an event's status, date,
focus area or audience. Just before commit those events are counted again and the difference is
added to their months, so the counts change in the same transaction as what they count, on every
path through the ORM. A bulk UPDATE bypasses the ORM: none changes a counted fact today, and one
that does must call :func:`refresh` itself.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain

from sqlalchemy import case, delete, event, func, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import (
    Attendance,
    CountedEvent,
    Event,
    EventParticipation,
    EventSession,
    EventStatus,
    MonthlyEvents,
    MonthlyParticipation,
    Registration,
    RegistrationStatus,
)
from eventreg.models.participation import OTHER_WORKPLACE, PEOPLE_COUNTS

#: Events counted per statement, well below the databases' limits on bound parameters.
_CHUNK = 500
_EVENTS = "participation_events"
_SESSIONS = "participation_sessions"

#: What is counted, per kind of row; any new or deleted row counts as changed.
_FACTS = {
    Registration: ("status", "library_id"),
    Attendance: ("present",),
    EventSession: (),
    Event: ("status", "first_start", "focus_area", "audience"),
}

#: Changes to months' rows: key values → counts to add.
_Changes = dict[tuple, list[int]]


def watch(session: scoped_session) -> None:
    """Keep the counts in step on every commit of ``session`` (``db.session``)."""
    if not event.contains(session, "after_flush", _note_changes):
        event.listen(session, "after_flush", _note_changes)
        event.listen(session, "before_commit", _refresh_noted)


def _changed(session: Session, obj) -> bool:
    state = inspect(obj)
    if isinstance(obj, Registration) and not _seated_now_or_before(state):
        return False  # a waiting list changes no count
    if obj in session.new or obj in session.deleted:
        return True
    return any(state.attrs[name].history.has_changes() for name in _FACTS[type(obj)])


def _seated_now_or_before(state) -> bool:
    if "status" in state.unloaded:
        return True
    return RegistrationStatus.CONFIRMED in chain(*state.attrs.status.history)


def _note_changes(session: Session, _flush_context) -> None:
    events = session.info.setdefault(_EVENTS, set())
    sessions = session.info.setdefault(_SESSIONS, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if type(obj) not in _FACTS or not _changed(session, obj):
            continue
        if isinstance(obj, Registration | EventSession):
            events.add(obj.event_id)
        elif isinstance(obj, Attendance):
            sessions.add(obj.session_id)
        elif obj not in session.new:  # a new event has nobody to count yet
            events.add(obj.id)


def _refresh_noted(session: Session) -> None:
    session.flush()
    events = session.info.pop(_EVENTS, set())
    sessions = session.info.pop(_SESSIONS, set())
    if sessions:
        events.update(
            session.scalars(select(EventSession.event_id).where(EventSession.id.in_(sessions)))
        )
    refresh(events)


def refresh(event_ids: Iterable[int]) -> None:
    """Count these events again, and move the difference into their months.

    The events stay locked until commit (in id order, so two refreshes never deadlock): two
    transactions must not both take away the same old counts.
    """
    ids = sorted(set(event_ids))
    for start in range(0, len(ids), _CHUNK):
        _refresh(ids[start : start + _CHUNK])


def _refresh(ids: list[int]) -> None:
    counted = [
        row
        for row in db.session.execute(
            select(Event.id, Event.status, Event.first_start, Event.focus_area, Event.audience)
            .where(Event.id.in_(ids))
            .order_by(Event.id)
            .with_for_update()
        )
        if row.status == EventStatus.PUBLISHED and row.first_start is not None
    ]
    events: _Changes = defaultdict(lambda: [0, 0])
    people: _Changes = defaultdict(lambda: [0, 0, 0])

    # Take away what the events added before (their people first: they refer to the event).
    old_people = db.session.execute(_deleted(EventParticipation, ids)).all()
    old = {row.event_id: row._mapping for row in db.session.execute(_deleted(CountedEvent, ids))}
    for values in old.values():
        _add(events, _month(values), (1, values["sessions"]), -1)
    for row in old_people:
        counts = (row.seated, row.came, row.no_shows)
        _add(people, (*_month(old[row.event_id]), row.library_id), counts, -1)

    # Add what they add now.
    sessions = dict(
        db.session.execute(
            select(EventSession.event_id, func.count())
            .where(EventSession.event_id.in_([row.id for row in counted]))
            .group_by(EventSession.event_id)
        ).all()
    )
    new = {
        row.id: {
            "event_id": row.id,
            "day": row.first_start.astimezone(STOCKHOLM).date(),
            "focus_area": row.focus_area or "",
            "audience": row.audience,
            "sessions": sessions.get(row.id, 0),
        }
        for row in counted
    }
    new_people = [
        dict(zip(("event_id", "library_id", *PEOPLE_COUNTS), row, strict=True))
        for row in _count(Registration.event_id.in_(list(new)))
    ]
    for table, rows in ((CountedEvent, list(new.values())), (EventParticipation, new_people)):
        if rows:
            db.session.execute(insert(table), rows)
    for values in new.values():
        _add(events, _month(values), (1, values["sessions"]), 1)
    for values in new_people:
        month = _month(new[values["event_id"]])
        _add(people, (*month, values["library_id"]), [values[n] for n in PEOPLE_COUNTS], 1)

    _apply(MonthlyEvents, ("month", "focus_area", "audience"), ("events", "sessions"), events)
    _apply(
        MonthlyParticipation,
        ("month", "focus_area", "audience", "library_id"),
        PEOPLE_COUNTS,
        people,
    )


def rebuild() -> None:
    """Count every event again from nothing, e.g. after data was changed by hand."""
    for table in (MonthlyParticipation, MonthlyEvents, EventParticipation, CountedEvent):
        db.session.execute(delete(table))
    refresh(db.session.scalars(select(Event.id).where(Event.status == EventStatus.PUBLISHED)))


def _deleted(table, ids: list[int]):
    """Delete the events' rows, returning them."""
    return delete(table).where(table.event_id.in_(ids)).returning(*table.__table__.columns)


def _count(where) -> list[tuple]:
    """(event id, library id, seated, came, no-shows) of the registrations ``where`` selects.

    One seated person counts once however many sessions they were marked at: "came" if marked
    present at any session, a no-show if marked only absent, neither if nobody marked them.
    """
    per_person = (
        select(
            Registration.event_id,
            func.coalesce(Registration.library_id, OTHER_WORKPLACE).label("library_id"),
            func.max(
                case((Attendance.present.is_(True), 1), (Attendance.id.is_not(None), 0))
            ).label("came"),
        )
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(where, Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.id)
        .subquery()
    )
    return db.session.execute(
        select(
            per_person.c.event_id,
            per_person.c.library_id,
            func.count(),
            func.count(case((per_person.c.came == 1, 1))),
            func.count(case((per_person.c.came == 0, 1))),
        ).group_by(per_person.c.event_id, per_person.c.library_id)
    ).all()


def _month(counted: Mapping) -> tuple:
    """The month and theme that a counted event adds to."""
    return (counted["day"].replace(day=1), counted["focus_area"], counted["audience"])


def _add(changes: _Changes, key: tuple, counts: Sequence[int], sign: int) -> None:
    changes[key] = [total + sign * count for total, count in zip(changes[key], counts, strict=True)]


def _apply(table, key: tuple[str, ...], counts: tuple[str, ...], changes: _Changes) -> None:
    """Add the changes to the months' rows, in key order so that concurrent writers queue.

    A row whose first count falls to zero goes: the months hold only what happened.
    """
    fell = any(count < 0 for change in changes.values() for count in change)
    rows = [
        {**dict(zip(key, values, strict=True)), **dict(zip(counts, change, strict=True))}
        for values, change in sorted(changes.items())
        if any(change)
    ]
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(table)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(key),
        set_={name: getattr(table, name) + upsert.excluded[name] for name in counts},
    )
    db.session.execute(upsert, rows)
    if fell:
        db.session.execute(
            delete(table).where(
                getattr(table, counts[0]) == 0, table.month.in_({row["month"] for row in rows})
            )
        )
