"""Creating, changing, publishing and cancelling events; the rules every event must keep.

A change to a published event that moves it in people's calendars (times, sessions, place,
meeting link, title) raises the SEQUENCE of the sessions concerned and mails every attendee what
changed, with fresh invites; a removed session is cancelled in their calendars. Edits that change
nothing in a calendar send nothing.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from eventreg import formatting
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.mail.compose import CANCEL, REQUEST
from eventreg.models import Event, EventSession, EventStatus, Registration, RegistrationStatus, User
from eventreg.models.base import utcnow
from eventreg.services import audit
from eventreg.services.errors import InvalidEvent
from eventreg.services.invitations import invite_members
from eventreg.services.links import personal_url
from eventreg.services.locks import lock_event
from eventreg.services.registrations import promote_waiting

log = logging.getLogger(__name__)

#: The audit log's word for deleting a draft; feeds read it to know when an event vanished.
DELETED_DRAFT = "tog bort utkastet"

#: Event fields that appear in attendees' calendars, with how a change is told.
#: Details whose change moves the event in calendars, and how the change is told (lazily: each
#: attendee reads it in their own language).
CALENDAR_FIELDS = {
    "title": lambda value: _l("Ny titel: %(value)s", value=value),
    "venue": lambda value: _l("Ny plats: %(value)s", value=value),
    "address": lambda value: _l("Ny adress: %(value)s", value=value),
    "online_url": lambda value: _l("Ny länk till mötet: %(value)s", value=value),
}


@dataclass(frozen=True)
class SessionTimes:
    """A session as a form gives it; ``id`` names an existing session being edited."""

    starts_at: datetime
    ends_at: datetime
    label: str = ""
    id: int | None = None


def check_schedule(event: Event, sessions: list[SessionTimes]) -> None:
    """The rules on times.

    :raise InvalidEvent: with the field that breaks a rule.
    """
    if not sessions:
        raise InvalidEvent("Lägg till minst ett tillfälle.", field="sessions")
    for session in sessions:
        if session.ends_at <= session.starts_at:
            raise InvalidEvent("Sluttiden måste vara efter starttiden.", field="sessions")
    first_day = min(s.starts_at for s in sessions).astimezone(STOCKHOLM).date()
    if event.registration_deadline >= first_day:
        raise InvalidEvent(
            "Sista anmälningsdag måste vara före dagen för första tillfället "
            f"({formatting.long_date(first_day, weekday=False)}).",
            field="registration_deadline",
        )
    if (
        event.registration_opens_at
        and event.registration_opens_at.astimezone(STOCKHOLM).date() > event.registration_deadline
    ):
        raise InvalidEvent(
            "Anmälan måste öppna senast sista anmälningsdagen.", field="registration_opens"
        )


def _set_span(event: Event) -> None:
    event.first_start = min(s.starts_at for s in event.sessions)
    event.last_end = max(s.ends_at for s in event.sessions)


def create_event(sessions: list[SessionTimes], actor: User | None = None, **details) -> Event:
    """A new draft event with its sessions.

    :raise InvalidEvent: when the details break a rule.
    """
    event = Event(**details)
    check_schedule(event, sessions)
    event.sessions = [
        EventSession(starts_at=s.starts_at, ends_at=s.ends_at, label=s.label) for s in sessions
    ]
    _set_span(event)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "skapade", event)
    return event


def _confirmed_count(event: Event) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )


def _span(session: EventSession | SessionTimes) -> LazyString:
    """A session's time, written when read: in the language of whoever reads it."""
    return LazyString(formatting.time_span, session.starts_at, session.ends_at)


def update_event(
    event_id: int, sessions: list[SessionTimes], actor: User | None = None, **details
) -> Event:
    """Save an edit; attendees of a published event hear of changes to their calendars.

    :raise InvalidEvent: when the details break a rule; nothing is changed then.
    """
    event = lock_event(event_id)
    capacity = details.get("capacity", event.capacity)
    confirmed = _confirmed_count(event)
    if capacity is not None and capacity < confirmed:
        raise InvalidEvent(
            f"Det finns redan {confirmed} bekräftade deltagare. Ange minst {confirmed} platser, "
            "eller avboka deltagare först.",
            field="capacity",
        )
    more_seats = event.capacity is not None and (capacity is None or capacity > event.capacity)
    changes = [
        told(details[field] or _l("(ingen)"))
        for field, told in CALENDAR_FIELDS.items()
        if field in details and details[field] != getattr(event, field)
    ]
    whole_event_changed = bool(changes)
    for field, value in details.items():
        setattr(event, field, value)
    event.updated_at = utcnow()  # also for session changes: calendar feeds use it
    check_schedule(event, sessions)

    existing = {session.id: session for session in event.sessions}
    kept = {spec.id for spec in sessions if spec.id in existing}
    removed = [session for session in event.sessions if session.id not in kept]
    touched: list[EventSession] = []  # sessions whose calendar entry must be sent again
    for spec in sessions:
        session = existing.get(spec.id)
        if session is None:
            session = EventSession(starts_at=spec.starts_at, ends_at=spec.ends_at, label=spec.label)
            event.sessions.append(session)
            changes.append(_l("Nytt tillfälle: %(when)s", when=_span(spec)))
        elif (session.starts_at, session.ends_at) != (spec.starts_at, spec.ends_at):
            changes.append(
                _l(
                    "Ny tid: %(when)s (tidigare %(before)s)",
                    when=_span(spec),
                    before=_span(session),
                )
            )
        elif session.label != spec.label:
            changes.append(
                _l(
                    "Ny rubrik: %(label)s (tidigare %(before)s)",
                    label=spec.label or _l("(ingen)"),
                    before=session.label or _l("(ingen)"),
                )
            )
        elif not whole_event_changed:
            continue
        session.starts_at, session.ends_at, session.label = spec.starts_at, spec.ends_at, spec.label
        touched.append(session)
    if whole_event_changed:
        touched = [session for session in event.sessions if session not in removed]
    changes += [_l("Inställt tillfälle: %(when)s", when=_span(s)) for s in removed]
    for session in [*touched, *removed]:
        if session.id is not None:  # a new session starts at SEQUENCE 0
            session.sequence += 1
    event.sessions.sort(key=lambda session: session.starts_at)
    db.session.flush()

    if event.status == EventStatus.PUBLISHED and changes:
        _tell_attendees_of_change(event, changes, touched, removed)
    for session in removed:
        event.sessions.remove(session)
    _set_span(event)
    db.session.flush()
    if event.status == EventStatus.PUBLISHED and more_seats:
        promote_waiting(event)
    audit.record(actor, "ändrade", event, "; ".join(str(change) for change in changes))
    return event


def _active_registrations(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .order_by(Registration.id)
        )
    )


def _tell_attendees_of_change(
    event: Event, changes: list[str], touched: list[EventSession], removed: list[EventSession]
) -> None:
    """Seated people get the changes with fresh invites; the waiting list gets the news only."""
    items = [(session, REQUEST) for session in touched] + [(s, CANCEL) for s in removed]
    leave_urls = compose.leave_urls(event)
    for registration in _active_registrations(event):
        seated = registration.status == RegistrationStatus.CONFIRMED
        compose.queue_change(
            registration, personal_url(registration), changes, items if seated else [], leave_urls
        )


def publish_event(event: Event, actor: User | None = None) -> Event:
    """Show the event in the calendar and open sign-up; a network's members are invited."""
    if event.status == EventStatus.CANCELLED:
        raise InvalidEvent("Ett inställt evenemang kan inte publiceras.")
    event.status = EventStatus.PUBLISHED
    db.session.flush()
    audit.record(actor, "publicerade", event)
    if event.network_id is not None:
        invite_members(event, actor)
    return event


def unpublish_event(event: Event, actor: User | None = None) -> Event:
    """Back to draft, hidden from the calendar; only while nobody is registered.

    :raise InvalidEvent: when people are registered (cancel the event instead).
    """
    if _active_registrations(event):
        raise InvalidEvent(
            "Det finns anmälda deltagare. Ställ in evenemanget i stället, så får de besked."
        )
    event.status = EventStatus.DRAFT
    db.session.flush()
    audit.record(actor, "avpublicerade", event)
    return event


def duplicate_event(event: Event, actor: User | None = None) -> Event:
    """A draft copy with the same details and times, to move to next term and publish."""
    columns = [
        c.key
        for c in Event.__table__.columns
        if c.key not in {"id", "status", "created_at", "updated_at"}
    ]
    copy = Event(**{key: getattr(event, key) for key in columns}, status=EventStatus.DRAFT)
    copy.sessions = [
        EventSession(starts_at=s.starts_at, ends_at=s.ends_at, label=s.label)
        for s in event.sessions
    ]
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "kopierade", copy, f"från evenemang {event.id}")
    return copy


def cancel_event(event_id: int, message: str, actor: User | None = None) -> Event:
    """Cancel the event: every registered person is told, and entries leave their calendars."""
    event = lock_event(event_id)
    if event.status == EventStatus.CANCELLED:
        return event
    event.status = EventStatus.CANCELLED
    for session in event.sessions:
        session.sequence += 1
    leave_urls = compose.leave_urls(event)
    for registration in _active_registrations(event):
        compose.queue_event_cancelled(
            registration,
            personal_url(registration),
            message.strip(),
            had_seat=registration.status == RegistrationStatus.CONFIRMED,
            leave_urls=leave_urls,
        )
    db.session.flush()
    audit.record(actor, "ställde in", event, message.strip()[:500])
    return event


def delete_draft(event: Event, actor: User | None = None) -> None:
    """:raise InvalidEvent: unless the event is a draft that nobody has signed up for."""
    has_registrations = db.session.scalar(
        select(func.count()).where(Registration.event_id == event.id)
    )
    if event.status != EventStatus.DRAFT or has_registrations:
        raise InvalidEvent("Bara utkast som ingen har anmält sig till kan tas bort.")
    audit.record(actor, DELETED_DRAFT, None, f"{event.title} (evenemang {event.id})")
    db.session.delete(event)
    db.session.flush()
