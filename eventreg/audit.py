"""The audit log: a line for each change a coordinator makes, without the personal data."""

import logging

from eventreg.extensions import db
from eventreg.models import AuditEntry, Event, User

log = logging.getLogger(__name__)


def record(actor: User | None, action: str, event: Event | None = None, detail: str = "") -> None:
    db.session.add(
        AuditEntry(user=actor, action=action, event_id=event.id if event else None, detail=detail)
    )
    log.info("%r %s %r %s", actor, action, event, detail)
