"""Sign-ups that wait for approval: seats only when approved, in the order approved."""

import pytest
from helpers import calendar_part, csrf_token, deliver, make_event, sign_up
from sqlalchemy import select

from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Registration, RegistrationStatus, User
from eventreg.services import approvals, registrations


@pytest.fixture
def coordinator_user(app, coordinator):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == coordinator))


def test_pending_sign_ups_get_seats_in_the_order_approved_then_the_waiting_list(
    app, smtp, coordinator_user
):
    with app.app_context():
        event = make_event(capacity=2, requires_approval=True)
        people = [sign_up(event, n) for n in (1, 2, 3)]
        assert {p.status for p in people} == {RegistrationStatus.PENDING}
        waiting = deliver(smtp)
        assert [m["Subject"] for m in waiting] == [
            f"Din anmälan väntar på godkännande: {event.title}"
        ] * 3
        assert all(calendar_part(m) is None for m in waiting)  # no invite before approval
        assert registrations.confirmed_count(event.id) == 0

        actor = db.session.get(User, coordinator_user)
        third, first, second = people[2].id, people[0].id, people[1].id
        approvals.approve(event.id, [third, first, second], actor)
        db.session.commit()
        statuses = {r.id: r.status for r in db.session.scalars(select(Registration))}
        assert statuses == {
            third: RegistrationStatus.CONFIRMED,
            first: RegistrationStatus.CONFIRMED,
            second: RegistrationStatus.WAITLISTED,
        }
        told = deliver(smtp)
        invited = [m["To"] for m in told if calendar_part(m) is not None]
        assert invited == ["Person 3 <person3@bibliotek.se>", "Person 1 <person1@bibliotek.se>"]
        with pytest.raises(EventRegError) as again:
            approvals.approve(event.id, [first], actor)
        assert again.value.message == "Person 1 är redan behandlad."


def test_a_declined_sign_up_is_cancelled_with_a_polite_mail(app, smtp, coordinator_user):
    with app.app_context():
        event = make_event(requires_approval=True)
        person = sign_up(event)
        deliver(smtp)
        approvals.decline(event.id, [person.id], db.session.get(User, coordinator_user))
        db.session.commit()
        db.session.refresh(person)
        assert person.status == RegistrationStatus.CANCELLED and person.declined_at
        (mail,) = deliver(smtp)
        assert (
            "Den här gången kan vi tyvärr inte ge dig en plats."
            in mail.get_body(("plain",)).get_content()
        )
        other = make_event(title="Ett annat")
        with pytest.raises(EventRegError):
            approvals.approve(other.id, [person.id], db.session.get(User, coordinator_user))


def test_the_coordinator_approves_ticked_people_in_the_attendee_list(app, smtp, coordinator_client):
    with app.app_context():
        event = make_event(capacity=5, requires_approval=True)
        ids = [sign_up(event, n).id for n in (1, 2)]
        event_id = event.id
    url = f"/samordnare/evenemang/{event_id}/deltagare"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "2 väntar på godkännande" in page
    assert f'name="registration" value="{ids[1]}" aria-label="Välj Person 2"' in page
    done = coordinator_client.post(
        f"/samordnare/evenemang/{event_id}/godkannande",
        data={"csrf_token": csrf_token(page), "registration": str(ids[1]), "beslut": "godkann"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Godkänt: Person 2. De får ett mejl." in done
    assert "1 bekräftade av 5 platser" in done and "1 väntar på godkännande" in done
    none = coordinator_client.post(
        f"/samordnare/evenemang/{event_id}/godkannande",
        data={"csrf_token": csrf_token(page), "beslut": "godkann"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Markera minst en anmälan." in none
