"""A library manager's own pages under /chef: their staff at courses and meetings, the figures
for their unit, certificates, and signing a colleague up. Nothing here reads anything but the
manager's unit (``services.managers``); coordinators and administrators have their own pages."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from eventreg.certificate_pdf import pdf_response
from eventreg.extensions import db
from eventreg.forms.managers import ColleagueForm
from eventreg.forms.statistics import PeriodForm, current_term
from eventreg.models import Library
from eventreg.services import managers
from eventreg.services.registrations import Applicant
from eventreg.views.forms import run, status
from eventreg.views.personal_links import no_store

bp = Blueprint("manager", __name__, url_prefix="/chef")
bp.after_request(no_store)  # every page names people


@bp.before_request
def only_managers():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.is_manager:
        abort(403)
    return None


def _period() -> PeriodForm:
    form = PeriodForm(request.args if request.args else None)
    if not request.args or not form.validate():
        form.fran.data, form.till.data = current_term(date.today())
    return form


@bp.get("/")
def overview():
    return _over_period("manager/overview.html", managers.people)


@bp.get("/statistik")
def statistics():
    return _over_period("manager/statistics.html", managers.figures)


def _over_period(template: str, read):
    """A page of the manager's unit over the period asked for (the current term at first)."""
    form = _period()
    return render_template(
        template,
        unit=managers.unit_of(current_user),
        form=form,
        rows=read(current_user, form.fran.data, form.till.data),
    )


@bp.get("/intyg/<int:registration_id>.pdf")
def certificate(registration_id: int):
    found = managers.certificate(current_user, registration_id)
    if found is None:
        abort(404)
    return pdf_response(found)


@bp.route("/anmal", methods=["GET", "POST"])
def sign_up_colleague():
    unit = managers.unit_of(current_user)
    form = ColleagueForm()
    form.event.choices = [(e.id, e.title) for e in managers.open_events()]
    form.library.choices = [
        (library.id, library.name)
        for library in db.session.scalars(
            select(Library).where(Library.id.in_(unit.library_ids)).order_by(Library.name)
        )
    ]
    applicant = Applicant(
        name=form.name.data or "", email=form.email.data or "", library_id=form.library.data
    )
    if form.validate_on_submit() and (
        title := run(
            lambda: (
                managers.sign_up_colleague(current_user, form.event.data, applicant).event.title
            ),
            form=form,
        )
    ):
        flash(
            f"{applicant.name} är anmäld till {title} och får en bekräftelse med en länk för att "
            "ändra eller avboka.",
            "success",
        )
        return redirect(url_for(".overview"))
    return render_template("manager/sign_up.html", form=form, unit=unit), status(form)
