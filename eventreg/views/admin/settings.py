"""Administrators' pages: coordinator accounts, the county's libraries and municipalities."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventreg.extensions import db
from eventreg.forms.admin import AccountForm, LibraryForm, MunicipalityForm
from eventreg.forms.common import ButtonForm
from eventreg.models import Library, Municipality, Role, User
from eventreg.services import accounts, places
from eventreg.services.errors import EventRegError
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import show_error


@bp.route("/konton", methods=["GET", "POST"])
@requires(Role.ADMIN)
def accounts_page():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.email.data,
                form.name.data,
                form.password.data,
                Role.ADMIN if form.admin.data else Role.COORDINATOR,
                actor=current_user,
            )
        except EventRegError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"Kontot för {user.name} är skapat.", "success")
            return redirect(url_for(".accounts_page"))
    users = db.session.scalars(select(User).order_by(User.name)).all()
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "admin/accounts.html", users=users, form=form, button=ButtonForm()
    ), status


@bp.post("/konton/<int:user_id>/<any(aktivera, inaktivera):change>")
@requires(Role.ADMIN)
def set_account_active(user_id: int, change: str):
    user = db.get_or_404(User, user_id)
    if ButtonForm().validate_on_submit():
        try:
            accounts.set_active(user, change == "aktivera", current_user)
        except EventRegError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                f"Kontot för {user.name} är {'aktiverat' if user.active else 'inaktiverat'}.",
                "success",
            )
    return redirect(url_for(".accounts_page"))


def _municipality_choices() -> list[tuple[int, str]]:
    return [
        (m.id, m.name) for m in db.session.scalars(select(Municipality).order_by(Municipality.name))
    ]


@bp.route("/bibliotek", methods=["GET", "POST"])
@bp.route("/bibliotek/<int:library_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def libraries_page(library_id: int | None = None):
    library = db.get_or_404(Library, library_id) if library_id else None
    form = LibraryForm(obj=library)
    form.municipality_id.choices = _municipality_choices()
    if form.validate_on_submit():
        try:
            places.save_library(
                library,
                current_user,
                name=form.name.data.strip(),
                kind=form.kind.data,
                municipality_id=form.municipality_id.data,
                active=form.active.data,
            )
        except EventRegError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Biblioteket är sparat.", "success")
            return redirect(url_for(".libraries_page"))
    municipalities = db.session.scalars(
        select(Municipality)
        .options(selectinload(Municipality.libraries))
        .order_by(Municipality.name)
    ).all()
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "admin/libraries.html", municipalities=municipalities, form=form, library=library
    ), status


@bp.route("/kommuner/<int:municipality_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def municipality_page(municipality_id: int):
    municipality = db.get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit():
        try:
            places.save_municipality(
                municipality, current_user, form.name.data.strip(), form.scb_code.data
            )
        except EventRegError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash("Kommunen är sparad.", "success")
            return redirect(url_for(".libraries_page"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("admin/municipality.html", form=form, municipality=municipality), status
