"""The newsletter: written by a coordinator, tried on themselves, sent once to every subscriber
through the outbox, then kept in the public archive.

Subscribers are watches (``services.watches``) that chose the newsletter: the same double
opt-in, page of one's own and one-click unsubscribe. An address the relay refused for good in
three newsletters in a row (``mail.outbox`` counts) is set aside as undeliverable until it
confirms a subscription again.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventreg import audit
from eventreg.errors import EventRegError, InvalidLink
from eventreg.extensions import db
from eventreg.mail import compose, writing
from eventreg.models import Event, EventStatus, Newsletter, OutboxMessage, User, Watch
from eventreg.models.base import utcnow


@dataclass(frozen=True)
class Draft:
    subject: str
    introduction: str
    event_ids: tuple[int, ...]


#: Confirmed subscribers the relay has not refused for good.
SUBSCRIBED = (
    Watch.newsletter.is_(True),
    Watch.confirmed_at.is_not(None),
    Watch.undeliverable_at.is_(None),
)


def coming_events(now: datetime | None = None) -> list[Event]:
    """What a newsletter may present: published events open to all, not yet begun."""
    return list(
        db.session.scalars(
            select(Event)
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.invited_only.is_(False),
                Event.first_start > (now or utcnow()),
            )
            .order_by(Event.first_start)
        )
    )


def published_since_last(events: list[Event]) -> set[int]:
    """Of ``events``, those published since the last newsletter went out (all, before the
    first): what a new newsletter presents unless the coordinator says otherwise."""
    last = db.session.scalar(select(func.max(Newsletter.sent_at)))
    return {
        event.id
        for event in events
        if last is None or (event.published_at is not None and event.published_at > last)
    }


def _draft(newsletter_id: int) -> Newsletter:
    newsletter = db.session.get(Newsletter, newsletter_id)
    if newsletter is None:
        raise InvalidLink(_("Nyhetsbrevet finns inte."))
    if newsletter.sent_at is not None:
        raise EventRegError(_("Nyhetsbrevet är redan skickat och kan inte ändras."))
    return newsletter


def save(newsletter_id: int | None, draft: Draft, actor: User | None) -> Newsletter:
    """A new draft, or a draft changed; the events must be among the coming ones."""
    newsletter = Newsletter() if newsletter_id is None else _draft(newsletter_id)
    offered = {event.id: event for event in coming_events()}
    newsletter.subject = draft.subject
    newsletter.introduction = draft.introduction
    newsletter.events = [offered[id_] for id_ in draft.event_ids if id_ in offered]
    newsletter.updated_at = utcnow()  # also when only the events changed: mail writes by it
    db.session.add(newsletter)
    db.session.flush()
    audit.record(actor, "sparade nyhetsbrev", detail=f"nyhetsbrev {newsletter.id}")
    return newsletter


def send_test(newsletter_id: int, actor: User) -> Newsletter:
    """The newsletter as subscribers will get it, to the coordinator alone."""
    newsletter = _draft(newsletter_id)
    compose.queue_newsletter_test(newsletter, actor)
    return newsletter


def preview(newsletter_id: int) -> writing.Written | None:
    """The newsletter as the mail worker would write it now, without anyone's own links."""
    if db.session.get(Newsletter, newsletter_id) is None:
        return None
    context = json.dumps({"newsletter_id": newsletter_id})
    return writing.write(OutboxMessage(kind="newsletter", language="sv", context=context))


def subscriber_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Watch).where(*SUBSCRIBED))


def send(newsletter_id: int, actor: User | None) -> int:
    """Queue the newsletter for every subscriber, once: the draft is locked, and a newsletter
    already sent is refused. How many it went to."""
    newsletter = db.session.scalar(
        select(Newsletter)
        .where(Newsletter.id == newsletter_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if newsletter is None:
        raise InvalidLink(_("Nyhetsbrevet finns inte."))
    if newsletter.sent_at is not None:
        raise EventRegError(_("Nyhetsbrevet är redan skickat."))
    subscribers = db.session.scalars(select(Watch).where(*SUBSCRIBED).order_by(Watch.id)).all()
    if not subscribers:
        raise EventRegError(_("Ingen prenumererar på nyhetsbrevet ännu."))
    for watch in subscribers:
        compose.queue_newsletter(newsletter, watch)
    newsletter.sent_at = utcnow()
    newsletter.recipients = len(subscribers)
    audit.record(
        actor, "skickade nyhetsbrev", detail=f"nyhetsbrev {newsletter.id} till {len(subscribers)}"
    )
    return len(subscribers)


def archive() -> list[Newsletter]:
    """Sent newsletters, the latest first."""
    return list(
        db.session.scalars(
            select(Newsletter)
            .where(Newsletter.sent_at.is_not(None))
            .order_by(Newsletter.sent_at.desc())
        )
    )


def sent(newsletter_id: int) -> Newsletter | None:
    """A sent newsletter with its events and their sessions, for the archive's page."""
    return db.session.scalar(
        select(Newsletter)
        .where(Newsletter.id == newsletter_id, Newsletter.sent_at.is_not(None))
        .options(selectinload(Newsletter.events).selectinload(Event.sessions))
    )


def drafts() -> list[Newsletter]:
    return list(
        db.session.scalars(
            select(Newsletter)
            .where(Newsletter.sent_at.is_(None))
            .order_by(Newsletter.updated_at.desc())
        )
    )


def undeliverable() -> list[Watch]:
    """Subscribers set aside after three newsletters in a row the relay refused."""
    return list(
        db.session.scalars(
            select(Watch)
            .where(Watch.newsletter.is_(True), Watch.undeliverable_at.is_not(None))
            .order_by(Watch.undeliverable_at.desc())
        )
    )
