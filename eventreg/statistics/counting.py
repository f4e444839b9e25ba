"""Keeping the statistics' pre-counted events and participation (``statistics.models``) in step.

A new registration is not counted by the request that makes it: a rush of sign-ups would pay
for two upserts each. It is saved uncounted (``Registration.counted``), and :func:`catch_up`
counts it a little later, in the worker; meanwhile ``statistics.report`` adds the uncounted to
what it reads, so the figures are exact at every moment.

Everything else is counted by a hook on the app's session (:func:`watch`, installed by
``create_app``), in the same transaction as the change, on every path through the ORM, without
any service having to remember it. The hook works on the session it is given. After each flush
the session notes what changed that is counted. A counted registration's seat taken or given
up, or its workplace, is moved on its own just before commit: one person's row in, one out,
however large the event. Anything else (an attendance mark, a session added or removed, or an
event's status, date, focus area or audience) has its event counted again from its
registrations, and the difference added to its months; that counts the event's uncounted
registrations too. After a rollback the noted events are counted again, which is right whatever
was undone. A bulk UPDATE bypasses the ORM: none changes a counted fact today, and one that does
must call :func:`refresh` itself.

Counting an uncounted registration and changing it both hold its event's lock, so the two never
cross: a change finds out under the lock whether the worker counted the registration meanwhile.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from itertools import chain

from sqlalchemy import Select, case, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.util import identity_key

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
from eventreg.services.locks import locked_events
from eventreg.statistics.models import (
    NO_FOCUS_AREA,
    OTHER_WORKPLACE,
    PEOPLE_COUNTS,
    UNLISTED_AUDIENCE,
)

#: Events counted per statement, well below the databases' limits on bound parameters.
_CHUNK = 500
#: Registrations counted per transaction of :func:`catch_up`.
BATCH = 500
#: The registrations :func:`catch_up` has yet to count (the condition of their partial index).
UNCOUNTED = ~Registration.counted
_EVENTS = "participation_events"
_SESSIONS = "participation_sessions"
#: Registration id → [event id, (status, library id) before or None, (status, library id) after]
_SEATS = "participation_seats"
#: Registration id → event id, of changed registrations that were not counted when loaded.
_UNSURE = "participation_unsure"
_UNKNOWN = object()
_MONTHLY_EVENTS_KEY = ("month", "focus_area_id", "audience_id", "audience")
_MONTHLY_PEOPLE_KEY = (*_MONTHLY_EVENTS_KEY, "library_id")
#: What decides the month a counted event adds to.
_THEME = (
    CountedEvent.day,
    CountedEvent.focus_area_id,
    CountedEvent.audience_id,
    CountedEvent.audience,
)

#: What is counted, per kind of row; any new or deleted row counts as changed.
_FACTS = {
    Registration: ("status", "library_id"),
    Attendance: ("present",),
    EventSession: (),
    Event: ("status", "first_start", "focus_area_id", "audience_id", "audience"),
}

#: Changes to months' rows: key values → counts to add.
_Changes = dict[tuple, list[int]]


def watch(session: scoped_session) -> None:
    """Keep the counts in step on every commit of ``session`` (``db.session``)."""
    if not event.contains(session, "after_flush", _note_changes):
        event.listen(session, "after_flush", _note_changes)
        event.listen(session, "after_soft_rollback", _forget_seats)
        event.listen(session, "before_commit", _refresh_noted)


def _forget_seats(session: Session, _previous_transaction) -> None:
    """After a rollback the noted seats may never have been taken: count their events instead,
    which is right whatever was undone."""
    seats = session.info.pop(_SEATS, {})
    session.info.pop(_UNSURE, None)
    session.info.setdefault(_EVENTS, set()).update(seat[0] for seat in seats.values())


def _changed(session: Session, obj) -> bool:
    state = inspect(obj)
    if isinstance(obj, Registration) and (
        obj in session.new  # counted by catch_up once committed
        or not _seated_now_or_before(state)  # a waiting list changes no count
    ):
        return False
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
    seats = session.info.setdefault(_SEATS, {})
    unsure = session.info.setdefault(_UNSURE, {})
    for obj in chain(session.new, session.dirty, session.deleted):
        if type(obj) not in _FACTS or not _changed(session, obj):
            continue
        if isinstance(obj, Registration):
            _note_seat(session, obj, seats, events, unsure)
        elif isinstance(obj, EventSession):
            events.add(obj.event_id)
        elif isinstance(obj, Attendance):
            sessions.add(obj.session_id)
        elif obj not in session.new:  # a new event has nobody to count yet
            events.add(obj.id)


def _note_seat(
    session: Session, registration: Registration, seats: dict, events: set, unsure: dict
) -> None:
    """Note a counted registration's seat and workplace before and after; count its event
    again when the earlier ones are unknown (or it was deleted, taking its attendance with it).

    One that was not counted when loaded is left to :func:`catch_up`, unless the worker counted
    it since: :func:`_refresh_noted` asks, once it holds the event's lock.
    """
    if registration in session.deleted:
        events.add(registration.event_id)
        return
    if inspect(registration).dict.get("counted") is not True:
        unsure[registration.id] = registration.event_id
        return
    after = (registration.status, registration.library_id)
    if registration.id in seats:
        seats[registration.id][2] = after
        return
    before = None
    if registration not in session.new:
        state = inspect(registration)
        before = tuple(_committed(state, name) for name in ("status", "library_id"))
        if _UNKNOWN in before:
            events.add(registration.event_id)
            return
    seats[registration.id] = [registration.event_id, before, after]


def _committed(state, name: str):
    """The attribute's value before this flush, or _UNKNOWN if it was set without being loaded."""
    history = state.attrs[name].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return _UNKNOWN if history.added or name in state.unloaded else None


def _refresh_noted(session: Session) -> None:
    session.flush()
    events = session.info.pop(_EVENTS, set())
    sessions = session.info.pop(_SESSIONS, set())
    seats = session.info.pop(_SEATS, {})
    unsure = session.info.pop(_UNSURE, {})
    if sessions:
        events.update(
            session.scalars(select(EventSession.event_id).where(EventSession.id.in_(sessions)))
        )
    seated = {event_id for event_id, _before, _after in seats.values()}
    _lock(session, events | seated | set(unsure.values()))
    if unsure:  # counted by the worker since they were loaded: their change is not noted
        events.update(
            session.scalars(
                select(Registration.event_id).where(
                    Registration.id.in_(list(unsure)), Registration.counted
                )
            )
        )
    refresh(session, events)
    _move_seats(
        session,
        {id_: seat for id_, seat in seats.items() if seat[0] not in events},
        [id_ for id_, (_event, before, _after) in seats.items() if before is not None],
    )


def _lock(session: Session, event_ids: set[int]) -> None:
    """Lock every event a commit counts, in id order, before counting any: no deadlocks.

    Events the transaction has locked already (``services.locks.lock_event``: every service
    that moves a seat does) are not asked for again.
    """
    held = locked_events(session)
    for chunk in _chunks(sorted(event_ids - held)):
        session.execute(
            select(Event.id).where(Event.id.in_(chunk)).order_by(Event.id).with_for_update()
        ).all()


def _chunks(ids: list[int]):
    return (ids[start : start + _CHUNK] for start in range(0, len(ids), _CHUNK))


def _month_of(session: Session, event_ids: set[int]) -> dict[int, tuple]:
    """The month and theme each counted event adds to; None for events not counted.

    Events in the session (a sign-up has the event it locked) are read there, not queried:
    their counted row says what they say, or they would be counted again (see
    :func:`_refresh_noted`).
    """
    months, unknown = {}, set()
    for event_id in event_ids:
        event = session.identity_map.get(identity_key(Event, event_id))
        if event is None or "status" in inspect(event).unloaded:
            unknown.add(event_id)
        elif event.status == EventStatus.PUBLISHED and event.first_start is not None:
            months[event_id] = _month(_theme(event))
    if unknown:
        for row in session.execute(
            select(CountedEvent.event_id, *_THEME).where(CountedEvent.event_id.in_(unknown))
        ):
            months[row.event_id] = _month(row._mapping)
    return months


def _move_seats(session: Session, seats: dict[int, list], marked: list[int]) -> None:
    """Add seats taken and take away seats given up, one registration at a time.

    Cheaper than counting a whole event again when one person changes their seat in a course
    of 300: two upserts, and reading the attendance marks of those in ``marked`` (the others
    have none).
    """
    if not seats:
        return
    months = _month_of(session, {event_id for event_id, _before, _after in seats.values()})
    marks = (
        dict(
            session.execute(
                select(Attendance.registration_id, func.max(case((Attendance.present, 1), else_=0)))
                .where(Attendance.registration_id.in_(marked))
                .group_by(Attendance.registration_id)
            ).all()
        )
        if marked
        else {}
    )
    people: _Changes = defaultdict(lambda: [0, 0, 0])
    monthly: _Changes = defaultdict(lambda: [0, 0, 0])
    for registration_id, (event_id, *sides) in seats.items():
        if event_id not in months:
            continue  # a draft or cancelled event counts nobody
        came = marks.get(registration_id)
        for side, sign in zip(sides, (-1, 1), strict=True):
            if side and side[0] == RegistrationStatus.CONFIRMED:
                library_id = side[1] or OTHER_WORKPLACE
                counts = (1, came == 1, came == 0)
                _add(people, (event_id, library_id), counts, sign)
                _add(monthly, (*months[event_id], library_id), counts, sign)
    _apply(
        session, EventParticipation, ("event_id", "library_id"), PEOPLE_COUNTS, people, "event_id"
    )
    _apply(session, MonthlyParticipation, _MONTHLY_PEOPLE_KEY, PEOPLE_COUNTS, monthly)


def refresh(session: Session, event_ids: Iterable[int]) -> None:
    """Count these events again, and move the difference into their months.

    The events stay locked until commit (in id order, so two refreshes never deadlock): two
    transactions must not both take away the same old counts.
    """
    for chunk in _chunks(sorted(set(event_ids))):
        _refresh(session, chunk)


def _refresh(session: Session, ids: list[int]) -> None:
    counted = [
        row
        for row in session.execute(
            select(
                Event.id,
                Event.status,
                Event.first_start,
                Event.focus_area_id,
                Event.audience_id,
                Event.audience,
            )
            .where(Event.id.in_(ids))
            .order_by(Event.id)
            .with_for_update()
        )
        if row.status == EventStatus.PUBLISHED and row.first_start is not None
    ]
    events: _Changes = defaultdict(lambda: [0, 0])
    people: _Changes = defaultdict(lambda: [0, 0, 0])

    # Take away what the events added before (their people first: they refer to the event).
    old_people = session.execute(_deleted(EventParticipation, ids)).all()
    old = {row.event_id: row._mapping for row in session.execute(_deleted(CountedEvent, ids))}
    for values in old.values():
        _add(events, _month(values), (1, values["sessions"]), -1)
    for row in old_people:
        counts = (row.seated, row.came, row.no_shows)
        _add(people, (*_month(old[row.event_id]), row.library_id), counts, -1)

    # Add what they add now.
    sessions = dict(
        session.execute(
            select(EventSession.event_id, func.count())
            .where(EventSession.event_id.in_([row.id for row in counted]))
            .group_by(EventSession.event_id)
        ).all()
    )
    new = {
        row.id: {"event_id": row.id, **_theme(row), "sessions": sessions.get(row.id, 0)}
        for row in counted
    }
    new_people = [
        dict(zip(("event_id", "library_id", *PEOPLE_COUNTS), row, strict=True))
        for row in session.execute(seated(Registration.event_id.in_(list(new))))
    ]
    for table, rows in ((CountedEvent, list(new.values())), (EventParticipation, new_people)):
        if rows:
            session.execute(insert(table), rows)
    for values in new.values():
        _add(events, _month(values), (1, values["sessions"]), 1)
    for values in new_people:
        month = _month(new[values["event_id"]])
        _add(people, (*month, values["library_id"]), [values[n] for n in PEOPLE_COUNTS], 1)

    _apply(session, MonthlyEvents, _MONTHLY_EVENTS_KEY, ("events", "sessions"), events)
    _apply(session, MonthlyParticipation, _MONTHLY_PEOPLE_KEY, PEOPLE_COUNTS, people)
    _mark_counted(session, Registration.event_id.in_(ids))


def catch_up(session: Session, limit: int = BATCH) -> int:
    """Count up to ``limit`` registrations not yet counted; return how many there were.

    Their events are locked first, in id order: a change to one of them waits, then finds it
    counted. A registration whose row another transaction has changed and not yet committed
    is skipped (PostgreSQL's SKIP LOCKED), for the next catch-up: waiting for it could deadlock
    with that transaction's commit, which locks the event.
    """
    first = (
        select(Registration.event_id)
        .where(UNCOUNTED)
        .order_by(Registration.event_id, Registration.id)
        .limit(limit)
        .subquery()
    )
    events = set(session.scalars(select(first.c.event_id).distinct()))
    if not events:
        return 0
    _lock(session, events)
    rows = session.execute(
        select(Registration.id, Registration.event_id, Registration.status, Registration.library_id)
        .where(Registration.event_id.in_(events), UNCOUNTED)
        .order_by(Registration.event_id, Registration.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    seats = {row.id: [row.event_id, None, (row.status, row.library_id)] for row in rows}
    _move_seats(session, seats, list(seats))
    _mark_counted(session, Registration.id.in_(list(seats)))
    return len(seats)


def _mark_counted(session: Session, where) -> None:
    """Mark registrations counted; their ``updated_at`` stays, as nothing about them changed
    (public pages' stored copies follow it)."""
    session.execute(
        update(Registration)
        .where(where, UNCOUNTED)
        .values(counted=True, updated_at=Registration.updated_at)
        .execution_options(synchronize_session=False)
    )


def rebuild(session: Session) -> None:
    """Count every event again from nothing, e.g. after data was changed by hand."""
    for table in (MonthlyParticipation, MonthlyEvents, EventParticipation, CountedEvent):
        session.execute(delete(table))
    refresh(session, session.scalars(select(Event.id).where(Event.status == EventStatus.PUBLISHED)))


def _deleted(table, ids: list[int]):
    """Delete the events' rows, returning them."""
    return delete(table).where(table.event_id.in_(ids)).returning(*table.__table__.columns)


def seated(where) -> Select:
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
    return select(
        per_person.c.event_id,
        per_person.c.library_id,
        func.count().label("seated"),
        func.count(case((per_person.c.came == 1, 1))).label("came"),
        func.count(case((per_person.c.came == 0, 1))).label("no_shows"),
    ).group_by(per_person.c.event_id, per_person.c.library_id)


def _theme(event) -> dict:
    """What decides the row of the month a published event (or a row of one) adds to."""
    listed = event.audience_id is not None
    return {
        "day": event.first_start.astimezone(STOCKHOLM).date(),
        "focus_area_id": event.focus_area_id or NO_FOCUS_AREA,
        "audience_id": event.audience_id if listed else UNLISTED_AUDIENCE,
        "audience": "" if listed else event.audience,
    }


def _month(counted: Mapping) -> tuple:
    """The month and theme that a counted event adds to."""
    return (
        counted["day"].replace(day=1),
        counted["focus_area_id"],
        counted["audience_id"],
        counted["audience"],
    )


def _add(changes: _Changes, key: tuple, counts: Sequence[int], sign: int) -> None:
    changes[key] = [total + sign * count for total, count in zip(changes[key], counts, strict=True)]


@cache
def _upsert(table, key: tuple[str, ...], counts: tuple[str, ...], dialect_name: str):
    """INSERT … ON CONFLICT DO UPDATE adding the counts; built once, as it runs on every seat."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    upsert = dialect.insert(table)
    return upsert.on_conflict_do_update(
        index_elements=list(key),
        set_={name: getattr(table, name) + upsert.excluded[name] for name in counts},
    )


def _apply(
    session: Session,
    table,
    key: tuple[str, ...],
    counts: tuple[str, ...],
    changes: _Changes,
    scope: str = "month",
) -> None:
    """Add the changes to the rows, in key order so that concurrent writers queue.

    A row whose first count falls to zero goes (looked for among rows of the same ``scope``):
    the tables hold only what happened.
    """
    fell = any(count < 0 for change in changes.values() for count in change)
    rows = [
        {**dict(zip(key, values, strict=True)), **dict(zip(counts, change, strict=True))}
        for values, change in sorted(changes.items())
        if any(change)
    ]
    if not rows:
        return
    session.execute(_upsert(table, key, counts, session.get_bind().dialect.name), rows)
    if fell:
        session.execute(
            delete(table).where(
                getattr(table, counts[0]) == 0,
                getattr(table, scope).in_({row[scope] for row in rows}),
            )
        )
