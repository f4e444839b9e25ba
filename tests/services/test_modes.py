"""On site and online: each way of taking part has its own seats and its own waiting list, and
a person can move between them with their calendar following."""

import pytest
from helpers import applicant, calendar_part, deliver, make_event, sign_up
from sqlalchemy import select

from eventreg.errors import EventRegError, InvalidEvent
from eventreg.extensions import db
from eventreg.models import AttendanceMode, AuditEntry, RegistrationStatus
from eventreg.services import approvals, events, handovers, registrations
from eventreg.services.registrations import SignUpState

ONSITE, ONLINE = AttendanceMode.ONSITE, AttendanceMode.ONLINE
MEETING_LINK = "https://teams.example.se/meet/meroppet"


def hybrid(onsite: int | None = 1, online: int | None = 1, **details):
    return make_event(
        capacity=onsite,
        choose_mode=True,
        online_capacity=online,
        online_url=MEETING_LINK,
        **details,
    )


def ics(message) -> str:
    return calendar_part(message).get_content().replace("\r\n ", "")


@pytest.mark.usefixtures("ctx")
def test_each_way_fills_on_its_own_and_has_its_own_waiting_list():
    event = hybrid(onsite=1, online=2)
    first = sign_up(event, 1, mode=ONSITE)
    second_onsite = sign_up(event, 2, mode=ONSITE)
    online = [sign_up(event, n, mode=ONLINE) for n in (3, 4)]
    assert first.status == RegistrationStatus.CONFIRMED
    assert second_onsite.status == RegistrationStatus.WAITLISTED  # online still has seats
    assert [r.status for r in online] == [RegistrationStatus.CONFIRMED] * 2
    taken = registrations.taken_seats(event.id)
    assert taken == {ONSITE: 1, ONLINE: 2}
    assert registrations.sign_up_state(event, taken) == SignUpState.WAITING_LIST
    assert registrations.sign_up_state(event, {ONSITE: 1, ONLINE: 1}) == SignUpState.OPEN
    late_online = sign_up(event, 5, mode=ONLINE)
    assert registrations.waitlist_position(late_online) == 1  # first in the online line
    assert registrations.waitlist_position(second_onsite) == 1


@pytest.mark.usefixtures("ctx")
def test_a_sign_up_without_a_way_is_refused_and_an_event_without_a_choice_ignores_one():
    event = hybrid()
    with pytest.raises(EventRegError) as refused:
        registrations.register(event.id, applicant(1))
    assert (refused.value.field, refused.value.message) == (
        "mode",
        "Välj om du deltar på plats eller digitalt.",
    )
    plain = make_event(capacity=1)
    assert sign_up(plain, 1, mode=ONLINE).mode is None


def test_a_freed_seat_goes_to_the_waiting_list_of_its_own_way(app, smtp):
    with app.app_context():
        event = hybrid(onsite=1, online=1)
        onsite = sign_up(event, 1, mode=ONSITE)
        sign_up(event, 2, mode=ONLINE)
        waiting_online = sign_up(event, 3, mode=ONLINE)
        waiting_onsite = sign_up(event, 4, mode=ONSITE)
        registrations.cancel_registration(onsite.id)
        db.session.commit()
        db.session.refresh(waiting_online)
        db.session.refresh(waiting_onsite)
        assert waiting_onsite.status == RegistrationStatus.CONFIRMED
        assert waiting_online.status == RegistrationStatus.WAITLISTED
        promoted = next(m for m in deliver(smtp) if m["Subject"].startswith("Du har fått"))
        assert promoted["To"] == "Person 4 <person4@bibliotek.se>"
        invite = ics(promoted)
        assert "LOCATION:Stadsbiblioteket\\, Dag Hammarskjölds plats 1\\, Jönköping" in invite
        assert MEETING_LINK not in invite and MEETING_LINK not in promoted.as_string()


def test_online_attendees_get_the_link_as_location_and_url_on_site_ones_the_address(app, smtp):
    with app.app_context():
        event = hybrid(onsite=5, online=5)
        sign_up(event, 1, mode=ONLINE)
        sign_up(event, 2, mode=ONSITE)
        mails = {m["To"]: m for m in deliver(smtp)}
        online = mails["Person 1 <person1@bibliotek.se>"]
        invite = ics(online)
        assert f"LOCATION:{MEETING_LINK}" in invite and f"URL:{MEETING_LINK}" in invite
        text = online.get_body(("plain",)).get_content()
        assert "Du deltar: Digitalt" in text and MEETING_LINK in text
        assert "Dag Hammarskjölds plats" not in text
        onsite = mails["Person 2 <person2@bibliotek.se>"]
        text = onsite.get_body(("plain",)).get_content()
        assert "Du deltar: På plats" in text and "Dag Hammarskjölds plats 1" in text
        assert MEETING_LINK not in text and MEETING_LINK not in ics(onsite)


def test_switching_keeps_the_seat_resends_the_entry_and_frees_the_old_one(app, smtp):
    with app.app_context():
        event = hybrid(onsite=1, online=2)
        mover = sign_up(event, 1, mode=ONSITE)
        waiting = sign_up(event, 2, mode=ONSITE)
        first = ics(next(m for m in deliver(smtp) if "person1@" in m["To"]))
        registrations.switch_mode(mover.id)
        db.session.commit()
        db.session.refresh(mover)
        db.session.refresh(waiting)
        assert (mover.status, mover.mode) == (RegistrationStatus.CONFIRMED, ONLINE)
        assert waiting.status == RegistrationStatus.CONFIRMED  # the on-site seat moved on
        mails = {m["To"]: m for m in deliver(smtp)}
        changed = mails["Person 1 <person1@bibliotek.se>"]
        assert changed["Subject"] == "Ändrat: Bokprat för unga läsare"
        assert (
            "Du deltar nu digitalt i Bokprat för unga läsare."
            in changed.get_body(("plain",)).get_content()
        )
        again = ics(changed)
        uid = next(line for line in first.splitlines() if line.startswith("UID:"))
        assert uid in again.splitlines() and "METHOD:REQUEST" in again
        assert "SEQUENCE:0" in first and "SEQUENCE:1" in again
        assert f"LOCATION:{MEETING_LINK}" in again
        assert "Du har fått en plats" in mails["Person 2 <person2@bibliotek.se>"]["Subject"]
        assert db.session.scalar(
            select(AuditEntry.detail).where(AuditEntry.action == "bytte sätt att delta")
        ) == (f"registrering {mover.id}: på plats till digitalt")


@pytest.mark.usefixtures("ctx")
def test_a_full_way_cannot_be_switched_to_and_nothing_changes():
    event = hybrid(onsite=1, online=1)
    mover = sign_up(event, 1, mode=ONSITE)
    sign_up(event, 2, mode=ONLINE)
    with pytest.raises(EventRegError) as refused:
        registrations.switch_mode(mover.id)
    assert refused.value.message == "Det är fullt digitalt just nu."
    db.session.rollback()
    db.session.refresh(mover)
    assert mover.mode == ONSITE


@pytest.mark.usefixtures("ctx")
def test_someone_waiting_gets_a_seat_by_switching_to_a_way_with_room():
    event = hybrid(onsite=1, online=1)
    sign_up(event, 1, mode=ONSITE)
    waiting = sign_up(event, 2, mode=ONSITE)
    switched = registrations.switch_mode(waiting.id)
    assert (switched.status, switched.mode) == (RegistrationStatus.CONFIRMED, ONLINE)
    assert registrations.taken_seats(event.id) == {ONSITE: 1, ONLINE: 1}


@pytest.mark.usefixtures("ctx")
def test_approval_gives_seats_in_each_way_while_they_last():
    event = hybrid(onsite=1, online=1, requires_approval=True)
    people = [sign_up(event, n, mode=mode) for n, mode in ((1, ONSITE), (2, ONSITE), (3, ONLINE))]
    registrations.switch_mode(people[2].id)  # awaiting approval: just changes its mind
    assert people[2].mode == ONSITE
    approvals.approve(event.id, [r.id for r in people], actor=None)
    assert [r.status for r in people] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]


@pytest.mark.usefixtures("ctx")
def test_a_handed_over_seat_stays_in_its_way():
    event = hybrid(onsite=1, online=1)
    giver = sign_up(event, 1, mode=ONLINE)
    colleague = handovers.hand_over(giver.id, applicant(2))
    assert (colleague.status, colleague.mode) == (RegistrationStatus.CONFIRMED, ONLINE)


@pytest.mark.usefixtures("ctx")
def test_the_coordinator_keeps_each_ways_seats_and_cannot_turn_the_choice_off_under_people():
    event = hybrid(onsite=1, online=1)
    sign_up(event, 1, mode=ONLINE)
    waiting = sign_up(event, 2, mode=ONLINE)
    sessions = [events.SessionTimes(s.starts_at, s.ends_at, s.label, s.id) for s in event.sessions]
    with pytest.raises(InvalidEvent) as refused:
        events.update_event(event.id, sessions, online_capacity=0)
    assert refused.value.field == "online_capacity"
    db.session.rollback()
    with pytest.raises(InvalidEvent) as refused:
        events.update_event(event.id, sessions, choose_mode=False)
    assert refused.value.field == "choose_mode"
    db.session.rollback()
    events.update_event(event.id, sessions, online_capacity=2)
    db.session.refresh(waiting)
    assert waiting.status == RegistrationStatus.CONFIRMED


@pytest.mark.usefixtures("ctx")
def test_a_coordinator_giving_a_seat_adds_it_to_the_right_way():
    event = hybrid(onsite=1, online=1)
    sign_up(event, 1, mode=ONLINE)
    waiting = sign_up(event, 2, mode=ONLINE)
    registrations.give_seat(waiting.id, actor=None)
    assert (event.capacity, event.online_capacity) == (1, 2)


def test_a_new_place_is_told_to_those_on_site_and_a_new_link_to_those_online(app, smtp):
    with app.app_context():
        event = hybrid(onsite=5, online=5)
        sign_up(event, 1, mode=ONSITE)
        sign_up(event, 2, mode=ONLINE)
        deliver(smtp)
        sessions = [
            events.SessionTimes(s.starts_at, s.ends_at, s.label, s.id) for s in event.sessions
        ]
        events.update_event(event.id, sessions, venue="Nya hörsalen")
        db.session.commit()
        (moved,) = deliver(smtp)
        assert moved["To"] == "Person 1 <person1@bibliotek.se>"
        assert "Ny plats: Nya hörsalen" in moved.get_body(("plain",)).get_content()
        events.update_event(event.id, sessions, online_url="https://teams.example.se/meet/ny")
        db.session.commit()
        (relinked,) = deliver(smtp)
        assert relinked["To"] == "Person 2 <person2@bibliotek.se>"
        invite = ics(relinked)
        assert "LOCATION:https://teams.example.se/meet/ny" in invite
