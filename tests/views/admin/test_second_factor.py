"""A second factor for password accounts: setting up the app, signing in with it or a recovery
code, administrators who must have one, and the audit log of it all."""

import re
import time

import pyotp
from helpers import PASSWORD, audit_entries, csrf_token, login, submit
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import RecoveryCode, Role, User
from eventreg.services.accounts import create_user


def secret_of(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(select(User.totp_secret).where(User.email == email))


def set_up(app, client, email: str) -> list[str]:
    """Set up the app from the account's page, as its owner would; the recovery codes shown."""
    page = client.get("/samordnare/tvastegsverifiering").text
    client.post("/samordnare/tvastegsverifiering/borja", data={"csrf_token": csrf_token(page)})
    code = pyotp.TOTP(secret_of(app, email)).now()
    shown = submit(client, "/samordnare/tvastegsverifiering/ny", {"code": code})
    assert shown.status_code == 200, shown.text
    assert shown.headers["Cache-Control"] == "no-store"
    return re.findall(r"<code>([a-z2-9]{4}-[a-z2-9]{4})</code>", shown.text)


def password_step(client, email: str):
    return submit(client, "/logga-in", {"email": email, "password": PASSWORD})


def test_a_coordinator_sets_up_the_app_and_signs_in_with_it_or_a_recovery_code(
    app, client, coordinator_client, coordinator
):
    page = coordinator_client.get("/samordnare/tvastegsverifiering").text
    coordinator_client.post(
        "/samordnare/tvastegsverifiering/borja", data={"csrf_token": csrf_token(page)}
    )
    setup = coordinator_client.get("/samordnare/tvastegsverifiering/ny")
    assert 'src="data:image/svg+xml' in setup.text and setup.headers["Cache-Control"] == "no-store"
    spaced = " ".join(re.findall(".{1,4}", secret_of(app, coordinator)))
    assert spaced in setup.text  # the key written out, for typing in by hand
    wrong = submit(coordinator_client, "/samordnare/tvastegsverifiering/ny", {"code": "123456"})
    assert wrong.status_code == 422 and "Koden stämmer inte." in wrong.text

    codes = set_up(app, coordinator_client, coordinator)
    assert len(codes) == 10 == len(set(codes))
    with app.app_context():
        assert db.session.scalar(select(RecoveryCode.code_hash)) not in codes  # digests only

    asked = password_step(client, coordinator)
    assert asked.headers["Location"] == "/logga-in/kod"
    assert client.get("/samordnare/").status_code == 302  # not signed in yet
    refused = submit(client, "/logga-in/kod", {"code": "000000"})
    assert refused.status_code == 422 and "Koden stämmer inte. Försök igen." in refused.text
    # The code of the next 30 seconds: setting up took this step's (clocks drift a step).
    code = pyotp.TOTP(secret_of(app, coordinator)).at(time.time() + 30)
    assert submit(client, "/logga-in/kod", {"code": code}).headers["Location"] == "/samordnare/"
    assert "Översikt" in client.get("/samordnare/").text

    again = app.test_client()
    password_step(again, coordinator)
    replayed = submit(again, "/logga-in/kod", {"code": code})
    assert replayed.status_code == 422  # a code is taken once
    assert submit(again, "/logga-in/kod", {"code": codes[0].upper()}).status_code == 302
    third = app.test_client()
    password_step(third, coordinator)
    assert submit(third, "/logga-in/kod", {"code": codes[0]}).status_code == 422  # used up

    actions = audit_entries(app)
    assert ("slog på tvåstegsverifiering", "") in actions
    assert ("loggade in", "med lösenord och app") in actions
    assert ("loggade in", "med lösenord och reservkod") in actions
    assert ("misslyckad inloggning", f"{coordinator}: fel kod i andra steget") in actions
    log = coordinator_client.get("/samordnare/logg").text
    assert "använde en reservkod" in log and "misslyckad inloggning" in log


def test_the_code_must_come_within_minutes_and_guessing_it_is_slowed_down(
    app, client, coordinator_client, coordinator, monkeypatch
):
    set_up(app, coordinator_client, coordinator)
    password_step(client, coordinator)
    for _ in range(5):
        submit(client, "/logga-in/kod", {"code": "000000"})
    slowed = submit(
        client, "/logga-in/kod", {"code": pyotp.TOTP(secret_of(app, coordinator)).now()}
    )
    assert slowed.status_code == 422 and "För många misslyckade inloggningar" in slowed.text

    other = app.test_client()
    password_step(other, coordinator)
    later = time.time() + 301
    monkeypatch.setattr("eventreg.views.auth.time.time", lambda: later)
    expired = other.get("/logga-in/kod", follow_redirects=True)
    assert "Logga in igen" in expired.text and "Logga in som samordnare" in expired.text


def test_an_administrator_without_a_second_factor_reaches_only_setting_it_up(app, client):
    with app.app_context():
        create_user("ny.admin@region.se", "Ny Admin", PASSWORD, Role.ADMIN)
        db.session.commit()
    assert login(client, "ny.admin@region.se").headers["Location"] == "/samordnare/"
    for path in ("/samordnare/", "/samordnare/konton", "/samordnare/statistik"):
        sent = client.get(path, follow_redirects=True)
        assert "Administratörer loggar in i två steg" in sent.text
        assert "<h1>Tvåstegsverifiering</h1>" in sent.text
    set_up(app, client, "ny.admin@region.se")
    assert "Konton för samordnare" in client.get("/samordnare/konton").text


def test_an_administrator_turns_off_the_second_factor_of_someone_who_lost_phone_and_codes(
    app, client, coordinator_client, coordinator, administrator
):
    set_up(app, coordinator_client, coordinator)
    assert login(client, administrator).status_code == 302
    page = client.get("/samordnare/konton").text
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == coordinator))
    assert "Stäng av två steg" in page
    done = client.post(
        f"/samordnare/konton/{user_id}/tvastegsverifiering",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Tvåstegsverifieringen för Karin Lindqvist är avstängd." in done.text
    fresh = app.test_client()
    assert password_step(fresh, coordinator).headers["Location"] == "/samordnare/"
    assert ("stängde av tvåstegsverifiering", coordinator) in audit_entries(app)


def test_failed_sign_ins_are_in_the_audit_log_without_strangers_addresses(app, client, coordinator):
    login(client, coordinator, "fel-lösenord-här")
    login(client, "nagon.annan@example.se", "fel-lösenord-här")
    actions = audit_entries(app)
    assert ("misslyckad inloggning", f"{coordinator}: fel lösenord") in actions
    assert ("misslyckad inloggning", "okänd: okänt konto") in actions
    assert not any("nagon.annan" in detail for _, detail in actions)
