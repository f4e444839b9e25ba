"""The mail after the course: the morning after the last session, once, to everyone who came;
and a week on, one reminder to answer the evaluation to those who have not.

It thanks them, lists the course's materials and links their certificate. Nothing goes out for
a course whose attendance nobody marked (the overview asks the coordinator to mark it), nor
to anyone marked absent. Each course is claimed under its lock with ``followup_sent_at`` in the
transaction that queues the mails, so two workers, or one restarted, send each mail once.
"""

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import exists, select

from eventreg import audit
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.models import (
    Attendance,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import certificates, evaluations, materials
from eventreg.services.claims import claim_each
from eventreg.services.locks import lock_event

#: The mail goes at this hour (Stockholm) the day after the course.
SEND_AT = time(8)
#: A course that ended longer ago than this gets no mail (attendance marked weeks later).
TOO_LATE = timedelta(days=14)

_MARKED = exists().where(
    Attendance.session_id == EventSession.id, EventSession.event_id == Event.id
)


def _ended_before(now: datetime) -> datetime:
    """Courses that ended before this moment are due: yesterday's from 08.00 today."""
    local = now.astimezone(STOCKHOLM)
    today = datetime.combine(local.date(), time(0), tzinfo=STOCKHOLM)
    return today if local.time() >= SEND_AT else today - timedelta(days=1)


def _waiting(now: datetime):
    return select(Event).where(
        Event.status == EventStatus.PUBLISHED,
        Event.followup_sent_at.is_(None),
        Event.last_end >= now - TOO_LATE,
    )


def after_the_course(event: Event, people: list[Registration], came: bool) -> dict[int, dict]:
    """What the mails after the course hold for each of an event's ``people``, decided now for
    them all in a few queries (the worker writes the links): the materials, whether each has a
    certificate, and, for those who ``came``, when the evaluation they may answer closes ("" when
    they may not)."""
    listed = [[m.id, m.title] for m in materials.materials_of(event.id)]
    certified = {c.registration_id for c in certificates.valid_among([p.id for p in people])}
    closes = evaluations.open_until(event) if came else None
    return {
        person.id: {
            "materials": listed,
            "certificate": person.id in certified,
            "evaluation_closes": closes.isoformat() if closes else "",
        }
        for person in people
    }


def awaiting_attendance(now: datetime | None = None) -> list[Event]:
    """Courses that have ended with nobody's attendance marked: their mail waits for it."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            _waiting(now).where(Event.last_end < now, ~_MARKED).order_by(Event.last_end)
        )
    )


def send_due(now: datetime | None = None) -> int:
    """Queue the mail after every course that is due; how many mails."""
    now = now or utcnow()
    due = db.session.scalars(
        _waiting(now)
        .with_only_columns(Event.id)
        .where(Event.last_end < _ended_before(now), _MARKED)
    ).all()
    queued = 0
    for event_id in due:
        event = lock_event(event_id)
        if event.followup_sent_at is not None:  # another worker came first
            continue
        event.followup_sent_at = now
        evaluations.open_evaluation(event)
        came = db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
                exists().where(Attendance.registration_id == Registration.id, Attendance.present),
            )
            .order_by(Registration.id)
        ).all()
        after = after_the_course(event, came, came=True)
        for registration in came:
            compose.queue_follow_up(registration, after[registration.id])
        queued += len(came)
    return queued


def remind_to_evaluate(now: datetime | None = None) -> int:
    """Remind, once, those who came and have not answered, ``EVALUATION_REMINDER_DAYS`` after
    the evaluation opened and while it is open. Each reminder is claimed with a conditional
    UPDATE in the transaction that queues it, so two workers send it once."""
    now = now or utcnow()
    config = current_app.config
    opened_before = now - timedelta(days=config["EVALUATION_REMINDER_DAYS"])
    due = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.followup_sent_at <= opened_before,
            Event.last_end > now - timedelta(days=config["EVALUATION_DAYS"]),
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.evaluation_reminded_at.is_(None),
            exists().where(Attendance.registration_id == Registration.id, Attendance.present),
            ~exists().where(EvaluationResponse.registration_id == Registration.id),
            exists().where(EvaluationQuestion.event_id == Event.id),
        )
        .order_by(Registration.id)
    ).all()
    after: dict[int, dict] = {}
    for event in {registration.event for registration in due}:
        people = [registration for registration in due if registration.event_id == event.id]
        after |= after_the_course(event, people, came=True)
    return claim_each(
        due,
        Registration.evaluation_reminded_at,
        now,
        lambda registration: compose.queue_evaluation_reminder(
            registration, after[registration.id]
        ),
    )


def send_materials_to_absent(event_id: int, actor: User) -> int:
    """The coordinator's choice: the materials to those who had a seat and were marked absent
    at every session; how many mails."""
    event = lock_event(event_id)
    absent = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            exists().where(Attendance.registration_id == Registration.id),
            ~exists().where(Attendance.registration_id == Registration.id, Attendance.present),
        )
        .order_by(Registration.id)
    ).all()
    after = after_the_course(event, absent, came=False)
    for registration in absent:
        compose.queue_materials(registration, after[registration.id])
    audit.record(actor, "skickade materialet till frånvarande", event, f"{len(absent)} mejl")
    return len(absent)
