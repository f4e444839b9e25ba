"""How eventreg's requests use their database: write transactions that queue, reads that do not.

SQLite allows one writer. A deferred transaction that reads first and writes later cannot wait
for the lock (upgrading fails at once with SQLITE_BUSY), so every transaction that may write
starts with ``BEGIN IMMEDIATE`` and waits up to the busy timeout.

Requests with a safe HTTP method never write (but for a view marked with :func:`writes`), and
run without a transaction (autocommit): each statement reads a consistent snapshot of its own,
as under PostgreSQL's READ COMMITTED inside a transaction too, so a BEGIN and a ROLLBACK would
only cost time on every page (two round trips on PostgreSQL). Readers never queue behind writers (SQLite's WAL lets them read while someone
writes). Everything else (posts, the mail worker, commands) has transactions.

A pooled connection that has lain idle is tried before use, so that a restarted PostgreSQL
costs no failed request; one used a moment ago is not (``pool_pre_ping`` would try every one,
a round trip per request, which under a rush of sign-ups was a tenth of their database work).
"""

import time
from contextvars import ContextVar

from flask import Flask, request
from sqlalchemy import Engine, event, exc

#: Seconds a pooled connection may lie idle and still be used without being tried first.
TRUSTED_IDLE_SECONDS = 10

#: True while serving a request that only reads (GET, HEAD, OPTIONS).
_read_only: ContextVar[bool] = ContextVar("eventreg_read_only", default=False)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure(app: Flask, engine: Engine) -> None:
    """Mark each request as reading or writing, and begin its transactions accordingly."""

    @app.before_request
    def _mark_read_only():
        view = app.view_functions.get(request.endpoint)
        _read_only.set(request.method in _SAFE_METHODS and not getattr(view, "writes", False))

    @app.teardown_request
    def _unmark_read_only(_exc):
        _read_only.set(False)

    if engine.dialect.name == "sqlite":
        _configure_sqlite(app, engine)
    elif engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
        _try_idle_connections(engine)


def writes(view):
    """Mark a GET view that must write: an identity provider's answer comes back as a GET
    (OpenID Connect's code flow), and the sign-in it brings is recorded."""
    view.writes = True
    return view


def _try_idle_connections(engine: Engine) -> None:
    """Before a connection that lay idle is used, one round trip tells whether the server still
    has it; if not, the pool throws it away and connects anew (SQLAlchemy's pessimistic
    disconnect handling, for idle connections only)."""

    @event.listens_for(engine, "checkin")
    def _note_idle_from(_dbapi_connection, record):
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _try_if_idle(dbapi_connection, record, _proxy):
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < TRUSTED_IDLE_SECONDS:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # As pool_pre_ping: the server is likely restarted, so every pooled one is gone too.
            raise exc.InvalidatePoolError("lost while it lay idle") from error


def _configure_postgresql(engine: Engine) -> None:
    """Autocommit while a request only reads, and a transaction again once the connection is
    back in the pool. Autocommit set by the caller (``isolation_level="AUTOCOMMIT"``, as for
    VACUUM) is left alone."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if _read_only.get():  # the connection is idle here (a pool's ping leaves it so)
            pooled = connection.connection
            pooled.dbapi_connection.autocommit = True
            pooled.info["reading"] = True

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        if record.info.pop("reading", False) and dbapi_connection is not None:
            dbapi_connection.autocommit = False


def _configure_sqlite(app: Flask, engine: Engine) -> None:
    """WAL, the busy timeout, foreign keys and our own BEGIN (none for reading, nor for a
    caller that asks for autocommit)."""
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT"] * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Stop the driver from issuing its own deferred BEGIN; "begin" below does it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        asked = connection.get_execution_options().get("isolation_level")
        if not _read_only.get() and asked != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def render_migration_item(type_, obj, autogen_context):
    """Write our UTC timestamps into migrations as plain DateTime, so migrations never import app code."""
    from eventreg.models.base import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
