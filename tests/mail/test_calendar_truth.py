"""Every calendar that was sent an invite shows the event as it is, whatever happened since.

Each test runs a story through the services and the real SMTP server, hands the mail to a
strict calendar client (tests/calendars.py) per recipient, and compares what each calendar
shows with the truth. A message a client would throw away is a failure too: it means someone
was left with an old entry.
"""

import re
from datetime import timedelta

import icalendar
import pytest
from calendars import Calendars, truth
from helpers import applicant, calendar_part, deliver, make_event, sign_up, stockholm
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import EventKind, Invitation
from eventreg.services import events, invitations, networks, registrations
from eventreg.services.events import SessionTimes

pytestmark = pytest.mark.usefixtures("ctx")


def meeting_of_three_members(**details):
    network = networks.create_network(
        None, name="Barnnätverket", contact_name="Karin", contact_email="karin@region.test"
    )
    for n in (1, 2, 3):
        networks.add_member(network, applicant(n))
    event = make_event(
        kind=EventKind.NETWORK_MEETING,
        network_id=network.id,
        publish=False,
        **{"capacity": None, **details},
    )
    events.publish_event(event.id)
    db.session.commit()
    return event


def invitation_of(event, n: int) -> Invitation:
    return db.session.scalars(
        select(Invitation)
        .join(Invitation.member)
        .where(
            Invitation.event_id == event.id, Invitation.member.has(email=f"person{n}@bibliotek.se")
        )
    ).one()


def moved(event, hours: int = 2) -> list[SessionTimes]:
    """Every session of the event, later by ``hours``."""
    later = timedelta(hours=hours)
    return [
        SessionTimes(s.starts_at + later, s.ends_at + later, s.label, s.id) for s in event.sessions
    ]


def test_members_who_have_not_answered_follow_every_change_and_the_cancellation(smtp):
    calendars = Calendars()
    event = meeting_of_three_members()
    calendars.receive(deliver(smtp))
    invitations.answer(invitation_of(event, 1).id, accept=True)
    invitations.answer(invitation_of(event, 3).id, accept=False)
    db.session.commit()
    calendars.receive(deliver(smtp))

    events.update_event(event.id, moved(event), venue="Hörsalen")
    db.session.commit()
    mails = deliver(smtp)
    calendars.receive(mails)

    assert calendars.shows("person1@bibliotek.se") == truth(event)
    assert calendars.shows("person2@bibliotek.se") == truth(event, "NEEDS-ACTION")
    assert calendars.shows("person3@bibliotek.se") == {}
    (to_m2,) = [m for m in mails if "person2@" in m["To"]]
    text = to_m2.get_body(("plain",)).get_content()
    assert "Ny plats: Hörsalen" in text and "/kommer-inte" in text
    assert "person3@bibliotek.se" not in [m["To"] for m in mails]  # declined: told already

    events.cancel_event(event.id, "Sjukdom.")
    db.session.commit()
    calendars.receive(deliver(smtp))

    for n in (1, 2, 3):
        assert calendars.shows(f"person{n}@bibliotek.se") == {}
    assert calendars.ignored == []


def test_signing_up_again_after_cancelling_puts_the_entry_back(smtp):
    calendars = Calendars()
    event = make_event(capacity=5)
    first = sign_up(event, name="Anna Ek", email="anna@bibliotek.test")
    registrations.cancel_registration(first.id)
    db.session.commit()
    sign_up(event, name="Bo Al", email="bo@bibliotek.test")  # after Anna's CANCEL, to anyone
    sign_up(event, name="Anna Ek", email="anna@bibliotek.test")
    mails = deliver(smtp)
    calendars.receive(mails)

    assert calendars.shows("anna@bibliotek.test") == truth(event)
    assert calendars.shows("bo@bibliotek.test") == truth(event)
    assert calendars.ignored == []
    sequences = [(m["To"], calendar_part(m).get_param("method"), _sequence(m)) for m in mails]
    cancel = max(seq for _, method, seq in sequences if method == "CANCEL")
    later_requests = [seq for to, method, seq in sequences[2:] if method == "REQUEST"]
    assert all(seq > cancel for seq in later_requests), sequences


def test_declining_and_then_accepting_an_invitation_puts_the_entry_back(smtp):
    calendars = Calendars()
    event = meeting_of_three_members()
    invitations.answer(invitation_of(event, 1).id, accept=False)
    db.session.commit()
    invitations.answer(invitation_of(event, 1).id, accept=True)
    db.session.commit()
    calendars.receive(deliver(smtp))

    assert calendars.shows("person1@bibliotek.se") == truth(event)
    assert calendars.ignored == []


def test_one_members_answer_is_not_an_update_for_the_others(smtp, app):
    app.config["INVITATION_REMINDER_DAYS"] = 30
    event = meeting_of_three_members()
    invited = deliver(smtp)
    invitations.answer(invitation_of(event, 1).id, accept=False)
    invitations.answer(invitation_of(event, 3).id, accept=True)
    db.session.commit()
    invitations.send_invitation_reminders()
    db.session.commit()
    after = deliver(smtp)

    first_sequence = {m["To"]: _sequence(m) for m in invited}
    reminder = next(m for m in after if "person2@" in m["To"])
    accepted = next(m for m in after if "person3@" in m["To"])
    declined = next(m for m in after if "person1@" in m["To"])
    assert _sequence(reminder) == first_sequence[reminder["To"]]  # the same meeting, unchanged
    assert _sequence(accepted) == first_sequence[accepted["To"]]
    assert _sequence(declined) > first_sequence[declined["To"]]
    assert [s.sequence for s in event.sessions] == [0]


def test_adding_and_removing_sessions_renumbers_every_entry(smtp):
    calendars = Calendars()
    days = (10, 17)
    event = make_event(
        sessions=[SessionTimes(stockholm(d, 9), stockholm(d, 12), f"Del {d}") for d in days]
    )
    sign_up(event, name="Anna Ek", email="anna@bibliotek.test")
    calendars.receive(deliver(smtp))
    first, second = event.sessions

    specs = [SessionTimes(s.starts_at, s.ends_at, s.label, s.id) for s in event.sessions]
    events.update_event(
        event.id, [*specs, SessionTimes(stockholm(24, 9), stockholm(24, 12), "Del 24")]
    )
    db.session.commit()
    calendars.receive(deliver(smtp))
    assert [title for title, *_ in calendars.shows("anna@bibliotek.test").values()] == [
        "Bokprat för unga läsare (1/3): Del 10",
        "Bokprat för unga läsare (2/3): Del 17",
        "Bokprat för unga läsare (3/3): Del 24",
    ]

    events.update_event(
        event.id, [SessionTimes(s.starts_at, s.ends_at, s.label, s.id) for s in event.sessions[1:]]
    )
    db.session.commit()
    mails = deliver(smtp)
    calendars.receive(mails)

    assert calendars.shows("anna@bibliotek.test") == truth(event)
    assert [title for title, *_ in truth(event).values()] == [
        "Bokprat för unga läsare (1/2): Del 17",
        "Bokprat för unga läsare (2/2): Del 24",
    ]
    assert calendars.ignored == []
    # The mail lists the sessions as they are after the change, not the removed one.
    text = mails[0].get_body(("plain",)).get_content()
    now = text.split("Så här ser det ut nu:")[1]
    assert "Del 10" not in now and "Del 17" in now and "Del 24" in now
    assert "Inställt tillfälle" in text


def test_the_public_download_is_the_same_entry_as_the_invite(smtp, client):
    event = make_event()
    sign_up(event, name="Anna Ek", email="anna@bibliotek.test")
    (confirmation,) = deliver(smtp)
    invite = _vevent(calendar_part(confirmation).get_payload(decode=True))

    download = _vevent(client.get(f"/evenemang/{event.id}/kalender.ics").data)

    for key in ("UID", "SEQUENCE", "SUMMARY", "LOCATION"):
        assert download[key] == invite[key], key
    assert download["ORGANIZER"] == invite["ORGANIZER"]
    assert download.decoded("DTSTART") == invite.decoded("DTSTART")
    assert "ATTENDEE" not in download

    events.cancel_event(event.id, "")
    db.session.commit()
    (cancel,) = deliver(smtp)
    page = client.get(f"/evenemang/{event.id}").get_data(as_text=True)
    cancelled = _vevent(client.get(f"/evenemang/{event.id}/kalender.ics").data)

    assert "Lägg till i kalender" not in page
    assert cancelled["STATUS"] == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("INSTÄLLT: ")
    assert (
        cancelled["SEQUENCE"] == _vevent(calendar_part(cancel).get_payload(decode=True))["SEQUENCE"]
    )


def _vevent(ics: bytes):
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return vevent


def _sequence(mail) -> int:
    raw = calendar_part(mail).get_payload(decode=True).decode()
    return int(re.search(r"^SEQUENCE:(\d+)", raw, re.MULTILINE).group(1))


def test_an_accepted_invitation_without_a_seat_leaves_the_calendar_until_a_seat_comes(smtp):
    calendars = Calendars()
    event = meeting_of_three_members(capacity=1)
    invitations.answer(invitation_of(event, 1).id, accept=True)
    invitations.answer(invitation_of(event, 2).id, accept=True)  # full: the waiting list
    db.session.commit()
    calendars.receive(deliver(smtp))
    assert calendars.shows("person2@bibliotek.se") == {}

    first = invitation_of(event, 1)
    registrations.cancel_registration(first.registration_id)
    db.session.commit()
    calendars.receive(deliver(smtp))

    assert calendars.shows("person1@bibliotek.se") == {}
    assert calendars.shows("person2@bibliotek.se") == truth(event)
    assert calendars.shows("person3@bibliotek.se") == truth(event, "NEEDS-ACTION")
    assert calendars.ignored == []
