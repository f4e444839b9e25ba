"""Mails that must go once, however many workers look for them at the same moment."""

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import InstrumentedAttribute

from eventreg.extensions import db
from eventreg.models import Registration


def claim_each(
    due: Iterable[Registration],
    when: InstrumentedAttribute,
    now: datetime,
    queue: Callable[[Registration], None],
) -> int:
    """Set ``when`` (e.g. ``Registration.reminded_at``) of each registration where it is still
    empty, with a conditional UPDATE in the transaction that queues its mail: of two workers,
    one claims it and the other finds it taken. How many were claimed."""
    sent = 0
    for registration in due:
        claimed = db.session.execute(
            update(Registration)
            .where(Registration.id == registration.id, when.is_(None))
            .values({when.key: now})
        ).rowcount
        if claimed:
            queue(registration)
            sent += 1
    return sent
