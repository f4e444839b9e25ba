"""Marking who came, per session, at the door."""

from datetime import timedelta

from sqlalchemy import func, select

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Attendance, EventSession, Registration, RegistrationStatus, User
from eventreg.models.base import utcnow
from eventreg.services import certificates
from eventreg.services.locks import lock_event

#: Marking may start this long before a session, as people arrive.
_EARLY = timedelta(hours=1)


def marks_for(session: EventSession) -> dict[int, bool]:
    """registration id → present, for those marked at this session."""
    rows = db.session.execute(
        select(Attendance.registration_id, Attendance.present).where(
            Attendance.session_id == session.id
        )
    )
    return dict(rows.all())


def mark_attendance(session: EventSession, present_ids: set[int], actor: User | None) -> int:
    """Record everyone seated at the session: present if ticked, otherwise absent (a no-show).

    :raise EventRegError: if the session has not started yet.
    """
    if session.starts_at > utcnow() + _EARLY:
        raise EventRegError("Närvaro kan markeras från en timme före start.")
    lock_event(session.event_id)  # the seated, and the certificates that follow the marks
    seated = db.session.scalars(
        select(Registration.id).where(
            Registration.event_id == session.event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all()
    existing = {
        a.registration_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    for registration_id in seated:
        mark = existing.get(registration_id)
        if mark is None:
            mark = Attendance(registration_id=registration_id, session_id=session.id, present=False)
            db.session.add(mark)
        mark.present = registration_id in present_ids
        mark.marked_by_id = actor.id if actor else None
    db.session.flush()
    came = len(present_ids & set(seated))
    issued, revoked = certificates.settle(session.event_id)
    audit.record(
        actor,
        "markerade närvaro",
        session.event,
        f"{came} av {len(seated)} kom; kursintyg: {issued} utfärdade, {revoked} återkallade",
    )
    return came


def sessions_attended(registration_ids: list[int]) -> dict[int, int]:
    """registration id → the sessions the person was marked present at, in one query."""
    return dict(
        db.session.execute(
            select(Attendance.registration_id, func.count())
            .where(Attendance.registration_id.in_(registration_ids), Attendance.present)
            .group_by(Attendance.registration_id)
        ).all()
    )
