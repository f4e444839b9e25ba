"""The newsletter editor: write, preview, try on oneself, send to every subscriber."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventreg.extensions import db
from eventreg.forms.common import ButtonForm
from eventreg.forms.newsletters import NewsletterForm
from eventreg.models import Newsletter, Role
from eventreg.services import newsletters
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status

#: The preview is the mail's own HTML: its inline styles may apply, nothing may run or load,
#: and only the editor's page may frame it.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
    "sandbox allow-popups allow-popups-to-escape-sandbox"
)


@bp.get("/nyhetsbrev")
@requires(Role.COORDINATOR)
def newsletters_page():
    return render_template(
        "admin/newsletters.html",
        drafts=newsletters.drafts(),
        sent=newsletters.archive(),
        subscribers=newsletters.subscriber_count(),
        undeliverable=newsletters.undeliverable(),
    )


@bp.route("/nyhetsbrev/nytt", methods=["GET", "POST"])
@bp.route("/nyhetsbrev/<int:newsletter_id>", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def newsletter_page(newsletter_id: int | None = None):
    newsletter = db.get_or_404(Newsletter, newsletter_id) if newsletter_id else None
    if newsletter and newsletter.sent_at:
        return redirect(url_for("newsletters.issue", newsletter_id=newsletter.id))
    coming = newsletters.coming_events()
    if request.method == "POST":
        form = NewsletterForm()
    elif newsletter:
        form = NewsletterForm(obj=newsletter, events=[event.id for event in newsletter.events])
    else:
        form = NewsletterForm(events=sorted(newsletters.published_since_last(coming)))
    form.offer(coming)
    if form.validate_on_submit():
        saved = run(
            lambda: newsletters.save(newsletter_id, form.draft(), current_user),
            form=form,
            success="Utkastet är sparat. Förhandsgranska det nedan.",
        )
        if saved:
            return redirect(
                url_for(".newsletter_page", newsletter_id=saved.id) + "#forhandsgranskning"
            )
    return render_template(
        "admin/newsletter.html",
        form=form,
        newsletter=newsletter,
        subscribers=newsletters.subscriber_count(),
        button=ButtonForm(),
    ), status(form)


@bp.get("/nyhetsbrev/<int:newsletter_id>/forhandsgranskning")
@requires(Role.COORDINATOR)
def newsletter_preview(newsletter_id: int):
    written = newsletters.preview(newsletter_id)
    if written is None:
        abort(404)
    return written.body_html, {"Content-Security-Policy": PREVIEW_POLICY}


@bp.post("/nyhetsbrev/<int:newsletter_id>/test")
@requires(Role.COORDINATOR)
def newsletter_test(newsletter_id: int):
    if ButtonForm().validate_on_submit():
        run(
            lambda: newsletters.send_test(newsletter_id, current_user),
            success=f"Ett test är på väg till {current_user.email}.",
        )
    return redirect(url_for(".newsletter_page", newsletter_id=newsletter_id))


@bp.route("/nyhetsbrev/<int:newsletter_id>/skicka", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def newsletter_send(newsletter_id: int):
    newsletter = db.get_or_404(Newsletter, newsletter_id)
    form = ButtonForm()
    if form.validate_on_submit():
        count = run(lambda: newsletters.send(newsletter_id, current_user))
        if count:
            flash(
                f"Nyhetsbrevet är på väg till {count} prenumeranter, och finns i arkivet.",
                "success",
            )
            return redirect(url_for(".newsletters_page"))
        return redirect(url_for(".newsletter_page", newsletter_id=newsletter_id))
    if newsletter.sent_at:
        return redirect(url_for("newsletters.issue", newsletter_id=newsletter.id))
    return render_template(
        "admin/newsletter_send.html",
        newsletter=newsletter,
        subscribers=newsletters.subscriber_count(),
        form=form,
    )
