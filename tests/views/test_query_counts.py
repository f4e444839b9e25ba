"""No page asks the database once per row: the query count stays the same as the rows grow.

A page that loads sessions or libraries row by row (N+1) gets slower with every event and
registration; these tests count the SQL statements of a request at two sizes.
"""

import re
from contextlib import contextmanager

import pytest
from helpers import applicant, counting, csrf_token, login, make_event, sign_up_form, stockholm
from sqlalchemy import event as sa_event
from sqlalchemy import select

from eventreg import links, organisation
from eventreg.extensions import db
from eventreg.models import Library, QuestionKind, Registration
from eventreg.models.base import Base
from eventreg.services import questions
from eventreg.services.events import SessionTimes
from eventreg.services.questions import QuestionText
from eventreg.services.registrations import register

pytestmark = pytest.mark.usefixtures("app")


def queries(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
        organisation.current()  # read once a few seconds per process, not per page
    with counting(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def add_events(app, count: int) -> int:
    with app.app_context():
        libraries = db.session.scalars(select(Library.id)).all()
        last = None
        for n in range(count):
            last = make_event(
                title=f"Kurs {n}",
                capacity=None,
                sessions=[
                    SessionTimes(stockholm(10 + n, 9), stockholm(10 + n, 12)),
                    SessionTimes(stockholm(40 + n, 9), stockholm(40 + n, 12)),
                ],
            )
            for p in range(3):
                register(
                    last.id,
                    applicant(
                        name=f"P{p}",
                        email=f"p{n}-{p}@b.se",
                        library_id=libraries[(n + p) % len(libraries)],
                    ),
                )
        db.session.commit()
        return last.id


def test_the_calendar_asks_the_same_number_of_queries_for_2_or_20_events(app, client):
    add_events(app, 2)
    few = queries(app, client, "/")
    add_events(app, 18)
    assert queries(app, client, "/") == few


def test_the_attendee_list_and_export_do_not_grow_with_attendees(app, coordinator):
    client = app.test_client()
    login(client, coordinator)
    event_id = add_events(app, 1)
    urls = [
        f"/samordnare/evenemang/{event_id}/deltagare",
        f"/samordnare/evenemang/{event_id}/deltagare.csv",
        "/samordnare/",
    ]
    few = [queries(app, client, url) for url in urls]
    with app.app_context():
        libraries = db.session.scalars(select(Library.id)).all()
        for p in range(30):
            register(
                event_id,
                applicant(
                    name=f"Q{p}", email=f"q{p}@b.se", library_id=libraries[p % len(libraries)]
                ),
            )
        db.session.commit()
    add_events(app, 10)
    more = [queries(app, client, url) for url in urls]
    # Fewer is fine: an eager load is skipped when no row on the page needs it.
    assert all(m <= f for m, f in zip(more, few, strict=True)), (few, more)


def test_a_sign_up_with_questions_reads_them_once_and_a_change_to_them_is_seen(app, client):
    """When a course opens, every post would read the questions to build the form the service
    then checks them against again: the posted form knows its version and is kept per process.
    A change to the questions is a new version: the next form asks the new question."""
    app.config["SIGN_UP_FRESH_SECONDS"] = 0  # the form is looked at right after the change
    with app.app_context():
        event_id = make_event(capacity=None).id
        questions.save_questions(
            event_id, [QuestionText(QuestionKind.SHORT_TEXT, "Allergier?")], None
        )
        db.session.commit()
        engine = db.engine
    url = f"/evenemang/{event_id}/anmalan"
    for n in (1, 2):
        page = client.get(url).get_data(as_text=True)
        fields = re.findall(r'name="(q\d+|questions)" (?:type="hidden" )?value="([^"]*)"', page)
        with counting(engine) as statements:
            posted = client.post(
                url, data={**sign_up_form(n), "csrf_token": csrf_token(page), **dict(fields)}
            )
        assert posted.status_code == 302
    asking = [s for s in statements if s.lstrip().startswith("SELECT question.")]
    assert len(asking) == 1  # the service's, under the event's lock
    with app.app_context():
        questions.save_questions(
            event_id,
            [
                QuestionText(QuestionKind.SHORT_TEXT, "Allergier?"),
                QuestionText(QuestionKind.YES_NO, "Fika?"),
            ],
            None,
        )
        db.session.commit()
    assert "Fika?" in client.get(url).get_data(as_text=True)


@contextmanager
def loading():
    """The objects the ORM loads from rows inside the block, by class name."""
    loaded: list[str] = []

    def note(target, _context):
        loaded.append(type(target).__name__)

    sa_event.listen(Base, "load", note, propagate=True)
    try:
        yield loaded
    finally:
        sa_event.remove(Base, "load", note)


def test_a_sign_up_writes_its_rows_without_loading_objects(app, client):
    """When a course opens, everyone posts the form at once: a post counts itself against the
    rate limit, locks the event (reading it as a row), reads what decides the seat in one
    statement and inserts the registration and its mail. Loading the event and the new
    registration as objects was a third of a sign-up's CPU; only a seat, whose invite needs
    the sessions, loads the event."""
    with app.app_context():
        event_id = make_event(capacity=1).id
        db.session.commit()
        engine = db.engine
    url = f"/evenemang/{event_id}/anmalan"
    done = []
    for n in (1, 2):
        page = client.get(url).get_data(as_text=True)
        with counting(engine) as statements, loading() as loaded:
            posted = client.post(url, data={**sign_up_form(n), "csrf_token": csrf_token(page)})
        assert posted.status_code == 302
        done.append(([" ".join(s.split()[:3]) for s in statements], loaded))
    (seat_statements, seat_loaded), (waiting_statements, waiting_loaded) = done
    begin = ["BEGIN IMMEDIATE"] if engine.dialect.name == "sqlite" else []
    assert waiting_statements[: len(begin)] == begin
    assert waiting_statements[len(begin) :] == [
        "INSERT INTO rate_limit_counter",
        "SELECT event.id, event.status,",
        "SELECT (SELECT count(*)",
        "INSERT INTO registration",
        "INSERT INTO outbox_message",
    ]
    assert waiting_loaded == []
    assert "INSERT INTO calendar_entry" in seat_statements  # the invite a seat comes with
    assert sorted(seat_loaded) == ["Event", "EventSession"]
    with app.app_context():
        assert [r.status for r in db.session.scalars(select(Registration))] == [
            "confirmed",
            "waitlisted",
        ]


def test_mina_kurser_asks_the_same_number_of_queries_for_2_or_20_registrations(app, client):
    def registrations(count: int) -> str:
        with app.app_context():
            for n in range(count):
                event = make_event(title=f"Kurs {n}", capacity=None, days=10 + n)
                register(event.id, applicant(email="flitig@bibliotek.se"))
            db.session.commit()
            return links.my_courses_url("flitig@bibliotek.se").split(".test", 1)[1]

    url = registrations(2)
    few = queries(app, client, url)
    registrations(18)
    assert queries(app, client, url) == few
