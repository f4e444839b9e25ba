"""Delivery status: every message in the outbox, its text and invite, and retrying failures."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.forms.common import ButtonForm
from eventreg.mail.outbox import retry
from eventreg.models import OutboxMessage, OutboxStatus, Role
from eventreg.services import audit
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires

STATUS_LABELS = {
    OutboxStatus.PENDING: "Väntar",
    OutboxStatus.SENDING: "Skickas",
    OutboxStatus.SENT: "Skickat",
    OutboxStatus.FAILED: "Misslyckades",
}


@bp.get("/utskick")
@requires(Role.COORDINATOR)
def outbox():
    status = request.args.get("status", "")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in OutboxStatus.__members__.values():
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(query, per_page=50, max_per_page=100)
    return render_template(
        "admin/outbox.html", page=page, status=status, labels=STATUS_LABELS, form=ButtonForm()
    )


@bp.get("/utskick/<int:message_id>")
@requires(Role.COORDINATOR)
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "admin/outbox_message.html", message=message, labels=STATUS_LABELS, form=ButtonForm()
    )


@bp.post("/utskick/<int:message_id>/skicka-igen")
@requires(Role.COORDINATOR)
def retry_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status == OutboxStatus.FAILED:
        retry(message)
        audit.record(current_user, "skickade om mejl", None, f"utskick {message.id}")
        db.session.commit()
        flash("Mejlet skickas igen inom någon minut.", "success")
    return redirect(url_for(".outbox_message", message_id=message.id))
