"""What coordinators read about the people registered for an event: lists, counts, exports."""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from eventreg import audit
from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import Event, Library, Municipality, Registration, RegistrationStatus, User


@dataclass(frozen=True)
class PlaceCount:
    municipality: str
    scb_code: str
    library: str
    confirmed: int
    waitlisted: int


def registrations_for(event: Event, search: str = "") -> list[Registration]:
    """Everyone registered (any status), in sign-up order, optionally filtered by a search word."""
    query = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .options(
            selectinload(Registration.library).selectinload(Library.municipality),
            selectinload(Registration.answers),
            selectinload(Registration.handed_over_from),
        )
        .order_by(Registration.id)
    )
    if search:
        pattern = f"%{search.lower()}%"
        query = query.outerjoin(Library).where(
            or_(
                func.lower(Registration.name).like(pattern),
                Registration.email.like(pattern),
                func.lower(Registration.other_workplace).like(pattern),
                func.lower(Library.name).like(pattern),
            )
        )
    return list(db.session.scalars(query))


def split_by_status(registrations: list[Registration]) -> dict[str, list[Registration]]:
    """Confirmed, waiting (in order: index + 1 is the position) and cancelled."""
    lists: dict[str, list[Registration]] = {status.value: [] for status in RegistrationStatus}
    for registration in registrations:
        lists[registration.status.value].append(registration)
    return lists


def counts_by_place(event: Event) -> list[PlaceCount]:
    """Active registrations per municipality (SCB code) and library, "Övriga" for other workplaces."""
    rows = db.session.execute(
        select(
            Municipality.name,
            Municipality.scb_code,
            Library.name,
            func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
            func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
        )
        .select_from(Registration)
        .outerjoin(Library, Registration.library_id == Library.id)
        .outerjoin(Municipality, Library.municipality_id == Municipality.id)
        .where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .group_by(Municipality.name, Municipality.scb_code, Library.name)
        .order_by(Municipality.name, Library.name)
    )
    return [
        PlaceCount(m or "Utanför länets bibliotek", code or "", lib or "Annan arbetsplats", c, w)
        for m, code, lib, c, w in rows
    ]


def message_attendees(
    event: Event, subject: str, message: str, include_waiting: bool, actor: User
) -> int:
    """Queue a coordinator's message to everyone seated (and waiting); return how many."""
    statuses = [RegistrationStatus.CONFIRMED]
    if include_waiting:
        statuses.append(RegistrationStatus.WAITLISTED)
    recipients = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(statuses))
        .order_by(Registration.id)
    ).all()
    for registration in recipients:
        compose.queue_coordinator_message(registration, subject.strip(), message.strip())
    audit.record(actor, "skickade meddelande", event, f"{subject.strip()!r} till {len(recipients)}")
    return len(recipients)
