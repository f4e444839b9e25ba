"""Coordinators sign in and out here; the public never needs an account."""

import hashlib

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from eventreg.extensions import db, login_manager
from eventreg.forms.auth import LoginForm
from eventreg.models import User
from eventreg.services import accounts
from eventreg.urls import local_path
from eventreg.views.forms import run, status

bp = Blueprint("auth", __name__)


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
        if user is not None:
            session.clear()
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(user)
            session["browser"] = _browser()
            return redirect(target)
        if not form.form_errors:  # the same words for a wrong address and a wrong password
            form.form_errors.append("Fel e-postadress eller lösenord.")
    return render_template("auth/login.html", form=form), status(form)


@bp.post("/logga-ut")
@login_required
def logout():
    # A POST: CSRFProtect has checked the token before this runs. Ending the account's
    # sessions on the server makes a copied cookie worthless too, not only this browser's.
    run(lambda: accounts.end_sessions(current_user))
    logout_user()
    session.clear()
    flash("Du är utloggad.", "success")
    return redirect(url_for("public.calendar"))
