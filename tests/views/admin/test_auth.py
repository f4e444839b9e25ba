"""Signing in: right and wrong passwords, throttling, sessions, and the command-line account."""

from datetime import UTC, datetime, timedelta

from helpers import PASSWORD, csrf_token, login, submit
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Role, User


def test_a_coordinator_signs_in_and_out(client, coordinator):
    response = login(client, coordinator)
    assert response.status_code == 302
    assert response.headers["Location"] == "/samordnare/"
    page = client.get("/samordnare/").get_data(as_text=True)
    assert "Översikt" in page and "Logga ut" in page
    response = submit(client, "/logga-ut", {}, page_url="/samordnare/")
    assert response.status_code == 302
    assert client.get("/samordnare/").status_code == 302


def test_a_wrong_password_or_address_gets_the_same_message(client, coordinator):
    wrong_password = login(client, coordinator, "fel-lösenord-här")
    wrong_address = login(client, "ingen@region.se", PASSWORD)
    for response in (wrong_password, wrong_address):
        assert response.status_code == 422
        assert "Fel e-postadress eller lösenord." in response.get_data(as_text=True)


def test_many_failures_stop_even_the_right_password_for_a_while(client, coordinator):
    for _ in range(5):
        login(client, coordinator, "fel-lösenord-här")
    response = login(client, coordinator)
    assert response.status_code == 422
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)


def test_sign_in_only_returns_to_pages_on_this_site(client, coordinator):
    token = csrf_token(client.get("/logga-in").get_data(as_text=True))
    response = client.post(
        "/logga-in?next=https://evil.example/",
        data={"csrf_token": token, "email": coordinator, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/samordnare/"


def test_the_session_cookie_expires(app, coordinator_client):
    cookie = coordinator_client.get_cookie("session")
    lifetime = cookie.expires - datetime.now(UTC)
    assert timedelta(hours=7, minutes=59) < lifetime <= timedelta(hours=8)


def test_create_coordinator_reads_the_password_from_standard_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-coordinator",
            "Ny.Samordnare@Region.se",
            "--name",
            "Ny Samordnare",
            "--admin",
        ],
        input="ett-mycket-långt-lösenord\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny.samordnare@region.se"))
        assert user.role == Role.ADMIN
        assert "ett-mycket" not in user.password_hash
    short = runner.invoke(args=["create-coordinator", "b@region.se", "--name", "B"], input="kort\n")
    assert short.exit_code != 0
    assert "minst 12 tecken" in short.output
