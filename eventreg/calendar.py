"""iCalendar objects: invitations and cancellations for one attendee, and public downloads.

One UID per session, never reused (RFC 5545 3.8.4.7); local times with a VTIMEZONE (3.6.5); an
iTIP message (REQUEST or CANCEL) names one UID only (RFC 5546 1.4), so a course with several
sessions sends several. Which SEQUENCE each message carries is decided in
``services.calendar_entries``.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext

from eventreg import organisation
from eventreg.formatting import STOCKHOLM
from eventreg.models import AttendanceMode, Event, EventSession, EventStatus
from eventreg.models.base import utcnow
from eventreg.urls import external_url


@lru_cache(maxsize=1)
def _stockholm_vtimezone() -> icalendar.Timezone:
    """Europe/Stockholm as the EU rule (last Sunday of March and of October), as Outlook writes it.

    A rule, not a list of dates: icalendar's generated VTIMEZONE lists the changes as multi-valued
    RDATEs, which ical.js (Thunderbird) reads only the first of, putting summer times an hour off.
    """
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Stockholm")
    for kind, name, start, offset_from, offset_to, month in (
        (icalendar.TimezoneDaylight, "CEST", datetime(1970, 3, 29, 2), 1, 2, 3),
        (icalendar.TimezoneStandard, "CET", datetime(1970, 10, 25, 3), 2, 1, 10),
    ):
        observance = kind()
        observance.add("tzname", name)
        observance.add("dtstart", start)
        observance.add("tzoffsetfrom", timedelta(hours=offset_from))
        observance.add("tzoffsetto", timedelta(hours=offset_to))
        observance.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        zone.add_component(observance)
    return zone


def session_uid(session: "EventSession | SessionSnapshot") -> str:
    """The stable UID of a session, e.g. ``session-42@kalendarium.example.se``."""
    host = urlsplit(current_app.config["EVENTREG_BASE_URL"]).hostname or "localhost"
    return f"session-{session.id}@{host}"


def session_summary(session: EventSession) -> str:
    """The title in the calendar: a course's sessions are told apart by number and label."""
    event = session.event
    summary = event.title
    if len(event.sessions) > 1:
        number = event.sessions.index(session) + 1
        summary += f" ({number}/{len(event.sessions)})"
    if session.label:
        summary += f": {session.label}"
    return summary


@dataclass(frozen=True)
class SessionSnapshot:
    """A session as a message about it was decided: its id (the UID), times and label. The
    mail is written later by the worker, when the session may have moved or be gone."""

    id: int
    starts_at: datetime
    ends_at: datetime
    label: str = ""

    @staticmethod
    def to_json(session: "EventSession | SessionSnapshot") -> list:
        return [
            session.id,
            session.starts_at.isoformat(),
            session.ends_at.isoformat(),
            session.label,
        ]

    @classmethod
    def from_json(cls, data: list) -> "SessionSnapshot":
        id_, starts_at, ends_at, label = data
        return cls(id_, datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at), label)


@dataclass(frozen=True)
class CalendarItem:
    """One iTIP message about one session to one attendee (RFC 5546): what it does to their
    entry, and the SEQUENCE and title it carries (decided by services.calendar_entries)."""

    session: EventSession | SessionSnapshot
    #: REQUEST puts the session in the calendar or updates it; CANCEL takes it out.
    method: str
    sequence: int
    #: The entry's title as sent; a session being removed keeps the title it had.
    summary: str
    #: The attendee's PARTSTAT in a REQUEST: ACCEPTED for a seat, NEEDS-ACTION for an invitation.
    partstat: str = "ACCEPTED"

    def to_json(self) -> dict:
        return {
            "session": SessionSnapshot.to_json(self.session),
            "method": self.method,
            "sequence": self.sequence,
            "summary": self.summary,
            "partstat": self.partstat,
        }

    @classmethod
    def from_json(cls, data: dict) -> "CalendarItem":
        return cls(
            SessionSnapshot.from_json(data["session"]),
            data["method"],
            data["sequence"],
            data["summary"],
            data["partstat"],
        )


def entry_text(session: EventSession) -> tuple:
    """What a calendar shows of a session: when it changes, every holder's entry is re-sent.

    The event's summary (in DESCRIPTION) is left out: fixing a typo there moves nothing.
    """
    event = session.event
    return (
        session_summary(session),
        session.starts_at,
        session.ends_at,
        _location(event, with_online_link=True),
        event.online_url,
    )


def _calendar(method: str | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", organisation.current().prodid)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    cal.add_component(_stockholm_vtimezone())
    return cal


def _location(event: Event, *, with_online_link: bool, mode: AttendanceMode | None = None) -> str:
    """The place; for someone taking part online, the link (or "Digitalt" until they have it)."""
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if mode == AttendanceMode.ONLINE:
        return (event.online_url if with_online_link else "") or gettext("Digitalt")
    return place or (event.online_url if with_online_link else "")


def _address(name: str, email: str) -> icalendar.vCalAddress:
    """An ORGANIZER or ATTENDEE. A double quote in the name becomes an apostrophe: inside the
    quoted CN it would need RFC 6868's ^', which vobject and Outlook show as it is."""
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = name.replace('"', "'")
    return address


def _vevent(
    event: Event,
    session: EventSession | SessionSnapshot,
    summary: str,
    sequence: int,
    *,
    with_online_link: bool,
    stamp: datetime,
    mode: AttendanceMode | None = None,
) -> icalendar.Event:
    """A session's VEVENT; ``stamp`` is its DTSTAMP, the moment this version of it was made.
    ``mode``: how the attendee takes part, where the event lets people choose.

    The event is passed in: a session being removed from it no longer points to it.
    """
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(session))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", session.starts_at.astimezone(STOCKHOLM))
    vevent.add("dtend", session.ends_at.astimezone(STOCKHOLM))
    vevent.add("summary", summary)
    vevent.add("sequence", sequence)
    vevent.add("organizer", _address(*current_app.config["MAIL_DEFAULT_SENDER"]))
    vevent.add("contact", f"{event.contact_name}, {event.contact_email}")
    if with_online_link and event.online_url:
        vevent.add("url", event.online_url)
    location = _location(event, with_online_link=with_online_link, mode=mode)
    if location:
        vevent.add("location", location)
    return vevent


def attendee_message(
    event: Event,
    attendee: tuple[str, str],
    item: CalendarItem,
    footer: str,
    mode: AttendanceMode | None = None,
) -> str:
    """A REQUEST (invite or update) or CANCEL of one session, addressed to one attendee.

    ``footer`` ends the description: the personal link, or the links to answer an invitation.
    ``mode``: on site or online, where the event lets the attendee choose.
    """
    seated = item.method == "REQUEST" and item.partstat == "ACCEPTED"
    with_link = seated and mode != AttendanceMode.ONSITE  # on site: the address is enough
    vevent = _vevent(
        event,
        item.session,
        item.summary,
        item.sequence,
        with_online_link=with_link,
        stamp=utcnow(),
        mode=mode,
    )
    address = _address(*attendee)
    address.params["ROLE"] = "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = item.partstat if item.method == "REQUEST" else "DECLINED"
    # Answers pressed in a calendar come to the ORGANIZER, the Kalendarium's own mailbox; ask
    # for them only where that mailbox is read (services.calendar_replies).
    address.params["RSVP"] = "TRUE" if replies_are_read() else "FALSE"
    vevent.add("attendee", address)
    contact = gettext(
        "Kontaktperson: %(name)s, %(email)s", name=event.contact_name, email=event.contact_email
    )
    if item.method == "CANCEL":
        vevent.add("status", "CANCELLED")
        vevent.add("description", "\n\n".join((footer, contact)))
    else:
        vevent.add("status", "CONFIRMED")
        lines = [event.summary] if event.summary else []
        if event.online_url and with_link:
            lines.append(gettext("Länk till mötet: %(url)s", url=event.online_url))
        lines += [footer, contact]
        vevent.add("description", "\n\n".join(lines))
    cal = _calendar(item.method)
    cal.add_component(vevent)
    return cal.to_ical().decode()


def replies_are_read() -> bool:
    """Whether the Kalendarium's mailbox is read, so that answers from calendars count."""
    return bool(current_app.config["IMAP_SERVER"])


@dataclass(frozen=True)
class Reply:
    """An answer from an attendee's calendar (RFC 5546 3.2.3): their PARTSTAT for one UID."""

    uid: str
    sequence: int
    #: The ATTENDEE's address, lower case.
    attendee: str
    partstat: str


def read_reply(text: str) -> Reply | None:
    """The answer in an iTIP REPLY with one attendee, or None for anything else.

    The text comes from anyone who can send mail, so whatever the parser cannot read is
    simply not an answer.
    """
    try:
        cal = icalendar.Calendar.from_ical(text)
        if str(cal.get("METHOD", "")).upper() != "REPLY":
            return None
        vevent = next(iter(cal.walk("VEVENT")), None)
        attendee = vevent.get("ATTENDEE") if vevent is not None else None
        if attendee is None or isinstance(attendee, list):
            return None
        address = str(attendee)
        if not address.lower().startswith("mailto:"):
            return None
        return Reply(
            uid=str(vevent["UID"]),
            sequence=int(vevent.get("SEQUENCE", 0)),
            attendee=address[len("mailto:") :].strip().lower(),
            partstat=str(attendee.params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def session_id_from_uid(uid: str) -> int | None:
    """The session a UID of ours names (see :func:`session_uid`), or None."""
    host = urlsplit(current_app.config["EVENTREG_BASE_URL"]).hostname or "localhost"
    found = re.fullmatch(rf"session-(\d{{1,15}})@{re.escape(host)}", uid.strip(), re.IGNORECASE)
    return int(found.group(1)) if found else None


def _published(session: EventSession) -> icalendar.Event:
    """A session as the public files show it: the invite's UID, SEQUENCE and ORGANIZER, so that a
    calendar holding the invite takes the file for the same entry and never for a newer one;
    no attendee and no meeting link. A cancelled event says INSTÄLLT in its title too, since
    some clients ignore STATUS. Stamped with the event's last change, not the clock, so that
    an unchanged file is the same bytes (a feed's ETag holds)."""
    event = session.event
    cancelled = event.status == EventStatus.CANCELLED
    summary = session_summary(session)
    vevent = _vevent(
        event,
        session,
        f"INSTÄLLT: {summary}" if cancelled else summary,
        session.sequence,
        with_online_link=False,
        stamp=event.updated_at,
    )
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if event.summary:
        vevent.add("description", event.summary)
    return vevent


def public_calendar(event: Event) -> str:
    """Every session of an event, for "Lägg till i kalender"."""
    cal = _calendar("PUBLISH")
    for session in event.sessions:
        cal.add_component(_published(session))
    return cal.to_ical().decode()


def feed(events: list[Event], name: str) -> str:
    """A subscribable calendar (webcal): every session of the events, cancelled ones marked."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(timedelta(hours=1)))
    for event in events:
        for session in event.sessions:
            vevent = _published(session)
            vevent.add("url", external_url("public.event", event_id=event.id))
            cal.add_component(vevent)
    return cal.to_ical().decode()
