"""The one lock that keeps seat decisions (and the statistics that follow them) in order."""

from flask_babel import gettext as _
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Event
from eventreg.services.errors import RegistrationClosed


def lock_event(event_id: int) -> Event:
    """Load the event and hold its row until commit, so seat decisions happen one at a time.

    On PostgreSQL this is ``SELECT … FOR UPDATE``; on SQLite the transaction already holds the
    database's write lock (``BEGIN IMMEDIATE``).

    :raise RegistrationClosed: if there is no such event.
    """
    event = db.session.execute(
        select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if event is None:
        raise RegistrationClosed(_("Evenemanget finns inte."))
    locked_events(db.session()).add(event.id)
    return event


def locked_events(session) -> set[int]:
    """The events the session's current transaction has locked (and holds until it ends)."""
    transaction = session.get_transaction()
    if transaction is None:
        return set()
    held = session.info.get("locked_events")
    if held is None or held[0] is not transaction:  # a new transaction holds nothing yet
        held = session.info["locked_events"] = (transaction, set())
    return held[1]
