"""Watch lists (Bevaka): ask for one, confirm it, change it, and stop it in one click."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from eventreg import links
from eventreg.extensions import csrf, db
from eventreg.forms.common import ButtonForm
from eventreg.forms.watches import WatchChoicesForm, WatchRequestForm
from eventreg.i18n import current_language
from eventreg.models import Network
from eventreg.services import audiences, plans, watches
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store, opened

bp = Blueprint("watches", __name__)
bp.after_request(no_store)


def _offered(form):
    return form.offer(
        plans.areas_to_offer(),
        audiences.audiences_to_offer(),
        db.session.scalars(select(Network).order_by(Network.name)).all(),
    )


@bp.route("/bevaka", methods=["GET", "POST"])
def ask():
    form = _offered(WatchRequestForm())
    if form.validate_on_submit() and run(
        lambda: watches.request(form.email.data, form.choices(), current_language()),
        form=form,
        limit="link",
    ):
        flash(watches.link_sent_message(form.email.data), "success")
        return redirect(url_for(".ask"))
    return render_template("watches/ask.html", form=form), status(form)


@bp.route("/bevaka/bekrafta/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """Confirmed with a button: mail scanners that follow links must not confirm."""
    watch_id, requested_at = opened(links.watch_request_from_token, token)
    form = ButtonForm()
    if form.validate_on_submit():
        confirmed = run(lambda: _confirmed(watch_id, requested_at))
        if confirmed:
            url, chosen = confirmed
            if not chosen.events:
                flash(_("Klart! Du får nästa nyhetsbrev."), "success")
            elif chosen.newsletter:
                flash(
                    _(
                        "Klart! Du får nyhetsbrevet, och ett mejl när något nytt som passar publiceras."
                    ),
                    "success",
                )
            else:
                flash(_("Klart! Du får ett mejl när något nytt som passar publiceras."), "success")
            return redirect(url)
        flash(_("Den här länken gäller inte längre: du har bett om en ändring efter den."), "error")
    return render_template("watches/confirm.html", form=form)


def _confirmed(watch_id: int, requested_at: str) -> tuple[str, watches.Choices] | bool:
    """The watch's own page and what it now gets; False for a request replaced since."""
    watch = watches.confirm(watch_id, requested_at)
    return (links.watch_url(watch), watches.choices_of(watch)) if watch else False


@bp.route("/bevaka/<token>", methods=["GET", "POST"])
def manage(token: str):
    watch = opened(links.watch_from_token, token)
    chosen = watches.choices_of(watch)
    form = _offered(
        WatchChoicesForm(
            data={
                "everything": chosen.everything,
                "focus_areas": list(chosen.focus_areas),
                "audiences": list(chosen.audiences),
                "networks": list(chosen.networks),
            }
            if request.method == "GET"
            else None
        )
    )
    if form.validate_on_submit() and run(
        lambda: watches.save(watch.id, form.choices()), form=form, success=_("Ändringen är sparad.")
    ):
        return redirect(url_for(".manage", token=token))
    return render_template(
        "watches/manage.html", form=form, token=token, email=watch.email, chosen=chosen
    ), status(form)


@bp.route("/bevaka/avsluta/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: a mail program posts "List-Unsubscribe=One-Click" without a form
def stop(token: str):
    return unsubscribe(token, newsletter=False)


def unsubscribe(token: str, newsletter: bool):
    """Stop the news of events or the newsletter: one click from the mail program (RFC 8058:
    a POST, with or without a body), or a button on the page a link in the mail opens."""
    watch = opened(links.watch_from_token, token)
    if request.method == "POST":
        left = run(lambda: watches.stop(watch.id, newsletter))
        return render_template("watches/stopped.html", newsletter=newsletter, left=left)
    return render_template("watches/stop.html", form=ButtonForm(), newsletter=newsletter)
