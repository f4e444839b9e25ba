"""Sign-ups that wait for a coordinator's approval: approved in the order chosen while seats
last (then to the waiting list), or declined with a polite mail.

Approving and declining lock the event, as every change of seats does, so a seat freed by a
cancellation at the same moment is never given twice.
"""

from collections.abc import Sequence

from sqlalchemy import func, select

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import Registration, RegistrationStatus, User
from eventreg.models.base import utcnow
from eventreg.services.locks import lock_event
from eventreg.services.registrations import free_seats, seat, taken_seats, waitlist_position


def _pending(event_id: int, registration_ids: Sequence[int]) -> list[Registration]:
    """The registrations, in the order given.

    :raise EventRegError: for none chosen, one of another event, or one already handled.
    """
    if not registration_ids:
        raise EventRegError("Markera minst en anmälan.")
    ids = list(dict.fromkeys(registration_ids))
    found = {
        registration.id: registration
        for registration in db.session.scalars(
            select(Registration).where(Registration.id.in_(ids), Registration.event_id == event_id)
        )
    }
    if len(found) != len(ids):
        raise EventRegError("Anmälan finns inte. Ladda om sidan.")
    chosen = [found[registration_id] for registration_id in ids]
    for registration in chosen:
        if registration.status != RegistrationStatus.PENDING:
            raise EventRegError(f"{registration.name or 'Anmälan'} är redan behandlad.")
    return chosen


def approve(event_id: int, registration_ids: Sequence[int], actor: User) -> list[Registration]:
    """Seats to the chosen, in order, while they last (in the way each takes part); the waiting
    list for the rest."""
    event = lock_event(event_id)
    chosen = _pending(event_id, registration_ids)
    taken = taken_seats(event.id)
    now = utcnow()
    for registration in chosen:
        if free_seats(event, taken)[registration.mode] != 0:
            registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now
            taken[registration.mode] = taken.get(registration.mode, 0) + 1
            db.session.flush()
            compose.queue_confirmation(registration, seat(registration))
        else:
            registration.status = RegistrationStatus.WAITLISTED
            db.session.flush()
            compose.queue_waitlisted(registration, waitlist_position(registration))
    audit.record(actor, "godkände anmälningar", event, _ids(chosen))
    return chosen


def decline(event_id: int, registration_ids: Sequence[int], actor: User) -> list[Registration]:
    event = lock_event(event_id)
    chosen = _pending(event_id, registration_ids)
    now = utcnow()
    for registration in chosen:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = registration.declined_at = now
        compose.queue_not_approved(registration)
    db.session.flush()
    audit.record(actor, "avböjde anmälningar", event, _ids(chosen))
    return chosen


def pending_count(event_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.PENDING
        )
    )


def _ids(registrations: list[Registration]) -> str:
    return "registrering " + ", ".join(str(r.id) for r in registrations)
