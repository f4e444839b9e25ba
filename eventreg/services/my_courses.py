"""Mina kurser: everything one e-mail address has signed up for, reached without an account.

Anyone may ask for the link to an address's page; it goes by mail to that address only, and
the page that asks answers the same whether the address is known or not. The link lasts a
day (``links.my_courses_url``). The page also offers a calendar the person can subscribe to:
the sessions they have a seat at, at a secret address they can replace.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import (
    Event,
    PersonalFeed,
    Registration,
    RegistrationStatus,
)
from eventreg.models.base import utcnow
from eventreg.services import attendance, certificates, evaluations, listings
from eventreg.services.registrations import waitlist_position


def send_link(email: str) -> str:
    """Mail the address its link, if anything is registered under it; the address as read.

    The caller answers the same either way: nobody learns which addresses are known.
    """
    email = email.strip().lower()
    latest = db.session.scalar(
        select(Registration)
        .where(Registration.email == email, Registration.anonymised_at.is_(None))
        .order_by(Registration.id.desc())
        .limit(1)
    )
    if latest is not None:
        compose.queue_my_courses(latest)
    return email


@dataclass(frozen=True)
class Course:
    """One registration as the page shows it."""

    registration: Registration
    position: int | None
    #: Sessions marked present, for an event that has ended.
    came: int
    certificate: bool
    #: The course's evaluation is open to this person.
    evaluate: bool = False

    @property
    def event(self) -> Event:
        return self.registration.event


@dataclass(frozen=True)
class Overview:
    coming: list[Course]
    past: list[Course]


def overview(email: str) -> Overview:
    """Every registration of the address (cancelled ones too), coming first, then past."""
    registrations = db.session.scalars(
        select(Registration)
        .join(Event)
        .where(Registration.email == email, listings.is_visible())
        .options(selectinload(Registration.event).selectinload(Event.sessions))
        .order_by(Event.first_start)
    ).all()
    ids = [r.id for r in registrations]
    came = attendance.sessions_attended(ids)
    certified = {c.registration_id for c in certificates.valid_among(ids)}
    evaluated = evaluations.evaluated_events({r.event_id for r in registrations})
    now = utcnow()
    coming, past = [], []
    for registration in registrations:
        course = Course(
            registration,
            waitlist_position(registration),
            came.get(registration.id, 0),
            registration.id in certified,
            registration.event_id in evaluated
            and came.get(registration.id, 0) > 0
            and registration.status == RegistrationStatus.CONFIRMED
            and now < evaluations.closes_at(registration.event),
        )
        (past if registration.event.last_end < now else coming).append(course)
    return Overview(coming, list(reversed(past)))


def feed_key(email: str) -> str | None:
    """The secret of the address's calendar feed, if the person has made one."""
    return db.session.scalar(select(PersonalFeed.key).where(PersonalFeed.email == email))


def new_feed_key(email: str) -> PersonalFeed:
    """A calendar feed for the address, or a new secret for it: the old address stops working."""
    feed = db.session.scalar(select(PersonalFeed).where(PersonalFeed.email == email))
    if feed is None:
        feed = PersonalFeed(email=email)
        db.session.add(feed)
    feed.key, feed.created_at = secrets.token_urlsafe(24), utcnow()
    db.session.flush()
    return feed


def feed_events(key: str) -> list[Event] | None:
    """The events whose sessions the feed shows: where the address has a seat (a cancelled
    event stays, marked, so that it leaves the calendar). None for a key that is not in use."""
    email = db.session.scalar(select(PersonalFeed.email).where(PersonalFeed.key == key))
    if email is None:
        return None
    return list(
        db.session.scalars(
            select(Event)
            .join(Registration)
            .where(
                Registration.email == email,
                Registration.status == RegistrationStatus.CONFIRMED,
                listings.is_visible(),
            )
            .options(selectinload(Event.sessions))
            .order_by(Event.first_start)
        )
    )
