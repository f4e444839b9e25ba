"""Personal data under GDPR: kept only as long as the privacy page says, and erased on request.

The legal basis is a task in the public interest, so data goes when it is no longer needed:
dietary and accessibility needs soon after the event, names and addresses after the retention
period. Registrations are anonymised rather than deleted, so statistics per library and
municipality survive without anyone's name. Every step can run again without harm (cron).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import String, cast, delete, or_, select, update

from eventreg import audit
from eventreg.extensions import db
from eventreg.models import (
    Answer,
    CalendarEntry,
    Certificate,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventSession,
    InboundMessage,
    LoginAttempt,
    OutboxMessage,
    OutboxStatus,
    PersonalFeed,
    RateLimitCounter,
    Registration,
    RegistrationStatus,
    User,
    Watch,
)
from eventreg.models.base import utcnow
from eventreg.services import attendance, watches
from eventreg.services.registrations import can_cancel, cancel_registration

log = logging.getLogger(__name__)

#: Failed sign-ins are only needed while they can slow down guessing.
LOGIN_ATTEMPT_RETENTION = timedelta(days=1)


@dataclass(frozen=True)
class PurgeReport:
    needs_erased: int
    #: What calendars were sent about events long over: only late answers would need it.
    calendar_entries_deleted: int
    anonymised: int
    mails_deleted: int
    login_attempts_deleted: int
    #: Rate-limit counts name a client address; once their window has closed they count nothing.
    rate_limit_counts_deleted: int


def _anonymous_values(now: datetime) -> dict:
    return {
        "name": "",
        "email": cast(Registration.id, String) + "@anonymiserad.invalid",
        "role_title": "",
        "dietary_needs": "",
        "accessibility_needs": "",
        "message": "",
        "anonymised_at": now,
    }


def _forget_certificates(registration_ids) -> None:
    """A certificate names its holder: it goes with their name (its code then checks as not
    valid), as the privacy page says."""
    db.session.execute(delete(Certificate).where(Certificate.registration_id.in_(registration_ids)))


def _events_ended_before(moment: datetime):
    return select(Event.id).where(Event.last_end < moment)


def purge(now: datetime | None = None) -> PurgeReport:
    """Erase what the retention periods no longer allow us to keep."""
    now = now or utcnow()
    config = current_app.config
    needs_cutoff = now - timedelta(days=config["ERASE_NEEDS_AFTER_DAYS"])
    anonymise_cutoff = now - timedelta(days=config["ANONYMISE_AFTER_DAYS"])

    needs = db.session.execute(
        update(Registration)
        .where(
            Registration.event_id.in_(_events_ended_before(needs_cutoff)),
            or_(
                Registration.dietary_needs != "",
                Registration.accessibility_needs != "",
                Registration.message != "",
            ),
        )
        .values(dietary_needs="", accessibility_needs="", message="")
        .execution_options(synchronize_session=False)
    ).rowcount
    # Free text and yes or no can say as much as a need does; a picked choice stays (counts).
    needs += db.session.execute(
        update(Answer)
        .where(
            Answer.choice_id.is_(None),
            Answer.text != "",
            Answer.registration_id.in_(
                select(Registration.id).where(
                    Registration.event_id.in_(_events_ended_before(needs_cutoff))
                )
            ),
        )
        .values(text="")
        .execution_options(synchronize_session=False)
    ).rowcount
    entries = db.session.execute(
        delete(CalendarEntry).where(
            CalendarEntry.session_id.in_(
                select(EventSession.id).where(
                    EventSession.event_id.in_(_events_ended_before(needs_cutoff))
                )
            )
        )
    ).rowcount
    anonymised = db.session.execute(
        update(Registration)
        .where(
            Registration.event_id.in_(_events_ended_before(anonymise_cutoff)),
            Registration.anonymised_at.is_(None),
        )
        .values(**_anonymous_values(now))
        .execution_options(synchronize_session=False)
    ).rowcount
    _forget_certificates(select(Registration.id).where(Registration.anonymised_at.is_not(None)))
    # Evaluation answers stay, but no longer say whose once the evaluation has closed.
    closed = now - timedelta(days=config["EVALUATION_DAYS"])
    db.session.execute(
        update(EvaluationResponse)
        .where(
            EvaluationResponse.registration_id.is_not(None),
            EvaluationResponse.event_id.in_(_events_ended_before(closed)),
        )
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    watches.forget_unconfirmed(now)
    # A calendar feed lasts while its address has registrations we keep.
    db.session.execute(
        delete(PersonalFeed).where(
            PersonalFeed.email.not_in(
                select(Registration.email).where(Registration.anonymised_at.is_(None))
            )
        )
    )
    mail_cutoff = now - timedelta(days=config["OUTBOX_RETENTION_DAYS"])
    mails = db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED]),
            OutboxMessage.created_at < mail_cutoff,
        )
    ).rowcount
    mails += db.session.execute(
        delete(InboundMessage).where(InboundMessage.received_at < mail_cutoff)
    ).rowcount
    attempts = db.session.execute(
        delete(LoginAttempt).where(LoginAttempt.at < now - LOGIN_ATTEMPT_RETENTION)
    ).rowcount
    counts = db.session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.expires_at <= now)
    ).rowcount
    report = PurgeReport(needs, entries, anonymised, mails, attempts, counts)
    log.info("personal data purged: %r", report)
    return report


def stored_about(email: str) -> tuple[list[Registration], list[OutboxMessage]]:
    """Everything stored about one address: registrations and the mails sent to it."""
    email = email.strip().lower()
    registrations = db.session.scalars(
        select(Registration).where(Registration.email == email).order_by(Registration.id)
    ).all()
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_email == email).order_by(OutboxMessage.id)
    ).all()
    return list(registrations), list(mails)


@dataclass(frozen=True)
class AfterTheCourse:
    """What a registration left after its course: sessions attended, a valid certificate's
    code, the person's own evaluation answers (question, answer)."""

    came: int = 0
    certificate: str = ""
    answers: tuple[tuple[str, str], ...] = ()


def after_the_course(registrations: list[Registration]) -> dict[int, AfterTheCourse]:
    """For the access report: per registration, in three queries whatever their number."""
    ids = [r.id for r in registrations]
    came = attendance.sessions_attended(ids)
    codes = dict(
        db.session.execute(
            select(Certificate.registration_id, Certificate.code).where(
                Certificate.registration_id.in_(ids), Certificate.revoked_at.is_(None)
            )
        ).all()
    )
    answers: dict[int, list[tuple[str, str]]] = {}
    for registration_id, question, value in db.session.execute(
        select(EvaluationResponse.registration_id, EvaluationQuestion.text, EvaluationAnswer.value)
        .join(EvaluationAnswer, EvaluationAnswer.response_id == EvaluationResponse.id)
        .join(EvaluationQuestion, EvaluationQuestion.id == EvaluationAnswer.question_id)
        .where(EvaluationResponse.registration_id.in_(ids))
        .order_by(EvaluationQuestion.position)
    ):
        answers.setdefault(registration_id, []).append((question, value))
    return {
        i: AfterTheCourse(came.get(i, 0), codes.get(i, ""), tuple(answers.get(i, ()))) for i in ids
    }


def has_calendar_feed(email: str) -> bool:
    return bool(
        db.session.scalar(select(PersonalFeed.id).where(PersonalFeed.email == email.lower()))
    )


def erase_person(email: str, actor: User) -> int:
    """Erase a person on request: cancel coming seats (they are told), anonymise the rest.

    The audit log gets a line saying that a person was erased, never who.
    Returns the number of registrations anonymised.
    """
    started = utcnow()
    registrations, _ = stored_about(email)
    for registration in registrations:
        if registration.status != RegistrationStatus.CANCELLED and can_cancel(registration):
            cancel_registration(registration.id, actor=actor)
    ids = [r.id for r in registrations]
    if ids:
        db.session.execute(
            update(Registration)
            .where(Registration.id.in_(ids))
            .values(**_anonymous_values(utcnow()))
            .execution_options(synchronize_session=False)
        )
        _forget_certificates(ids)
        db.session.execute(
            update(EvaluationResponse)
            .where(EvaluationResponse.registration_id.in_(ids))
            .values(registration_id=None)
            .execution_options(synchronize_session=False)
        )
    db.session.execute(delete(PersonalFeed).where(PersonalFeed.email == email.strip().lower()))
    db.session.execute(delete(Watch).where(Watch.email == email.strip().lower()))
    # Earlier mail goes, sent or not; the cancellations just queued still reach the person and
    # leave with the outbox's retention period.
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.to_email == email.strip().lower(), OutboxMessage.created_at < started
        )
    )
    db.session.execute(delete(CalendarEntry).where(CalendarEntry.email == email.strip().lower()))
    db.session.execute(delete(InboundMessage).where(InboundMessage.sender == email.strip().lower()))
    db.session.expire_all()
    audit.record(actor, "raderade personuppgifter", None, f"en person, {len(ids)} anmälningar")
    return len(ids)
