"""A seat handed to a colleague: one transaction, one seat, the right mail to each."""

import threading

import pytest
from helpers import applicant, calendar_part, deliver, make_event, sign_up
from sqlalchemy import func, select

from eventreg.errors import EventRegError, RegistrationClosed
from eventreg.extensions import db
from eventreg.models import AuditEntry, Registration, RegistrationStatus
from eventreg.services import handovers, registrations


def test_the_colleague_gets_the_seat_and_invite_and_the_giver_a_cancel(app, smtp):
    with app.app_context():
        event = make_event(capacity=1)
        giver = sign_up(event, 1)
        waiting = sign_up(event, 2)
        deliver(smtp)
        colleague = handovers.hand_over(giver.id, applicant(3, name="Kim Kollega"))
        db.session.commit()
        db.session.refresh(giver)
        db.session.refresh(waiting)
        assert giver.status == RegistrationStatus.CANCELLED
        assert waiting.status == RegistrationStatus.WAITLISTED  # the seat never came free
        assert colleague.status == RegistrationStatus.CONFIRMED
        assert colleague.handed_over_from_id == giver.id
        assert registrations.confirmed_count(event.id) == 1
        mails = {m["To"]: m for m in deliver(smtp)}
        cancel = calendar_part(mails["Person 1 <person1@bibliotek.se>"])
        invite = calendar_part(mails["Kim Kollega <person3@bibliotek.se>"])
        assert "METHOD:CANCEL" in cancel.get_content() and "METHOD:REQUEST" in invite.get_content()
        assert (
            "Person 1 har lämnat över sin plats på"
            in mails["Kim Kollega <person3@bibliotek.se>"].get_body(("plain",)).get_content()
        )
        assert (
            db.session.scalar(
                select(AuditEntry.detail).where(AuditEntry.action == "platsen lämnades över")
            )
            == f"registrering {giver.id} till registrering {colleague.id}"
        )

        again = handovers.hand_over(colleague.id, applicant(4))  # and on again
        assert again.handed_over_from_id == colleague.id


@pytest.mark.usefixtures("ctx")
def test_ones_own_address_someone_registered_or_a_waiting_place_cannot_be_handed_over():
    event = make_event(capacity=1)
    giver = sign_up(event, 1)
    waiting = sign_up(event, 2)
    for colleague, message in (
        (applicant(1), "Skriv din kollegas e-postadress, inte din egen."),
        (applicant(2), "Den personen är redan anmäld till evenemanget."),
    ):
        with pytest.raises(EventRegError) as refused:
            handovers.hand_over(giver.id, colleague)
        assert (refused.value.field, refused.value.message) == ("email", message)
    with pytest.raises(RegistrationClosed):
        handovers.hand_over(waiting.id, applicant(3))


def test_a_hand_over_racing_sign_ups_never_makes_two_seats_of_one(app):
    with app.app_context():
        event = make_event(capacity=1)
        giver = sign_up(event, 1)
        event_id, giver_id = event.id, giver.id
    barrier = threading.Barrier(9)
    errors = []

    def work(n: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                if n == 0:
                    handovers.hand_over(giver_id, applicant(100))
                else:
                    registrations.register(event_id, applicant(n + 1))
                db.session.commit()
            except Exception as error:  # every error fails the test
                db.session.rollback()
                errors.append(repr(error))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        seated = db.session.scalars(
            select(Registration.email).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        ).all()
        assert seated == ["person100@bibliotek.se"]
        assert (
            db.session.scalar(
                select(func.count()).where(Registration.status == RegistrationStatus.WAITLISTED)
            )
            == 8
        )
