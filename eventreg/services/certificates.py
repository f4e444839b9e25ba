"""Course certificates (kursintyg): who qualifies, and keeping certificates true to attendance.

A person seated at an event qualifies when marked present at as many of its sessions as the
event asks for (``Event.certificate_sessions``; all of them unless the coordinator says "at
least N"). Certificates follow the attendance: marking attendance issues one to everyone who
now qualifies and revokes those of anyone who no longer does; qualifying again issues a new
one with a new code, so a code once revoked is never valid again. It all happens under the
event's lock, so two coordinators marking at once never issue two.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventreg.extensions import db
from eventreg.models import (
    Attendance,
    Certificate,
    Event,
    EventSession,
    Registration,
    RegistrationStatus,
)
from eventreg.models.base import utcnow
from eventreg.services.locks import lock_event

#: Letters and digits that cannot be mistaken for one another when typed from paper.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    """Twelve characters in groups of four, e.g. "K7QM-9XD4-TPAW": 60 bits, never guessed."""
    characters = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    return "-".join(characters[i : i + 4] for i in range(0, 12, 4))


def normalised(code: str) -> str:
    """A code as typed (lower case, spaces, no dashes) in the form it is stored in."""
    characters = "".join(c for c in code.upper() if c.isalnum())[:12]
    return "-".join(characters[i : i + 4] for i in range(0, len(characters), 4))


def required_sessions(event: Event) -> int:
    """How many sessions a certificate asks for: the coordinator's "at least N", or all."""
    count = len(event.sessions)
    return min(event.certificate_sessions or count, count)


def _present(event: Event, *registration_ids: int) -> dict[int, list[EventSession]]:
    """registration id → the sessions the person was marked present at (everyone's, or only
    these registrations')."""
    sessions = {session.id: session for session in event.sessions}
    query = select(Attendance.registration_id, Attendance.session_id).where(
        Attendance.session_id.in_(sessions), Attendance.present
    )
    if registration_ids:
        query = query.where(Attendance.registration_id.in_(registration_ids))
    present: dict[int, list[EventSession]] = {}
    for registration_id, session_id in db.session.execute(query):
        present.setdefault(registration_id, []).append(sessions[session_id])
    return present


def settle(event_id: int) -> tuple[int, int]:
    """Issue certificates to everyone who now qualifies and revoke those of anyone who no
    longer does; (issued, revoked). Called whenever attendance is marked."""
    event = lock_event(event_id)
    needed = required_sessions(event)
    present = _present(event)
    seated = db.session.scalars(
        select(Registration.id).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.anonymised_at.is_(None),
        )
    ).all()
    valid = certificates_of(event.id)
    qualified = {r for r in seated if needed and len(present.get(r, ())) >= needed}
    now = utcnow()
    for registration_id, certificate in valid.items():
        if registration_id not in qualified:
            certificate.revoked_at = now
    db.session.flush()  # a revoked one makes room for the person's next
    issued = [r for r in qualified if r not in valid]
    db.session.add_all(Certificate(registration_id=r, code=new_code()) for r in issued)
    db.session.flush()
    return len(issued), len(set(valid) - qualified)


def valid_certificate(registration_id: int) -> Certificate | None:
    return next(iter(valid_among([registration_id])), None)


def valid_among(registration_ids: list[int]) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.registration_id.in_(registration_ids), Certificate.revoked_at.is_(None)
            )
        )
    )


def certificates_of(event_id: int) -> dict[int, Certificate]:
    """registration id → its valid certificate, for an event's lists."""
    return {
        certificate.registration_id: certificate
        for certificate in db.session.scalars(
            select(Certificate)
            .join(Registration)
            .where(Registration.event_id == event_id, Certificate.revoked_at.is_(None))
        )
    }


def by_code(code: str) -> Certificate | None:
    """The certificate with this code, valid or revoked; None for a code never issued."""
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.code == normalised(code))
        .options(joinedload(Certificate.registration).joinedload(Registration.event))
    )


@dataclass(frozen=True)
class Attended:
    """What a certificate says of the attendance: the sessions and the time they add up to."""

    sessions: list[EventSession]
    total: timedelta

    @property
    def first(self) -> datetime:
        return self.sessions[0].starts_at

    @property
    def last(self) -> datetime:
        return self.sessions[-1].ends_at


def attended(certificate: Certificate) -> Attended:
    registration = certificate.registration
    present = _present(registration.event, registration.id).get(registration.id, [])
    sessions = sorted(present, key=lambda session: session.starts_at)
    return Attended(sessions, sum((s.ends_at - s.starts_at for s in sessions), timedelta()))
