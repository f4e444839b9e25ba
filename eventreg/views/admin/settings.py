"""Administrators' pages: coordinator accounts, the county's libraries and municipalities (one
by one, or from a file)."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from eventreg.extensions import db
from eventreg.forms.admin import (
    AccountForm,
    LibraryFileForm,
    LibraryForm,
    MunicipalityForm,
    SignInForm,
)
from eventreg.forms.common import ButtonForm
from eventreg.models import Library, Municipality, Role, User
from eventreg.services import accounts, library_import, places
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.auth import SIGNED_IN_WITH
from eventreg.views.forms import run, status


@bp.route("/konton", methods=["GET", "POST"])
@requires(Role.ADMIN)
def accounts_page():
    form = AccountForm()
    role = Role.ADMIN if form.admin.data else Role.COORDINATOR
    if form.validate_on_submit() and (
        user := run(
            lambda: accounts.create_user(
                form.email.data, form.name.data, form.password.data, role, actor=current_user
            ),
            form=form,
        )
    ):
        flash(f"Kontot för {user.name} är skapat.", "success")
        return redirect(url_for(".accounts_page"))
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template(
        "admin/accounts.html", users=users, form=form, button=ButtonForm()
    ), status(form)


@bp.route("/inloggning", methods=["GET", "POST"])
@requires(Role.ADMIN)
def sign_in_settings():
    """Single sign-on as configured, and whether passwords still sign in."""
    form = SignInForm(data={"password_sign_in": accounts.passwords_sign_in()})
    if form.validate_on_submit() and run(
        lambda: (
            accounts.set_password_sign_in(
                form.password_sign_in.data, current_user, session.get(SIGNED_IN_WITH) == "sso"
            )
            or True
        ),
        form=form,
        success="Inställningen är sparad.",
    ):
        return redirect(url_for(".sign_in_settings"))
    return render_template(
        "admin/sign_in.html", form=form, issuer=current_app.config["OIDC_ISSUER"]
    ), status(form)


@bp.post("/konton/<int:user_id>/<any(aktivera, inaktivera):change>")
@requires(Role.ADMIN)
def set_account_active(user_id: int, change: str):
    user = db.get_or_404(User, user_id)
    active = change == "aktivera"
    run(
        lambda: accounts.set_active(user, active, current_user),
        success=f"Kontot för {user.name} är {'aktiverat' if active else 'inaktiverat'}.",
    )
    return redirect(url_for(".accounts_page"))


def _municipality_choices() -> list[SelectChoice]:
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.name))
    return [SelectChoice(m.id, m.name) for m in municipalities]


@bp.route("/bibliotek", methods=["GET", "POST"])
@bp.route("/bibliotek/<int:library_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def libraries_page(library_id: int | None = None):
    library = db.get_or_404(Library, library_id) if library_id else None
    form = LibraryForm(obj=library)
    form.municipality_id.choices = _municipality_choices()
    if form.validate_on_submit() and run(
        lambda: places.save_library(
            library,
            current_user,
            name=form.name.data.strip(),
            kind=form.kind.data,
            municipality_id=form.municipality_id.data,
            active=form.active.data,
        ),
        form=form,
        success="Biblioteket är sparat.",
    ):
        return redirect(url_for(".libraries_page"))
    municipalities = db.session.scalars(
        select(Municipality)
        .options(selectinload(Municipality.libraries))
        .order_by(Municipality.name)
    ).all()
    return render_template(
        "admin/libraries.html", municipalities=municipalities, form=form, library=library
    ), status(form)


@bp.route("/kommuner/<int:municipality_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def municipality_page(municipality_id: int):
    municipality = db.get_or_404(Municipality, municipality_id)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit() and run(
        lambda: places.save_municipality(
            municipality, current_user, form.name.data.strip(), form.scb_code.data
        ),
        form=form,
        success="Kommunen är sparad.",
    ):
        return redirect(url_for(".libraries_page"))
    return render_template("admin/municipality.html", form=form, municipality=municipality), status(
        form
    )


@bp.route("/bibliotek/fil", methods=["GET", "POST"])
@requires(Role.ADMIN)
def library_file_page():
    """Upload a CSV, see what it would add, rename and retire, then apply it."""
    form = LibraryFileForm()
    changes = None
    if form.validate_on_submit():
        text = library_import.decode(form.file.data.read()) if form.file.data else form.text.data
        if form.apply.data and (
            done := run(
                lambda: library_import.apply(library_import.read_rows(text), current_user),
                form=form,
            )
        ):
            flash(f"Biblioteken är inlästa: {done.changes} ändringar.", "success")
            return redirect(url_for(".libraries_page"))
        elif changes := run(
            lambda: library_import.plan(library_import.read_rows(text or "")), form=form
        ):
            form.text.data = text  # carried to "Genomför"
    return render_template("admin/library_file.html", form=form, changes=changes), status(form)
