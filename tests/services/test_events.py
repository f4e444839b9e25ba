"""Changing and cancelling events: what attendees' calendars receive, and what is refused."""

import icalendar
import pytest
from helpers import calendar_part, deliver, make_event, sign_up, stockholm
from sqlalchemy import func, select

from eventreg.errors import InvalidEvent
from eventreg.extensions import db
from eventreg.models import AuditEntry, EventStatus, OutboxMessage, RegistrationStatus
from eventreg.services import events, registrations
from eventreg.services.events import SessionTimes

pytestmark = pytest.mark.usefixtures("ctx")


def specs(event, **replace):
    """The event's sessions as the edit form would send them back."""
    return [SessionTimes(s.starts_at, s.ends_at, s.label, s.id) for s in event.sessions]


def vevents(mail):
    return icalendar.Calendar.from_ical(calendar_part(mail).get_content()).walk("VEVENT")


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_new_time_sends_each_attendee_an_update_with_the_same_uid_and_higher_sequence(smtp):
    event = make_event(capacity=1)
    sign_up(event, 1)
    sign_up(event, 2)  # waiting list
    (invite, _waitlisted) = deliver(smtp)
    session = event.sessions[0]

    events.update_event(
        event.id, [SessionTimes(stockholm(14, 13), stockholm(14, 16), "", session.id)]
    )
    db.session.commit()
    seated, waiting = deliver(smtp)

    assert seated["Subject"] == "Ändrat: Bokprat för unga läsare"
    text = seated.get_body(("plain",)).get_content()
    assert "Ny tid:" in text and "kl. 13.00–16.00" in text and "tidigare" in text
    (old,), (new,) = vevents(invite), vevents(seated)
    assert new["UID"] == old["UID"]
    assert new["SEQUENCE"] > old["SEQUENCE"]
    assert new.decoded("DTSTART") == stockholm(14, 13)
    assert calendar_part(waiting) is None  # the waiting list hears the news, without an invite


def test_a_typo_in_the_description_sends_nothing():
    event = make_event()
    sign_up(event, 1)
    before = outbox_count()
    events.update_event(
        event.id, specs(event), description="Rättat stavfel.", summary="Ny sammanfattning"
    )
    db.session.commit()
    assert outbox_count() == before
    assert event.sessions[0].sequence == 0


def test_a_new_place_updates_every_session(smtp):
    sessions = [SessionTimes(stockholm(d, 9), stockholm(d, 12)) for d in (10, 17)]
    event = make_event(sessions=sessions)
    sign_up(event, 1)
    deliver(smtp)

    events.update_event(event.id, specs(event), venue="Huskvarna bibliotek")
    db.session.commit()
    mails = deliver(smtp)

    assert len(mails) == 2
    assert [vevents(m)[0]["LOCATION"] for m in mails] == [
        "Huskvarna bibliotek, Dag Hammarskjölds plats 1, Jönköping"
    ] * 2
    assert "Ny plats: Huskvarna bibliotek" in mails[0].get_body(("plain",)).get_content()
    assert [s.sequence for s in event.sessions] == [1, 1]


def test_a_removed_session_is_cancelled_and_an_added_one_invited(smtp):
    sessions = [SessionTimes(stockholm(d, 9), stockholm(d, 12)) for d in (10, 17)]
    event = make_event(sessions=sessions)
    sign_up(event, 1)
    first_invites = deliver(smtp)
    removed_uid = vevents(first_invites[1])[0]["UID"]
    keep = event.sessions[0]

    events.update_event(
        event.id,
        [
            SessionTimes(keep.starts_at, keep.ends_at, "", keep.id),
            SessionTimes(stockholm(24, 9), stockholm(24, 12)),
        ],
    )
    db.session.commit()
    mails = deliver(smtp)

    methods = {str(vevents(m)[0]["UID"]): calendar_part(m).get_param("method") for m in mails}
    assert methods[str(removed_uid)] == "CANCEL"
    new_uid = f"session-{event.sessions[1].id}@kalendarium.test"
    assert methods[new_uid] == "REQUEST"
    assert new_uid != removed_uid
    assert len(event.sessions) == 2


def test_capacity_below_the_confirmed_is_refused_and_nothing_changes():
    event = make_event(capacity=3)
    for n in (1, 2, 3):
        sign_up(event, n)
    with pytest.raises(InvalidEvent) as refused:
        events.update_event(event.id, specs(event), capacity=2, title="Nytt namn")
    assert refused.value.field == "capacity"
    db.session.rollback()
    assert event.title == "Bokprat för unga läsare"


def test_more_seats_promote_the_waiting_list():
    event = make_event(capacity=1)
    people = [sign_up(event, n) for n in (1, 2, 3)]
    events.update_event(event.id, specs(event), capacity=2)
    db.session.commit()
    assert [p.status for p in people] == ["confirmed", "confirmed", "waitlisted"]


def test_deadline_after_the_first_session_is_refused():
    event = make_event(days=10)
    with pytest.raises(InvalidEvent) as refused:
        events.update_event(event.id, specs(event), registration_deadline=stockholm(11).date())
    assert refused.value.field == "registration_deadline"


def test_cancelling_the_event_tells_everyone_and_clears_calendars(smtp):
    event = make_event(capacity=1)
    sign_up(event, 1)
    sign_up(event, 2)
    invite, _ = deliver(smtp)

    events.cancel_event(event.id, "Föreläsaren är sjuk. Vi återkommer med nytt datum.")
    db.session.commit()
    seated, waiting = deliver(smtp)

    assert event.status == EventStatus.CANCELLED
    assert seated["Subject"] == "Inställt: Bokprat för unga läsare"
    assert "Föreläsaren är sjuk" in seated.get_body(("plain",)).get_content()
    (cancel,) = vevents(seated)
    assert calendar_part(seated).get_param("method") == "CANCEL"
    assert cancel["UID"] == vevents(invite)[0]["UID"]
    assert cancel["SEQUENCE"] > vevents(invite)[0]["SEQUENCE"]
    assert calendar_part(waiting) is None
    assert "Föreläsaren är sjuk" in waiting.get_body(("plain",)).get_content()


def test_unpublish_only_without_registrations_and_delete_only_drafts():
    event = make_event()
    sign_up(event, 1)
    with pytest.raises(InvalidEvent):
        events.unpublish_event(event.id)
    with pytest.raises(InvalidEvent):
        events.delete_draft(event.id)
    empty = make_event()
    events.unpublish_event(empty.id)
    events.delete_draft(empty.id)
    db.session.commit()
    assert db.session.get(type(event), empty.id) is None


def test_duplicate_is_a_draft_copy_with_the_same_sessions():
    event = make_event(
        sessions=[SessionTimes(stockholm(d, 9), stockholm(d, 12), f"Del {d}") for d in (10, 17)]
    )
    sign_up(event, 1)
    copy = events.duplicate_event(event.id)
    db.session.commit()
    assert copy.id != event.id
    assert copy.status == EventStatus.DRAFT
    assert copy.title == event.title and copy.capacity == event.capacity
    assert [(s.starts_at, s.label) for s in copy.sessions] == [
        (s.starts_at, s.label) for s in event.sessions
    ]
    assert {s.id for s in copy.sessions}.isdisjoint({s.id for s in event.sessions})
    assert registrations.confirmed_count(copy.id) == 0


def test_changes_are_written_to_the_audit_log():
    event = make_event()
    events.update_event(event.id, specs(event), title="Nytt namn")
    db.session.commit()
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.event_id == event.id)
    ).all()
    assert actions == ["skapade", "publicerade", "ändrade"]


def test_a_cancelled_registration_gets_no_update(smtp):
    event = make_event()
    registration = sign_up(event, 1)
    registrations.cancel_registration(registration.id)
    db.session.commit()
    deliver(smtp)
    events.update_event(event.id, specs(event), venue="Annan plats")
    db.session.commit()
    assert deliver(smtp) == []
    assert registration.status == RegistrationStatus.CANCELLED


def test_a_new_session_label_updates_that_session_only(smtp):
    sessions = [
        SessionTimes(stockholm(d, 9), stockholm(d, 12), f"Del {n}") for n, d in ((1, 10), (2, 17))
    ]
    event = make_event(sessions=sessions)
    sign_up(event, 1)
    deliver(smtp)
    first, second = event.sessions
    events.update_event(
        event.id,
        [
            SessionTimes(first.starts_at, first.ends_at, "Del 1", first.id),
            SessionTimes(second.starts_at, second.ends_at, "Del 2: Bokprat", second.id),
        ],
    )
    db.session.commit()
    (mail,) = deliver(smtp)
    assert "Ny rubrik: Del 2: Bokprat (tidigare Del 2)" in mail.get_body(("plain",)).get_content()
    assert [s.sequence for s in event.sessions] == [0, 1]
