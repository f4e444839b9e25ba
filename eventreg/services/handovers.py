"""A seat handed to a colleague: the colleague gets it, with the usual confirmation and invite,
and the person who gave it away gets their cancellation (the sessions leave their calendar).

It happens under the event's lock and in one transaction, so the seat is never free in
between: nobody on the waiting list can take it, and nobody can end up with two.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from eventreg import audit
from eventreg.errors import EventRegError, RegistrationClosed
from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import EventStatus, Library, Registration, RegistrationStatus
from eventreg.models.base import utcnow
from eventreg.services import calendar_entries, questions
from eventreg.services.locks import lock_event
from eventreg.services.registrations import Applicant, details_of, seat


def can_hand_over(registration: Registration) -> bool:
    event = registration.event
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and event.status == EventStatus.PUBLISHED
        and not event.has_started()
    )


def hand_over(registration_id: int, colleague: Applicant) -> Registration:
    """Give the seat of ``registration_id`` to ``colleague``; return the colleague's.

    :raise RegistrationClosed: unless the registration has a seat and the event has not begun.
    :raise EventRegError: for one's own address, someone already registered, a library not in
        the list, or answers the event's questions refuse.
    """
    giver = db.session.get(Registration, registration_id)
    event = lock_event(giver.event_id)
    db.session.refresh(giver)
    if not can_hand_over(giver):
        raise RegistrationClosed(_("Platsen kan inte lämnas över nu. Kontakta arrangören."))
    email = colleague.email.strip().lower()
    if email == giver.email:
        raise EventRegError(_("Skriv din kollegas e-postadress, inte din egen."), field="email")
    taken = db.session.scalar(
        select(Registration.id).where(
            Registration.event_id == event.id,
            Registration.email == email,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )
    if taken is not None:
        raise EventRegError(_("Den personen är redan anmäld till evenemanget."), field="email")
    if colleague.library_id is not None:
        library = db.session.get(Library, colleague.library_id)
        if library is None or not library.active:
            raise EventRegError(_("Välj din kollegas arbetsplats i listan."), field="library")
    answers = questions.answers_for(event.id, colleague.answers, registration_id=giver.id)
    now = utcnow()
    giver.status, giver.cancelled_at = RegistrationStatus.CANCELLED, now
    db.session.flush()  # the giver's address leaves the calendar before the colleague's joins
    withdrawn = calendar_entries.withdraw(event.sessions, giver.email)
    receiver = Registration(
        event_id=event.id,
        status=RegistrationStatus.CONFIRMED,
        email=email,
        mode=giver.mode,  # the seat: on site or online
        **details_of(event, colleague),
        consented_at=now,
        language=colleague.language,
        confirmed_at=now,
        link_sent_at=now,
        answers=answers,
        handed_over_from_id=giver.id,
    )
    db.session.add(receiver)
    db.session.flush()
    compose.queue_cancellation(giver, withdrawn, handed_over=receiver.name)
    compose.queue_confirmation(receiver, seat(receiver), handed_over=giver.name)
    audit.record(
        None,
        "platsen lämnades över",
        event,
        f"registrering {giver.id} till registrering {receiver.id}",
    )
    return receiver
