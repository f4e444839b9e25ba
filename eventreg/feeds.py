"""What the subscribable calendars (webcal feeds) hold, and when that last changed.

Subscribers' calendars poll a feed for months with ``If-None-Match`` or ``If-Modified-Since``.
The body depends only on the data (DTSTAMP included), so its hash is an honest ETag. Last-Modified
must never go back, or a client holding a later date gets 304 and keeps an event that has left:
it is the latest of any change to an event (a draft counts: an unpublished event left the feed
then), any deletion of one, and the moment the latest event aged out of the feed.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import AuditEntry, Event
from eventreg.models.base import utcnow
from eventreg.services import listings
from eventreg.services.events import DELETED_DRAFT

#: How long past events stay in a feed, so subscribers keep their history (and see cancellations).
HISTORY_DAYS = 60

#: A feed is a file, not a page: it stops growing here.
MAX_EVENTS = 1000


def _window_start(now: datetime) -> datetime:
    return now - timedelta(days=HISTORY_DAYS)


def feed_events(network_id: int | None, narrow=None) -> list[Event]:
    """Published and cancelled events of the last HISTORY_DAYS and ahead, in time order; of a
    network, or ``narrow``-ed to a search's selection."""
    query = listings.visible_events(ending_after=_window_start(utcnow()))
    if network_id is not None:
        query = query.where(Event.network_id == network_id)
    if narrow is not None:
        query = narrow(query)
    return list(db.session.scalars(query.limit(MAX_EVENTS)))


def last_modified() -> datetime | None:
    """The latest moment any feed can have changed (see the module's docstring); one query."""
    since = _window_start(utcnow())
    changed, deleted, aged_out = db.session.execute(
        select(
            select(func.max(Event.updated_at)).scalar_subquery(),
            select(func.max(AuditEntry.at))
            .where(AuditEntry.action == DELETED_DRAFT)
            .scalar_subquery(),
            select(func.max(Event.last_end)).where(Event.last_end < since).scalar_subquery(),
        )
    ).one()
    if aged_out is not None:
        aged_out += timedelta(days=HISTORY_DAYS)
    return max((moment for moment in (changed, deleted, aged_out) if moment), default=None)
