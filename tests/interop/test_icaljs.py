"""Every kind of invite eventreg sends, read back by Mozilla's ical.js (Thunderbird's parser).

tests/mail/test_invites.py reads the invites with icalendar, the library that wrote them, and a
writer and its own reader can agree on a mistake. ical.js is an independent second reader: what
it reads (times in UTC, UID, METHOD, SEQUENCE, names) must be what we meant, and the bytes must
be valid on the wire (RFC 5545 3.1: CRLF line ends, lines folded at 75 octets).

The invites are made the real way: services, outbox, SMTP, HTTP.
"""

import email
from datetime import UTC, date, datetime, time, timedelta
from email import policy

import icalendar
import pytest
from helpers import applicant, calendar_part, deliver, make_event, sign_up
from replies import reply
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail.inbound import parse
from eventreg.models import AttendanceMode, Invitation
from eventreg.services import events, handovers, invitations, networks, registrations
from eventreg.services.events import SessionTimes

pytestmark = [pytest.mark.usefixtures("ctx"), pytest.mark.interop]

#: Escaped characters (, ;) and two-octet letters, long enough to be folded.
TITLE = "Läsfrämjande, språk; högläsning – för små och stora på Jönköpings läns bibliotek"
LOCATION = "Stadsbiblioteket, Dag Hammarskjölds plats 1, Jönköping"  # make_event's venue, address
#: The Kalendarium's own mailbox (the From of every mail), where calendars send answers.
ORGANIZER = {"value": "mailto:kalendarium@kalendarium.test", "params": {"cn": "Kalendarium"}}
ANNA = ("Anna Ek", "anna@bibliotek.test")
BO = ("Bo Åkesson", "bo@bibliotek.test")


def last_sunday(year: int, month: int) -> date:
    """For March and October, which both have 31 days."""
    last_day = date(year, month, 31)
    return last_day - timedelta(days=(last_day.weekday() + 1) % 7)


def next_clock_change(month: int) -> date:
    """The next last Sunday of March (3: summer time begins) or October (10: it ends) that is a
    week or more away, so that sign-up is still open."""
    soon = datetime.now(STOCKHOLM).date() + timedelta(days=7)
    change = last_sunday(soon.year, month)
    return change if change >= soon else last_sunday(soon.year + 1, month)


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def morning(day: date, label: str = "") -> SessionTimes:
    return SessionTimes(at(day, 9), at(day, 12), label)


def winter_sessions(count: int) -> list[SessionTimes]:
    """Weekly sessions in winter time (CET), from the Monday after the next October change.

    Summer time and the clock changes have a test of their own, the last one here.
    """
    monday = next_clock_change(10) + timedelta(days=1)
    return [morning(monday + timedelta(weeks=n), f"Del {n + 1}") for n in range(count)]


def utc(moment: datetime) -> str:
    """As ical.js prints an instant: Date.toISOString()."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def attendee(person: tuple[str, str], partstat: str) -> dict:
    name, email = person
    return {
        "value": f"mailto:{email}",
        "params": {"cn": name, "role": "REQ-PARTICIPANT", "partstat": partstat, "rsvp": "FALSE"},
    }


def uid(session) -> str:
    return f"session-{session.id}@kalendarium.test"


def meant(session, summary: str, sequence: int, **fields) -> dict:
    """What a VEVENT for ``session`` should say; ``fields`` sets status, organizer, attendees."""
    return {
        "uid": uid(session),
        "sequence": sequence,
        "summary": summary,
        "location": LOCATION,
        "dtstart": {"utc": utc(session.starts_at), "zone": "Europe/Stockholm"},
        "dtend": {"utc": utc(session.ends_at), "zone": "Europe/Stockholm"},
        "dtstart_tzid": "Europe/Stockholm",
        **fields,
    }


def itip(method: str, session, summary: str, sequence: int, person, partstat: str) -> dict:
    """A REQUEST or CANCEL of one session for one attendee, as ical.js should read it."""
    status = "CONFIRMED" if method == "REQUEST" else "CANCELLED"
    event = meant(
        session,
        summary,
        sequence,
        status=status,
        organizer=ORGANIZER,
        attendees=[attendee(person, partstat)],
    )
    return {
        "method": method,
        "timezones": ["Europe/Stockholm"],
        "published_ttl_seconds": None,
        "events": [event],
    }


def assert_wire_format(raw: bytes) -> None:
    """RFC 5545 3.1: every line ends in CRLF and is at most 75 octets ("å" counts two)."""
    assert raw.endswith(b"\r\n")
    lines = raw.removesuffix(b"\r\n").split(b"\r\n")
    assert [line for line in lines if b"\r" in line or b"\n" in line] == [], "bare CR or LF"
    assert [line for line in lines if len(line) > 75] == []


def invite_bytes(mail) -> bytes:
    """The inline text/calendar part, as sent (base64 undone)."""
    return calendar_part(mail).get_payload(decode=True)


def read_invites(icaljs, mails) -> list[dict]:
    """The invite in each mail as ical.js reads it, after checking its bytes and that its part's
    Content-Type names the same method as METHOD inside (RFC 6047)."""
    raws = [invite_bytes(mail) for mail in mails]
    for raw in raws:
        assert_wire_format(raw)
    calendars = icaljs([raw.decode() for raw in raws])
    content_type_methods = [calendar_part(mail).get_param("method") for mail in mails]
    assert content_type_methods == [calendar["method"] for calendar in calendars]
    return calendars


def test_confirmation_is_a_request_read_as_meant(icaljs, smtp):
    event = make_event(title=TITLE, sessions=winter_sessions(1))
    sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")

    (confirmation,) = read_invites(icaljs, deliver(smtp))

    (session,) = event.sessions
    assert confirmation == itip("REQUEST", session, f"{TITLE}: Del 1", 0, ANNA, "ACCEPTED")


def test_course_sends_one_request_per_session_each_with_its_own_uid(icaljs, smtp):
    event = make_event(title=TITLE, sessions=winter_sessions(3))
    sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")

    invites = read_invites(icaljs, deliver(smtp))

    assert invites == [
        itip("REQUEST", session, f"{TITLE} ({n}/3): Del {n}", 0, ANNA, "ACCEPTED")
        for n, session in enumerate(event.sessions, 1)
    ]


def test_cancel_outranks_the_request_and_the_promoted_person_gets_requests(icaljs, smtp):
    event = make_event(title=TITLE, sessions=winter_sessions(2), capacity=1)
    anna = sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")
    sign_up(event, name=BO[0], email=BO[1], library="Vetlanda")
    confirmation, session_invite, waitlisted = deliver(smtp)
    assert calendar_part(waitlisted) is None
    registrations.cancel_registration(anna.id)
    db.session.commit()
    anna_cancels_then_bo_requests = deliver(smtp)

    invites = read_invites(icaljs, [confirmation, session_invite, *anna_cancels_then_bo_requests])

    def each_session(method, sequence, person, partstat):
        return [
            itip(method, session, f"{TITLE} ({n}/2): Del {n}", sequence, person, partstat)
            for n, session in enumerate(event.sessions, 1)
        ]

    requests, cancels, promotions = invites[0:2], invites[2:4], invites[4:6]
    assert requests == each_session("REQUEST", 0, ANNA, "ACCEPTED")
    assert cancels == each_session("CANCEL", 1, ANNA, "DECLINED")
    # Above anything sent for the UID to anyone, Anna's CANCEL included.
    assert promotions == each_session("REQUEST", 2, BO, "ACCEPTED")
    # The rule that makes a client drop the entry instead of ignoring the CANCEL (RFC 5546).
    for request, cancel in zip(requests, cancels, strict=True):
        assert cancel["events"][0]["sequence"] > request["events"][0]["sequence"]


def test_a_hand_over_cancels_for_the_giver_then_requests_for_the_colleague(icaljs, smtp):
    event = make_event(title=TITLE, sessions=winter_sessions(2), capacity=1)
    anna = sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")
    first_invites = deliver(smtp)
    handovers.hand_over(
        anna.id, applicant(name=BO[0], email=BO[1], library_id=None, other_workplace="X")
    )
    db.session.commit()
    handed = deliver(smtp)

    invites = read_invites(icaljs, [*first_invites, *handed])

    def each_session(method, sequence, person, partstat):
        return [
            itip(method, session, f"{TITLE} ({n}/2): Del {n}", sequence, person, partstat)
            for n, session in enumerate(event.sessions, 1)
        ]

    assert invites[2:4] == each_session("CANCEL", 1, ANNA, "DECLINED")
    assert invites[4:6] == each_session("REQUEST", 2, BO, "ACCEPTED")


def test_switching_to_online_requests_the_same_uid_above_with_the_link_as_location(icaljs, smtp):
    link = "https://teams.example.se/meet/meroppet"
    event = make_event(
        title=TITLE,
        sessions=winter_sessions(1),
        choose_mode=True,
        capacity=1,
        online_capacity=1,
        online_url=link,
    )
    anna = sign_up(
        event, name=ANNA[0], email=ANNA[1], library="Vetlanda", mode=AttendanceMode.ONSITE
    )
    first = deliver(smtp)
    registrations.switch_mode(anna.id)
    db.session.commit()
    switched = deliver(smtp)

    on_site, online = read_invites(icaljs, [*first, *switched])

    (session,) = event.sessions
    assert on_site == itip("REQUEST", session, f"{TITLE}: Del 1", 0, ANNA, "ACCEPTED")
    moved = itip("REQUEST", session, f"{TITLE}: Del 1", 1, ANNA, "ACCEPTED")
    moved["events"][0] |= {"location": link, "url": link}
    assert online == moved


def test_public_download_publishes_every_session_as_the_invites_name_it(icaljs, client):
    event = make_event(title=TITLE, sessions=winter_sessions(2))
    db.session.commit()

    response = client.get(f"/evenemang/{event.id}/kalender.ics")

    assert response.mimetype == "text/calendar"
    assert_wire_format(response.data)
    (download,) = icaljs([response.get_data(as_text=True)])
    assert download == {
        "method": "PUBLISH",
        "timezones": ["Europe/Stockholm"],
        "published_ttl_seconds": None,
        "events": [
            meant(
                s,
                f"{TITLE} ({n}/2): Del {n}",
                0,
                status="CONFIRMED",
                organizer=ORGANIZER,
                attendees=[],
            )
            for n, s in enumerate(event.sessions, 1)
        ],
    }


def test_summer_and_winter_times_across_both_clock_changes(icaljs, smtp, client):
    """An hour off in a client sends people to a closed door, and summer times depend on the
    VTIMEZONE being read as we wrote it. Mornings either side of both changes, and a session
    through the night the clocks go forward (22.00 CET to 04.00 CEST: five hours)."""
    spring, autumn = next_clock_change(3), next_clock_change(10)
    day = timedelta(days=1)
    event = make_event(
        sessions=[
            morning(spring - 2 * day),  # Friday, CET
            SessionTimes(at(spring - day, 22), at(spring, 4), "Nattläsning"),
            morning(spring + day),  # Monday, CEST
            morning(autumn - 2 * day),  # Friday, CEST
            morning(autumn + day),  # Monday, CET
        ]
    )
    sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")
    mails = deliver(smtp)
    download = client.get(f"/evenemang/{event.id}/kalender.ics").get_data(as_text=True)

    *invites, published = icaljs([invite_bytes(mail).decode() for mail in mails] + [download])

    def instants(events):
        return [(e["uid"], e["dtstart"]["utc"], e["dtend"]["utc"]) for e in events]

    meant_instants = [(uid(s), utc(s.starts_at), utc(s.ends_at)) for s in event.sessions]
    assert instants(e for invite in invites for e in invite["events"]) == meant_instants
    assert instants(published["events"]) == meant_instants


def test_an_update_keeps_the_uid_raises_the_sequence_and_moves_the_time(icaljs, smtp):
    event = make_event(title=TITLE, sessions=winter_sessions(1))
    sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")
    (confirmation,) = deliver(smtp)
    (session,) = event.sessions
    later = SessionTimes(
        session.starts_at + timedelta(hours=4),
        session.ends_at + timedelta(hours=4),
        "Del 1",
        session.id,
    )

    events.update_event(event.id, [later])
    db.session.commit()
    (update,) = deliver(smtp)

    before, after = read_invites(icaljs, [confirmation, update])
    assert after == itip("REQUEST", session, f"{TITLE}: Del 1", 1, ANNA, "ACCEPTED")
    assert after["events"][0]["dtstart"]["utc"] == utc(later.starts_at)
    assert after["events"][0]["uid"] == before["events"][0]["uid"]


def test_a_network_invitation_asks_for_an_answer(icaljs, smtp):
    network = networks.create_network(
        None, name="Nätverket", contact_name="Karin Lindqvist", contact_email="karin@region.test"
    )
    networks.add_member(network, applicant(name=ANNA[0], email=ANNA[1]))
    event = make_event(
        title=TITLE, sessions=winter_sessions(1), network_id=network.id, publish=False
    )
    events.publish_event(event.id)
    db.session.commit()

    (invitation,) = read_invites(icaljs, deliver(smtp))

    (session,) = event.sessions
    assert invitation == itip("REQUEST", session, f"{TITLE}: Del 1", 0, ANNA, "NEEDS-ACTION")


def test_the_feed_publishes_events_and_marks_the_cancelled(icaljs, client):
    kept = make_event(title=TITLE, sessions=winter_sessions(1))
    gone = make_event(title="Inställd kurs", sessions=winter_sessions(1))
    events.cancel_event(gone.id, "")
    db.session.commit()

    response = client.get("/kalender.ics")

    assert_wire_format(response.data)
    (feed,) = icaljs([response.get_data(as_text=True)])
    by_uid = {e["uid"]: e for e in feed["events"]}
    assert feed["method"] == "PUBLISH"
    assert feed["published_ttl_seconds"] == 3600  # a DURATION ical.js reads, not "1:00:00"
    assert by_uid[uid(kept.sessions[0])]["status"] == "CONFIRMED"
    cancelled = by_uid[uid(gone.sessions[0])]
    assert (cancelled["status"], cancelled["summary"]) == (
        "CANCELLED",
        "INSTÄLLT: Inställd kurs: Del 1",
    )
    assert cancelled["dtstart"]["utc"] == utc(gone.sessions[0].starts_at)


def member_of(network, person) -> None:
    name, email = person
    networks.add_member(network, applicant(name=name, email=email))


def test_an_invited_members_entry_follows_the_meeting_and_a_revived_one_goes_above(icaljs, smtp):
    """The messages of an invitation's life: invited, moved, cancelled; and declined, then
    accepted, for another member."""
    network = networks.create_network(
        None, name="Nätverket", contact_name="Karin Lindqvist", contact_email="karin@region.test"
    )
    member_of(network, ANNA)
    member_of(network, BO)
    event = make_event(
        title=TITLE, sessions=winter_sessions(1), network_id=network.id, publish=False
    )
    events.publish_event(event.id)
    db.session.commit()
    invited = deliver(smtp)
    bo = db.session.scalars(select(Invitation).where(Invitation.member.has(email=BO[1]))).one()
    invitations.answer(bo.id, accept=False)
    db.session.commit()
    invitations.answer(bo.id, accept=True)
    db.session.commit()
    bo_changes_his_mind = deliver(smtp)
    (session,) = event.sessions
    later = SessionTimes(
        session.starts_at + timedelta(hours=3),
        session.ends_at + timedelta(hours=3),
        "Del 1",
        session.id,
    )
    events.update_event(event.id, [later])
    db.session.commit()
    moved = deliver(smtp)
    events.cancel_event(event.id, "")
    db.session.commit()
    cancelled = deliver(smtp)

    def to(person, mails):
        return [mail for mail in mails if person[1] in mail["To"]]

    anna = read_invites(icaljs, to(ANNA, invited + moved + cancelled))
    bo_read = read_invites(icaljs, to(BO, bo_changes_his_mind + moved + cancelled))
    summary = f"{TITLE}: Del 1"
    assert [(c["method"], c["events"][0]["sequence"]) for c in anna] == [
        ("REQUEST", 0),
        ("REQUEST", 3),
        ("CANCEL", 4),
    ]
    assert anna[1] == itip("REQUEST", session, summary, 3, ANNA, "NEEDS-ACTION")
    assert anna[1]["events"][0]["dtstart"]["utc"] == utc(later.starts_at)
    assert anna[2]["events"][0]["status"] == "CANCELLED"
    assert [(c["method"], c["events"][0]["sequence"]) for c in bo_read] == [
        ("CANCEL", 1),
        ("REQUEST", 2),
        ("REQUEST", 3),
        ("CANCEL", 4),
    ]
    assert bo_read[1]["events"][0]["attendees"] == [attendee(BO, "ACCEPTED")]


@pytest.mark.parametrize("client", ["outlook", "gmail", "apple"])
def test_answers_as_calendars_send_them_read_alike_in_ical_js_and_eventreg(icaljs, smtp, client):
    event = make_event(title=TITLE, sessions=winter_sessions(1))
    sign_up(event, name=ANNA[0], email=ANNA[1], library="Vetlanda")
    (confirmation,) = deliver(smtp)
    (invite,) = icalendar.Calendar.from_ical(invite_bytes(confirmation)).walk("VEVENT")

    message = parse(reply(client, invite, "DECLINED"))

    (ours,) = {(r.uid, r.sequence, r.attendee, r.partstat) for r in message.replies}
    texts = [
        part.get_payload(decode=True).decode()
        for part in email.message_from_bytes(message.raw, policy=policy.default).walk()
        if part.get_content_type() in ("text/calendar", "application/ics")
    ]
    for read in icaljs(texts):
        (vevent,) = read["events"]
        (answer,) = vevent["attendees"]
        theirs = (
            vevent["uid"],
            vevent["sequence"],
            answer["value"].lower().removeprefix("mailto:"),
            answer["params"]["partstat"],
        )
        assert (read["method"], theirs) == ("REPLY", ours)
        assert vevent["dtstart"]["utc"] == utc(event.sessions[0].starts_at)
    assert ours == (uid(event.sessions[0]), 0, ANNA[1], "DECLINED")
