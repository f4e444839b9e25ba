"""The administrator's page for the organisation profile: names, contacts, logo and colour."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.forms.organisation import ProfileForm
from eventreg.models import Organisation, Role
from eventreg.models.organisation import DEFAULT_COLOUR
from eventreg.services import organisation
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status


@bp.route("/organisation", methods=["GET", "POST"])
@requires(Role.ADMIN)
def organisation_page():
    row = db.session.scalar(select(Organisation).limit(1))
    form = ProfileForm(obj=row) if request.method == "GET" else ProfileForm()
    if request.method == "GET" and row is None:
        form.colour.data = DEFAULT_COLOUR
    if form.validate_on_submit() and run(
        lambda: organisation.save_profile(
            current_user,
            colour=form.colour.data,
            logo=form.logo.data.read() if form.logo.data else None,
            drop_logo=form.drop_logo.data,
            **form.texts(),
        ),
        form=form,
        success="Organisationens uppgifter är sparade.",
    ):
        return redirect(url_for(".organisation_page"))
    return render_template("admin/organisation.html", form=form, row=row), status(form)
