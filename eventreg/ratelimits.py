"""Rate limits on the public forms, shared by every worker through the database.

A script once signed up 200 invented addresses in 1.8 s and took every seat of a course. The
forms that anyone can post (sign-up, joining a network, "send my link again") are limited per
client address with Flask-Limiter. Its counters live in the database (:class:`DatabaseStorage`),
since gunicorn's workers (and machines) share nothing else; they are written on a connection of
their own, before the request has begun its transaction. The limits leave room for a real
burst: thirty colleagues behind one library's NAT signing up in the same minute.

What a limit turns away is recorded per client network and hour (:class:`RefusedBurst`), and
coordinators see it on the overview.
"""

import ipaddress
import logging
from datetime import timedelta
from functools import cache

from flask import Flask, current_app, request
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from limits.storage import Storage
from sqlalchemy import bindparam, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from eventreg.extensions import db, limiter
from eventreg.models import RateLimitCounter, RefusedBurst
from eventreg.models.base import utcnow

log = logging.getLogger(__name__)


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert


@cache
def _increment(dialect: str):
    """Add to a window's count, or start a new window: one statement, built once (it runs on
    every post of a limited form)."""
    table = RateLimitCounter.__table__
    insert = _insert(dialect)(table).values(
        key=bindparam("key"), count=bindparam("amount"), expires_at=bindparam("expires_at")
    )
    expired = table.c.expires_at <= bindparam("now", type_=table.c.expires_at.type)
    return insert.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case(
                (expired, insert.excluded.count), else_=table.c.count + insert.excluded.count
            ),
            "expires_at": case((expired, insert.excluded.expires_at), else_=table.c.expires_at),
        },
    ).returning(table.c.count)


class DatabaseStorage(Storage):
    """A `limits` storage on eventreg's database: fixed windows, one row per key."""

    STORAGE_SCHEME = ["eventreg-database"]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = utcnow()
        with db.engine.begin() as connection:
            return connection.execute(
                _increment(connection.dialect.name),
                {
                    "key": key,
                    "amount": amount,
                    "now": now,
                    "expires_at": now + timedelta(seconds=expiry),
                },
            ).scalar_one()

    def _row(self, key: str):
        with db.engine.connect() as connection:
            return connection.execute(
                select(RateLimitCounter.count, RateLimitCounter.expires_at).where(
                    RateLimitCounter.key == key, RateLimitCounter.expires_at > utcnow()
                )
            ).one_or_none()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at.timestamp() if row else utcnow().timestamp()

    def check(self) -> bool:
        with db.engine.connect() as connection:
            connection.execute(select(1))
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(RateLimitCounter)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))


def client_network(address: str) -> str:
    """The network a client address is in (/24, or /48 for IPv6): enough to see that requests
    came from one place, without keeping the address itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "okänd"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def refused(form: str):
    """An ``on_breach`` for a limit: count what it turned away, per client network and hour."""

    def record(limit: RequestLimit) -> None:
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
            client=client_network(get_remote_address()),
            refused=1,
        )
        try:
            with db.engine.begin() as connection:
                insert = _insert(connection.dialect.name)(table).values(**values)
                connection.execute(
                    insert.on_conflict_do_update(
                        index_elements=["hour", "form", "target", "client"],
                        set_={"refused": table.c.refused + 1},
                    )
                )
        except SQLAlchemyError:  # e.g. the event is gone: the refusal stands all the same
            log.exception("could not record a refused burst")
        log.warning("rate limit %s hit for %s (%s)", limit.limit, form, values["client"])

    return record


def limit(form: str):
    """The limit on a public form, from its config key (e.g. RATELIMIT_SIGN_UP), on POSTs."""
    setting = f"RATELIMIT_{form.upper().replace('-', '_')}"
    return limiter.limit(
        lambda: current_app.config[setting], methods=["POST"], on_breach=refused(form)
    )


def init_app(app: Flask) -> None:
    """Called before any other request hook is registered: the limits are checked first, so
    the counters' own connection never waits for a write lock the request holds (SQLite)."""
    limiter.init_app(app)


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
