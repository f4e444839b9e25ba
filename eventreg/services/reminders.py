"""Reminders before events and to members who have not answered: each sent exactly once.

Safe to run from cron every few minutes and from several places at once: every reminder is
claimed with a conditional UPDATE (``… WHERE reminded_at IS NULL``) in the transaction that
queues its mail, so a second run finds nothing left to claim.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import Event, EventStatus, Registration, RegistrationStatus
from eventreg.models.base import utcnow
from eventreg.services import followups, invitations, offers, watches
from eventreg.services.claims import claim_each


@dataclass(frozen=True)
class Sent:
    events: int
    invitations: int
    #: Offers of a seat that ran out and went on to the next in line.
    offers_passed_on: int = 0
    #: Mails after a course, to those who came.
    follow_ups: int = 0
    #: Reminders to answer a course's evaluation.
    evaluations: int = 0
    #: Mails to watch lists of what was published.
    watches: int = 0


def send_event_reminders(now: datetime) -> int:
    """Seated attendees of events starting within the configured number of days."""
    horizon = now + timedelta(days=current_app.config["REMINDER_DAYS_BEFORE"])
    due = db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminded_at.is_(None),
            Event.status == EventStatus.PUBLISHED,
            Event.first_start > now,
            Event.first_start <= horizon,
        )
        .order_by(Registration.id)
    ).all()
    return claim_each(due, Registration.reminded_at, now, compose.queue_event_reminder)


def send_reminders(now: datetime | None = None) -> Sent:
    now = now or utcnow()
    return Sent(
        send_event_reminders(now),
        invitations.send_invitation_reminders(now),
        offers.pass_on_expired(now),
        followups.send_due(now),
        followups.remind_to_evaluate(now),
        watches.send_digests(now),
    )
