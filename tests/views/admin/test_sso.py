"""Signing in with the region's account, against a real, certified OpenID provider (the Node
package oidc-provider, ``tests/oidcprovider.py``): the way in, who gets in, and every answer
that must be refused with a clear page."""

import html
import re
import time
from contextlib import contextmanager
from urllib.parse import urljoin

import pytest
import requests
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from helpers import PASSWORD, audit_entries, csrf_token, login, submit
from joserfc import jwt
from sqlalchemy import select, update

from eventreg.extensions import db
from eventreg.models import Role, User

pytestmark = pytest.mark.interop  # the provider runs under Node


def form_of(page: requests.Response) -> tuple[str, dict]:
    """The first form of a page: where it posts, and its hidden fields."""
    action = html.unescape(re.search(r'<form[^>]*action="([^"]*)"', page.text).group(1))
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return urljoin(page.url, action), hidden


def at_the_provider(browser: requests.Session, base: str, login_name: str, back: bool = True):
    """Start signing in, sign in at the provider as ``login_name`` and consent. With ``back``,
    follow the provider back to us; else the address it sends the browser back to."""
    page = browser.get(f"{base}/logga-in/sso")
    action, fields = form_of(page)
    page = browser.post(action, data={**fields, "login": login_name, "password": "x"})
    action, fields = form_of(page)  # consent
    if back:
        return browser.post(action, data=fields)
    answer = browser.post(action, data=fields, allow_redirects=False)
    while answer.headers.get("Location", "").startswith(("/", "http://127.0.0.1")):
        location = urljoin(answer.url, answer.headers["Location"])
        if "/logga-in/sso/svar" in location:
            return location
        answer = browser.get(location, allow_redirects=False)
    raise AssertionError("the provider did not send the browser back")


def test_a_coordinator_signs_in_with_the_region_account_and_stays_matched_by_subject(
    app, provider, coordinator
):
    with provider.serving(app) as base:
        browser = requests.Session()
        landed = at_the_provider(browser, base, "karin-id")
        assert landed.url == f"{base}/samordnare/" and "Översikt" in landed.text
        with app.app_context():  # her address changes here; the subject still finds her
            db.session.execute(update(User).values(email="karin.lindqvist@region.se"))
            db.session.commit()
        again = at_the_provider(requests.Session(), base, "karin-id")
        assert again.url == f"{base}/samordnare/"
        with app.app_context():
            assert db.session.scalar(select(User.sso_subject)) == f"{provider.issuer}#karin-id"
    actions = audit_entries(app)
    assert ("kopplade kontot till regionens inloggning", "") in actions
    assert actions.count(("loggade in", "via regionens inloggning")) == 2


def test_the_role_claim_makes_an_administrator_who_needs_no_second_factor_here(app, provider):
    with provider.serving(app) as base:
        browser = requests.Session()
        landed = at_the_provider(browser, base, "anders-id")
        assert landed.url == f"{base}/samordnare/"
        assert "Konton för samordnare" in browser.get(f"{base}/samordnare/konton").text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "anders.ny@region.se"))
        assert (user.role, user.name, user.password_hash) == (Role.ADMIN, "Anders Ny", "")
    assert login(app.test_client(), "anders.ny@region.se", "").status_code == 422  # no password


def test_someone_without_an_account_or_a_role_is_refused_with_a_clear_page(app, provider):
    with provider.serving(app) as base:
        browser = requests.Session()
        refused = at_the_provider(browser, base, "okand-id")
        assert refused.status_code == 403
        assert "har inte tillgång till kalendariet" in refused.text
        assert browser.get(f"{base}/samordnare/", allow_redirects=False).status_code == 302
    assert ("misslyckad inloggning", "regionens inloggning: inget konto för okand@region.se") in (
        audit_entries(app)
    )


def test_a_provider_that_is_not_the_configured_issuer_is_refused(app, provider):
    elsewhere = provider.issuer.replace("127.0.0.1", "localhost")  # the same server, named so
    with provider.serving(app, issuer=elsewhere) as base:
        refused = requests.get(f"{base}/logga-in/sso")
        assert refused.status_code == 403 and "felinställd" in refused.text


@contextmanager
def tokens_changed(provider, change):
    """The provider's real ID token, its claims changed by ``change`` and signed again with
    the provider's own key: what a token for someone else, or a stale one, would be."""
    real = FlaskOAuth2App.fetch_access_token

    def fetch(self, *args, **kwargs):
        token = real(self, *args, **kwargs)
        claims = jwt.decode(token["id_token"], provider.key).claims
        token["id_token"] = provider.sign(change(dict(claims)))
        return token

    FlaskOAuth2App.fetch_access_token = fetch
    try:
        yield
    finally:
        FlaskOAuth2App.fetch_access_token = real


def without(name: str):
    return lambda claims: {k: v for k, v in claims.items() if k != name}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda c: {**c, "aud": "en-annan-tjanst"}, id="wrong-audience"),
        pytest.param(lambda c: {**c, "iss": "https://login.example.org"}, id="wrong-issuer"),
        pytest.param(
            lambda c: {**c, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
            id="expired",
        ),
        pytest.param(without("nonce"), id="missing-nonce"),
        pytest.param(lambda c: {**c, "nonce": "en-annan-inloggnings"}, id="wrong-nonce"),
    ],
)
def test_an_id_token_that_is_not_for_this_sign_in_is_refused(app, provider, coordinator, change):
    with provider.serving(app) as base, tokens_changed(provider, change):
        browser = requests.Session()
        refused = at_the_provider(browser, base, "karin-id")
        assert refused.status_code == 403
        assert "gick inte att lita på" in refused.text
        assert browser.get(f"{base}/samordnare/", allow_redirects=False).status_code == 302
    assert not any(action == "loggade in" for action, _ in audit_entries(app))


def test_a_replayed_answer_is_refused(app, provider, coordinator):
    with provider.serving(app) as base:
        browser = requests.Session()
        answer = at_the_provider(browser, base, "karin-id", back=False)
        assert browser.get(answer).url == f"{base}/samordnare/"
        replayed = browser.get(answer)
        assert replayed.status_code == 403 and "redan använts" in replayed.text
        stranger = requests.get(answer)  # the address alone, in another browser
        assert stranger.status_code == 403


def test_signing_out_offers_to_sign_out_of_the_region_too(app, provider, coordinator):
    with provider.serving(app) as base:
        browser = requests.Session()
        page = at_the_provider(browser, base, "karin-id")
        out = browser.post(f"{base}/logga-ut", data={"csrf_token": csrf_token(page.text)})
        assert "Du är utloggad från kalendariet." in out.text
        link = html.unescape(re.search(r'href="([^"]*/session/end[^"]*)"', out.text).group(1))
        assert link.startswith(f"{provider.issuer}/session/end?")
        assert f"client_id={provider.client_id}" in link
        assert browser.get(f"{base}/samordnare/", allow_redirects=False).status_code == 302


def test_an_administrator_signed_in_with_the_region_account_turns_passwords_off(
    app, provider, coordinator, administrator
):
    with provider.serving(app) as base:
        client = app.test_client()
        login(client, administrator)  # with a password (and the app's code)
        refused = submit(client, "/samordnare/inloggning", {})
        assert refused.status_code == 422 and "Logga in med regionens konto först" in refused.text

        browser = requests.Session()
        at_the_provider(browser, base, "anders-id")
        page = browser.get(f"{base}/samordnare/inloggning")
        saved = browser.post(
            f"{base}/samordnare/inloggning", data={"csrf_token": csrf_token(page.text)}
        )
        assert "Inställningen är sparad." in saved.text

        sign_in_page = app.test_client().get("/logga-in").text
        assert "Logga in med regionens konto" in sign_in_page
        assert 'name="password"' not in sign_in_page
        client = app.test_client()  # a post made without the page, as a script would
        token = csrf_token(client.get("/bevaka").text)
        with_password = client.post(
            "/logga-in", data={"csrf_token": token, "email": coordinator, "password": PASSWORD}
        )
        assert with_password.status_code == 422
        assert "Inloggning med lösenord är avstängd" in with_password.text
    assert ("stängde av inloggning med lösenord", "") in audit_entries(app)
