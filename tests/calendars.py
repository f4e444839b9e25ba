"""People's calendars, as a strict client keeps them from the iTIP mail they receive.

What eventreg must get right is not each message but what every calendar ends up holding. This
client applies RFC 5546 as the strictest real clients do: it remembers the highest SEQUENCE it
has seen for each UID (also after a CANCEL took the entry away), takes a REQUEST only with a
higher SEQUENCE, or the same one and a DTSTAMP no older for an entry it still shows, and a
CANCEL only with a higher one.
"""

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr

import icalendar
from helpers import calendar_part


@dataclass
class Entry:
    sequence: int
    stamp: object
    summary: str
    start: object
    end: object
    location: str
    partstat: str
    #: False once a CANCEL took it away (the UID's SEQUENCE is still remembered).
    shown: bool = True


@dataclass
class Calendars:
    """Every recipient's calendar: address → UID → entry."""

    held: dict[str, dict[str, Entry]] = field(default_factory=dict)
    #: Messages a strict client threw away: (address, method, UID, SEQUENCE, held SEQUENCE).
    ignored: list[tuple] = field(default_factory=list)

    def receive(self, mails: list[EmailMessage]) -> None:
        for mail in mails:
            part = calendar_part(mail)
            if part is None:
                continue
            address = parseaddr(str(mail["To"]))[1].lower()
            cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
            for vevent in cal.walk("VEVENT"):
                self._apply(address, str(cal["METHOD"]), vevent)

    def _apply(self, address: str, method: str, vevent) -> None:
        uid, sequence = str(vevent["UID"]), int(vevent.get("SEQUENCE", 0))
        stamp = vevent.decoded("DTSTAMP")
        calendar = self.held.setdefault(address, {})
        known = calendar.get(uid)
        if method == "CANCEL":
            if known is None or sequence <= known.sequence:
                self.ignored.append((address, method, uid, sequence, known and known.sequence))
                return
            known.sequence, known.stamp, known.shown = sequence, stamp, False
            return
        if known is not None and (
            sequence < known.sequence
            or (sequence == known.sequence and (stamp < known.stamp or not known.shown))
        ):
            self.ignored.append((address, method, uid, sequence, known.sequence))
            return
        calendar[uid] = Entry(
            sequence=sequence,
            stamp=stamp,
            summary=str(vevent["SUMMARY"]),
            start=vevent.decoded("DTSTART"),
            end=vevent.decoded("DTEND"),
            location=str(vevent.get("LOCATION", "")),
            partstat=vevent["ATTENDEE"].params["PARTSTAT"],
        )

    def shows(self, address: str) -> dict[str, tuple]:
        """What the person's calendar shows: UID → (title, start, end, their answer)."""
        return {
            uid: (entry.summary, entry.start, entry.end, entry.partstat)
            for uid, entry in self.held.get(address, {}).items()
            if entry.shown
        }


def truth(event, partstat: str = "ACCEPTED") -> dict[str, tuple]:
    """What a calendar holding the event should show now: each session as it is."""
    from eventreg.calendar import session_summary, session_uid

    return {
        session_uid(session): (
            session_summary(session),
            session.starts_at,
            session.ends_at,
            partstat,
        )
        for session in event.sessions
    }
