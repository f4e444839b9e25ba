"""Creating and publishing events; the rules every event must keep."""

import logging
from dataclasses import dataclass
from datetime import datetime

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import Event, EventSession, EventStatus
from eventreg.services.errors import InvalidEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SessionTimes:
    starts_at: datetime
    ends_at: datetime
    label: str = ""


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
            "Sista anmälningsdag måste vara före dagen för första tillfället.",
            field="registration_deadline",
        )
    if event.capacity is not None and event.capacity < 0:
        raise InvalidEvent("Antalet platser kan inte vara negativt.", field="capacity")


def create_event(sessions: list[SessionTimes], **details) -> Event:
    """A new draft event with its sessions.

    :raise InvalidEvent: when the details break a rule.
    """
    event = Event(**details)
    check_schedule(event, sessions)
    event.sessions = [
        EventSession(starts_at=s.starts_at, ends_at=s.ends_at, label=s.label) for s in sessions
    ]
    event.first_start = min(s.starts_at for s in sessions)
    event.last_end = max(s.ends_at for s in sessions)
    db.session.add(event)
    db.session.flush()
    log.info("%r created", event)
    return event


def publish_event(event: Event) -> Event:
    """Show the event in the calendar and open sign-up (from ``registration_opens_at``)."""
    if event.status == EventStatus.CANCELLED:
        raise InvalidEvent("Ett inställt evenemang kan inte publiceras.")
    event.status = EventStatus.PUBLISHED
    db.session.flush()
    log.info("%r published", event)
    return event
