"""Keeping the statistics' pre-counted participation (models.participation) in step.

After each flush the session notes the events whose counted facts changed: a seat taken or given
up, a workplace, an attendance mark, or an event's status, date, focus area or audience. Just
before commit those events are counted again from their registrations and the difference is
added to their months, so the counts change in the same transaction as what they count, on every
path through the ORM. A bulk UPDATE bypasses the ORM: none changes a counted fact today, and one
that does must call :func:`refresh` itself.
"""

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain

from sqlalchemy import case, delete, event, func, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import (
    Attendance,
    Event,
    EventParticipation,
    EventSession,
    EventStatus,
    MonthlyParticipation,
    Registration,
    RegistrationStatus,
)
from eventreg.models.participation import OTHER_WORKPLACE

#: Events counted per statement, well below the databases' limits on bound parameters.
_CHUNK = 500
_EVENTS = "participation_events"
_SESSIONS = "participation_sessions"

_COUNTS = ("seated", "came", "no_shows")
_MONTH_KEY = ("month", "library_id", "focus_area", "audience")
_EVENT_KEY = ("day", "library_id", "focus_area", "audience")
_FACTS = {
    Registration: ("status", "library_id"),
    Attendance: ("present",),
    Event: ("status", "first_start", "focus_area", "audience"),
}


def watch(session: scoped_session) -> None:
    """Keep the counts in step on every commit of ``session`` (``db.session``)."""
    if not event.contains(session, "after_flush", _note_changes):
        event.listen(session, "after_flush", _note_changes)
        event.listen(session, "before_commit", _refresh_noted)


def _changed(session: Session, obj) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    attributes = inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in _FACTS[type(obj)])


def _note_changes(session: Session, _flush_context) -> None:
    events = session.info.setdefault(_EVENTS, set())
    sessions = session.info.setdefault(_SESSIONS, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if type(obj) not in _FACTS or not _changed(session, obj):
            continue
        if isinstance(obj, Registration):
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
    counted = {
        row.id: row
        for row in db.session.execute(
            select(Event.id, Event.status, Event.first_start, Event.focus_area, Event.audience)
            .where(Event.id.in_(ids))
            .order_by(Event.id)
            .with_for_update()
        )
        if row.status == EventStatus.PUBLISHED and row.first_start is not None
    }
    changes: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for old in db.session.execute(
        delete(EventParticipation)
        .where(EventParticipation.event_id.in_(ids))
        .returning(*(getattr(EventParticipation, n) for n in (*_EVENT_KEY, *_COUNTS)))
    ):
        _add(changes, old._mapping, sign=-1)

    new = [
        {
            "event_id": event_id,
            "library_id": library_id,
            "day": counted[event_id].first_start.astimezone(STOCKHOLM).date(),
            "focus_area": counted[event_id].focus_area or "",
            "audience": counted[event_id].audience,
            **dict(zip(_COUNTS, counts, strict=True)),
        }
        for event_id, library_id, *counts in _count(Registration.event_id.in_(list(counted)))
    ]
    if new:
        db.session.execute(insert(EventParticipation), new)
    for values in new:
        _add(changes, values, sign=1)
    _apply(changes)


def rebuild() -> None:
    """Count every event again from nothing, e.g. after data was changed by hand."""
    db.session.execute(delete(MonthlyParticipation))
    db.session.execute(delete(EventParticipation))
    refresh(db.session.scalars(select(Event.id).where(Event.status == EventStatus.PUBLISHED)))


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


def _add(changes: dict[tuple, list[int]], row, sign: int) -> None:
    """Add an event's row (a mapping of ``_EVENT_KEY`` and ``_COUNTS``) to its month's change."""
    key = (row["day"].replace(day=1), row["library_id"], row["focus_area"], row["audience"])
    changes[key] = [
        total + sign * row[name] for total, name in zip(changes[key], _COUNTS, strict=True)
    ]


def _apply(changes: dict[tuple, list[int]]) -> None:
    """Add the changes to the months' rows, in key order so that concurrent writers queue."""
    rows = [
        {**dict(zip(_MONTH_KEY, key, strict=True)), **dict(zip(_COUNTS, counts, strict=True))}
        for key, counts in sorted(changes.items())
        if any(counts)
    ]
    if not rows:
        return
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(MonthlyParticipation)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(_MONTH_KEY),
        set_={n: getattr(MonthlyParticipation, n) + upsert.excluded[n] for n in _COUNTS},
    )
    db.session.execute(upsert, rows)
    db.session.execute(
        delete(MonthlyParticipation).where(
            MonthlyParticipation.seated == 0,
            MonthlyParticipation.month.in_({row["month"] for row in rows}),
        )
    )
