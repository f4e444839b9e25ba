"""Watch lists (Bevaka): tell an address of newly published events that match its choices.

Double opt-in: a request is mailed a link and counts only once confirmed; a changed choice
waits for its confirmation the same way, and the page that asks answers the same whether or
not the address already watches. An address is mailed such a link at most once an hour: a
request within the hour changes what the link already sent confirms. Unconfirmed requests are
erased after ``WATCH_CONFIRM_DAYS`` (7) by the purge. A confirmed watch gets at most one mail a
day, listing what was published since the last one; each carries a one-click unsubscribe
(RFC 8058). A watch may also (or only) take the newsletter (``services.newsletters``).
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.models import Event, EventStatus, Watch
from eventreg.models.base import utcnow

#: How long after mailing a link to confirm no other is mailed to the address.
ONE_LINK_PER = timedelta(hours=1)


@dataclass(frozen=True)
class Choices:
    everything: bool = False
    focus_areas: tuple[int, ...] = field(default_factory=tuple)
    audiences: tuple[int, ...] = field(default_factory=tuple)
    networks: tuple[int, ...] = field(default_factory=tuple)
    newsletter: bool = False

    @property
    def events(self) -> bool:
        """Whether any news of events is asked for (the daily mail)."""
        return bool(self.everything or self.focus_areas or self.audiences or self.networks)

    @property
    def empty(self) -> bool:
        return not (self.events or self.newsletter)


def _ids(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.isdigit())


def choices_of(watch: Watch) -> Choices:
    return Choices(
        everything=watch.everything,
        focus_areas=_ids(watch.focus_areas),
        audiences=_ids(watch.audiences),
        networks=_ids(watch.networks),
        newsletter=watch.newsletter,
    )


def _set(watch: Watch, choices: Choices) -> None:
    watch.everything = choices.everything
    watch.focus_areas = ",".join(map(str, choices.focus_areas))
    watch.audiences = ",".join(map(str, choices.audiences))
    watch.networks = ",".join(map(str, choices.networks))
    watch.newsletter = choices.newsletter


def link_sent_message(email: str) -> str:
    """What the page says once asked, the same whoever the address is."""
    return _(
        "Vi har skickat ett mejl till %(email)s. Bekräfta med länken i det; den gäller i en "
        "vecka. Har du redan fått ett den senaste timmen kommer inget nytt: använd länken i det.",
        email=email,
    )


def request(email: str, choices: Choices, language: str) -> str:
    """Ask to watch (or to change what one watches): a link to confirm goes to the address,
    unless one went within the hour, which then confirms this. The same for an address already
    watching: nobody learns who does."""
    return _ask(email.strip().lower(), lambda _watch: choices, language)


def request_newsletter(email: str, language: str) -> str:
    """Ask for the newsletter, keeping whatever else the address watches once confirmed."""
    return _ask(
        email.strip().lower(),
        lambda watch: replace(
            choices_of(watch) if watch.confirmed_at else Choices(), newsletter=True
        ),
        language,
    )


def _ask(email: str, choices: Callable[[Watch], Choices], language: str) -> str:
    now = utcnow()
    watch = db.session.scalar(select(Watch).where(Watch.email == email).with_for_update())
    new = watch is None
    if new:
        watch = Watch(email=email, language=language)
        db.session.add(watch)
    asked = choices(watch)
    watch.pending = json.dumps({**asdict(asked), "language": language})
    if new or watch.requested_at <= now - ONE_LINK_PER:
        watch.requested_at = now
        db.session.flush()
        compose.queue_watch_confirmation(watch, language, newsletter_only=not asked.events)
    return email


def confirm(watch_id: int, requested_at: str) -> Watch | None:
    """Make the confirmed request the address's choices; None for a request replaced since."""
    watch = db.session.get(Watch, watch_id)
    if watch is None or not watch.pending or watch.requested_at.isoformat() != requested_at:
        return None
    pending = json.loads(watch.pending)
    watch.language = pending.pop("language")
    _set(watch, Choices(**{k: tuple(v) if isinstance(v, list) else v for k, v in pending.items()}))
    watch.pending = ""
    watch.newsletters_refused, watch.undeliverable_at = 0, None  # the address works
    if watch.confirmed_at is None:
        watch.confirmed_at = watch.told_through = utcnow()  # news from now on
    db.session.flush()
    return watch


def save(watch_id: int, choices: Choices) -> Watch:
    """From the link in a watch's own mail: the address is proven, so no new confirmation."""
    watch = db.session.get(Watch, watch_id)
    _set(watch, choices)
    db.session.flush()
    return watch


def stop(watch_id: int, newsletter: bool = False) -> Choices:
    """Unsubscribe from the daily news of events, or from the ``newsletter``; a watch left
    with neither goes, with all it held. What the address still gets."""
    watch = db.session.get(Watch, watch_id)
    if watch is None:
        return Choices()
    chosen = choices_of(watch)
    left = (
        replace(chosen, newsletter=False) if newsletter else Choices(newsletter=chosen.newsletter)
    )
    if left.empty:
        db.session.delete(watch)
    else:
        _set(watch, left)
    db.session.flush()
    return left


def _matching(watch: Watch, events: Iterable[Event]) -> list[Event]:
    chosen = choices_of(watch)
    return [
        event
        for event in events
        if chosen.everything
        or event.focus_area_id in chosen.focus_areas
        or event.audience_id in chosen.audiences
        or event.network_id in chosen.networks
    ]


def send_digests(now: datetime | None = None) -> int:
    """One mail a day at most to each confirmed watch with news; how many mails. Each watch is
    claimed with a conditional UPDATE of its day, so two workers send it once."""
    now = now or utcnow()
    today = now.astimezone(STOCKHOLM).date()
    watches = db.session.scalars(
        select(Watch).where(
            Watch.confirmed_at.is_not(None),
            (Watch.last_mail_on.is_(None)) | (Watch.last_mail_on < today),
        )
    ).all()
    if not watches:
        return 0
    since = min(w.told_through for w in watches)
    fresh = db.session.scalars(
        select(Event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.published_at > since,
            Event.published_at <= now,
            Event.first_start > now,
        )
        .order_by(Event.first_start)
    ).all()
    sent = 0
    for watch in watches:
        news = _matching(watch, [e for e in fresh if e.published_at > watch.told_through])
        if not news:
            continue
        claimed = db.session.execute(
            update(Watch)
            .where(Watch.id == watch.id, Watch.told_through == watch.told_through)
            .values(told_through=now, last_mail_on=today)
        ).rowcount
        if claimed:
            compose.queue_watch_digest(watch, [event.id for event in news])
            sent += 1
    return sent


def forget_unconfirmed(now: datetime) -> int:
    """The purge: requests never confirmed within the days the mail said."""
    days = current_app.config["WATCH_CONFIRM_DAYS"]
    return db.session.execute(
        delete(Watch).where(
            Watch.confirmed_at.is_(None), Watch.requested_at < now - timedelta(days=days)
        )
    ).rowcount
