"""Signing in: right and wrong passwords, throttling, sessions, and the command-line account."""

from datetime import UTC, datetime, timedelta

from helpers import PASSWORD, WebClient, csrf_token, login, serve, submit
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


def test_many_failures_stop_even_the_right_password_from_that_client(client, coordinator):
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


def from_address(client, address: str, email: str, password: str = PASSWORD):
    """Sign in from a given client address (REMOTE_ADDR)."""
    overrides = {"environ_overrides": {"REMOTE_ADDR": address}}
    token = csrf_token(client.get("/logga-in", **overrides).get_data(as_text=True))
    return client.post(
        "/logga-in",
        data={"csrf_token": token, "email": email, "password": password},
        **overrides,
    )


def test_someone_elses_failures_never_refuse_the_right_password(app, coordinator):
    attacker, karin = app.test_client(), app.test_client()
    for _ in range(12):
        from_address(attacker, "198.51.100.66", coordinator, "gissat-lösenord")

    assert from_address(karin, "192.0.2.7", coordinator).status_code == 302


def test_random_addresses_from_one_client_lock_nobody_else_out(app, coordinator):
    attacker, karin = app.test_client(), app.test_client()
    for n in range(30):
        from_address(attacker, "198.51.100.66", f"gissning{n}@region.se", "gissat-lösenord")

    assert from_address(karin, "192.0.2.7", coordinator).status_code == 302
    refused = from_address(attacker, "198.51.100.66", coordinator)
    assert refused.status_code == 422 and "Vänta" in refused.get_data(as_text=True)


def test_a_client_that_keeps_failing_is_slowed_down(app, coordinator):
    guesser = app.test_client()
    for _ in range(5):
        from_address(guesser, "198.51.100.66", coordinator, "gissat-lösenord")
    response = from_address(guesser, "198.51.100.66", coordinator)
    assert response.status_code == 422
    assert "Vänta" in response.get_data(as_text=True)


def test_behind_the_proxy_each_visitor_counts_by_their_own_address(another_app, coordinator):
    """Every request comes from the proxy; X-Forwarded-For tells who it is, when trusted."""
    with serve(another_app(TRUSTED_PROXIES=1)) as url:
        attacker = WebClient(url, headers={"X-Forwarded-For": "198.51.100.66"})
        for n in range(25):
            attacker.submit(
                "/logga-in", {"email": f"gissning{n}@region.se", "password": "gissat-lösenord"}
            )
        karin = WebClient(url, headers={"X-Forwarded-For": "192.0.2.7"})
        signed_in = karin.submit("/logga-in", {"email": coordinator, "password": PASSWORD})

    assert (signed_in.status, signed_in.headers.get("Location")) == (302, "/samordnare/")


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(another_app, coordinator):
    """Otherwise a guesser would write a new address in each request and never be slowed."""
    with serve(another_app(TRUSTED_PROXIES=0)) as url:
        for n in range(6):
            guesser = WebClient(url, headers={"X-Forwarded-For": f"203.0.113.{n}"})
            answer = guesser.submit(
                "/logga-in", {"email": coordinator, "password": "gissat-lösenord"}
            )
        last = WebClient(url, headers={"X-Forwarded-For": "203.0.113.99"})
        answer = last.submit("/logga-in", {"email": coordinator, "password": PASSWORD})

    assert answer.status == 422 and "Vänta" in answer.text


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(client, coordinator, app):
    login(client, coordinator)
    stolen = client.get_cookie("session").value
    submit(client, "/logga-ut", {}, page_url="/samordnare/")

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/samordnare/").status_code == 302  # to the sign-in page


def test_an_https_address_makes_the_cookie_secure_and_asks_for_hsts(
    monkeypatch, another_app, coordinator
):
    monkeypatch.setenv("EVENTREG_BASE_URL", "https://kalendarium.region.se")
    secure = another_app(EVENTREG_BASE_URL=None).test_client()  # the address from the environment

    response = login(secure, coordinator)

    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_next_that_would_break_the_redirect_is_refused_before_anything_happens(
    client, coordinator
):
    token = csrf_token(client.get("/logga-in").get_data(as_text=True))
    response = client.post(
        "/logga-in?next=/samordnare/%0D%0AX-Injected:%201",
        data={"csrf_token": token, "email": coordinator, "password": PASSWORD},
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/samordnare/")
    assert "X-Injected" not in response.headers


def test_a_page_for_administrators_says_no_in_the_sites_own_words(coordinator_client):
    response = coordinator_client.get("/samordnare/konton")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Du har inte behörighet" in page and '<html lang="sv">' in page
    assert "Forbidden" not in page


def test_a_session_cookie_copied_to_another_browser_is_not_signed_in(client, coordinator, app):
    login(client, coordinator)
    copied = client.get_cookie("session").value

    thief = app.test_client()
    thief.set_cookie("session", copied)
    elsewhere = thief.get("/samordnare/", headers={"User-Agent": "Thief/1.0"})
    assert elsewhere.status_code == 302  # to the sign-in page
    assert client.get("/samordnare/").status_code == 200


def test_a_visitor_reading_pages_is_not_sent_a_new_cookie_on_every_page(client, app):
    token_page = client.get("/logga-in")  # a form: the session gets its CSRF token
    assert "session=" in token_page.headers.get("Set-Cookie", "")
    for path in ("/", "/logga-in", "/personuppgifter"):
        assert "Set-Cookie" not in client.get(path).headers, path
