"""Stored public pages: served from memory, never stale, never personal."""

from helpers import login, make_event
from sqlalchemy import event as sa_event

from eventreg.extensions import db
from eventreg.models import Event
from eventreg.services.events import SessionTimes, update_event
from eventreg.services.registrations import Applicant, register


def count_queries(app, client, url):
    """The SELECTs a request makes, and the page."""
    statements = []
    with app.app_context():
        engine = db.engine

    def listener(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        body = client.get(url).get_data(as_text=True)
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)
    return len(statements), body


def test_a_stored_page_costs_one_query_and_a_sign_up_makes_it_fresh(app, client):
    with app.app_context():
        event = make_event(capacity=5)
        db.session.commit()
        event_id = event.id
    first, page = count_queries(app, client, f"/evenemang/{event_id}")
    again, same = count_queries(app, client, f"/evenemang/{event_id}")
    assert "5 platser kvar" in page and same == page
    assert again == 1 < first

    with app.app_context():
        register(
            event_id, Applicant(name="A", email="a@b.se", library_id=None, other_workplace="X")
        )
        db.session.commit()
    assert "4 platser kvar" in client.get(f"/evenemang/{event_id}").get_data(as_text=True)
    assert "4 platser kvar" in client.get("/").get_data(as_text=True)


def test_an_edit_reaches_the_calendar_at_once(app, client):
    with app.app_context():
        event = make_event(title="Före")
        db.session.commit()
        event_id = event.id
    assert "Före" in client.get("/").get_data(as_text=True)
    with app.app_context():
        session = db.session.get(Event, event_id).sessions[0]
        update_event(
            event_id,
            [SessionTimes(session.starts_at, session.ends_at, "", session.id)],
            title="Efter",
        )
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Efter" in html and "Före" not in html


def test_signed_in_coordinators_never_get_a_stored_page(app, client, coordinator):
    with app.app_context():
        make_event()
        db.session.commit()
    assert "Logga ut" not in client.get("/").get_data(as_text=True)
    signed_in = app.test_client()
    login(signed_in, coordinator)
    assert "Logga ut" in signed_in.get("/").get_data(as_text=True)
    assert "Logga ut" not in client.get("/").get_data(as_text=True)
