"""Administrators' page for the list of audiences (målgrupper) events are for."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from eventreg.extensions import db
from eventreg.forms.admin import AudienceForm
from eventreg.models import Audience, Role
from eventreg.services import audiences
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status


@bp.route("/malgrupper", methods=["GET", "POST"])
@bp.route("/malgrupper/<int:audience_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def audiences_page(audience_id: int | None = None):
    audience = db.get_or_404(Audience, audience_id) if audience_id else None
    form = AudienceForm(obj=audience)
    if form.validate_on_submit() and run(
        lambda: audiences.save_audience(
            audience_id, form.name.data, form.name_en.data, form.retired.data, current_user
        ),
        form=form,
        success="Målgruppen är sparad.",
    ):
        return redirect(url_for(".audiences_page"))
    return render_template(
        "admin/audiences.html", form=form, audience=audience, audiences=audiences.audiences()
    ), status(form)
