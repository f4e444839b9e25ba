"""How requests and commands use the database: reads without a transaction, writes in one."""

import pytest
from helpers import csrf_token, make_event, sign_up_form
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from eventreg import database
from eventreg.extensions import db
from eventreg.models import RateLimitCounter
from eventreg.services import registrations


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


def test_a_sign_up_counts_seats_and_the_waiting_list_from_the_index_alone(app):
    """Every sign-up counts seats and the waiting list in its way of taking part; a waiting
    list of hundreds would otherwise read a table row each to see its way (SQLite's plan)."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL plans by its statistics of the table's rows")
        compiled = registrations._SIGN_UP_LOOK.compile(db.engine)
        params = compiled.construct_params(
            {"event_id": 1, "email": "a@b.se", "library_id": None, "mode": None}
        )
        plan = db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(params[name] for name in compiled.positiontup)
        )
        counting = [row.detail for row in plan if row.detail.startswith("SEARCH registration ")]
    assert len(counting) == 3, counting  # seats, the waiting list, the person's own
    assert all("COVERING INDEX" in detail for detail in counting[:2]), counting
