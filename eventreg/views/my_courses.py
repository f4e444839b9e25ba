"""Mina kurser: ask for the link by mail, open the page with it, subscribe to one's calendar."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from eventreg import links
from eventreg.calendar import feed
from eventreg.forms.registration import LinkAgainForm
from eventreg.services import my_courses, registrations
from eventreg.urls import external_url, webcal_url
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store, opened

bp = Blueprint("my_courses", __name__)


@bp.route("/mina-kurser", methods=["GET", "POST"])
def ask():
    form = LinkAgainForm()
    if form.validate_on_submit() and run(
        lambda: my_courses.send_link(form.email.data), form=form, limit="link"
    ):
        flash(
            _(
                "Finns något anmält med %(email)s har vi skickat en länk dit. Den kommer inom "
                "några minuter och gäller i ett dygn.",
                email=form.email.data,
            ),
            "success",
        )
        return redirect(url_for(".ask"))
    return render_template("my_courses/request.html", form=form), status(form)


def _email_from(token: str) -> str:
    return opened(links.email_from_my_courses_token, token)


bp.after_request(no_store)  # the pages list what a person signed up for


@bp.get("/mina-kurser/<token>")
def courses(token: str):
    email = _email_from(token)
    key = my_courses.feed_key(email)
    return render_template(
        "my_courses/courses.html",
        email=email,
        overview=my_courses.overview(email),
        token=token,
        token_for=links.registration_token,
        can_cancel=registrations.can_cancel,
        feed_url=external_url("my_courses.calendar", key=key) if key else None,
        webcal=webcal_url("my_courses.calendar", key=key) if key else None,
    )


@bp.post("/mina-kurser/<token>/kalenderadress")
def new_feed(token: str):
    """A calendar address, or a new one in place of the old (CSRF is checked before any view)."""
    email = _email_from(token)
    had_one = my_courses.feed_key(email) is not None
    run(
        lambda: my_courses.new_feed_key(email),
        success=_("Kalendern har en ny adress. Den gamla fungerar inte längre.")
        if had_one
        else _("Här är adressen till din kalender."),
    )
    return redirect(url_for(".courses", token=token))


@bp.get("/mina-kurser/kalender/<key>.ics")
def calendar(key: str):
    events = my_courses.feed_events(key)
    if events is None:
        abort(404)
    return Response(feed(events, _("Mina kurser")), mimetype="text/calendar")
