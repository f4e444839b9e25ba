"""Answers pressed in Outlook, Gmail or Apple Calendar, read from a real IMAP server (Dovecot).

Each test sends real invites through the outbox and the SMTP server, lets a person answer as
their calendar program would (tests/replies.py), delivers that answer to the Kalendarium's
mailbox on Dovecot, runs the reader, and looks at what people and coordinators then see.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import icalendar
import pytest
from calendars import Calendars
from helpers import applicant, calendar_part, deliver, make_event, sign_up, stockholm
from imapserver import DovecotServer
from replies import plain, reply
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.mail import mailbox
from eventreg.models import (
    EventKind,
    InboundMessage,
    Invitation,
    Registration,
    RegistrationStatus,
)
from eventreg.services import calendar_replies, events, networks, registrations
from eventreg.services.events import SessionTimes
from eventreg.services.organisation import save_profile

pytestmark = [pytest.mark.usefixtures("ctx"), pytest.mark.imap]

ANNA = "anna@bibliotek.test"
BO = "bo@bibliotek.test"


def invite_in(mail):
    (vevent,) = icalendar.Calendar.from_ical(calendar_part(mail).get_payload(decode=True)).walk(
        "VEVENT"
    )
    return vevent


def read(imap, *raws: bytes) -> list[InboundMessage]:
    """Deliver ``raws`` to the mailbox and run the reader, as the mail worker does."""
    for raw in raws:
        imap.append(raw)
    before = db.session.scalar(select(func.max(InboundMessage.id))) or 0
    db.session.commit()
    calendar_replies.read_mailbox()
    return list(
        db.session.scalars(
            select(InboundMessage).where(InboundMessage.id > before).order_by(InboundMessage.id)
        )
    )


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


@pytest.mark.parametrize("client", ["outlook", "gmail", "apple"])
def test_declining_in_the_calendar_cancels_the_seat_and_passes_it_on(imap, smtp, client):
    event = make_event(capacity=1)
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    sign_up(event, name="Bo Al", email=BO)
    confirmation, waitlisted = deliver(smtp)
    assert "RSVP=TRUE" in calendar_part(confirmation).get_payload(decode=True).decode()

    (record,) = read(imap, reply(client, invite_in(confirmation), "DECLINED"))
    mails = deliver(smtp)

    db.session.refresh(anna)
    assert anna.status == RegistrationStatus.CANCELLED
    assert (record.outcome, record.partstat, record.event_id) == ("cancelled", "DECLINED", event.id)
    to_anna, to_bo = mails
    assert to_anna["To"] == f"Anna Ek <{ANNA}>"
    assert "Du tackade nej i din kalender" in text_of(to_anna)
    assert calendar_part(to_anna) is None  # her calendar took it out already; CANCEL to nobody
    assert to_bo["Subject"].startswith("Du har fått en plats")
    assert imap.messages() == [] and len(imap.messages("eventreg-behandlat")) == 1


@pytest.mark.parametrize("client", ["outlook", "gmail", "apple"])
def test_accepting_an_invitation_in_the_calendar_signs_the_member_up(imap, smtp, client):
    network = networks.create_network(
        None, name="Nätverket", contact_name="Karin", contact_email="karin@region.test"
    )
    networks.add_member(network, applicant(name="Anna Ek", email=ANNA))
    event = make_event(
        kind=EventKind.NETWORK_MEETING, network_id=network.id, publish=False, capacity=None
    )
    events.publish_event(event.id)
    db.session.commit()
    (invitation_mail,) = deliver(smtp)
    calendars = Calendars()
    calendars.receive([invitation_mail])

    (record,) = read(imap, reply(client, invite_in(invitation_mail), "ACCEPTED"))
    (confirmation,) = deliver(smtp)
    calendars.receive([confirmation])

    assert record.outcome == "signed_up"
    invitation = db.session.scalar(select(Invitation))
    assert invitation.status == "accepted"
    registration = db.session.get(Registration, invitation.registration_id)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert confirmation["Subject"].startswith("Bekräftelse")
    assert [answer for *_, answer in calendars.shows(ANNA).values()] == ["ACCEPTED"]
    assert calendars.ignored == []


def test_tentative_is_recorded_and_changes_nothing(imap, smtp):
    event = make_event()
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)

    (record,) = read(imap, reply("outlook", invite_in(confirmation), "TENTATIVE"))

    assert record.outcome == "recorded"
    db.session.refresh(anna)
    assert anna.status == RegistrationStatus.CONFIRMED
    assert deliver(smtp) == []


def test_declining_one_session_of_a_course_keeps_the_seat(imap, smtp):
    event = make_event(
        sessions=[SessionTimes(stockholm(d, 9), stockholm(d, 12), f"Del {d}") for d in (10, 17)]
    )
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    first, second = deliver(smtp)

    (record,) = read(imap, reply("gmail", invite_in(second), "DECLINED"))
    (note,) = deliver(smtp)

    db.session.refresh(anna)
    assert anna.status == RegistrationStatus.CONFIRMED
    assert record.outcome == "session_declined"
    assert "Din plats på de övriga tillfällena står kvar" in text_of(note)
    # Declining the other one too gives the seat up.
    (last,) = read(imap, reply("gmail", invite_in(first), "DECLINED"))
    db.session.refresh(anna)
    assert (last.outcome, anna.status) == ("cancelled", RegistrationStatus.CANCELLED)


def forwarded(smtp, to: str):
    (mail,) = deliver(smtp)
    assert mail["To"].endswith(f"<{to}>")
    assert mail["Subject"].startswith("Vidarebefordrat")
    (attached,) = [part for part in mail.walk() if part.get_content_type() == "message/rfc822"]
    return mail, attached.get_payload()[0]


def test_an_answer_to_an_older_version_is_forwarded_not_acted_on(imap, smtp):
    event = make_event()
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)
    (session,) = event.sessions
    later = SessionTimes(
        session.starts_at.replace(hour=13), session.ends_at.replace(hour=15), "", session.id
    )
    events.update_event(event.id, [later])
    db.session.commit()
    deliver(smtp)

    (record,) = read(imap, reply("outlook", invite_in(confirmation), "DECLINED"))

    db.session.refresh(anna)
    assert anna.status == RegistrationStatus.CONFIRMED
    assert record.outcome == "forwarded" and "annan version" in record.detail
    mail, original = forwarded(smtp, "karin@region.test")
    assert "annan version" in text_of(mail)
    assert original["Subject"] == f"Avböjt: {invite_in(confirmation)['SUMMARY']}"
    assert mail["Reply-To"] == f"Anna Ek <{ANNA}>"  # answering reaches the person


def test_an_answer_whose_sender_is_not_the_attendee_is_not_acted_on(imap, smtp):
    event = make_event()
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)

    forged = reply("gmail", invite_in(confirmation), "DECLINED", sender="mallory@evil.test")
    dmarc_failed = reply("outlook", invite_in(confirmation), "DECLINED").replace(
        b"From:", b"Authentication-Results: mx.region.test; dmarc=fail header.from=x\r\nFrom:", 1
    )
    records = read(imap, forged, dmarc_failed)

    db.session.refresh(anna)
    assert anna.status == RegistrationStatus.CONFIRMED
    assert [r.outcome for r in records] == ["forwarded", "forwarded"]
    assert "mallory@evil.test" in records[0].detail and "DMARC" in records[1].detail


def test_an_answer_for_a_cancelled_registration_is_forwarded(imap, smtp):
    event = make_event()
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)
    registrations.cancel_registration(anna.id)
    db.session.commit()
    deliver(smtp)

    (record,) = read(imap, reply("apple", invite_in(confirmation), "DECLINED"))

    assert record.outcome == "forwarded"
    forwarded(smtp, "karin@region.test")


def test_ordinary_replies_and_out_of_office_go_to_the_contact_person_unchanged(imap, smtp):
    event = make_event()
    sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)
    typed = plain(
        f"Anna Ek <{ANNA}>",
        "Re: Bekräftelse",
        "Hej! Finns det parkering? Hälsningar Anna på Värnamo bibliotek",
        in_reply_to=confirmation["Message-ID"],
    )
    away = plain(
        f"Bo Al <{BO}>",
        "Frånvaro: Bekräftelse",
        "Jag är på semester till måndag.",
        in_reply_to=confirmation["Message-ID"],
        headers={"Auto-Submitted": "auto-replied"},
    )

    records = read(imap, typed, away)

    assert [r.outcome for r in records] == ["forwarded", "forwarded"]
    assert {r.event_id for r in records} == {event.id}
    mails = deliver(smtp)
    assert [m["To"] for m in mails] == ["Karin Lindqvist <karin@region.test>"] * 2
    original = next(p for p in mails[0].walk() if p.get_content_type() == "message/rfc822")
    body = original.get_payload()[0].get_payload(decode=True).decode("iso-8859-1")
    assert "Finns det parkering?" in body
    assert mails[0]["Auto-Submitted"] == "auto-generated"  # no auto-reply comes back to us


def test_mail_about_nothing_we_sent_goes_to_the_unit(imap, smtp, app):
    save_profile(None, colour="#00509e", unit="Enheten", contact_email="enheten@region.test")
    db.session.commit()
    (record,) = read(imap, plain("Okänd <x@annan.test>", "Fråga", "Hej, när är nästa kurs?"))
    assert record.outcome == "forwarded" and record.event_id is None
    forwarded(smtp, "enheten@region.test")


def test_a_bounce_of_a_forward_is_kept_and_not_forwarded_again(imap, smtp, app):
    read(imap, plain("Okänd <x@annan.test>", "Fråga", "Hej"))
    (forward,) = deliver(smtp)
    bounce = plain(
        "Mail Delivery System <mailer-daemon@region.test>",
        "Undeliverable: Vidarebefordrat: Fråga",
        "Delivery failed.",
        in_reply_to=forward["Message-ID"],
    )
    (record,) = read(imap, bounce)
    assert record.outcome == "kept"
    assert deliver(smtp) == []


def test_a_huge_message_is_not_downloaded_but_its_sender_is_told_of(imap, smtp, app):
    app.config["REPLY_MAX_BYTES"] = 20_000
    huge = plain(f"Anna Ek <{ANNA}>", "Bilder från kursen", "x" * 60_000)
    (record,) = read(imap, huge)
    (mail,) = deliver(smtp)
    assert record.outcome == "forwarded"
    assert "för stort" in text_of(mail)
    assert not any(p.get_content_type() == "message/rfc822" for p in mail.walk())
    assert len(imap.messages("eventreg-behandlat")) == 1  # kept in the mailbox


def test_garbage_in_a_calendar_part_is_forwarded_not_a_crash(imap, smtp):
    broken = plain(f"Anna Ek <{ANNA}>", "Svar", "x").replace(
        b'Content-Type: text/plain; charset="iso-8859-1"',
        b"Content-Type: text/calendar; method=REPLY; charset=x-unknown-charset",
    )
    broken = broken.replace(b"\r\n\r\nx", b"\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEV")
    (record,) = read(imap, broken)
    assert record.outcome == "forwarded"


def test_each_message_is_handled_once_by_two_readers_and_after_a_crash(imap, smtp, app):
    event = make_event(capacity=None)
    people = [sign_up(event, n) for n in range(6)]
    invites = deliver(smtp)
    for mail in invites:
        imap.append(reply("gmail", invite_in(mail), "DECLINED"))
    db.session.commit()

    def reader():
        with app.app_context():
            calendar_replies.read_mailbox()

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert db.session.scalar(select(func.count()).select_from(InboundMessage)) == 6
    assert sorted(m["To"] for m in deliver(smtp)) == sorted(m["To"] for m in invites)
    for person in people:
        db.session.refresh(person)
        assert person.status == RegistrationStatus.CANCELLED
    assert imap.messages() == []


def test_a_crash_between_recording_and_moving_does_not_act_twice(imap, smtp, monkeypatch):
    event = make_event()
    anna = sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)
    imap.append(reply("outlook", invite_in(confirmation), "DECLINED"))
    db.session.commit()

    def crash(self, uid):
        raise ConnectionResetError("the worker died here")

    monkeypatch.setattr(mailbox.Mailbox, "done", crash)
    with pytest.raises(ConnectionResetError):
        calendar_replies.read_mailbox()
    monkeypatch.undo()
    calendar_replies.read_mailbox()  # the restarted worker

    db.session.refresh(anna)
    assert anna.status == RegistrationStatus.CANCELLED
    assert db.session.scalar(select(func.count()).select_from(InboundMessage)) == 1
    assert [m["Subject"].split(":")[0] for m in deliver(smtp)] == ["Avbokad"]
    assert imap.messages() == []


def test_coordinators_see_which_answers_came_by_calendar_and_what_they_did(
    imap, smtp, coordinator_client
):
    event = make_event(title="Bokcirkelledare")
    sign_up(event, name="Anna Ek", email=ANNA)
    (confirmation,) = deliver(smtp)
    read(
        imap,
        reply("outlook", invite_in(confirmation), "DECLINED"),
        plain(f"Bo Al <{BO}>", "Fråga om kursen", "Finns det plats kvar?"),
    )

    page = coordinator_client.get("/samordnare/utskick/kalendersvar").get_data(as_text=True)

    assert "Avbokade platsen" in page and "Bokcirkelledare" in page and ANNA in page
    assert "Vidarebefordrat" in page and "Fråga om kursen" in page
    assert "Svar från kalendrar" in coordinator_client.get("/samordnare/utskick").get_data(
        as_text=True
    )


class IdentityProvider(ThreadingHTTPServer):
    """Microsoft Entra ID's part, as far as the mailbox is concerned: an app gets a token by
    its client credentials (RFC 6749 4.4), and the IMAP server checks it (RFC 7662)."""

    token = "eyJ0eXAiOiJKV1QiLCJub25jZSI6InRlc3QifQ.app-token"

    def __init__(self):
        self.token_requests: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if self.path == "/tenant/oauth2/v2.0/token":
                    provider.token_requests.append(form)
                    good = form.get("client_secret") == ["hemlighet"]
                    answer = {"access_token": provider.token, "token_type": "Bearer"}
                    self._json(
                        answer if good else {"error": "invalid_client"}, 200 if good else 401
                    )
                else:  # introspection, asked by Dovecot
                    active = form.get("token") == [provider.token]
                    self._json({"active": active, "username": "kalendarium"})

            def _json(self, data: dict, status: int = 200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


def test_a_microsoft_365_mailbox_is_read_with_an_app_token_instead_of_a_password(app, smtp):
    provider = IdentityProvider()
    with DovecotServer(introspection_url=f"{provider.url}/introspect") as server:
        server.append(plain("Okänd <x@annan.test>", "Fråga", "Hej"))
        app.config.update(
            IMAP_SERVER="127.0.0.1",
            IMAP_PORT=server.port,
            IMAP_SECURITY="none",
            IMAP_USERNAME="kalendarium",
            IMAP_PASSWORD="",
            IMAP_OAUTH2_TOKEN_URL=f"{provider.url}/tenant/oauth2/v2.0/token",
            IMAP_OAUTH2_CLIENT_ID="app-id",
            IMAP_OAUTH2_CLIENT_SECRET="hemlighet",
        )
        assert calendar_replies.read_mailbox() == 1
        assert server.messages() == []
    provider.shutdown()
    provider.server_close()
    (request,) = provider.token_requests
    assert request["grant_type"] == ["client_credentials"]
    assert request["scope"] == ["https://outlook.office365.com/.default"]
