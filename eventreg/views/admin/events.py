"""The coordinator's overview and event pages: create, edit, publish, copy, cancel, delete."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventreg import organisation, ratelimits
from eventreg.extensions import db
from eventreg.forms.common import ButtonForm, CancelEventForm
from eventreg.forms.events import EventForm
from eventreg.ids import page_number
from eventreg.models import AuditEntry, Event, EventStatus, Invitation, Network, Role
from eventreg.models.base import utcnow
from eventreg.services import audiences, events, followups, listings, plans
from eventreg.templating import markdown
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run, status


def get_event(event_id: int) -> Event:
    """:raise 404: if there is no such event."""
    return db.get_or_404(Event, event_id)


@bp.get("/")
@requires(Role.COORDINATOR)
def dashboard():
    """Coming events and drafts with how full they are, and the latest changes."""
    upcoming = db.session.scalars(
        select(Event)
        .where((Event.last_end >= utcnow()) | (Event.status == EventStatus.DRAFT))
        .options(selectinload(Event.sessions))
        .order_by(Event.first_start)
        .limit(200)
    ).all()
    recent = db.session.scalars(
        select(AuditEntry)
        .options(selectinload(AuditEntry.user), selectinload(AuditEntry.event))
        .order_by(AuditEntry.id.desc())
        .limit(10)
    ).all()
    return render_template(
        "admin/dashboard.html",
        events=upcoming,
        counts=listings.status_counts([event.id for event in upcoming]),
        recent=recent,
        awaiting=followups.awaiting_attendance(),
        bursts=ratelimits.recent_bursts(),
        forms=ratelimits.FORMS,
    )


@bp.get("/logg")
@requires(Role.COORDINATOR)
def audit_log():
    page = db.paginate(
        select(AuditEntry)
        .options(selectinload(AuditEntry.user), selectinload(AuditEntry.event))
        .order_by(AuditEntry.id.desc()),
        page=page_number(),
        per_page=50,
        max_per_page=100,
    )
    return render_template("admin/audit_log.html", page=page)


def _event_form_page(form: EventForm, event: Event | None):
    """Handle the form's extra buttons; return a response, or None when it is time to save."""
    if form.add_session.data:
        form.sessions.append_entry()
        return render_template("admin/event_form.html", form=form, event=event)
    if form.preview.data:
        return render_template(
            "admin/event_form.html", form=form, event=event, preview=markdown(form.description.data)
        )
    return None


def _networks() -> list[Network]:
    return list(db.session.scalars(select(Network).order_by(Network.name)))


def _create(form: EventForm) -> Event:
    event = events.create_event(form.session_times(), actor=current_user, **form.details())
    return events.publish_event(event.id, current_user) if form.publish.data else event


def _update(event: Event, form: EventForm) -> Event:
    events.update_event(event.id, form.session_times(), actor=current_user, **form.details())
    if form.publish.data and event.status == EventStatus.DRAFT:
        events.publish_event(event.id, current_user)
    return event


@bp.route("/evenemang/nytt", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def new_event():
    form = EventForm().offer_networks(_networks())
    form.offer_focus_areas(plans.areas_to_offer(on=form.first_day()))
    form.offer_audiences(audiences.audiences_to_offer())
    if request.method == "GET":
        form.organiser.data = organisation.current().owner
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
        form.kind.data = "course"
    elif (page := _event_form_page(form, None)) is not None:
        return page
    elif form.validate_on_submit() and (event := run(lambda: _create(form), form=form)):
        flash(
            "Evenemanget är publicerat." if form.publish.data else "Utkastet är sparat.", "success"
        )
        return redirect(url_for(".event", event_id=event.id))
    return render_template("admin/event_form.html", form=form, event=None), status(form)


@bp.route("/evenemang/<int:event_id>/redigera", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def edit_event(event_id: int):
    event = get_event(event_id)
    form = EventForm() if request.method == "POST" else EventForm.for_event(event)
    form.offer_networks(_networks())
    form.offer_focus_areas(plans.areas_to_offer(kept=event.focus_area_id, on=form.first_day()))
    form.offer_audiences(audiences.audiences_to_offer(kept=event.audience_id))
    if request.method == "POST":
        if (page := _event_form_page(form, event)) is not None:
            return page
        if form.validate_on_submit() and run(
            lambda: _update(event, form), form=form, success="Ändringarna är sparade."
        ):
            return redirect(url_for(".event", event_id=event.id))
        return render_template("admin/event_form.html", form=form, event=event), status(form)
    return render_template("admin/event_form.html", form=form, event=event)


@bp.get("/evenemang/<int:event_id>")
@requires(Role.COORDINATOR)
def event(event_id: int):
    event = get_event(event_id)
    counts = listings.status_counts([event.id])[event.id]
    history = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.event_id == event.id)
        .options(selectinload(AuditEntry.user), selectinload(AuditEntry.event))
        .order_by(AuditEntry.id.desc())
        .limit(20)
    ).all()
    answers = dict(
        db.session.execute(
            select(Invitation.status, func.count())
            .where(Invitation.event_id == event.id)
            .group_by(Invitation.status)
        ).all()
    )
    return render_template(
        "admin/event.html",
        event=event,
        counts=counts,
        answers=answers,
        history=history,
        form=ButtonForm(),
    )


def _act(event: Event, action, success: str):
    """A button on the event page (CSRF is checked before any view); back to the page."""
    run(action, success=success)
    return redirect(url_for(".event", event_id=event.id))


@bp.post("/evenemang/<int:event_id>/publicera")
@requires(Role.COORDINATOR)
def publish(event_id: int):
    event = get_event(event_id)
    return _act(
        event, lambda: events.publish_event(event.id, current_user), "Evenemanget är publicerat."
    )


@bp.post("/evenemang/<int:event_id>/avpublicera")
@requires(Role.COORDINATOR)
def unpublish(event_id: int):
    event = get_event(event_id)
    return _act(
        event,
        lambda: events.unpublish_event(event.id, current_user),
        "Evenemanget är ett utkast igen.",
    )


@bp.post("/evenemang/<int:event_id>/kopiera")
@requires(Role.COORDINATOR)
def duplicate(event_id: int):
    get_event(event_id)  # 404 for no such event
    copy = run(
        lambda: events.duplicate_event(event_id, current_user),
        success="Kopian är sparad som utkast. Ändra datum och sista anmälningsdag, och publicera.",
    )
    return redirect(url_for(".edit_event", event_id=copy.id))


@bp.route("/evenemang/<int:event_id>/stall-in", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def cancel(event_id: int):
    event = get_event(event_id)
    form = CancelEventForm()
    if event.status == EventStatus.CANCELLED:
        return redirect(url_for(".event", event_id=event.id))
    if form.validate_on_submit() and run(
        lambda: events.cancel_event(event.id, form.message.data, current_user),
        form=form,
        success="Evenemanget är inställt. Alla anmälda får ett mejl.",
    ):
        return redirect(url_for(".event", event_id=event.id))
    counts = listings.status_counts([event.id])[event.id]
    return render_template(
        "admin/cancel_event.html", event=event, form=form, counts=counts
    ), status(form)


@bp.route("/evenemang/<int:event_id>/ta-bort", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def delete(event_id: int):
    event = get_event(event_id)
    form = ButtonForm()
    if form.validate_on_submit():
        if run(
            lambda: events.delete_draft(event.id, current_user), success="Utkastet är borttaget."
        ):
            return redirect(url_for(".dashboard"))
        return redirect(url_for(".event", event_id=event.id))
    return render_template("admin/delete_event.html", event=event, form=form)
