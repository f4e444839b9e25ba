"""Signing up and managing a registration through the pages, with the mail that follows."""

import re

import pytest
from helpers import csrf_token, deliver, make_event, personal_link, submit
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import Library, Registration


@pytest.fixture
def event_id(app):
    with app.app_context():
        event = make_event(capacity=1, serves_meal=True)
        db.session.commit()
        return event.id


@pytest.fixture
def library_id(app):
    with app.app_context():
        return db.session.scalar(
            select(Library.id).where(Library.name == "Vetlanda stadsbibliotek")
        )


def form(library_id, **overrides):
    data = {
        "name": "Åsa Öberg",
        "email": "Asa.Oberg@Vetlanda.se",
        "library": str(library_id),
        "role_title": "Bibliotekarie",
        "dietary_needs": "Vegetarisk",
        "consent": "y",
    }
    data.update(overrides)
    return data


def sign_up(client, event_id, data):
    return submit(client, f"/evenemang/{event_id}/anmalan", data)


def errors(response) -> list[str]:
    return re.findall(
        r'class="error-message"[^>]*><span class="visually-hidden">Fel: </span>([^<]*)<',
        response.get_data(as_text=True),
    )


def registration_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Registration))


def test_sign_up_mail_link_and_cancel(app, client, smtp, event_id, library_id):
    response = sign_up(client, event_id, form(library_id))
    assert response.status_code == 302
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tack för din anmälan" in thanks
    assert "asa.oberg@vetlanda.se" in thanks

    with app.app_context():
        (mail,) = deliver(smtp)
    link = personal_link(mail)
    page = client.get(link).get_data(as_text=True)
    assert "Du har en plats" in page
    assert "Vetlanda stadsbibliotek" in page
    assert "Vegetarisk" in page

    confirm = client.get(f"{link}/avboka").get_data(as_text=True)
    assert "Vill du avboka din anmälan?" in confirm
    response = client.post(f"{link}/avboka", data={"csrf_token": csrf_token(confirm)})
    assert response.status_code == 302
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Din anmälan är avbokad" in after
    assert "Avboka min anmälan" not in after
    with app.app_context():
        (cancellation,) = deliver(smtp)
    assert cancellation["Subject"].startswith("Avbokad:")


def test_duplicate_sign_up_looks_the_same_and_creates_nothing(
    app, client, smtp, event_id, library_id
):
    first = sign_up(client, event_id, form(library_id))
    first_page = client.get(first.headers["Location"]).get_data(as_text=True)
    second = sign_up(client, event_id, form(library_id, name="Någon annan"))
    second_page = client.get(second.headers["Location"]).get_data(as_text=True)

    assert second.status_code == first.status_code == 302
    assert second_page == first_page
    assert registration_count(app) == 1


def test_full_event_puts_people_on_the_waiting_list(app, client, smtp, event_id, library_id):
    app.config["SIGN_UP_FRESH_SECONDS"] = 0  # the form is looked at right after the last seat
    sign_up(client, event_id, form(library_id))
    page = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    assert "hamnar du på reservlistan" in page
    assert "Anmäl mig till reservlistan" in page
    sign_up(client, event_id, form(library_id, email="bo@example.se", name="Bo"))
    with app.app_context():
        mails = deliver(smtp)
    waitlisted = next(m for m in mails if m["To"].startswith("Bo"))
    page = client.get(personal_link(waitlisted)).get_data(as_text=True)
    assert "Du står som nummer 1 på reservlistan" in page
    assert "Lämna reservlistan" in page and "Avboka min anmälan" not in page


def test_empty_form_explains_every_missing_field_in_swedish(app, client, event_id):
    response = sign_up(client, event_id, {})
    assert response.status_code == 422
    assert errors(response) == [
        "Fyll i ditt namn.",
        "Fyll i din e-postadress.",
        "Välj din arbetsplats.",
        "Du behöver godkänna behandlingen av personuppgifter för att anmäla dig.",
    ]
    assert "Något behöver rättas" in response.get_data(as_text=True)
    assert registration_count(app) == 0


@pytest.mark.parametrize(
    ("field", "value", "message", "shown_at"),
    [
        ("email", "inte-en-adress", "Skriv en e-postadress som namn@exempel.se.", "email"),
        ("email", "anna@", "Skriv en e-postadress som namn@exempel.se.", "email"),
        (
            "email",
            "åsa@bibliotek.se",
            "Använd en adress utan å, ä, ö och andra specialtecken före @: "
            "alla e-postservrar klarar inte dem.",
            "email",
        ),
        ("name", "x" * 201, "Texten får vara högst 200 tecken.", "name"),
        (
            "name",
            "Anna\nBcc: x@y.se",
            "Texten får inte innehålla radbrytningar eller kontrolltecken.",
            "name",
        ),
        ("library", "999999", "Välj din arbetsplats i listan.", "library"),
        ("library", "other", "Skriv namnet på din arbetsplats.", "other_workplace"),
        (
            "consent",
            "",
            "Du behöver godkänna behandlingen av personuppgifter för att anmäla dig.",
            "consent",
        ),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_keeps_the_rest(
    app, client, event_id, library_id, field, value, message, shown_at
):
    data = form(library_id, **{field: value})
    if not value:
        del data[field]
    response = sign_up(client, event_id, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert errors(response) == [message]
    assert re.search(
        f'id="{shown_at}"[^>]*aria-describedby="[^"]*{shown_at}-error"', html
    ) or re.search(f'aria-describedby="[^"]*{shown_at}-error"[^>]*id="{shown_at}"', html)
    assert "Bibliotekarie" in html  # what was typed is still there
    assert registration_count(app) == 0


def test_a_post_without_csrf_token_is_refused_in_swedish(app, client, event_id, library_id):
    response = client.post(f"/evenemang/{event_id}/anmalan", data=form(library_id))
    assert response.status_code == 400
    assert "Formuläret hann bli för gammalt" in response.get_data(as_text=True)
    assert registration_count(app) == 0


def test_sign_up_after_the_deadline_is_refused(app, client, event_id, library_id):
    with app.app_context():
        closed = make_event(days=5, deadline_days=-1)
        db.session.commit()
        closed_id = closed.id
    page = client.get(f"/evenemang/{closed_id}/anmalan").get_data(as_text=True)
    assert "Anmälan är stängd" in page
    assert "<form" not in page
    # A form opened while sign-up was open and sent after it closed: refused, nothing saved.
    token = csrf_token(client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True))
    response = client.post(
        f"/evenemang/{closed_id}/anmalan", data={"csrf_token": token, **form(library_id)}
    )
    assert "Anmälan är stängd" in response.get_data(as_text=True)
    assert registration_count(app) == 0


@pytest.mark.parametrize(
    "token", ["forged", "MQ.Zm9yZ2Vk", "MQ.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "x" * 3000]
)
def test_a_forged_link_opens_nothing(client, token):
    for url in (f"/anmalan/{token}", f"/anmalan/{token}/avboka"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Länken är ogiltig" in response.get_data(as_text=True)


def test_online_link_shows_on_the_personal_page_only_with_a_seat(app, client, smtp, library_id):
    with app.app_context():
        event = make_event(
            capacity=1, online_url="https://meet.test/abc", online_note="Länk till anmälda"
        )
        db.session.commit()
        event_id = event.id
    sign_up(client, event_id, form(library_id, email="a@example.se"))
    sign_up(client, event_id, form(library_id, email="c@example.se"))
    with app.app_context():
        seated, waiting = deliver(smtp)
    assert "https://meet.test/abc" in client.get(personal_link(seated)).get_data(as_text=True)
    assert "https://meet.test/abc" not in client.get(personal_link(waiting)).get_data(as_text=True)
