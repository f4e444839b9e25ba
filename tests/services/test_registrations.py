"""The sign-up rules, called directly: capacity, waiting list, deadlines, duplicates, links."""

from datetime import timedelta

import pytest
from helpers import applicant, make_event, sign_up, stockholm
from sqlalchemy import select

from eventreg import links
from eventreg.errors import EventRegError, InvalidLink, RegistrationClosed
from eventreg.extensions import db
from eventreg.models import (
    CalendarEntry,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from eventreg.models.base import utcnow
from eventreg.services import registrations
from eventreg.services.registrations import SignUpState

pytestmark = pytest.mark.usefixtures("ctx")


def outbox_kinds(registration: Registration) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.registration_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    )


def test_seats_are_given_until_full_then_the_waiting_list_in_order():
    event = make_event(capacity=2)
    people = [sign_up(event, n) for n in range(1, 6)]

    assert [p.status for p in people] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [registrations.waitlist_position(p) for p in people] == [None, None, 1, 2, 3]
    assert outbox_kinds(people[0]) == ["confirmation"]
    assert outbox_kinds(people[2]) == ["waitlisted"]
    assert registrations.sign_up_state(event, {None: 2}) == SignUpState.WAITING_LIST


def test_unlimited_capacity_never_fills():
    event = make_event(capacity=None)
    assert {sign_up(event, n).status for n in range(1, 30)} == {RegistrationStatus.CONFIRMED}
    assert registrations.seats_left(event, {None: 29}) is None


def test_cancelling_a_seat_promotes_the_first_on_the_waiting_list():
    event = make_event(capacity=1)
    first, second, third = (sign_up(event, n) for n in (1, 2, 3))

    registrations.cancel_registration(first.id)
    db.session.commit()

    assert first.status == RegistrationStatus.CANCELLED
    assert second.status == RegistrationStatus.CONFIRMED
    assert registrations.waitlist_position(third) == 1
    assert outbox_kinds(first) == ["confirmation", "cancellation"]
    assert outbox_kinds(second) == ["waitlisted", "promotion"]


def test_leaving_the_waiting_list_moves_the_others_up_without_a_gap():
    event = make_event(capacity=1)
    people = [sign_up(event, n) for n in range(1, 5)]

    registrations.cancel_registration(people[2].id)
    db.session.commit()

    assert people[1].status == RegistrationStatus.WAITLISTED  # no seat was freed
    assert registrations.waitlist_position(people[1]) == 1
    assert registrations.waitlist_position(people[3]) == 2


def test_cancelling_twice_changes_nothing_the_second_time():
    event = make_event(capacity=5)
    registration = sign_up(event)
    registrations.cancel_registration(registration.id)
    registrations.cancel_registration(registration.id)
    db.session.commit()
    assert outbox_kinds(registration) == ["confirmation", "cancellation"]


def test_cancelling_withdraws_the_persons_entries_only():
    """Their CANCEL goes one above what they hold; the session itself has not changed."""
    event = make_event(capacity=5)
    registration = sign_up(event)
    sign_up(event, 2, email="bo@bibliotek.test")
    registrations.cancel_registration(registration.id)
    db.session.commit()
    assert [(s.sequence, s.highest_sequence) for s in event.sessions] == [(0, 1)]
    entries = db.session.execute(
        select(CalendarEntry.email, CalendarEntry.state, CalendarEntry.sequence).order_by(
            CalendarEntry.email
        )
    ).all()
    assert entries == [
        ("bo@bibliotek.test", "held", 0),
        (registration.email, "withdrawn", 1),
    ]


def test_the_same_email_twice_gives_one_registration_and_mails_the_link_again(app):
    app.config["LINK_RESEND_INTERVAL_MINUTES"] = 0
    event = make_event(capacity=5)
    first = sign_up(event, email="anna@bibliotek.test")
    again = sign_up(event, email="  ANNA@Bibliotek.test ", name="Anna igen")

    assert again.id == first.id
    assert again.name == "Person 1"
    assert outbox_kinds(first) == ["confirmation", "link"]


def test_a_repeated_sign_up_mails_the_link_at_most_once_per_interval():
    """Each repeat writes the mail (it costs what a new sign-up does), but holds it back."""
    event = make_event(capacity=5)
    first = sign_up(event)
    for _ in range(5):
        sign_up(event)
    sent = db.session.scalars(
        select(OutboxMessage.kind).where(
            OutboxMessage.registration_id == first.id, OutboxMessage.status != "held_back"
        )
    ).all()
    assert sent == ["confirmation"]
    assert outbox_kinds(first) == ["confirmation"] + ["link"] * 5


def test_after_cancelling_a_person_can_sign_up_again():
    event = make_event(capacity=5)
    first = sign_up(event)
    registrations.cancel_registration(first.id)
    db.session.commit()
    second = sign_up(event)
    assert second.id != first.id
    assert second.status == RegistrationStatus.CONFIRMED


def test_sign_up_closes_after_the_last_day():
    event = make_event(days=5, deadline_days=-1)
    with pytest.raises(RegistrationClosed):
        registrations.register(event.id, applicant())
    assert registrations.sign_up_state(event, {}) == SignUpState.CLOSED


def test_sign_up_is_open_all_of_the_last_day():
    event = make_event(days=5, deadline_days=0)
    assert sign_up(event).status == RegistrationStatus.CONFIRMED


def test_sign_up_closes_when_the_event_starts_even_before_the_deadline():
    event = make_event(days=3)
    event.first_start = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert registrations.sign_up_state(event, {}) == SignUpState.CLOSED
    with pytest.raises(RegistrationClosed):
        registrations.register(event.id, applicant())


def test_sign_up_waits_for_its_opening_time():
    event = make_event(registration_opens_at=stockholm(1))
    with pytest.raises(RegistrationClosed, match="inte öppnat"):
        registrations.register(event.id, applicant())


def test_drafts_and_cancelled_events_take_no_sign_ups():
    draft = make_event(publish=False)
    with pytest.raises(RegistrationClosed):
        registrations.register(draft.id, applicant())
    cancelled = make_event(publish=False, status="cancelled")
    with pytest.raises(RegistrationClosed):
        registrations.register(cancelled.id, applicant())


def test_an_unknown_library_is_refused_next_to_the_field():
    event = make_event()
    with pytest.raises(EventRegError) as refused:
        registrations.register(event.id, applicant(library_id=999_999))
    assert refused.value.field == "library"


def test_dietary_needs_are_kept_only_when_a_meal_is_served():
    no_meal = make_event(serves_meal=False)
    assert sign_up(no_meal, dietary_needs="Vegan").dietary_needs == ""
    meal = make_event(serves_meal=True)
    assert sign_up(meal, dietary_needs="Vegan").dietary_needs == "Vegan"


def test_cancelling_after_the_start_is_refused():
    event = make_event(capacity=5)
    registration = sign_up(event)
    event.first_start = utcnow() - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(RegistrationClosed):
        registrations.cancel_registration(registration.id)
    assert not registrations.can_cancel(registration)


def test_a_personal_link_opens_its_own_registration_only():
    event = make_event()
    mine, other = sign_up(event, 1), sign_up(event, 2)
    token = links.registration_token(mine)

    assert links.registration_from_token(token) == mine
    assert links.registration_from_token(links.registration_token(other)) == other
    assert token != links.registration_token(other)


@pytest.mark.parametrize(
    "token",
    ["", "1", "MQ", "MQ.forged-signature", "Mg.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "åäö", "a" * 5000],
)
def test_forged_links_are_refused(token):
    make_event()
    with pytest.raises(InvalidLink):
        links.registration_from_token(token)


def test_a_link_signed_with_another_key_is_refused(app):
    event = make_event()
    registration = sign_up(event)
    token = links.registration_token(registration)
    app.config["SECRET_KEY"] = "another-key"
    with pytest.raises(InvalidLink):
        links.registration_from_token(token)
