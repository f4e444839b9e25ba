"""A person's right of access and erasure: everything stored about one address, and erasing it."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventreg.forms.common import EraseForm
from eventreg.models import Role
from eventreg.services import personal_data
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status


@bp.get("/personuppgifter")
@requires(Role.COORDINATOR)
def personal_data_lookup():
    email = request.args.get("epost", "").strip()[:254]
    registrations, mails = personal_data.stored_about(email) if email else ([], [])
    form = EraseForm(data={"email": email})
    return render_template(
        "admin/personal_data.html",
        email=email,
        registrations=registrations,
        mails=mails,
        after=personal_data.after_the_course(registrations),
        feed=bool(email) and personal_data.has_calendar_feed(email),
        form=form,
    )


@bp.post("/personuppgifter/radera")
@requires(Role.COORDINATOR)
def erase_personal_data():
    form = EraseForm()
    if not form.validate_on_submit():
        registrations, mails = personal_data.stored_about(form.email.data or "")
        return render_template(
            "admin/personal_data.html",
            email=form.email.data,
            registrations=registrations,
            mails=mails,
            after=personal_data.after_the_course(registrations),
            feed=personal_data.has_calendar_feed(form.email.data or ""),
            form=form,
        ), status(form)
    count = run(lambda: personal_data.erase_person(form.email.data, current_user), form=form)
    if count is not None:
        flash(f"Uppgifterna är raderade ({count} anmälningar anonymiserade).", "success")
    return redirect(url_for(".personal_data_lookup"))
