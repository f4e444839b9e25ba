"""Library managers: a library's manager, or a municipality's library chief, follows their own
staff's training without asking a coordinator for a spreadsheet.

A coordinator invites a manager for one library or one municipality; the manager signs in with a
link mailed to them (or the region's account), never a password. Everything a manager sees is
read through :func:`unit_of`: the registrations of their unit's libraries, and nothing else.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from eventreg import audit, links
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.models import (
    Attendance,
    Certificate,
    Event,
    EventStatus,
    Library,
    Municipality,
    Question,
    Registration,
    RegistrationStatus,
    Role,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import registrations
from eventreg.services.accounts import end_sessions
from eventreg.services.registrations import Applicant


@dataclass(frozen=True)
class Unit:
    """What a manager sees: a name, and the libraries whose staff they follow."""

    name: str
    library_ids: tuple[int, ...]


@dataclass(frozen=True)
class Person:
    """One of the unit's staff at one event."""

    registration: Registration
    #: True: came (to some session), False: marked absent only, None: not marked.
    came: bool | None
    certificate: Certificate | None


def unit_of(manager: User) -> Unit:
    if manager.manager_library_id is not None:
        library = db.session.get(Library, manager.manager_library_id)
        return Unit(library.name, (library.id,))
    municipality = db.session.get(Municipality, manager.manager_municipality_id)
    ids = db.session.scalars(
        select(Library.id).where(Library.municipality_id == municipality.id)
    ).all()
    return Unit(f"{municipality.name}, alla bibliotek", tuple(ids))


def invite(
    name: str,
    email: str,
    library_id: int | None,
    municipality_id: int | None,
    actor: User,
) -> User:
    """A manager's account for one library or municipality, and a mail with a link to sign in.

    :raise EventRegError: for an address that has an account, or no unit, or two.
    """
    email = email.strip().lower()
    if (library_id is None) == (municipality_id is None):
        raise EventRegError("Välj ett bibliotek eller en kommun.", field="unit")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise EventRegError("Det finns redan ett konto med den e-postadressen.", field="email")
    if library_id is not None and db.session.get(Library, library_id) is None:
        raise EventRegError("Välj ett bibliotek i listan.", field="unit")
    if municipality_id is not None and db.session.get(Municipality, municipality_id) is None:
        raise EventRegError("Välj en kommun i listan.", field="unit")
    manager = User(
        email=email,
        name=name.strip(),
        password_hash="",  # signs in with a link or the region's account
        role=Role.MANAGER,
        manager_library_id=library_id,
        manager_municipality_id=municipality_id,
    )
    db.session.add(manager)
    db.session.flush()
    compose.queue_manager_link(manager, invitation=True, inviter=actor.name)
    audit.record(actor, "bjöd in chef", None, f"{email} ({unit_of(manager).name})")
    return manager


def managers() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.MANAGER).order_by(User.name))
    )


def send_link(email: str) -> None:
    """A link to sign in, for an active manager with this address; nothing otherwise, and the
    page says the same either way."""
    manager = db.session.scalar(
        select(User).where(
            User.email == email.strip().lower(), User.role == Role.MANAGER, User.active
        )
    )
    if manager is not None:
        compose.queue_manager_link(manager, invitation=False)


def sign_in(manager_id: int, stamp: str) -> User | None:
    """The manager a link names, signed in; None when the link has been used (a sign-in since
    changes the stamp it carries) or the account is gone or deactivated."""
    manager = db.session.get(User, manager_id)
    if manager is None or not manager.active or not manager.is_manager:
        return None
    if links.manager_stamp(manager) != stamp:
        return None
    manager.last_login_at = utcnow()
    audit.record(manager, "loggade in", None, "med länk")
    return manager


def revoke(manager_id: int, actor: User) -> User:
    manager = db.session.get(User, manager_id)
    if manager is None or not manager.is_manager:
        raise EventRegError("Chefen finns inte.")
    manager.active = False
    end_sessions(manager)
    audit.record(actor, "tog bort chef", None, manager.email)
    return manager


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time(), STOCKHOLM),
        datetime.combine(end + timedelta(days=1), time(), STOCKHOLM),
    )


def people(manager: User, start: date, end: date) -> list[tuple[Event, list[Person]]]:
    """The unit's staff registered (seated, waiting or waiting for approval) for events whose
    first session falls in the period, per event in date order: who came, and certificates."""
    unit = unit_of(manager)
    first, after = _period(start, end)
    rows = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.library_id.in_(unit.library_ids),
            Registration.status != RegistrationStatus.CANCELLED,
            Event.status.in_((EventStatus.PUBLISHED, EventStatus.CANCELLED)),
            Event.first_start >= first,
            Event.first_start < after,
        )
        .options(
            selectinload(Registration.event).selectinload(Event.sessions),
            selectinload(Registration.library),
        )
        .order_by(Event.first_start, Event.id, Registration.name)
    ).all()
    ids = [registration.id for registration in rows]
    came = dict(
        db.session.execute(
            select(Attendance.registration_id, func.max(case((Attendance.present, 1), else_=0)))
            .where(Attendance.registration_id.in_(ids))
            .group_by(Attendance.registration_id)
        ).all()
    )
    certificates = {
        c.registration_id: c
        for c in db.session.scalars(
            select(Certificate).where(
                Certificate.registration_id.in_(ids), Certificate.revoked_at.is_(None)
            )
        )
    }
    grouped: dict[int, tuple[Event, list[Person]]] = {}
    for registration in rows:
        mark = came.get(registration.id)
        person = Person(
            registration, None if mark is None else bool(mark), certificates.get(registration.id)
        )
        grouped.setdefault(registration.event_id, (registration.event, []))[1].append(person)
    return list(grouped.values())


@dataclass(frozen=True)
class LibraryFigures:
    name: str
    registered: int
    came: int
    no_shows: int


def figures(manager: User, start: date, end: date) -> list[LibraryFigures]:
    """Per library of the unit: seated people at the period's events, who came, who did not."""
    tally: dict[int, list[int]] = {}
    for _event, staff in people(manager, start, end):
        for person in staff:
            if person.registration.status != RegistrationStatus.CONFIRMED:
                continue
            counts = tally.setdefault(person.registration.library_id, [0, 0, 0])
            counts[0] += 1
            counts[1] += person.came is True
            counts[2] += person.came is False
    names = dict(
        db.session.execute(
            select(Library.id, Library.name).where(Library.id.in_(unit_of(manager).library_ids))
        ).all()
    )
    return [
        LibraryFigures(names[library_id], *tally.get(library_id, (0, 0, 0)))
        for library_id in sorted(names, key=names.get)
    ]


def open_events() -> list[Event]:
    """Coming published events open to all that take sign-ups now."""
    now = utcnow()
    events = db.session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.invited_only.is_(False),
            Event.first_start > now,
        )
        .order_by(Event.first_start)
    ).all()
    return [event for event in events if registrations.closes_at(event) > now]


def sign_up_colleague(manager: User, event_id: int, applicant: Applicant) -> Registration:
    """Sign a colleague up as they would themselves: the same rules, the usual confirmation
    and invite, and their own link to cancel.

    :raise EventRegError: for a library outside the manager's unit, or an event whose questions
        only the colleague can answer.
    """
    if applicant.library_id not in unit_of(manager).library_ids:
        raise EventRegError("Välj ett av dina bibliotek.", field="library")
    if db.session.scalar(select(Question.id).where(Question.event_id == event_id).limit(1)):
        raise EventRegError(
            "Evenemanget har frågor som kollegan själv behöver svara på: skicka länken till "
            "anmälan i stället.",
            field="event",
        )
    registration = registrations.register(event_id, applicant)
    audit.record(
        manager, "anmälde en kollega", registration.event, f"registrering {registration.id}"
    )
    return registration


def certificate(manager: User, registration_id: int) -> Certificate | None:
    """A valid certificate of one of the unit's staff; None for anyone else's."""
    return db.session.scalar(
        select(Certificate)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(
            Certificate.registration_id == registration_id,
            Certificate.revoked_at.is_(None),
            Registration.library_id.in_(unit_of(manager).library_ids),
        )
    )
