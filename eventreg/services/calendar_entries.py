"""Who holds which session in their calendar, and the SEQUENCE each message to them carries.

A calendar ignores a REQUEST or CANCEL whose SEQUENCE is below the one it holds, and may ignore
one with the same SEQUENCE (RFC 5546 2.1.4 and 2.1.5). So, for each session (one UID):

- A change to the session (time, place, title, its number in a course, cancellation) raises its
  SEQUENCE above anything sent for it, and goes to everyone who holds it.
- One person's own CANCEL (they cancel, or decline an invitation) carries one more than they
  hold. Nobody else is told, so nobody else's entry changes.
- A REQUEST that puts the session in a calendar, when someone has had a CANCEL before (this
  person or another), carries more than anything sent for the UID to anyone.
- One person's own change (they switch between on site and online, so their entry gets another
  place or link) carries one more than they hold, and goes to them only.
- Sending someone what they hold again (a reminder, a change in their answer) carries what they
  hold: it is not an update.

Services call these functions under the event's lock and pass the items to ``mail.compose``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from eventreg.calendar import CalendarItem, session_summary
from eventreg.extensions import db
from eventreg.models import CalendarEntry, EntryState, Event, EventSession, PartStat

REQUEST = "REQUEST"
CANCEL = "CANCEL"


@dataclass
class Holder:
    """Someone who holds sessions of an event, and the messages their calendar must get."""

    email: str
    registration_id: int | None
    invitation_id: int | None
    partstat: PartStat
    items: list[CalendarItem] = field(default_factory=list)


def _entries(sessions: Iterable[EventSession], email: str | None = None) -> list[CalendarEntry]:
    ids = [session.id for session in sessions if session.id is not None]
    if not ids:
        return []
    query = select(CalendarEntry).where(CalendarEntry.session_id.in_(ids))
    if email is not None:
        query = query.where(CalendarEntry.email == email)
    return list(db.session.scalars(query))


def _first_sequence(session: EventSession, entry: CalendarEntry | None) -> int:
    """The SEQUENCE of a REQUEST putting the session in a calendar that does not hold it."""
    sequence = session.sequence
    if session.highest_sequence > session.sequence:  # someone had a CANCEL, or went above
        sequence = session.highest_sequence + 1
    if entry is not None:  # back after a CANCEL or a decline: above what they last had
        sequence = max(sequence, entry.sequence + 1)
    return sequence


def _sent(session: EventSession, sequence: int) -> None:
    # Only a higher one is written: setting the same value would still have the commit's flush
    # look the session over, on every sign-up that takes a seat.
    if sequence > session.highest_sequence:
        session.highest_sequence = sequence


@cache
def _insert_new(dialect: str):
    """Entries for sessions a person holds nothing of, in one statement built once; those they
    have an entry for already are left for :func:`offer` to decide on."""
    table = CalendarEntry.__table__
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    return insert.on_conflict_do_nothing(index_elements=["session_id", "email"]).returning(
        table.c.session_id
    )


def offer(
    sessions: Sequence[EventSession],
    email: str,
    *,
    partstat: PartStat,
    registration_id: int | None = None,
    invitation_id: int | None = None,
) -> list[CalendarItem]:
    """REQUESTs that put the sessions in a person's calendar, or send them what they hold again
    (with ``partstat`` as it now is: an invited member who accepts becomes ACCEPTED).

    Most often the person holds nothing yet (a new sign-up): their entries are written in one
    statement, and only where they had an entry before is it read and decided on.
    """
    if not sessions:
        return []
    first = {session.id: _first_sequence(session, None) for session in sessions}
    new = set(
        db.session.scalars(
            _insert_new(db.session.get_bind().dialect.name),
            [
                {
                    "session_id": session.id,
                    "email": email,
                    "sequence": first[session.id],
                    "state": EntryState.HELD,
                    "partstat": partstat,
                    "registration_id": registration_id,
                    "invitation_id": invitation_id,
                }
                for session in sessions
            ],
        )
    )
    earlier = {
        entry.session_id: entry
        for entry in _entries([session for session in sessions if session.id not in new], email)
    }
    items = []
    for session in sessions:
        entry = earlier.get(session.id)
        if entry is None:
            sequence = first[session.id]
        elif entry.state == EntryState.HELD:
            sequence = entry.sequence
        else:
            sequence = _first_sequence(session, entry)
        if entry is not None:
            entry.sequence, entry.state, entry.partstat = sequence, EntryState.HELD, partstat
            entry.registration_id = registration_id or entry.registration_id
            entry.invitation_id = invitation_id or entry.invitation_id
        _sent(session, sequence)
        items.append(CalendarItem(session, REQUEST, sequence, session_summary(session), partstat))
    return items


def _one_above(sessions: Sequence[EventSession], email: str) -> list[CalendarEntry]:
    """The entries one person's calendar holds, in the order of the sessions, each raised one
    above what it holds: a message about their own entry, to them only."""
    held = [entry for entry in _entries(sessions, email) if entry.state == EntryState.HELD]
    for entry in held:
        entry.sequence += 1
        _sent(entry.session, entry.sequence)
    return sorted(held, key=lambda entry: entry.session.starts_at)


def withdraw(sessions: Sequence[EventSession], email: str) -> list[CalendarItem]:
    """One person's CANCELs, for the sessions their calendar holds."""
    items = []
    for entry in _one_above(sessions, email):
        entry.state, entry.partstat = EntryState.WITHDRAWN, PartStat.DECLINED
        items.append(
            CalendarItem(entry.session, CANCEL, entry.sequence, session_summary(entry.session))
        )
    return items


def send_again(sessions: Sequence[EventSession], email: str) -> list[CalendarItem]:
    """One person's REQUESTs, for the sessions their calendar holds: their own entry reads
    differently (another place or link), nobody else's."""
    return [
        CalendarItem(
            entry.session, REQUEST, entry.sequence, session_summary(entry.session), entry.partstat
        )
        for entry in _one_above(sessions, email)
    ]


def holders(event: Event) -> dict[str, list[CalendarEntry]]:
    """Who holds sessions of the event now, with their entries: read it before changing any."""
    found: dict[str, list[CalendarEntry]] = {}
    for entry in _entries(event.sessions):
        if entry.state == EntryState.HELD:
            found.setdefault(entry.email, []).append(entry)
    return found


def _holder(email: str, entries: list[CalendarEntry]) -> Holder:
    first = entries[0]
    return Holder(email, first.registration_id, first.invitation_id, first.partstat)


def _raise(session: EventSession) -> None:
    """A change to the session itself: a SEQUENCE above anything sent for it, to anyone."""
    session.sequence = session.highest_sequence + 1
    session.highest_sequence = session.sequence


def cancel_for_everyone(
    sessions: dict[EventSession, str], held: dict[str, list[CalendarEntry]]
) -> dict[str, Holder]:
    """CANCELs of sessions (removed from a course, or the whole event cancelled) for everyone
    who holds them; ``sessions`` maps each to its title as its holders have it."""
    by_id = {session.id: session for session in sessions}
    for session in sessions:
        _raise(session)
    told: dict[str, Holder] = {}
    for email, entries in held.items():
        for entry in entries:
            session = by_id.get(entry.session_id)
            if session is None:
                continue
            entry.sequence, entry.state = session.sequence, EntryState.WITHDRAWN
            holder = told.setdefault(email, _holder(email, entries))
            holder.items.append(CalendarItem(session, CANCEL, session.sequence, sessions[session]))
    return told


def update_for_everyone(
    changed: list[EventSession], new: list[EventSession], held: dict[str, list[CalendarEntry]]
) -> dict[str, Holder]:
    """REQUESTs of sessions whose entry changed, for everyone who holds them, and of sessions
    added to the event, for everyone holding any of its sessions."""
    for session in changed:
        _raise(session)
    told: dict[str, Holder] = {}
    for email, entries in held.items():
        holder = _holder(email, entries)
        by_session = {entry.session_id: entry for entry in entries}
        for session in changed:
            entry = by_session.get(session.id)
            if entry is not None:
                entry.sequence = session.sequence
                holder.items.append(
                    CalendarItem(
                        session, REQUEST, session.sequence, session_summary(session), entry.partstat
                    )
                )
        holder.items += offer(
            new,
            email,
            partstat=holder.partstat,
            registration_id=holder.registration_id,
            invitation_id=holder.invitation_id,
        )
        if holder.items:
            holder.items.sort(key=lambda item: item.session.starts_at)
            told[email] = holder
    return told


def entry(session: EventSession, email: str) -> CalendarEntry | None:
    """What the person's calendar holds of the session, as far as we know."""
    return db.session.scalar(
        select(CalendarEntry).where(
            CalendarEntry.session_id == session.id, CalendarEntry.email == email
        )
    )


def declined(sessions: Sequence[EventSession], email: str) -> None:
    """They declined in their own calendar: the entries are gone there already, so nothing is
    sent, and putting them back later goes above the SEQUENCE they declined."""
    for found in _entries(sessions, email):
        if found.state == EntryState.HELD:
            found.state, found.partstat = EntryState.WITHDRAWN, PartStat.DECLINED
