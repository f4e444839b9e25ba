"""Near the start a freed seat is offered, held for the first in line, then taken or passed on."""

from datetime import timedelta

import pytest
from helpers import calendar_part, csrf_token, deliver, make_event, personal_link, sign_up

from eventreg.errors import RegistrationClosed
from eventreg.extensions import db
from eventreg.models import RegistrationStatus
from eventreg.models.base import utcnow
from eventreg.services import offers, registrations


def test_a_seat_freed_near_the_start_is_held_for_the_first_in_line_until_taken(app, smtp):
    with app.app_context():
        event = make_event(days=2, capacity=1)
        first, second, third = (sign_up(event, n) for n in (1, 2, 3))
        deliver(smtp)
        registrations.cancel_registration(first.id)
        db.session.commit()
        db.session.refresh(second)
        assert second.status == RegistrationStatus.OFFERED
        assert second.offer_expires_at <= event.first_start
        offer = next(m for m in deliver(smtp) if m["To"].startswith("Person 2"))
        assert offer["Subject"] == f"En plats är ledig för dig: {event.title}"
        assert calendar_part(offer) is None  # the invite comes when the seat is taken

        late = sign_up(event, 4)  # the held seat is not free for a newcomer
        assert late.status == RegistrationStatus.WAITLISTED
        offers.accept(second.id)
        db.session.commit()
        assert second.status == RegistrationStatus.CONFIRMED
        confirmation = next(m for m in deliver(smtp) if m["To"].startswith("Person 2"))
        assert "METHOD:REQUEST" in calendar_part(confirmation).get_content()
        assert registrations.confirmed_count(event.id) == 1
        db.session.refresh(third)
        assert third.status == RegistrationStatus.WAITLISTED


def test_an_unanswered_offer_passes_to_the_next_and_cannot_be_taken_after(app, smtp):
    with app.app_context():
        event = make_event(days=2, capacity=1)
        first, second, third = (sign_up(event, n) for n in (1, 2, 3))
        registrations.cancel_registration(first.id)
        db.session.commit()
        deliver(smtp)
        assert offers.pass_on_expired(utcnow()) == 0  # still standing
        assert offers.pass_on_expired(utcnow() + timedelta(hours=25)) == 1
        db.session.commit()
        db.session.refresh(second)
        db.session.refresh(third)
        assert (second.status, third.status) == (
            RegistrationStatus.CANCELLED,
            RegistrationStatus.OFFERED,
        )
        told = {m["To"].split(" <")[0]: m["Subject"] for m in deliver(smtp)}
        assert told == {
            "Person 2": f"Platsen gick vidare: {event.title}",
            "Person 3": f"En plats är ledig för dig: {event.title}",
        }
        with pytest.raises(RegistrationClosed):
            offers.accept(second.id)


def test_the_offered_person_takes_the_seat_on_their_page(app, client, smtp):
    with app.app_context():
        event = make_event(days=2, capacity=1)
        first = sign_up(event, 1)
        sign_up(event, 2)
        deliver(smtp)
        registrations.cancel_registration(first.id)
        db.session.commit()
        offer = next(m for m in deliver(smtp) if m["To"].startswith("Person 2"))
    link = personal_link(offer)
    page = client.get(link).get_data(as_text=True)
    assert "En plats har blivit ledig, och den är din om du vill ha den." in page
    taken = client.post(
        f"{link}/ta-platsen", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Platsen är din." in taken and "Du har en plats." in taken


def test_the_send_reminders_command_passes_expired_offers_on(app, smtp):
    with app.app_context():
        event = make_event(days=2, capacity=1)
        first, second = sign_up(event, 1), sign_up(event, 2)
        registrations.cancel_registration(first.id)
        second.offer_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "1 erbjudna platser gick vidare;" in result.output
