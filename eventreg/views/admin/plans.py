"""Administrators' pages for the library plans: their periods and focus areas."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from eventreg.extensions import db
from eventreg.forms.plans import PlanForm
from eventreg.models import LibraryPlan, Role
from eventreg.services import plans
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status


@bp.get("/biblioteksplaner")
@requires(Role.ADMIN)
def plans_page():
    return render_template("admin/plans.html", plans=plans.plans())


@bp.route("/biblioteksplaner/ny", methods=["GET", "POST"])
@bp.route("/biblioteksplaner/<int:plan_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def plan_page(plan_id: int | None = None):
    plan = db.get_or_404(LibraryPlan, plan_id) if plan_id else None
    form = PlanForm.for_plan(plan) if plan and request.method == "GET" else PlanForm()
    if form.add_area.data:
        form.areas.append_entry()
    elif form.validate_on_submit() and run(
        lambda: plans.save_plan(
            plan_id,
            form.name.data,
            form.starts_on.data,
            form.ends_on.data,
            form.area_texts(),
            current_user,
        ),
        form=form,
        success="Biblioteksplanen är sparad.",
    ):
        return redirect(url_for(".plans_page"))
    return render_template("admin/plan.html", form=form, plan=plan), status(form)
