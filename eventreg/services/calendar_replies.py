"""Answers pressed in Outlook, Gmail or Apple Calendar count, as the links in the mail do.

An invite's ORGANIZER is the Kalendarium's own mailbox, so a calendar's iTIP REPLY (RFC 5546
3.2.3) comes back there. :func:`read_mailbox` reads what is new (``mail.mailbox``) and hands
each message to :func:`handle`, in a transaction of its own, then moves it aside; a message
recorded before (by another worker at the same moment, or before a crash between the commit and
the move) is only moved, as its key is unique. No transaction is open while the IMAP server is
talked to.
Only an answer that is surely about what we sent is acted on: its UID is a session of ours, its
ATTENDEE got that session from us and still holds it, its SEQUENCE is the one we last sent them,
and it comes from the ATTENDEE's own address. Then:

- DECLINED on a seat cancels the registration (the seat goes to the waiting list) and confirms
  it in a mail; on one session of a course, the absence is noted and the seat stands;
- DECLINED on an invitation is a "no", and ACCEPTED on one a "yes", as the links give;
- TENTATIVE, or ACCEPTED on a seat, is recorded.

Anything else (an ordinary reply, an out-of-office, an unknown or old UID, a From that is not the
ATTENDEE) is forwarded unchanged to the event's contact person and never acted on. Every
message is recorded once; what was done shows on the coordinators' delivery page.
"""

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventreg import organisation
from eventreg.calendar import Reply, session_id_from_uid
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.mail.inbound import Inbound, parse
from eventreg.mail.mailbox import open_mailbox
from eventreg.models import (
    CalendarEntry,
    EntryState,
    Event,
    EventSession,
    InboundMessage,
    InboundOutcome,
    OutboxMessage,
    PartStat,
    Registration,
    RegistrationStatus,
)
from eventreg.services import calendar_entries, invitations, registrations

log = logging.getLogger(__name__)


class NotActedOn(Exception):
    """Why a message is forwarded instead (in Swedish, for the contact person)."""


def handle(message: Inbound) -> InboundMessage:
    """Act on one message from the mailbox and record it; the caller commits.

    The record is flushed first: a second reader of the same message stops there on the
    unique key, before doing anything.
    """
    record = InboundMessage(
        key=message.key,
        sender=message.sender,
        subject=message.subject,
        outcome=InboundOutcome.FORWARDED,
    )
    db.session.add(record)
    db.session.flush()
    if _answers_our_forward(message):
        record.outcome = InboundOutcome.KEPT
        record.detail = "Svar på ett vidarebefordrat mejl (studs eller autosvar): inte vidare igen."
        return record
    reply = next((r for r in message.replies if session_id_from_uid(r.uid) is not None), None)
    try:
        entry = _held_entry(record, message, reply)
        with db.session.begin_nested():  # a refusal halfway leaves nothing behind
            _act(record, entry)
    except NotActedOn as reason:
        _forward(record, message, str(reason))
    except EventRegError as refused:
        _forward(record, message, f"Svaret kunde inte göras: {refused.message}")
    log.info("%r from the mailbox: %s", record, record.detail)
    return record


def _answers_our_forward(message: Inbound) -> bool:
    """A bounce or auto-reply to a forward of ours: sending it on again could loop."""
    own = current_app.config["MAIL_DEFAULT_SENDER"][1].lower()
    if message.sender == own:
        return True
    return (
        bool(message.references)
        and db.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.kind == "forward", OutboxMessage.message_id.in_(message.references)
            )
        )
        is not None
    )


def _held_entry(record: InboundMessage, message: Inbound, reply: Reply | None) -> CalendarEntry:
    """The entry the answer is about, when it is surely about what we sent.

    :raise NotActedOn: with why not.
    """
    if reply is None:
        raise NotActedOn("Det är inget svar från en kalender på en inbjudan från Kalendariet.")
    record.partstat = reply.partstat[:20]
    session = db.session.get(EventSession, session_id_from_uid(reply.uid))
    if session is None:
        raise NotActedOn("Svaret gäller ett tillfälle som inte finns längre.")
    record.event_id = session.event_id
    if message.sender != reply.attendee:
        raise NotActedOn(
            f"Svaret gäller {reply.attendee} men kom från {message.sender or 'okänd avsändare'}."
        )
    if message.failed_authentication:
        raise NotActedOn("Den mottagande servern kunde inte bekräfta avsändaren (DMARC).")
    entry = calendar_entries.entry(session, reply.attendee)
    if entry is None or entry.state != EntryState.HELD:
        raise NotActedOn(
            "Personen har ingen plats eller obesvarad inbjudan till tillfället längre."
        )
    if reply.sequence != entry.sequence:
        raise NotActedOn(
            f"Svaret gäller en annan version av inbjudan (SEQUENCE {reply.sequence}, "
            f"senast skickad {entry.sequence})."
        )
    return entry


def _act(record: InboundMessage, entry: CalendarEntry) -> None:
    """:raise NotActedOn: or :raise EventRegError: when the answer is not acted on."""
    registration = _seat(entry)
    record.registration_id = registration.id if registration else None
    partstat = record.partstat
    if partstat == PartStat.DECLINED and registration is not None:
        _decline_seat(record, registration, entry)
    elif partstat == PartStat.DECLINED and entry.invitation_id:
        invitations.answer(entry.invitation_id, accept=False, in_calendar=True)
        record.outcome, record.detail = InboundOutcome.DECLINED, "Tackade nej till inbjudan."
    elif partstat == PartStat.ACCEPTED and registration is None and entry.invitation_id:
        invitation = invitations.answer(entry.invitation_id, accept=True)
        signed_up = db.session.get(Registration, invitation.registration_id)
        record.registration_id = signed_up.id
        record.outcome = InboundOutcome.SIGNED_UP
        record.detail = (
            "Anmäld via inbjudan."
            if signed_up.status == RegistrationStatus.CONFIRMED
            else "Fullt: satt på reservlistan."
        )
    elif partstat in (PartStat.TENTATIVE, PartStat.ACCEPTED):
        entry.partstat = PartStat(partstat)
        record.outcome = InboundOutcome.RECORDED
        record.detail = "Preliminärt svar noterat." if partstat == "TENTATIVE" else "Bekräftat."
    else:
        raise NotActedOn(f"Svaret ({partstat}) är inget som Kalendariet gör något med.")


def _seat(entry: CalendarEntry) -> Registration | None:
    """The confirmed registration the entry stands for, if any."""
    if entry.registration_id is None:
        return None
    registration = db.session.get(Registration, entry.registration_id)
    active = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    return registration if active else None


def _decline_seat(record: InboundMessage, registration: Registration, entry: CalendarEntry) -> None:
    """The whole registration goes with its last session declined; else the absence is noted."""
    event = db.session.get(Event, registration.event_id)
    others = [
        held for held in calendar_entries.holders(event).get(entry.email, []) if held.id != entry.id
    ]
    if others:
        calendar_entries.declined([entry.session], entry.email)
        compose.queue_session_declined(registration, entry.session)
        record.outcome = InboundOutcome.SESSION_DECLINED
        record.detail = "Kommer inte till ett av tillfällena; platsen på de andra står kvar."
        return
    registrations.cancel_registration(registration.id, declined_in_calendar=True)
    record.outcome = InboundOutcome.CANCELLED
    record.detail = "Avbokad; platsen gick vidare till reservlistan om någon stod där."


def _forward(record: InboundMessage, message: Inbound, reason: str) -> None:
    """Send the message on, unchanged, to the event's contact person (or the unit's address)."""
    event = db.session.get(Event, record.event_id) if record.event_id else _event_answered(message)
    if event is not None:
        record.event_id = event.id
        to = (event.contact_name, event.contact_email)
    else:
        profile = organisation.current()
        to = (profile.owner, profile.contact_email or current_app.config["MAIL_DEFAULT_SENDER"][1])
    compose.queue_forward(message, to, reason, event)
    record.outcome = InboundOutcome.FORWARDED
    record.detail = f"Vidarebefordrat till {to[1]}: {reason}"


def _event_answered(message: Inbound) -> Event | None:
    """The event of a mail of ours that the message replies to, if any."""
    if not message.references:
        return None
    event_id = db.session.scalar(
        select(OutboxMessage.event_id)
        .where(
            OutboxMessage.message_id.in_(message.references), OutboxMessage.event_id.is_not(None)
        )
        .limit(1)
    )
    return db.session.get(Event, event_id) if event_id else None


def read_mailbox() -> int:
    """Handle what is new in the mailbox; return how many messages were read."""
    config = current_app.config
    db.session.rollback()  # nothing of ours may stay open while we talk to the server
    read = 0
    with open_mailbox() as mailbox:
        for fetched in mailbox.new_messages(config["REPLY_BATCH_SIZE"], config["REPLY_MAX_BYTES"]):
            message = parse(fetched.raw, fetched.complete)
            try:
                handle(message)
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                if not _already_recorded(message.key):
                    log.exception("message %r could not be recorded; left", message.key)
                    continue
                log.info("message %r was handled before; moving it", message.key)
            except Exception:  # a bug: the message stays for a fixed version, the rest go on
                db.session.rollback()
                log.exception("message %r could not be handled; left in the mailbox", message.key)
                continue
            mailbox.done(fetched.uid)
            read += 1
    return read


def _already_recorded(key: str) -> bool:
    found = db.session.scalar(select(InboundMessage.id).where(InboundMessage.key == key))
    db.session.rollback()
    return found is not None
