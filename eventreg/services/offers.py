"""Seats offered near the start: taken by the person offered, or passed on when the offer ends.

Close to the start (``Event.offer_window_hours``) a freed seat is not given away at once: the
person first in line may no longer be able to come. ``registrations.promote_waiting`` offers it
instead and holds it for them; here they take it, or, when the offer has run out, it goes to the
next in line. Both lock the event, as every change of seats does.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from eventreg.errors import RegistrationClosed
from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import Registration, RegistrationStatus
from eventreg.models.base import utcnow
from eventreg.services.locks import lock_event
from eventreg.services.registrations import promote_waiting, seat


def accept(registration_id: int) -> Registration:
    """:raise RegistrationClosed: when the offer has run out (or there was none)."""
    registration = db.session.get(Registration, registration_id)
    lock_event(registration.event_id)
    db.session.refresh(registration)
    now = utcnow()
    if registration.status != RegistrationStatus.OFFERED or registration.offer_expires_at <= now:
        raise RegistrationClosed(
            _("Erbjudandet gäller inte längre. Platsen har gått vidare till nästa på listan.")
        )
    registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
    registration.offer_expires_at = None
    db.session.flush()
    compose.queue_confirmation(registration, seat(registration))
    return registration


def pass_on_expired(now: datetime | None = None) -> int:
    """End the offers that ran out and offer the seats on; how many ended. Safe to run from
    several places at once: each offer is looked at again under its event's lock."""
    now = now or utcnow()
    expired = db.session.execute(
        select(Registration.id, Registration.event_id).where(
            Registration.status == RegistrationStatus.OFFERED,
            Registration.offer_expires_at <= now,
        )
    ).all()
    ended = 0
    for registration_id, event_id in expired:
        event = lock_event(event_id)
        registration = db.session.get(Registration, registration_id)
        db.session.refresh(registration)
        if registration.status != RegistrationStatus.OFFERED:
            continue
        registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, now
        db.session.flush()
        compose.queue_offer_expired(registration)
        promote_waiting(event, registration.mode)
        ended += 1
    return ended
