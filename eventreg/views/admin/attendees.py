"""Attendee and waiting lists of one event: search, add, give a seat, cancel, export, attendance."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventreg import exports
from eventreg.certificate_pdf import pdf_response
from eventreg.extensions import db
from eventreg.forms.common import ButtonForm, MessageForm
from eventreg.forms.registration import RegistrationForm
from eventreg.ids import parse_id
from eventreg.models import AttendanceMode, EventSession, Registration, Role
from eventreg.services import (
    approvals,
    attendance,
    attendee_lists,
    certificates,
    listings,
    questions,
    registrations,
)
from eventreg.services.places import library_options
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.admin.events import get_event
from eventreg.views.forms import run, status
from eventreg.views.registration import applicant_from


def get_registration(event_id: int, registration_id: int) -> Registration:
    """:raise 404: unless the registration belongs to the event."""
    registration = db.get_or_404(Registration, registration_id)
    if registration.event_id != event_id:
        abort(404)
    return registration


@bp.get("/evenemang/<int:event_id>/deltagare")
@requires(Role.COORDINATOR)
def attendee_list(event_id: int):
    event = get_event(event_id)
    search = request.args.get("sok", "").strip()[:100]
    return render_template(
        "admin/attendees.html",
        event=event,
        search=search,
        lists=attendee_lists.split_by_status(attendee_lists.registrations_for(event, search)),
        counts=listings.status_counts([event.id])[event.id],
        places=attendee_lists.counts_by_place(event),
        asked=questions.all_questions(event.id),
        answer_cells=questions.answer_cells,
        form=ButtonForm(),
    )


@bp.route("/evenemang/<int:event_id>/deltagare/ny", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def add_attendee(event_id: int):
    event = get_event(event_id)
    form = RegistrationForm(serves_meal=event.serves_meal, choose_mode=event.choose_mode)
    form.offer_libraries(library_options())
    if event.choose_mode:
        form.offer_modes(registrations.full_modes(event, registrations.taken_seats(event.id)))
    del form.consent  # the coordinator informs the person; the mail links to the privacy page
    if form.validate_on_submit() and (
        registration := run(
            lambda: registrations.register(event.id, applicant_from(form), actor=current_user),
            form=form,
        )
    ):
        where = (
            "har fått en plats" if registration.status == "confirmed" else "står på reservlistan"
        )
        flash(f"{registration.name} {where} och får ett mejl.", "success")
        return redirect(url_for(".attendee_list", event_id=event.id))
    return render_template("admin/add_attendee.html", event=event, form=form), status(form)


@bp.route(
    "/evenemang/<int:event_id>/deltagare/<int:registration_id>/avboka", methods=["GET", "POST"]
)
@requires(Role.COORDINATOR)
def cancel_attendee(event_id: int, registration_id: int):
    event = get_event(event_id)
    registration = get_registration(event.id, registration_id)
    form = ButtonForm()
    if form.validate_on_submit():
        run(
            lambda: registrations.cancel_registration(registration.id, actor=current_user),
            success=f"{registration.name} är avbokad och får ett mejl.",
        )
        return redirect(url_for(".attendee_list", event_id=event.id))
    return render_template(
        "admin/cancel_attendee.html", event=event, registration=registration, form=form
    )


@bp.post("/evenemang/<int:event_id>/deltagare/<int:registration_id>/ge-plats")
@requires(Role.COORDINATOR)
def give_seat(event_id: int, registration_id: int):
    event = get_event(event_id)
    registration = get_registration(event.id, registration_id)
    run(
        lambda: registrations.give_seat(registration.id, current_user),
        success=f"{registration.name} har fått en plats och får ett mejl med kalenderinbjudan.",
    )
    return redirect(url_for(".attendee_list", event_id=event.id))


@bp.get("/evenemang/<int:event_id>/deltagare.<any(csv, xlsx):kind>")
@requires(Role.COORDINATOR)
def export(event_id: int, kind: str):
    event = get_event(event_id)
    people = attendee_lists.registrations_for(event)
    asked = questions.all_questions(event.id)
    return exports.attendees(
        kind,
        f"deltagare-{event.id}",
        people,
        questions.headings(asked),
        [questions.answer_cells(registration, asked) for registration in people],
    )


@bp.get("/evenemang/<int:event_id>/namnlista")
@requires(Role.COORDINATOR)
def sign_in_sheet(event_id: int):
    """A page to print for the door: names sorted, with a column to sign, and the answers to
    the questions the coordinator ticks (``?fraga=<id>``, several allowed), e.g. the workshop.
    Where people choose how to take part, those online sign nothing: they are left out."""
    event = get_event(event_id)
    confirmed = attendee_lists.split_by_status(attendee_lists.registrations_for(event))["confirmed"]
    seated = [
        registration for registration in confirmed if registration.mode != AttendanceMode.ONLINE
    ]
    asked = questions.all_questions(event.id)
    chosen = [q for q in asked if str(q.id) in request.args.getlist("fraga")]
    return render_template(
        "admin/sign_in_sheet.html",
        event=event,
        people=sorted(seated, key=lambda r: r.name.lower()),
        asked=[q for q in asked if not q.removed],
        chosen=chosen,
        answer_cells=questions.answer_cells,
    )


@bp.route("/evenemang/<int:event_id>/narvaro", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def mark_attendance(event_id: int):
    event = get_event(event_id)
    chosen = request.args.get("tillfalle")
    session_id = parse_id(chosen) if chosen is not None else event.sessions[0].id
    session = db.session.get(EventSession, session_id) if session_id else None
    if session is None or session.event_id != event.id:
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        present = {parse_id(value) for value in request.form.getlist("kom")} - {None}
        run(
            lambda: attendance.mark_attendance(session, present, current_user),
            success="Närvaron är sparad.",
        )
        return redirect(url_for(".mark_attendance", event_id=event.id, tillfalle=session.id))
    seated = attendee_lists.split_by_status(attendee_lists.registrations_for(event))["confirmed"]
    return render_template(
        "admin/attendance.html",
        event=event,
        session=session,
        people=sorted(seated, key=lambda r: r.name.lower()),
        marks=attendance.marks_for(session),
        certificates=certificates.certificates_of(event.id),
        required=certificates.required_sessions(event),
        form=form,
    )


@bp.get("/evenemang/<int:event_id>/kursintyg/<int:registration_id>.pdf")
@requires(Role.COORDINATOR)
def certificate(event_id: int, registration_id: int):
    event = get_event(event_id)
    registration = get_registration(event.id, registration_id)
    found = certificates.valid_certificate(registration.id)
    if found is None:
        abort(404)
    return pdf_response(found)


@bp.route("/evenemang/<int:event_id>/meddelande", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def message(event_id: int):
    event = get_event(event_id)
    form = MessageForm()
    if form.validate_on_submit():
        sent = run(
            lambda: attendee_lists.message_attendees(
                event,
                form.subject.data,
                form.message.data,
                include_waiting=form.include_waiting.data,
                actor=current_user,
            ),
            form=form,
        )
        if sent is not None:
            flash(f"Meddelandet skickas till {sent} personer.", "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("admin/message.html", event=event, form=form), status(form)


@bp.post("/evenemang/<int:event_id>/godkannande")
@requires(Role.COORDINATOR)
def decide(event_id: int):
    """Approve or decline the ticked sign-ups (CSRF is checked before any view)."""
    event = get_event(event_id)
    chosen = [parse_id(value) for value in request.form.getlist("registration")]
    approving = request.form.get("beslut") == "godkann"
    decision = approvals.approve if approving else approvals.decline
    done = run(lambda: decision(event.id, [i for i in chosen if i is not None], current_user))
    if done:
        names = ", ".join(registration.name for registration in done)
        flash(f"{'Godkänt' if approving else 'Avböjt'}: {names}. De får ett mejl.", "success")
    return redirect(url_for(".attendee_list", event_id=event.id))
