"""Stored public pages: served from memory, never stale, never personal."""

from helpers import applicant, csrf_token, login, make_event, sign_up_form
from sqlalchemy import event as sa_event
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Event, Library, OutboxMessage, QuestionKind
from eventreg.services import questions
from eventreg.services.events import SessionTimes, update_event
from eventreg.services.questions import ChoiceText, QuestionText
from eventreg.services.registrations import register


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
        register(event_id, applicant(name="A", email="a@b.se"))
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


def test_the_stored_sign_up_form_gives_each_visitor_a_working_token_of_their_own(app):
    with app.app_context():
        event = make_event(capacity=5)
        library_id = db.session.scalar(select(Library.id))
        db.session.commit()
        event_id = event.id
    url = f"/evenemang/{event_id}/anmalan"
    first, second = app.test_client(), app.test_client()
    first_form = first.get(url).get_data(as_text=True)
    selects, second_form = count_queries(app, second, url)
    assert csrf_token(first_form) != csrf_token(second_form)
    assert first_form.replace(csrf_token(first_form), "") == second_form.replace(
        csrf_token(second_form), ""
    )
    assert selects <= 3  # the event, its seats, the version: no rendering
    for client, form, n in ((first, first_form, 1), (second, second_form, 2)):
        response = client.post(
            url,
            data={
                "csrf_token": csrf_token(form),
                "name": f"P {n}",
                "email": f"p{n}@example.se",
                "library": str(library_id),
                "consent": "y",
            },
        )
        assert response.status_code == 302


def test_when_everyone_asks_for_the_form_at_once_the_post_decides_on_the_seat(app, client):
    """A worker reads what decides the form (seats taken, open or closed) at most once per
    SIGN_UP_FRESH_SECONDS: a form a moment old may still offer the last seat, and the post,
    which decides under the event's lock, puts its sender on the waiting list and mails so."""
    app.config["SIGN_UP_FRESH_SECONDS"] = 60  # longer than the test: nothing is read again
    with app.app_context():
        event_id = make_event(capacity=1).id
        db.session.commit()
    url = f"/evenemang/{event_id}/anmalan"
    client.get(url)
    with app.app_context():
        register(event_id, applicant(name="A", email="a@b.se"))
        db.session.commit()
    queries, page = count_queries(app, client, url)
    assert queries == 0 and "reservlistan" not in page  # the form as it was a moment ago
    answer = client.post(url, data={**sign_up_form(2), "csrf_token": csrf_token(page)})
    assert answer.status_code == 302
    with app.app_context():
        mail = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.to_email == "person2@bibliotek.se")
        )
        assert mail.kind == "waitlisted"  # the mail tells them, as the thanks page says it will
    app.config["SIGN_UP_FRESH_SECONDS"] = 0
    assert "hamnar du på reservlistan" in client.get(url).get_data(as_text=True)


def test_the_sign_up_form_stays_stored_while_people_sign_up_unless_choices_have_places(app, client):
    """A burst of sign-ups must not render the form anew for each visitor; only places left
    of a question's choices, shown on the form, make it change with every sign-up."""
    app.config["SIGN_UP_FRESH_SECONDS"] = 0  # each sign-up is looked at at once
    with app.app_context():
        plain = make_event(capacity=50)
        limited = make_event(capacity=50, title="Med workshop")
        questions.save_questions(
            limited.id,
            [
                QuestionText(
                    QuestionKind.SINGLE_CHOICE, "Workshop?", choices=(ChoiceText("A", places=9),)
                )
            ],
            None,
        )
        db.session.commit()
        ids = plain.id, limited.id
    for event_id, stored_after_a_sign_up in zip(ids, (True, False), strict=True):
        url = f"/evenemang/{event_id}/anmalan"
        count_queries(app, client, url)
        with app.app_context():
            register(
                event_id,
                applicant(
                    name="Ny", email=f"ny{event_id}@b.se", library_id=None, other_workplace="X"
                ),
            )
            db.session.commit()
        queries, _ = count_queries(app, client, url)
        assert (queries == 1) is stored_after_a_sign_up, (event_id, queries)
