"""Coordinators sign in and out here; the public never needs an account."""

import hashlib
import time

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from eventreg import links, sso
from eventreg.extensions import db, login_manager
from eventreg.forms.auth import CodeForm, LoginForm
from eventreg.forms.common import ButtonForm
from eventreg.forms.watches import AddressForm
from eventreg.models import User
from eventreg.services import accounts, managers
from eventreg.urls import external_url, local_path
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store, opened

bp = Blueprint("auth", __name__)

#: The session key saying how the session was signed in: "password" or "sso".
SIGNED_IN_WITH = "signed_in_with"
#: The session key of a sign-in waiting for its second step, and how long it waits.
SECOND_STEP = "second_step"
SECOND_STEP_SECONDS = 300


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The account a session cookie names, unless it has been signed out since, or the cookie
    has been carried to another place or browser."""
    account, _, version = session_id.partition(".")
    if not (account.isascii() and account.isdigit() and version.isascii() and version.isdigit()):
        return None
    if session.get("browser") != _browser():
        return None
    user = db.session.get(User, int(account))
    return user if user is not None and user.session_version == int(version) else None


def _browser() -> str:
    """Where a session is used: the client's address and browser, as a digest kept in it.

    A cookie copied to another machine or browser is not signed in there. Both can be forged by
    a thief who knows them, so this stops the careless one; what protects a session is the
    cookie's Secure, HttpOnly and SameSite flags, its lifetime, and signing out.
    """
    used = f"{request.remote_addr}|{request.user_agent.string}"
    return hashlib.sha256(used.encode()).hexdigest()


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    # Read before anything happens: only a path on this site, and one a header can carry.
    target = local_path(request.args.get("next")) or url_for("admin.dashboard")
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        user = run(
            lambda: accounts.sign_in(
                form.email.data, form.password.data, request.remote_addr or ""
            ),
            form=form,
        )
        if user is not None and user.has_second_factor:
            session.clear()
            session[SECOND_STEP] = {"user": user.id, "at": time.time(), "next": target}
            return redirect(url_for(".second_step"))
        if user is not None:
            return start_session(user, target)
        if not form.form_errors:  # the same words for a wrong address and a wrong password
            form.form_errors.append("Fel e-postadress eller lösenord.")
    return render_template(
        "auth/login.html",
        form=form,
        sso=sso.enabled(),
        passwords=accounts.passwords_sign_in(),
        target=request.args.get("next", ""),
    ), status(form)


@bp.route("/logga-in/kod", methods=["GET", "POST"])
def second_step():
    """The code from the app (or a recovery code), within minutes of the right password."""
    waiting = session.get(SECOND_STEP)
    if not waiting or time.time() - waiting["at"] > SECOND_STEP_SECONDS:
        session.pop(SECOND_STEP, None)
        flash("Logga in igen: det gick för lång tid innan koden kom.", "error")
        return redirect(url_for(".login"))
    form = CodeForm()
    if form.validate_on_submit():
        user = run(
            lambda: accounts.second_step(
                waiting["user"], form.code.data, request.remote_addr or ""
            ),
            form=form,
        )
        if user is not None:
            return start_session(user, waiting["next"])
        if not form.form_errors:
            form.code.errors = [*form.code.errors, "Koden stämmer inte. Försök igen."]
    return render_template("auth/second_step.html", form=form), status(form)


def start_session(user: User, target: str | None, via: str = "password"):
    """Signed in: a new session (nothing of the one before it is kept), and how it began
    (``via``: "password", "sso" or "link"; administrators' rules depend on it)."""
    session.clear()
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    login_user(user)
    session["browser"] = _browser()
    session[SIGNED_IN_WITH] = via
    home = url_for("manager.overview") if user.is_manager else url_for("admin.dashboard")
    return redirect(home if user.is_manager or not target else target)


@bp.route("/logga-in/lank", methods=["GET", "POST"])
def ask_for_link():
    """Managers sign in without a password: a link by mail, the same answer for any address."""
    form = AddressForm()
    if form.validate_on_submit() and run(
        lambda: managers.send_link(form.email.data) or True, form=form, limit="link"
    ):
        flash(
            f"Är {form.email.data} en chefs adress i kalendariet kommer en inloggningslänk dit "
            "inom några minuter. Den gäller i en timme.",
            "success",
        )
        return redirect(url_for(".ask_for_link"))
    return render_template("auth/ask_for_link.html", form=form), status(form)


@bp.route("/logga-in/lank/<token>", methods=["GET", "POST"])
def manager_link(token: str):
    """Signed in with a button: a mail scanner that follows the link signs nobody in."""
    manager_id, stamp = opened(links.manager_from_token, token)
    form = ButtonForm()
    if form.validate_on_submit():
        manager = run(lambda: managers.sign_in(manager_id, stamp))
        if manager is not None:
            return start_session(manager, None, via="link")
        flash("Länken har redan använts. Be om en ny här nedan.", "error")
        return redirect(url_for(".ask_for_link"))
    return no_store(make_response(render_template("auth/manager_link.html", form=form)))


@bp.post("/logga-ut")
@login_required
def logout():
    # A POST: CSRFProtect has checked the token before this runs. Ending the account's
    # sessions on the server makes a copied cookie worthless too, not only this browser's.
    via = session.get(SIGNED_IN_WITH)
    run(lambda: accounts.end_sessions(current_user))
    logout_user()
    session.clear()
    if via == "sso" and sso.enabled():
        # Signed out here; the region's sign-in may still remember the person, and offers to
        # end that too (RP-Initiated Logout 1.0).
        return render_template("auth/signed_out.html", provider_logout=_provider_logout())
    flash("Du är utloggad.", "success")
    return redirect(url_for("public.calendar"))


def _provider_logout() -> str | None:
    try:
        provider = sso.client()
        return provider.create_logout_url(
            post_logout_redirect_uri=external_url("public.calendar"),
            client_id=current_app.config["OIDC_CLIENT_ID"],
        )["url"]
    except (sso.Misconfigured, RuntimeError, OSError, ValueError):  # no end-session endpoint
        return None
