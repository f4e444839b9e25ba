"""Inviting library managers, and taking them away."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.forms.common import ButtonForm
from eventreg.forms.managers import ManagerForm
from eventreg.models import Library, Municipality, Role
from eventreg.services import managers
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status


@bp.route("/chefer", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def managers_page():
    form = ManagerForm().offer(
        db.session.scalars(select(Municipality).order_by(Municipality.name)),
        db.session.scalars(select(Library).where(Library.active).order_by(Library.name)),
    )
    if form.validate_on_submit() and (
        manager := run(
            lambda: managers.invite(form.name.data, form.email.data, *form.chosen(), current_user),
            form=form,
        )
    ):
        flash(f"{manager.name} är inbjuden: en inloggningslänk är på väg.", "success")
        return redirect(url_for(".managers_page"))
    return render_template(
        "admin/managers.html",
        form=form,
        managers=[(m, managers.unit_of(m)) for m in managers.managers()],
        button=ButtonForm(),
    ), status(form)


@bp.post("/chefer/<int:user_id>/ta-bort")
@requires(Role.COORDINATOR)
def revoke_manager(user_id: int):
    if ButtonForm().validate_on_submit():
        run(
            lambda: managers.revoke(user_id, current_user),
            success="Chefen har inte längre åtkomst.",
        )
    return redirect(url_for(".managers_page"))
