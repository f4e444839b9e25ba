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
from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventreg.extensions import db
from eventreg.models import RateLimitCounter, RefusedBurst
from eventreg.models.base import utcnow

log = logging.getLogger(__name__)


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert


@cache
def _increment(dialect: str):
    """Add one to a window's count, or start a new window: one statement, built once (it runs
    on every post of a limited form, once per window)."""
    table = RateLimitCounter.__table__
    insert = _insert(dialect)(table).values(
        key=bindparam("key"), count=1, expires_at=bindparam("expires_at")
    )
    expired = table.c.expires_at <= bindparam("now", type_=table.c.expires_at.type)
    return insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((expired, 1), else_=table.c.count + 1),
            "expires_at": case((expired, insert.excluded.expires_at), else_=table.c.expires_at),
        },
    ).returning(table.c.count)


@cache
def _windows(setting: str) -> list[RateLimitItem]:
    return parse_many(setting)


def hit(form: str) -> None:
    """Count a post of a public form from this client (RATELIMIT_<FORM> in the config).

    :raise 429: past a limit, after recording the refusal; the post does nothing.
    """
    client = request.remote_addr or ""
    connection = db.session.connection()
    increment = _increment(connection.dialect.name)
    now = utcnow()
    for window in _windows(current_app.config[f"RATELIMIT_{form.upper().replace('-', '_')}"]):
        count = connection.execute(
            increment,
            {
                "key": window.key_for(form, client),
                "now": now,
                "expires_at": now + timedelta(seconds=window.get_expiry()),
            },
        ).scalar_one()
        if count > window.amount:
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
