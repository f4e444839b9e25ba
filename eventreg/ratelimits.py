"""Rate limits on the public forms, counted in the database that every worker shares.

A script once signed up 200 invented addresses in 1.8 s and took every seat of a course. The
forms that anyone can post (sign-up, joining a network, "send my link again") are limited per
client address, in fixed windows (e.g. "40 per minute;200 per hour", parsed by ``limits``). The
limits leave room for a real burst: thirty colleagues behind one library's NAT signing up in
the same minute.

A view calls :func:`hit` for a filled-in form, just before the service acts. The count is
written in the request's own transaction, so a post and its count commit together, at one
commit: the limits count what gets through (seats taken, mails sent), which is what they guard.
What a limit turns away is recorded per client network and hour (:class:`RefusedBurst`), and
coordinators see it on the overview.
"""

import ipaddress
import logging
from datetime import timedelta
from functools import cache
from typing import NoReturn

from flask import abort, current_app, request
from limits import RateLimitItem, parse_many
from sqlalchemy import TextClause, bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventreg.extensions import db
from eventreg.models import RefusedBurst
from eventreg.models.base import UTCDateTime, utcnow

log = logging.getLogger(__name__)


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert


@cache
def _increment(windows: int) -> TextClause:
    """Add one to the count of each of a form's windows, or start a window anew: one statement
    (it runs on every post of a limited form), written out since SQLAlchemy would compile a
    multi-row INSERT again on every call. PostgreSQL and SQLite (3.35+) both read it."""
    rows = ", ".join(f"(:key{n}, 1, :expires_at{n})" for n in range(windows))
    expired = "rate_limit_counter.expires_at <= :now"
    return text(
        f'INSERT INTO rate_limit_counter ("key", count, expires_at) VALUES {rows} '
        f'ON CONFLICT ("key") DO UPDATE SET '
        f"count = CASE WHEN {expired} THEN 1 ELSE rate_limit_counter.count + 1 END, "
        f"expires_at = CASE WHEN {expired} THEN excluded.expires_at "
        f"ELSE rate_limit_counter.expires_at END "
        f'RETURNING "key", count'
    ).bindparams(
        bindparam("now", type_=UTCDateTime()),
        *(bindparam(f"expires_at{n}", type_=UTCDateTime()) for n in range(windows)),
    )


@cache
def _windows(setting: str) -> list[RateLimitItem]:
    return parse_many(setting)


def hit(form: str) -> None:
    """Count a post of a public form from this client (RATELIMIT_<FORM> in the config).

    :raise 429: past a limit, after recording the refusal; the post does nothing.
    """
    client = request.remote_addr or ""
    windows = _windows(current_app.config[f"RATELIMIT_{form.upper().replace('-', '_')}"])
    keys = [window.key_for(form, client) for window in windows]
    now = utcnow()
    values = {"now": now}
    for n, (key, window) in enumerate(zip(keys, windows, strict=True)):
        values[f"key{n}"] = key
        values[f"expires_at{n}"] = now + timedelta(seconds=window.get_expiry())
    counts = dict(db.session.connection().execute(_increment(len(windows)), values).all())
    for key, window in zip(keys, windows, strict=True):
        if counts[key] > window.amount:
            _refuse(form, str(window), client)


def _refuse(form: str, window: str, client: str) -> NoReturn:
    """Count what the limit turned away, per client network and hour; then answer 429."""
    args = request.view_args or {}
    event_id, network_id = args.get("event_id"), args.get("network_id")
    target = f"event-{event_id}" if event_id else f"network-{network_id}" if network_id else ""
    now = utcnow()
    table = RefusedBurst.__table__
    values = dict(
        hour=now.replace(minute=0, second=0, microsecond=0),
        form=form,
        target=target,
        event_id=event_id,
        network_id=network_id,
        client=client_network(client),
        refused=1,
    )
    insert = _insert(db.session.connection().dialect.name)(table).values(**values)
    try:
        with db.session.begin_nested():
            db.session.execute(
                insert.on_conflict_do_update(
                    index_elements=["hour", "form", "target", "client"],
                    set_={"refused": table.c.refused + 1},
                )
            )
    except IntegrityError:  # no such event or network: the refusal stands all the same
        log.warning("refused burst not recorded: %s does not exist", target)
    db.session.commit()
    log.warning("rate limit %s hit for %s (%s)", window, form, values["client"])
    abort(429)


def client_network(address: str) -> str:
    """The network a client address is in (/24, or /48 for IPv6): enough to see that requests
    came from one place, without keeping the address itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "okänd"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


#: What each limited form is, for coordinators.
FORMS = {"sign-up": "Anmälan", "network-join": "Gå med i nätverk", "link": "Länken igen"}


def recent_bursts(days: int = 7) -> list[RefusedBurst]:
    """What the limits turned away lately, newest first, with the events they were about."""
    return list(
        db.session.scalars(
            select(RefusedBurst)
            .where(RefusedBurst.hour >= utcnow() - timedelta(days=days))
            .options(selectinload(RefusedBurst.event))
            .order_by(RefusedBurst.hour.desc(), RefusedBurst.refused.desc())
            .limit(50)
        )
    )
