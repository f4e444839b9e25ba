"""Every rule about registrations: capacity, the waiting list, deadlines and personal links.

Seats are decided under a lock on the event row (``SELECT … FOR UPDATE`` on PostgreSQL; on
SQLite the write transaction begun with ``BEGIN IMMEDIATE``), so two sign-ups for the last seat
are decided one after the other and capacity is never exceeded. Mail is queued in the same
transaction, so a registration and its confirmation are saved together or not at all.
"""

import enum
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, exists, func, insert, select
from sqlalchemy.orm import joinedload

from eventreg import audit
from eventreg.calendar import CalendarItem
from eventreg.errors import EventRegError, InvalidLink, RegistrationClosed
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.models import (
    Answer,
    AttendanceMode,
    CalendarEntry,
    EntryState,
    Event,
    EventSession,
    EventStatus,
    Library,
    PartStat,
    Question,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import one_of, utcnow
from eventreg.models.registrations import SEAT_HOLDERS
from eventreg.services import calendar_entries, questions
from eventreg.services.locks import lock_event, lock_event_row
from eventreg.templating import MODE_LABELS
from eventreg.text import without_control_characters

log = logging.getLogger(__name__)


class SignUpState(enum.StrEnum):
    """What the event page offers a visitor right now."""

    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    WAITING_LIST = "waiting_list"
    #: Open, but only through a network member's invitation.
    INVITED_ONLY = "invited_only"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Applicant:
    """What a person gives when signing up, already checked for shape by the form."""

    name: str
    email: str
    library_id: int | None
    other_workplace: str = ""
    role_title: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    message: str = ""
    #: The language the person signed up in; mail to them is written in it.
    language: str = "sv"
    #: Answers to the event's own questions: the posted values per question id.
    answers: Mapping[int, Sequence[str]] = field(default_factory=dict)
    #: On site or online, where the event lets people choose.
    mode: AttendanceMode | None = None


class SignUpFacts(Protocol):
    """What decides whether an event takes sign-ups: an :class:`Event`, or its
    :data:`SIGN_UP_COLUMNS` read as a row (the sign-up form and the sign-up itself read only
    these)."""

    id: int
    status: str
    capacity: int | None
    choose_mode: bool
    online_capacity: int | None
    registration_deadline: date
    registration_opens_at: datetime | None
    first_start: datetime | None
    invited_only: bool


#: The columns of :class:`SignUpFacts`.
SIGN_UP_COLUMNS = (
    Event.id,
    Event.status,
    Event.capacity,
    Event.choose_mode,
    Event.online_capacity,
    Event.registration_deadline,
    Event.registration_opens_at,
    Event.first_start,
    Event.invited_only,
)


def closes_at(event: SignUpFacts) -> datetime:
    """Sign-up closes at the end of the last day to sign up, or when the event starts."""
    end_of_deadline = datetime.combine(
        event.registration_deadline + timedelta(days=1), time(0), tzinfo=STOCKHOLM
    )
    return min(end_of_deadline, event.first_start) if event.first_start else end_of_deadline


#: Seats taken in each way of taking part (the key None for an event where nobody chooses).
Taken = Mapping[AttendanceMode | None, int]


def modes_of(event: SignUpFacts) -> tuple[AttendanceMode | None, ...]:
    """The ways of taking part that have seats and a waiting list of their own; an event where
    nobody chooses has one, None (everyone gets its place and its link)."""
    return (AttendanceMode.ONSITE, AttendanceMode.ONLINE) if event.choose_mode else (None,)


def mode_in_swedish(mode: AttendanceMode) -> str:
    """For the audit log, which coordinators read in Swedish whoever made the change."""
    with force_locale("sv"):
        return str(MODE_LABELS[mode]).lower()


def capacity_of(event: SignUpFacts, mode: AttendanceMode | None) -> int | None:
    return event.online_capacity if mode == AttendanceMode.ONLINE else event.capacity


def free_seats(event: SignUpFacts, taken: Taken) -> dict[AttendanceMode | None, int | None]:
    """Seats left in each way of taking part; None where there is no limit."""
    free = {}
    for mode in modes_of(event):
        capacity = capacity_of(event, mode)
        free[mode] = None if capacity is None else max(capacity - taken.get(mode, 0), 0)
    return free


def full_modes(event: SignUpFacts, taken: Taken) -> dict[AttendanceMode | None, bool]:
    """Whether each way of taking part is full: a sign-up in it goes to its waiting list."""
    return {mode: free == 0 for mode, free in free_seats(event, taken).items()}


def sign_up_state(
    event: SignUpFacts, taken: Taken, now: datetime | None = None, invited: bool = False
) -> SignUpState:
    """Whether a visitor (or an ``invited`` member) can sign up now, given how many have seats;
    the waiting list only when every way of taking part is full."""
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        return SignUpState.CANCELLED
    if event.status != EventStatus.PUBLISHED or now >= closes_at(event):
        return SignUpState.CLOSED
    if event.invited_only and not invited:
        return SignUpState.INVITED_ONLY
    if event.registration_opens_at and now < event.registration_opens_at:
        return SignUpState.NOT_YET_OPEN
    if all(full_modes(event, taken).values()):
        return SignUpState.WAITING_LIST
    return SignUpState.OPEN


def seats_left(event: SignUpFacts, taken: Taken) -> int | None:
    """Free seats in all, or None when a way of taking part has no limit."""
    free = free_seats(event, taken).values()
    return None if None in free else sum(free)


# Statements that every sign-up runs, built once with their parameters left open: building
# a statement costs more CPU than running it.


#: One way of taking part: its own seats and waiting list (``mode`` None where nobody chooses).
_IN_MODE = Registration.mode.is_not_distinct_from(bindparam("mode"))


def _counting(status: RegistrationStatus) -> Select:
    return select(func.count()).where(
        Registration.event_id == bindparam("event_id"), Registration.status == status, _IN_MODE
    )


_CONFIRMED = select(func.count()).where(
    Registration.event_id == bindparam("event_id"),
    one_of(Registration.status, SEAT_HOLDERS),
    _IN_MODE,
)
_IS_ACTIVE = (
    Registration.event_id == bindparam("event_id"),
    Registration.email == bindparam("email"),
    Registration.status != RegistrationStatus.CANCELLED,
)
_ACTIVE = select(Registration).where(*_IS_ACTIVE)

#: What a sign-up decides on, read in one statement once the event is locked (so none of it
#: can change before the commit): seats taken and the waiting list's length in the way of
#: taking part chosen, the person's own registration if any, whether their calendar holds
#: sessions of the event (from an invitation), and whether the chosen library is one that
#: forms offer.
_SIGN_UP_LOOK = select(
    _CONFIRMED.scalar_subquery().label("confirmed"),
    _counting(RegistrationStatus.WAITLISTED).scalar_subquery().label("waitlisted"),
    select(Registration.id).where(*_IS_ACTIVE).limit(1).scalar_subquery().label("registered"),
    exists()
    .where(
        CalendarEntry.session_id == EventSession.id,
        EventSession.event_id == bindparam("event_id"),
        CalendarEntry.email == bindparam("email"),
        CalendarEntry.state == EntryState.HELD,
    )
    .label("holds_sessions"),
    select(Library.active)
    .where(Library.id == bindparam("library_id"))
    .scalar_subquery()
    .label("library_active"),
    exists().where(Question.event_id == bindparam("event_id")).label("asks"),
)


def confirmed_count(event_id: int, mode: AttendanceMode | None = None) -> int:
    """Seats taken in one way of taking part: the confirmed, and those held for an offer."""
    return db.session.scalar(_CONFIRMED, {"event_id": event_id, "mode": mode})


def _free_in(event: Event, mode: AttendanceMode | None) -> int | None:
    """Seats left now in one way of taking part (None: no limit); under the event's lock."""
    return free_seats(event, {mode: confirmed_count(event.id, mode)})[mode]


def taken_seats(event_id: int) -> dict[AttendanceMode | None, int]:
    return confirmed_counts([event_id]).get(event_id, {})


def confirmed_counts(event_ids: Iterable[int]) -> dict[int, dict[AttendanceMode | None, int]]:
    """Seats taken per event and way of taking part (as :func:`confirmed_count`), in one query
    for a whole listing."""
    counts: dict[int, dict[AttendanceMode | None, int]] = {}
    event_ids = list(event_ids)
    if event_ids:
        rows = db.session.execute(
            select(Registration.event_id, Registration.mode, func.count())
            .where(
                Registration.event_id.in_(event_ids),
                Registration.status.in_(SEAT_HOLDERS),
            )
            .group_by(Registration.event_id, Registration.mode)
        )
        for event_id, mode, count in rows:
            counts.setdefault(event_id, {})[mode] = count
    return counts


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a seat; None when not on the waiting list.

    The position is counted, not stored: the waiting list is ordered by sign-up, so it has no
    gaps however people leave it.
    """
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return db.session.scalar(
        _counting(RegistrationStatus.WAITLISTED).where(Registration.id <= registration.id),
        {"event_id": registration.event_id, "mode": registration.mode},
    )


def active_registration(event_id: int, email: str) -> Registration | None:
    """The person's seat or waiting-list place at the event, if any."""
    return db.session.execute(_ACTIVE, {"event_id": event_id, "email": email}).scalar_one_or_none()


def check_library(library_id: int | None) -> None:
    """:raise EventRegError: unless the workplace is one of the libraries offered in forms."""
    if library_id is not None:
        library = db.session.get(Library, library_id)
        if library is None or not library.active:
            raise _not_a_library()


def _not_a_library() -> EventRegError:
    return EventRegError(_("Välj din arbetsplats i listan."), field="library")


def _one_line(text: str) -> str:
    """Names end up in mail headers and lists: line breaks and runs of spaces become one space,
    and control characters go (not every sign-up comes through a form that filters them)."""
    return " ".join(without_control_characters(text).split())


def details_of(event: Event | Row, applicant: Applicant) -> dict:
    """The person's details as stored: one line each, the needs the event asks for."""
    return {
        "name": _one_line(applicant.name),
        "library_id": applicant.library_id,
        "other_workplace": "" if applicant.library_id else _one_line(applicant.other_workplace),
        "role_title": _one_line(applicant.role_title),
        "dietary_needs": _one_line(applicant.dietary_needs) if event.serves_meal else "",
        "accessibility_needs": _one_line(applicant.accessibility_needs),
        "message": without_control_characters(applicant.message).strip(),
    }


#: The event as a sign-up decides on it (:class:`SignUpFacts`, and what the stored details and
#: the mail need), read as columns under the event's lock.
_SIGN_UP_LOCK = (
    select(
        *SIGN_UP_COLUMNS,
        Event.requires_approval,
        Event.serves_meal,
        Event.contact_name,
        Event.contact_email,
    )
    .where(Event.id == bindparam("event_id"))
    .with_for_update()
)

_INSERT = insert(Registration.__table__).returning(Registration.__table__.c.id)
_INSERT_ANSWER = insert(Answer.__table__)


@dataclass(frozen=True)
class NewRegistration:
    """A registration just saved, as the mail about it needs it (``compose`` reads these
    attributes of a :class:`Registration` too). ``event`` is the locked row, which holds the
    event's contact; or the :class:`Event`, where a seat's calendar entries need its sessions.
    """

    id: int
    name: str
    email: str
    language: str
    event: Row | Event


def register(
    event_id: int, applicant: Applicant, actor: User | None = None, invited: bool = False
) -> Registration:
    """:func:`sign_up`, for callers that go on with the registration: the object, loaded."""
    return db.session.get(Registration, sign_up(event_id, applicant, actor, invited))


def sign_up(
    event_id: int, applicant: Applicant, actor: User | None = None, invited: bool = False
) -> int:
    """Sign a person up: a seat if one is free, else a place on the waiting list; the id of
    their registration.

    Someone already registered gets their personal link mailed again instead of a second
    registration; the caller shows the same page either way, so a stranger cannot tell.
    A coordinator (``actor``) may add people outside the sign-up window, until the event starts;
    an ``invited`` network member may sign up for a meeting that is for invited members only.

    When a course opens, everyone signs up at once: the event is read as a row and the
    registration written with one INSERT, without the ORM's objects (loading and flushing them
    was a third of a sign-up's CPU); objects are loaded only where they are needed.

    :raise RegistrationClosed: when the event does not take sign-ups now.
    :raise EventRegError: when the chosen library does not exist, a way of taking part is
        missing where the event asks for one, or a coordinator adds someone who is already
        registered.
    """
    event = lock_event_row(_SIGN_UP_LOCK, event_id)
    # As an object where it is needed, read anew once (a copy loaded before the lock may be
    # old), with its sessions in the same statement: a seat's invite needs them.
    whole_event = cache(
        lambda: db.session.get(
            Event, event_id, populate_existing=True, options=[joinedload(Event.sessions)]
        )
    )
    now = utcnow()
    email = applicant.email.strip().lower()
    mode = _mode_chosen(event, applicant.mode)
    look = (
        db.session.connection()
        .execute(
            _SIGN_UP_LOOK,
            {
                "event_id": event.id,
                "email": email,
                "library_id": applicant.library_id,
                "mode": mode,
            },
        )
        .one()
    )
    # Whether sign-up is open; the other way's seats decide only between the form and the
    # waiting list, which both take this sign-up.
    state = sign_up_state(event, {mode: look.confirmed}, now, invited)
    if actor is not None:
        _check_coordinator_may_add(whole_event(), now)
    elif state == SignUpState.NOT_YET_OPEN:
        raise RegistrationClosed(_("Anmälan har inte öppnat än."))
    elif state == SignUpState.INVITED_ONLY:
        raise RegistrationClosed(_("Träffen är för inbjudna. Anmäl dig via länken i din inbjudan."))
    elif state not in (SignUpState.OPEN, SignUpState.WAITING_LIST):
        raise RegistrationClosed(_("Anmälan till det här evenemanget är stängd."))
    if applicant.library_id is not None and not look.library_active:
        raise _not_a_library()
    if event.requires_approval and actor is None:  # a coordinator's addition is approved
        status = RegistrationStatus.PENDING
    elif free_seats(event, {mode: look.confirmed})[mode] != 0:
        status = RegistrationStatus.CONFIRMED
    else:
        status = RegistrationStatus.WAITLISTED

    if look.registered is not None and actor is not None:
        raise EventRegError("Den här personen är redan anmäld.", field="email")
    if look.registered is not None:
        _resend_link(db.session.get(Registration, look.registered), now)
        return look.registered

    asks = look.asks or applicant.answers
    # A coordinator adding someone may leave required questions for the person to answer.
    answers = questions.answers_for(event.id, applicant.answers, actor is None) if asks else []
    registration = _write(event, applicant, email, mode, status, answers, now)
    if actor is not None:
        audit.record(actor, "lade till deltagare", whole_event(), f"registrering {registration.id}")
    log.debug("registration %d created for event %d", registration.id, event.id)
    if status == RegistrationStatus.CONFIRMED:
        registration = replace(registration, event=whole_event())  # the invite needs sessions
        compose.queue_confirmation(registration, seat(registration))
        return registration.id
    # An invitation may have put the meeting in their calendar: without a seat, it goes.
    withdrawn = (
        calendar_entries.withdraw(whole_event().sessions, email) if look.holds_sessions else []
    )
    if status == RegistrationStatus.PENDING:
        compose.queue_pending(registration, withdrawn)
    else:
        compose.queue_waitlisted(registration, look.waitlisted + 1, withdrawn)
    return registration.id


def _write(
    event: Row,
    applicant: Applicant,
    email: str,
    mode: AttendanceMode | None,
    status: RegistrationStatus,
    answers: list[Answer],
    now: datetime,
) -> NewRegistration:
    """Insert the registration and its answers, one statement each: through the ORM's unit of
    work they cost about three times as much, on the path everyone takes at once."""
    details = details_of(event, applicant)
    registration_id = (
        db.session.connection()
        .execute(
            _INSERT,
            {
                "event_id": event.id,
                "status": status,
                "email": email,
                "mode": mode,
                **details,
                "consented_at": now,
                "language": applicant.language,
                "confirmed_at": now if status == RegistrationStatus.CONFIRMED else None,
                "link_sent_at": now,
            },
        )
        .scalar_one()
    )
    if answers:
        db.session.connection().execute(
            _INSERT_ANSWER,
            [
                {
                    "registration_id": registration_id,
                    "question_id": answer.question_id,
                    "choice_id": answer.choice_id,
                    "text": answer.text or "",
                }
                for answer in answers
            ],
        )
    return NewRegistration(registration_id, details["name"], email, applicant.language, event)


def mode_with_room(event: Event) -> AttendanceMode | None:
    """For an answer that cannot choose (an invitation accepted in a calendar): on site while it
    has seats, else online while it has, else the waiting list on site."""
    if not event.choose_mode:
        return None
    full = full_modes(event, taken_seats(event.id))
    return next((mode for mode, is_full in full.items() if not is_full), AttendanceMode.ONSITE)


def _mode_chosen(event: SignUpFacts, mode: AttendanceMode | None) -> AttendanceMode | None:
    """:raise EventRegError: when the event lets people choose and none is chosen."""
    if not event.choose_mode:
        return None
    if mode is None:
        raise EventRegError(_("Välj om du deltar på plats eller digitalt."), field="mode")
    return mode


def seat(registration: Registration | NewRegistration) -> list[CalendarItem]:
    """The calendar entries that come with a seat: every session, accepted."""
    return calendar_entries.offer(
        registration.event.sessions,
        registration.email,
        partstat=PartStat.ACCEPTED,
        registration_id=registration.id,
    )


def _check_coordinator_may_add(event: Event, now: datetime) -> None:
    """:raise RegistrationClosed: for drafts, cancelled events and events that have started."""
    if event.status != EventStatus.PUBLISHED:
        raise RegistrationClosed("Publicera evenemanget innan du lägger till deltagare.")
    if event.has_started(now):
        raise RegistrationClosed("Evenemanget har redan börjat.")


def _resend_link(registration: Registration, now: datetime) -> None:
    """Mail the personal link again, at most once per interval so nobody can flood a mailbox.

    Within the interval the mail is written and held back rather than left out: a repeated
    sign-up then costs what a new one does, and its timing tells nobody the address was known.
    """
    interval = timedelta(minutes=current_app.config["LINK_RESEND_INTERVAL_MINUTES"])
    recently = registration.link_sent_at and now - registration.link_sent_at < interval
    if not recently:
        registration.link_sent_at = now
    compose.queue_link_reminder(
        registration,
        waitlist_position(registration),
        held_back=bool(recently),
    )


def send_link_again(event_id: int, email: str) -> str:
    """Someone lost their personal link: mail it again if the address is registered.

    Returns the address as looked up; the caller answers the same whether it was registered or
    not, so nobody learns who is.
    """
    email = email.strip().lower()
    registration = active_registration(event_id, email)
    if registration is not None:
        _resend_link(registration, utcnow())
    return email


def can_change(registration: Registration, now: datetime | None = None) -> bool:
    """Details and answers can be changed until sign-up closes: after that the coordinator's
    lists (food, workshops) are final."""
    event = registration.event
    return (
        registration.status != RegistrationStatus.CANCELLED
        and event.status == EventStatus.PUBLISHED
        and (now or utcnow()) < closes_at(event)
    )


def change_details(registration_id: int, applicant: Applicant) -> Registration:
    """A person changes their details and answers through their personal link (not the
    address: the calendar entries and the link are tied to it). Choice limits count everyone
    else's answers, under the event's lock.

    :raise RegistrationClosed: after sign-up has closed, or for a cancelled registration.
    :raise EventRegError: for a library not in the list, or an answer the questions refuse.
    """
    registration = db.session.get(Registration, registration_id)
    event = lock_event(registration.event_id)
    db.session.refresh(registration)  # as it is now that the event is locked
    if not can_change(registration):
        raise RegistrationClosed(
            _("Det går inte längre att ändra anmälan. Kontakta arrangören om något har ändrats.")
        )
    if applicant.library_id is not None:
        library = db.session.get(Library, applicant.library_id)
        if library is None or not library.active:
            raise _not_a_library()
    answers = questions.answers_for(event.id, applicant.answers, registration_id=registration.id)
    for name, value in details_of(event, applicant).items():
        setattr(registration, name, value)
    registration.answers = answers
    db.session.flush()
    audit.record(None, "anmälan ändrad av deltagaren", event, f"registrering {registration.id}")
    return registration


def other_mode(registration: Registration) -> AttendanceMode | None:
    """The way of taking part the person can switch to, if the event lets people choose."""
    if registration.mode is None:
        return None
    return next(mode for mode in AttendanceMode if mode != registration.mode)


def can_switch_mode(registration: Registration) -> bool:
    """Until the start: someone with a cold may still join online that morning."""
    event = registration.event
    return (
        registration.mode is not None
        and registration.status
        in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
        and event.status == EventStatus.PUBLISHED
        and not event.has_started()
    )


def switch_mode(registration_id: int) -> Registration:
    """Move to the other way of taking part (on site or online) when it has a seat free.

    The seated keep their seat, now in the other way; their calendar gets its entries again with
    the new place or link, and the seat they leave goes to the waiting list of its way. Someone
    waiting gets a seat in the other way at once; a sign-up awaiting approval just changes.

    :raise RegistrationClosed: when the event has begun, or the registration cannot move.
    :raise EventRegError: when the other way is full.
    """
    registration = db.session.get(Registration, registration_id)
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if not can_switch_mode(registration):
        raise RegistrationClosed(_("Det går inte att byta sätt att delta nu. Kontakta arrangören."))
    leaving, mode = registration.mode, other_mode(registration)
    status = registration.status
    seated = status != RegistrationStatus.PENDING  # or waiting for one: a seat in the other way
    if seated and _free_in(event, mode) == 0:
        raise EventRegError(
            _("Det är fullt digitalt just nu.")
            if mode == AttendanceMode.ONLINE
            else _("Det är fullt på plats just nu.")
        )
    registration.mode = mode
    if status == RegistrationStatus.WAITLISTED:
        registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, utcnow()
        db.session.flush()
        compose.queue_promotion(registration, seat(registration))
    elif status == RegistrationStatus.CONFIRMED:
        db.session.flush()
        compose.queue_mode_changed(
            registration, calendar_entries.send_again(event.sessions, registration.email)
        )
        promote_waiting(event, leaving)
    audit.record(
        None,
        "bytte sätt att delta",
        event,
        f"registrering {registration.id}: {mode_in_swedish(leaving)} till {mode_in_swedish(mode)}",
    )
    return registration


def can_cancel(registration: Registration) -> bool:
    """A person can cancel until the event starts (and not what is already cancelled)."""
    event = registration.event
    return (
        registration.status != RegistrationStatus.CANCELLED
        and event.status != EventStatus.CANCELLED
        and not event.has_started()
    )


def cancel_registration(
    registration_id: int, actor: User | None = None, declined_in_calendar: bool = False
) -> Registration:
    """Cancel a registration; its calendar entries are withdrawn and a freed seat is passed on.

    ``actor`` is the coordinator who cancels on someone's behalf; the mail then says so.
    ``declined_in_calendar``: the person pressed "Decline" in their calendar, which has taken the
    entries out already; the mail confirms the cancellation without a CANCEL.

    :raise RegistrationClosed: when the event has already started.
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise InvalidLink(_("Anmälan finns inte."))
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if event.has_started():
        raise RegistrationClosed(
            _(
                "Evenemanget har redan börjat, så anmälan kan inte avbokas här. "
                "Kontakta arrangören om något har ändrats."
            )
        )
    was_confirmed = registration.status in SEAT_HOLDERS
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    if declined_in_calendar:
        calendar_entries.declined(event.sessions, registration.email)
        withdrawn = []
    else:
        withdrawn = calendar_entries.withdraw(event.sessions, registration.email)
    compose.queue_cancellation(
        registration,
        withdrawn,
        by_coordinator=actor is not None,
        by_calendar=declined_in_calendar,
    )
    if actor is not None:
        audit.record(actor, "avbokade deltagare", event, f"registrering {registration.id}")
    log.info("%r cancelled", registration)
    if was_confirmed:
        promote_waiting(event, registration.mode)
    return registration


def give_seat(registration_id: int, actor: User) -> Registration:
    """A coordinator gives someone on the waiting list a seat now, adding one if the event is full.

    :raise EventRegError: unless the person is on the waiting list of an event not yet started.
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise EventRegError("Anmälan finns inte.")
    event = lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        raise EventRegError("Personen står inte på reservlistan.")
    if event.has_started():
        raise EventRegError("Evenemanget har redan börjat.")
    mode = registration.mode
    if _free_in(event, mode) == 0:
        if mode == AttendanceMode.ONLINE:
            event.online_capacity += 1
        else:
            event.capacity += 1
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = utcnow()
    compose.queue_promotion(registration, seat(registration))
    audit.record(
        actor,
        "gav plats från reservlistan",
        event,
        f"registrering {registration.id}, {capacity_of(event, mode)} platser"
        + (f" ({mode_in_swedish(mode)})" if mode else ""),
    )
    return registration


def promote_waiting(event: Event, *modes: AttendanceMode | None) -> list[Registration]:
    """Give free seats to the waiting list in sign-up order, until the event starts: in the
    ways of taking part named, or in every one.

    The caller must hold the event's lock (see :func:`eventreg.services.locks.lock_event`).
    """
    if event.status != EventStatus.PUBLISHED or event.has_started():
        return []
    promoted = []
    for mode in modes or modes_of(event):
        free = _free_in(event, mode)
        if free == 0:
            continue
        query = (
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.WAITLISTED,
                Registration.mode.is_not_distinct_from(mode),
            )
            .order_by(Registration.id)
        )
        promoted += db.session.scalars(query if free is None else query.limit(free))
    now = utcnow()
    offering = now >= event.first_start - timedelta(hours=event.offer_window_hours)
    for registration in promoted:
        if offering:  # near the start: they may no longer be able to come; ask first
            registration.status = RegistrationStatus.OFFERED
            registration.offer_expires_at = min(
                now + timedelta(hours=event.offer_hours), event.first_start
            )
            compose.queue_offer(registration)
            log.info("%r offered a seat", registration)
            continue
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        compose.queue_promotion(registration, seat(registration))
        log.info("%r promoted from the waiting list", registration)
    return promoted
