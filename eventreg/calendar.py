"""iCalendar objects: invitations and cancellations for one attendee, and public downloads.

The rules we follow are in ``shared/reference/calendar-invites.md``: one UID per session, never
reused; SEQUENCE raised on every change or cancellation; local times with a VTIMEZONE; an iTIP
message (REQUEST or CANCEL) names one UID only, so a course with several sessions sends several.
"""

from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext

from eventreg.formatting import STOCKHOLM
from eventreg.models import Event, EventSession, EventStatus
from eventreg.models.base import utcnow
from eventreg.urls import external_url

PRODID = "-//Region Jönköpings län//eventreg Kalendarium//SV"


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


def session_uid(session: EventSession) -> str:
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


def _calendar(method: str | None) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    cal.add_component(_stockholm_vtimezone())
    return cal


def _vevent(session: EventSession, *, with_online_link: bool, stamp: datetime) -> icalendar.Event:
    """A session's VEVENT; ``stamp`` is its DTSTAMP, the moment this version of it was made."""
    event = session.event
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(session))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", session.starts_at.astimezone(STOCKHOLM))
    vevent.add("dtend", session.ends_at.astimezone(STOCKHOLM))
    vevent.add("summary", session_summary(session))
    vevent.add("sequence", session.sequence)
    place = ", ".join(part for part in (event.venue, event.address) if part)
    if with_online_link and event.online_url:
        place = place or event.online_url
        vevent.add("url", event.online_url)
    if place:
        vevent.add("location", place)
    return vevent


def _address(name: str, email: str) -> icalendar.vCalAddress:
    """An ORGANIZER or ATTENDEE. A double quote in the name becomes an apostrophe: inside the
    quoted CN it would need RFC 6868's ^', which vobject and Outlook show as it is."""
    address = icalendar.vCalAddress(f"mailto:{email}")
    address.params["CN"] = name.replace('"', "'")
    return address


def attendee_message(
    attendee: tuple[str, str],
    session: EventSession,
    method: str,
    footer: str,
    partstat: str = "ACCEPTED",
) -> str:
    """A REQUEST (invite or update) or CANCEL of one session, addressed to one attendee.

    ``footer`` ends the description: the personal link, or the links to answer an invitation.
    ``partstat`` is ACCEPTED for someone registered, NEEDS-ACTION for an invited member.
    """
    event = session.event
    vevent = _vevent(
        session, with_online_link=method == "REQUEST" and partstat == "ACCEPTED", stamp=utcnow()
    )
    vevent.add("organizer", _address(event.contact_name, event.contact_email))
    address = _address(*attendee)
    address.params["ROLE"] = "REQ-PARTICIPANT"
    # Replies go through eventreg's links, so the calendar asks for none.
    address.params["PARTSTAT"] = partstat if method == "REQUEST" else "DECLINED"
    address.params["RSVP"] = "FALSE"
    vevent.add("attendee", address)
    if method == "CANCEL":
        vevent.add("status", "CANCELLED")
        vevent.add("description", footer)
    else:
        vevent.add("status", "CONFIRMED")
        lines = [event.summary] if event.summary else []
        if event.online_url and partstat == "ACCEPTED":
            lines.append(gettext("Länk till mötet: %(url)s", url=event.online_url))
        lines.append(footer)
        vevent.add("description", "\n\n".join(lines))
    cal = _calendar(method)
    cal.add_component(vevent)
    return cal.to_ical().decode()


def public_calendar(event: Event) -> str:
    """Every session of an event, for "Lägg till i kalender"; no attendee, no meeting link."""
    cal = _calendar("PUBLISH")
    for session in event.sessions:
        vevent = _vevent(session, with_online_link=False, stamp=event.updated_at)
        if event.summary:
            vevent.add("description", event.summary)
        cal.add_component(vevent)
    return cal.to_ical().decode()


def feed(events: list[Event], name: str) -> str:
    """A subscribable calendar (webcal): every session of the events, cancelled ones marked.

    A feed is public: no attendees and no meeting links. Some clients ignore STATUS, so a
    cancelled session also says INSTÄLLT in its title.
    """
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(timedelta(hours=1)))
    for event in events:
        for session in event.sessions:
            # Stamped with the event's last change, not the clock: an unchanged feed is the
            # same bytes at every poll, so its ETag holds.
            vevent = _vevent(session, with_online_link=False, stamp=event.updated_at)
            vevent.add("url", external_url("public.event", event_id=event.id))
            if event.summary:
                vevent.add("description", event.summary)
            if event.status == EventStatus.CANCELLED:
                vevent["summary"] = icalendar.vText(f"INSTÄLLT: {vevent['summary']}")
                vevent.add("status", "CANCELLED")
            else:
                vevent.add("status", "CONFIRMED")
            cal.add_component(vevent)
    return cal.to_ical().decode()
