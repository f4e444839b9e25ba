"""The newsletter on the public site: its archive, a sign-up, and the one-click unsubscribe."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from eventreg.extensions import csrf
from eventreg.forms.watches import AddressForm
from eventreg.i18n import current_language
from eventreg.services import newsletters, watches
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store
from eventreg.views.watches import unsubscribe

bp = Blueprint("newsletters", __name__)
bp.after_request(no_store)


@bp.route("/nyhetsbrev", methods=["GET", "POST"])
def archive():
    form = AddressForm()
    if form.validate_on_submit() and run(
        lambda: watches.request_newsletter(form.email.data, current_language()),
        form=form,
        limit="link",
    ):
        flash(watches.link_sent_message(form.email.data), "success")
        return redirect(url_for(".archive"))
    return render_template(
        "newsletters/archive.html", form=form, newsletters=newsletters.archive()
    ), status(form)


@bp.get("/nyhetsbrev/<int:newsletter_id>")
def issue(newsletter_id: int):
    newsletter = newsletters.sent(newsletter_id)
    if newsletter is None:
        abort(404)
    return render_template("newsletters/issue.html", newsletter=newsletter)


@bp.route("/nyhetsbrev/avsluta/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: a mail program posts "List-Unsubscribe=One-Click" without a form
def stop(token: str):
    return unsubscribe(token, newsletter=True)
