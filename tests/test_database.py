"""How requests and commands use the database: reads without a transaction, writes in one."""

import pytest
from helpers import csrf_token, make_event, sign_up_form
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from eventreg import database
from eventreg.extensions import db
from eventreg.models import RateLimitCounter


def test_a_command_that_asks_for_autocommit_gets_it(app):
    """VACUUM cannot run in a transaction, on either database (bench/scale.py runs it)."""
    with (
        app.app_context(),
        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
    ):
        connection.execute(text("VACUUM"))


def test_a_post_after_pages_were_read_is_one_transaction_again(app, client):
    """Reading pages runs in autocommit; the pooled connection a post gets next must not:
    a post to an event that does not exist counts nothing, because its count rolls back."""
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    for _ in range(3):
        page = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    answer = client.post(
        f"/evenemang/{event_id + 1000}/anmalan",
        data={"csrf_token": csrf_token(page), **sign_up_form()},
    )
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == 0


def test_a_connection_the_server_closed_while_it_lay_idle_costs_no_failed_request(
    app, client, monkeypatch
):
    """As after a restart of PostgreSQL: the pooled connection is tried, found dead and replaced
    before the request uses it."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no server to lose a connection")
        event_id = make_event().id
        db.session.commit()
        assert client.get(f"/evenemang/{event_id}").status_code == 200  # a pooled connection
        outside = create_engine(db.engine.url, poolclass=NullPool)  # not one of the pool's
        with outside.begin() as other:
            other.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    monkeypatch.setattr(database, "TRUSTED_IDLE_SECONDS", 0)
    assert client.get(f"/evenemang/{event_id}/anmalan").status_code == 200
