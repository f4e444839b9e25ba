"""Swedish first, English second: the visitor chooses, and every public page follows."""

import re

import pytest
from helpers import deliver, make_event, personal_link, stockholm, submit
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Library
from eventreg.services import networks
from eventreg.services.events import SessionTimes

#: A session on 12 March next year, 09.00–12.00.
WHEN = stockholm(0, 9).replace(year=stockholm(0).year + 1, month=3, day=12)


@pytest.fixture
def event_id(app):
    with app.app_context():
        when = WHEN
        event = make_event(
            title="Bokprat för unga",
            sessions=[SessionTimes(when, when.replace(hour=12))],
            capacity=2,
            audience="Barnbibliotekarier",
        )
        db.session.commit()
        return event.id


def choose(client, language: str, page: str = "/"):
    """Follow the language switch in the header of ``page``."""
    html = client.get(page).get_data(as_text=True)
    switch = re.search(r'href="(/sprak/[a-z]+\?next=[^"]*)"', html).group(1).replace("&amp;", "&")
    assert switch.startswith(f"/sprak/{language}")
    return client.get(switch)


def test_pages_are_swedish_until_the_visitor_chooses_english(client, event_id):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Kommande kurser och nätverksträffar" in html
    assert 'lang="en" hreflang="en">In English</a>' in html

    response = choose(client, "en")
    assert response.status_code == 302 and response.location == "/"

    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Upcoming courses and network meetings" in html
    assert "March" in html and f"{WHEN:%A} 12 March {WHEN.year}" in html and "09:00–12:00" in html
    assert "2 seats left" in html
    assert "For barnbibliotekarier" in html
    assert 'lang="sv" hreflang="sv">På svenska</a>' in html

    choose(client, "sv")
    assert "Kommande kurser" in client.get("/").get_data(as_text=True)


def test_stored_pages_are_kept_apart_per_language(app, client, event_id):
    swedish = app.test_client()
    assert "2 platser kvar" in swedish.get(f"/evenemang/{event_id}").get_data(as_text=True)
    choose(client, "en", f"/evenemang/{event_id}")
    html = client.get(f"/evenemang/{event_id}").get_data(as_text=True)
    assert "2 seats left" in html and "Last day to sign up" in html
    assert "2 platser kvar" in swedish.get(f"/evenemang/{event_id}").get_data(as_text=True)


def test_the_sign_up_form_explains_mistakes_in_english(client, event_id):
    choose(client, "en")
    url = f"/evenemang/{event_id}/anmalan"
    html = client.get(url).get_data(as_text=True)
    assert "Sign up for Bokprat för unga" in html
    assert "Choose workplace …" in html and 'optgroup label="Outside the county' in html

    response = submit(client, url, {"name": "", "email": "inte-en-adress", "library": ""})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Something needs correcting" in html
    assert "Enter your name." in html
    assert "Enter an email address like name@example.com." in html
    assert "To sign up, you need to accept how your personal data is handled." in html


def test_the_prose_pages_are_written_out_in_english(client):
    choose(client, "en", "/personuppgifter")
    html = client.get("/personuppgifter").get_data(as_text=True)
    assert "How we handle your personal data" in html and "30 days" in html
    assert "Accessibility statement" in client.get("/tillganglighet").get_data(as_text=True)


def test_error_pages_follow_the_language(client):
    choose(client, "en")
    response = client.get("/evenemang/999999")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_the_language_switch_only_returns_to_this_site(client, target):
    response = client.get("/sprak/en", query_string={"next": target})
    assert response.status_code == 302 and response.location == "/"


def test_the_coordinators_workspace_stays_swedish(coordinator_client):
    choose(coordinator_client, "en")
    html = coordinator_client.get("/samordnare/").get_data(as_text=True)
    assert '<html lang="sv">' in html and "In English" not in html


def test_a_member_who_joins_in_english_gets_the_networks_mail_in_english(app, client, smtp):
    with app.app_context():
        network = networks.create_network(
            None, name="Barnnätverket", contact_name="Karin", contact_email="karin@region.se"
        )
        db.session.commit()
        network_id = network.id
        library_id = db.session.scalar(select(Library.id))
    choose(client, "en", f"/natverk/{network_id}")

    response = submit(
        client,
        f"/natverk/{network_id}",
        {"name": "Alex Lind", "email": "alex@eksjo.se", "library": str(library_id), "consent": "y"},
    )

    assert response.status_code == 302
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["Subject"] == "Your application to Barnnätverket"
    assert "Thank you for applying to Barnnätverket." in mail.get_body(("plain",)).get_content()


def test_the_personal_page_and_cancelling_in_english(app, client, smtp, event_id):
    with app.app_context():
        library_id = db.session.scalar(select(Library.id))
    choose(client, "en", f"/evenemang/{event_id}/anmalan")
    submit(
        client,
        f"/evenemang/{event_id}/anmalan",
        {"name": "Alex Lind", "email": "alex@eksjo.se", "library": str(library_id), "consent": "y"},
    )
    with app.app_context():
        (confirmation,) = deliver(smtp)
    link = personal_link(confirmation)

    html = client.get(link).get_data(as_text=True)
    assert "Your registration for Bokprat för unga" in html and "You have a seat." in html
    response = submit(client, f"{link}/avboka", {})

    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "We have sent a confirmation of the cancellation to your email." in html
    assert "Your registration is cancelled." in html
    with app.app_context():
        (cancellation,) = deliver(smtp)
    assert cancellation["Subject"] == "Cancelled: Bokprat för unga"
