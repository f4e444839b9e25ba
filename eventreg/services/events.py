"""Creating, changing, publishing and cancelling events; the rules every event must keep.

A change to a published event that moves it in people's calendars (times, sessions, place,
meeting link, title) raises the SEQUENCE of the sessions concerned and mails everyone registered
what changed; every calendar holding a changed session gets it again, invited members who have
not answered included, and a removed session is cancelled in them. Edits that change nothing in
a calendar send nothing.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventreg import audit, formatting
from eventreg.calendar import entry_text, session_summary
from eventreg.errors import InvalidEvent
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.mail.changes import Change, describe
from eventreg.models import (
    AttendanceMode,
    Event,
    EventSession,
    EventStatus,
    Invitation,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import audiences, calendar_entries, plans
from eventreg.services.calendar_entries import Holder
from eventreg.services.invitations import invite_members
from eventreg.services.locks import lock_event
from eventreg.services.registrations import modes_of, promote_waiting, taken_seats

log = logging.getLogger(__name__)

#: The audit log's word for deleting a draft; feeds read it to know when an event vanished.
DELETED_DRAFT = "tog bort utkastet"

#: Details whose change moves the event in calendars (mail.changes has the words for each).
CALENDAR_FIELDS = ("title", "venue", "address", "online_url")
#: Where people choose on site or online, the changes that are none of a way's business: the
#: place for those online, the link for those on site (their entries do not show it).
NOT_FOR = {AttendanceMode.ONSITE: {"online_url"}, AttendanceMode.ONLINE: {"venue", "address"}}


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
    first_day = _first_day(sessions)
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


def _first_day(sessions: list[SessionTimes]) -> date:
    return min(s.starts_at for s in sessions).astimezone(STOCKHOLM).date()


def _set_span(event: Event) -> None:
    event.first_start = min(s.starts_at for s in event.sessions)
    event.last_end = max(s.ends_at for s in event.sessions)


def create_event(sessions: list[SessionTimes], actor: User | None = None, **details) -> Event:
    """A new draft event with its sessions.

    :raise InvalidEvent: when the details break a rule.
    """
    event = Event(**details)
    check_schedule(event, sessions)
    plans.check_focus_area(event.focus_area_id, _first_day(sessions))
    audiences.settle_audience(event)
    event.sessions = [
        EventSession(starts_at=s.starts_at, ends_at=s.ends_at, label=s.label) for s in sessions
    ]
    _set_span(event)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "skapade", event)
    return event


def _span(session: EventSession | SessionTimes) -> tuple[datetime, datetime]:
    return (session.starts_at, session.ends_at)


def _apply_sessions(event: Event, specs: list[SessionTimes]) -> tuple[list, list, list]:
    """Make the event's sessions those of the form, and tell what changed.

    :return: what people are told, the sessions removed (deleted at the next flush) and the
        sessions added (without an id until then).
    """
    existing = {session.id: session for session in event.sessions}
    told, new = [], []
    for spec in specs:
        session = existing.pop(spec.id, None)
        if session is None:
            session = EventSession(starts_at=spec.starts_at, ends_at=spec.ends_at, label=spec.label)
            new.append(session)
            told.append(Change("new_session", {"when": _span(spec)}))
            continue
        if (session.starts_at, session.ends_at) != (spec.starts_at, spec.ends_at):
            told.append(Change("new_time", {"when": _span(spec), "before": _span(session)}))
        if session.label != spec.label:
            told.append(Change("new_label", {"label": spec.label, "before": session.label}))
        session.starts_at, session.ends_at, session.label = spec.starts_at, spec.ends_at, spec.label
    removed = list(existing.values())
    told += [Change("removed_session", {"when": _span(session)}) for session in removed]
    kept = [session for session in event.sessions if session not in removed]
    event.sessions = sorted([*kept, *new], key=lambda session: session.starts_at)
    return told, removed, new


def update_event(
    event_id: int, sessions: list[SessionTimes], actor: User | None = None, **details
) -> Event:
    """Save an edit; everyone holding the event in their calendar hears of changes to it.

    Every session whose entry reads differently afterwards is sent again (a new title, place or
    time, or its number "(2/3)" when a session is added or removed); a removed session is
    cancelled in every calendar holding it. The mail lists the sessions as they are now.

    :raise InvalidEvent: when the details break a rule; nothing is changed then.
    """
    event = lock_event(event_id)
    more_seats = _check_seats(event, details)
    before = {session.id: entry_text(session) for session in event.sessions}
    titles = {session: session_summary(session) for session in event.sessions}
    held = calendar_entries.holders(event)
    changes = [
        Change(field, {"value": details[field]})
        for field in CALENDAR_FIELDS
        if field in details and details[field] != getattr(event, field)
    ]
    tagged = (event.focus_area_id, event.first_start.astimezone(STOCKHOLM).date())
    audience = event.audience_id
    for field, value in details.items():
        setattr(event, field, value)
    event.updated_at = utcnow()  # also for session changes: calendar feeds use it
    check_schedule(event, sessions)
    if (event.focus_area_id, _first_day(sessions)) != tagged:  # an old tag stays as it was
        plans.check_focus_area(event.focus_area_id, _first_day(sessions))
    if {"audience", "audience_id"} & details.keys():
        if "audience_id" not in details:  # a typed audience replaces a listed one
            event.audience_id = None
        audiences.settle_audience(event, kept=audience)
    told, removed, new = _apply_sessions(event, sessions)
    changes += told
    cancelled = calendar_entries.cancel_for_everyone(
        {session: titles[session] for session in removed}, held
    )
    _set_span(event)
    db.session.flush()  # new sessions get their ids (UIDs); removed ones are deleted
    changed = [
        session
        for session in event.sessions
        if session.id in before and before[session.id] != entry_text(session)
    ]
    updated = calendar_entries.update_for_everyone(changed, new, held)
    if event.status == EventStatus.PUBLISHED and changes:
        _tell_holders(event, changes, _merge(updated, cancelled))
    if event.status == EventStatus.PUBLISHED and more_seats:
        promote_waiting(event, *more_seats)
    audit.record(actor, "ändrade", event, "; ".join(describe(change) for change in changes))
    return event


def _check_seats(event: Event, details: dict) -> list[AttendanceMode | None]:
    """The ways of taking part that get more seats (their waiting lists move up).

    :raise InvalidEvent: for fewer seats than are taken, or for turning the choice between on
        site and online on or off once people have signed up (their seats and invites are in
        one way or the other).
    """
    choose_mode = details.get("choose_mode", event.choose_mode)
    if choose_mode != event.choose_mode and _active_registrations(event):
        raise InvalidEvent(
            "Det finns redan anmälda, så det går inte att ändra om deltagarna väljer på plats "
            "eller digitalt. Gör ett nytt evenemang, eller avboka deltagarna först.",
            field="choose_mode",
        )
    taken = taken_seats(event.id)
    more = []
    for mode in modes_of(event):
        field = "online_capacity" if mode == AttendanceMode.ONLINE else "capacity"
        before, after = getattr(event, field), details.get(field, getattr(event, field))
        seated = taken.get(mode, 0)
        if after is not None and after < seated:
            raise InvalidEvent(
                f"Det finns redan {seated} bekräftade deltagare. Ange minst {seated} platser, "
                "eller avboka deltagare först.",
                field=field,
            )
        if before is not None and (after is None or after > before):
            more.append(mode)
    return more


def _merge(*told: dict[str, Holder]) -> dict[str, Holder]:
    """Each holder once, with every item for them in the order of the sessions."""
    merged: dict[str, Holder] = {}
    for holders in told:
        for email, holder in holders.items():
            if email in merged:
                merged[email].items += holder.items
            else:
                merged[email] = holder
    return merged


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


def _invitations(holders: Iterable[Holder]) -> list[tuple[Invitation, Holder]]:
    """The invitations behind holders who have no registration, loaded in one query."""
    waiting = {holder.invitation_id: holder for holder in holders if holder.invitation_id}
    if not waiting:
        return []
    found = db.session.scalars(
        select(Invitation)
        .where(Invitation.id.in_(waiting))
        .options(selectinload(Invitation.member))
        .order_by(Invitation.id)
    )
    return [(invitation, waiting[invitation.id]) for invitation in found]


def _tell_holders(event: Event, changes: list[Change], told: dict[str, Holder]) -> None:
    """Everyone registered hears of the change, the seated with their entries sent again;
    invited members who have not answered get their entries and their answer links."""
    for registration in _active_registrations(event):
        holder = told.pop(registration.email, None)
        theirs = [c for c in changes if c.what not in NOT_FOR.get(registration.mode, ())]
        if theirs:
            compose.queue_change(registration, theirs, holder.items if holder else [])
    for invitation, holder in _invitations(told.values()):
        compose.queue_invitation_change(invitation, event, changes, holder.items)


def publish_event(event_id: int, actor: User | None = None) -> Event:
    """Show the event in the calendar and open sign-up; a network's members are invited."""
    event = lock_event(event_id)
    if event.status == EventStatus.CANCELLED:
        raise InvalidEvent("Ett inställt evenemang kan inte publiceras.")
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()  # watch lists tell of it from now
    db.session.flush()
    audit.record(actor, "publicerade", event)
    if event.network_id is not None:
        invite_members(event, actor)
    return event


def unpublish_event(event_id: int, actor: User | None = None) -> Event:
    """Back to draft, hidden from the calendar; only while nobody is registered or invited.

    :raise InvalidEvent: when people are registered, or hold an invitation in their calendar
        (cancel the event instead: then they are told, and it leaves their calendars).
    """
    event = lock_event(event_id)  # a sign-up in progress comes first, and is seen
    if _active_registrations(event):
        raise InvalidEvent(
            "Det finns anmälda deltagare. Ställ in evenemanget i stället, så får de besked."
        )
    if calendar_entries.holders(event):
        raise InvalidEvent(
            "Inbjudningar har skickats och finns i medlemmarnas kalendrar. Ställ in träffen i "
            "stället, så får de besked och den försvinner ur kalendrarna."
        )
    event.status = EventStatus.DRAFT
    db.session.flush()
    audit.record(actor, "avpublicerade", event)
    return event


def duplicate_event(event_id: int, actor: User | None = None) -> Event:
    """A draft copy with the same details and times, to move to next term and publish.

    :raise InvalidEvent: when there is no such event.
    """
    event = db.session.get(Event, event_id)
    if event is None:
        raise InvalidEvent("Evenemanget finns inte.")
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
    """Cancel the event: everyone registered is told, and it leaves every calendar holding it
    (invited members who have not answered included)."""
    event = lock_event(event_id)
    if event.status == EventStatus.CANCELLED:
        return event
    titles = {session: session_summary(session) for session in event.sessions}
    told = calendar_entries.cancel_for_everyone(titles, calendar_entries.holders(event))
    event.status = EventStatus.CANCELLED
    message = message.strip()
    for registration in _active_registrations(event):
        holder = told.pop(registration.email, None)
        compose.queue_event_cancelled(registration, message, holder.items if holder else [])
    for invitation, holder in _invitations(told.values()):
        compose.queue_invitation_cancelled(invitation, event, message, holder.items)
    db.session.flush()
    audit.record(actor, "ställde in", event, message[:500])
    return event


def delete_draft(event_id: int, actor: User | None = None) -> Event:
    """:raise InvalidEvent: unless the event is a draft that nobody has signed up for."""
    event = lock_event(event_id)
    has_registrations = db.session.scalar(
        select(func.count()).where(Registration.event_id == event.id)
    )
    if event.status != EventStatus.DRAFT or has_registrations:
        raise InvalidEvent("Bara utkast som ingen har anmält sig till kan tas bort.")
    audit.record(actor, DELETED_DRAFT, None, f"{event.title} (evenemang {event.id})")
    db.session.delete(event)
    db.session.flush()
    return event
