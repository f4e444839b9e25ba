"""Mail as attendees receive it from a real SMTP server, with the calendar invites parsed back."""

import base64
import re
from email.header import decode_header, make_header
from zoneinfo import ZoneInfo

import icalendar
import pytest
from helpers import calendar_part, deliver, make_event, personal_link, sign_up, stockholm

from eventreg.extensions import db
from eventreg.services import registrations
from eventreg.services.events import SessionTimes

pytestmark = pytest.mark.usefixtures("ctx")


#: The person most tests here sign up: å, ä, ö in her name, at a library in the county.
ASA = {"name": "Åsa Öberg", "email": "asa@vetlanda.test", "library": "Vetlanda"}


def invite(message) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(calendar_part(message).get_content())


def vevent(message) -> icalendar.Event:
    (event,) = invite(message).walk("VEVENT")
    return event


def test_confirmation_mail_carries_a_working_invite(smtp):
    event = make_event(sessions=[SessionTimes(stockholm(20, 9), stockholm(20, 12))], capacity=5)
    sign_up(event, **ASA)

    (mail,) = deliver(smtp)

    assert mail["To"] == "Åsa Öberg <asa@vetlanda.test>"
    assert mail["From"] == "Kalendarium <kalendarium@kalendarium.test>"
    assert mail["Reply-To"] == "Karin Lindqvist <karin@region.test>"
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Subject"] == "Bekräftelse: Bokprat för unga läsare"
    text = mail.get_body(("plain",)).get_content()
    assert "Du har en plats på Bokprat för unga läsare" in text
    assert f"{stockholm(20).day} " in text and "kl. 09.00–12.00" in text
    assert "Stadsbiblioteket, Dag Hammarskjölds plats 1, Jönköping" in text
    assert personal_link(mail).startswith("/anmalan/")
    assert mail.get_body(("html",)) is not None

    part = calendar_part(mail)
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part["Content-Transfer-Encoding"] == "base64"
    cal = invite(mail)
    assert cal["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    ev = vevent(mail)
    assert ev["UID"] == f"session-{event.sessions[0].id}@kalendarium.test"
    assert ev["SEQUENCE"] == 0
    assert ev.decoded("DTSTART") == stockholm(20, 9)
    assert ev.decoded("DTSTART").tzinfo == ZoneInfo("Europe/Stockholm")
    assert ev.decoded("DTEND") == stockholm(20, 12)
    assert str(ev["ORGANIZER"]) == "mailto:kalendarium@kalendarium.test"  # where answers come
    assert "Karin Lindqvist, karin@region.test" in str(ev["DESCRIPTION"])
    assert str(ev["ATTENDEE"]) == "mailto:asa@vetlanda.test"
    assert ev["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert ev["ATTENDEE"].params["RSVP"] == "FALSE"


def test_invite_bytes_are_folded_at_75_octets_with_crlf(smtp):
    event = make_event(title="Läsfrämjande för små och stora – en mycket lång kurstitel med åäö")
    sign_up(event, **ASA)
    (mail,) = deliver(smtp)

    raw = base64.b64decode(calendar_part(mail).get_payload())
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75


def test_a_course_with_three_sessions_sends_one_invite_per_session(smtp):
    sessions = [
        SessionTimes(stockholm(d, 13), stockholm(d, 15), f"Del {n}")
        for n, d in ((1, 10), (2, 17), (3, 24))
    ]
    event = make_event(sessions=sessions)
    sign_up(event, **ASA)

    mails = deliver(smtp)

    assert len(mails) == 3
    uids = [str(vevent(m)["UID"]) for m in mails]
    assert uids == [f"session-{s.id}@kalendarium.test" for s in event.sessions]
    assert [vevent(m).decoded("DTSTART") for m in mails] == [s.starts_at for s in sessions]
    assert all(len(list(invite(m).walk("VEVENT"))) == 1 for m in mails)
    assert "övriga 2 tillfällena" in mails[0].get_body(("plain",)).get_content()


def test_cancelling_removes_the_entry_and_the_next_person_gets_seat_and_invite(smtp):
    event = make_event(capacity=1)
    first = sign_up(event, name="Anna Ek", email="anna@bibliotek.test", library="Vetlanda")
    sign_up(event, name="Bo Al", email="bo@bibliotek.test", library="Vetlanda")
    confirmation, waitlisted = deliver(smtp)
    assert calendar_part(waitlisted) is None
    assert "nummer 1 på reservlistan" in waitlisted.get_body(("plain",)).get_content()

    registrations.cancel_registration(first.id)
    db.session.commit()
    cancellation, promotion = deliver(smtp)

    assert cancellation["To"] == "Anna Ek <anna@bibliotek.test>"
    assert calendar_part(cancellation).get_param("method") == "CANCEL"
    cancelled = vevent(cancellation)
    assert invite(cancellation)["METHOD"] == "CANCEL"
    assert cancelled["UID"] == vevent(confirmation)["UID"]
    assert cancelled["SEQUENCE"] > vevent(confirmation)["SEQUENCE"]
    assert cancelled["STATUS"] == "CANCELLED"

    assert promotion["To"] == "Bo Al <bo@bibliotek.test>"
    assert promotion["Subject"] == "Du har fått en plats: Bokprat för unga läsare"
    promoted = vevent(promotion)
    assert invite(promotion)["METHOD"] == "REQUEST"
    assert promoted["UID"] == cancelled["UID"]


def test_online_link_goes_to_confirmed_attendees_only(smtp):
    event = make_event(capacity=1, online_url="https://meet.test/abc", online_note="Länk skickas")
    sign_up(event, name="Anna Ek", email="anna@bibliotek.test", library="Vetlanda")
    sign_up(event, name="Bo Al", email="bo@bibliotek.test", library="Vetlanda")
    confirmation, waitlisted = deliver(smtp)

    assert "https://meet.test/abc" in confirmation.get_body(("plain",)).get_content()
    assert "https://meet.test/abc" in str(vevent(confirmation)["DESCRIPTION"])
    assert "https://meet.test/abc" not in waitlisted.as_string()


def test_names_cannot_inject_mail_headers(smtp):
    event = make_event()
    sign_up(event, name="Eve Evil\r\nBcc: victim@evil.test", email="eve@bibliotek.test")

    (mail,) = deliver(smtp)

    assert mail.envelope_to == ["eve@bibliotek.test"]
    assert mail["Bcc"] is None
    assert mail["To"] == '"Eve Evil Bcc: victim@evil.test" <eve@bibliotek.test>'


def test_cancellation_mail_links_back_to_the_event(smtp):
    event = make_event()
    registration = sign_up(event, **ASA)
    registrations.cancel_registration(registration.id)
    db.session.commit()
    cancellation = deliver(smtp)[-1]
    assert (
        f"https://kalendarium.test/evenemang/{event.id}"
        in cancellation.get_body(("plain",)).get_content()
    )


def test_a_subject_decodes_to_the_exact_title_however_it_is_folded(smtp):
    """Encoded-words must carry their own spaces: whitespace between two of them is dropped
    by every decoder (RFC 2047 section 6.2), and a word glued to text is not decoded at all."""
    title = "Läsfrämjande i praktiken: bilderböcker, högläsning och språklek för förskolan 🎉"
    event = make_event(title=title)
    sign_up(event, **ASA)

    (mail,) = deliver(smtp)

    assert mail["Subject"] == f"Bekräftelse: {title}"
    raw = re.split(rb"\r?\n\r?\n", mail.raw, maxsplit=1)[0].decode("ascii").replace("\r", "")
    subject = re.search(r"^Subject:(.*(?:\n[ \t].*)*)", raw, re.MULTILINE).group(1)
    assert str(make_header(decode_header(subject.strip()))) == f"Bekräftelse: {title}"
    for word in re.finditer(r"=\?[^?\s]+\?[bq]\?[^?\s]*\?=", subject, re.IGNORECASE):
        before, after = subject[word.start() - 1 : word.start()], subject[word.end() :][:1]
        assert before.isspace() and (after == "" or after.isspace()), f"glued: {word.group()}"


def test_a_name_with_double_quotes_keeps_them_out_of_the_calendar_address(smtp):
    """RFC 6868 would write ^' for a quote inside CN, which vobject and Outlook show as is."""
    event = make_event()
    sign_up(event, name='Anna "Lotta" Ek', email="anna@bibliotek.test")

    (mail,) = deliver(smtp)

    raw = base64.b64decode(calendar_part(mail).get_payload()).decode()
    assert "^'" not in raw
    ev = vevent(mail)
    assert ev["ATTENDEE"].params["CN"] == "Anna 'Lotta' Ek"
