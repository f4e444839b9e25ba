"""The one lock that keeps seat decisions (and the statistics that follow them) in order."""

from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, select

from eventreg.errors import RegistrationClosed
from eventreg.extensions import db
from eventreg.models import Event

T = TypeVar("T")

#: Built once: every sign-up takes this lock.
_LOCK = (
    select(Event)
    .where(Event.id == bindparam("event_id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def lock_event(event_id: int) -> Event:
    """Load the event and hold its row until commit, so seat decisions happen one at a time.

    On PostgreSQL this is ``SELECT … FOR UPDATE``; on SQLite the transaction already holds the
    database's write lock (``BEGIN IMMEDIATE``).

    :raise RegistrationClosed: if there is no such event.
    """
    return _held(event_id, db.session.execute(_LOCK, {"event_id": event_id}).scalar_one_or_none())


def lock_event_row(columns: Select, event_id: int) -> Row:
    """Take :func:`lock_event`'s lock, reading only some of the event's columns as a row.

    For the sign-up, the path everyone takes at once when a course opens: loading the whole
    event as an object costs more than the decision it serves. ``columns`` is a statement
    built once, ``select(Event.…).where(Event.id == bindparam("event_id")).with_for_update()``.

    :raise RegistrationClosed: if there is no such event.
    """
    return _held(
        event_id, db.session.connection().execute(columns, {"event_id": event_id}).one_or_none()
    )


def _held(event_id: int, found: T | None) -> T:
    """What the lock read, noted as held by the transaction; :raise RegistrationClosed: if none."""
    if found is None:
        raise RegistrationClosed(_("Evenemanget finns inte."))
    locked_events(db.session()).add(event_id)
    return found


def locked_events(session) -> set[int]:
    """The events the session's current transaction has locked (and holds until it ends)."""
    transaction = session.get_transaction()
    if transaction is None:
        return set()
    held = session.info.get("locked_events")
    if held is None or held[0] is not transaction:  # a new transaction holds nothing yet
        held = session.info["locked_events"] = (transaction, set())
    return held[1]
