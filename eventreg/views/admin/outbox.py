"""Delivery status: every message in the outbox, its text and invite, and retrying failures;
and what came back to the Kalendarium's mailbox from calendars, and what was done with it."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from eventreg.calendar import replies_are_read
from eventreg.extensions import db
from eventreg.forms.common import ButtonForm
from eventreg.ids import page_number
from eventreg.mail import writing
from eventreg.mail.outbox import retry
from eventreg.models import InboundMessage, InboundOutcome, OutboxMessage, OutboxStatus, Role
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import run

STATUS_LABELS = {
    OutboxStatus.PENDING: "Väntar",
    OutboxStatus.SENDING: "Skickas",
    OutboxStatus.SENT: "Skickat",
    OutboxStatus.FAILED: "Misslyckades",
    OutboxStatus.HELD_BACK: "Hölls tillbaka",
}


@bp.get("/utskick")
@requires(Role.COORDINATOR)
def outbox():
    status = request.args.get("status", "")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status in OutboxStatus.__members__.values():
        query = query.where(OutboxMessage.status == status)
    page = db.paginate(query, page=page_number(), per_page=50, max_per_page=100)
    return render_template(
        "admin/outbox.html",
        page=page,
        status=status,
        labels=STATUS_LABELS,
        kinds=KIND_LABELS,
        form=ButtonForm(),
    )


#: Which mail it is, for the list (a mail gets its subject when the worker writes it).
KIND_LABELS = {
    "confirmation": "Bekräftelse",
    "promotion": "Plats från reservlistan",
    "waitlisted": "Reservlista",
    "link": "Personliga länken igen",
    "cancellation": "Avbokning",
    "session-declined": "Nej till ett tillfälle",
    "update": "Ändring",
    "event-cancelled": "Inställt",
    "message": "Meddelande",
    "reminder": "Påminnelse",
    "membership": "Medlemskap",
    "invitation": "Inbjudan",
    "invitation-reminder": "Påminnelse om inbjudan",
    "invitation-update": "Ändrad inbjudan",
    "invitation-cancelled": "Inställd inbjudan",
    "invitation-withdrawn": "Återkallad inbjudan",
    "declined": "Tackat nej",
    "forward": "Vidarebefordrat",
}

#: What the reader did with a message, as coordinators read it.
OUTCOME_LABELS = {
    InboundOutcome.CANCELLED: "Avbokade platsen",
    InboundOutcome.SESSION_DECLINED: "Kommer inte till ett tillfälle",
    InboundOutcome.DECLINED: "Tackade nej till inbjudan",
    InboundOutcome.SIGNED_UP: "Anmäld via inbjudan",
    InboundOutcome.RECORDED: "Noterat",
    InboundOutcome.FORWARDED: "Vidarebefordrat",
    InboundOutcome.KEPT: "Sparat, inte vidare",
}

#: The answer in a calendar reply, as coordinators read it.
PARTSTAT_LABELS = {
    "ACCEPTED": "Ja",
    "DECLINED": "Nej",
    "TENTATIVE": "Kanske",
    "NEEDS-ACTION": "Inget svar",
    "DELEGATED": "Skickat vidare",
}


@bp.get("/utskick/kalendersvar")
@requires(Role.COORDINATOR)
def calendar_replies():
    """Answers pressed in people's calendars (and other mail to the mailbox), newest first."""
    page = db.paginate(
        select(InboundMessage).order_by(InboundMessage.id.desc()),
        page=page_number(),
        per_page=50,
        max_per_page=100,
    )
    return render_template(
        "admin/calendar_replies.html",
        page=page,
        outcomes=OUTCOME_LABELS,
        answers=PARTSTAT_LABELS,
        reading=replies_are_read(),
    )


@bp.get("/utskick/<int:message_id>")
@requires(Role.COORDINATOR)
def outbox_message(message_id: int):
    """A message as it was sent, or, before the worker has written it, as it will read."""
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template(
        "admin/outbox_message.html",
        message=message,
        written=message if message.written_at else writing.write(message),
        labels=STATUS_LABELS,
        kinds=KIND_LABELS,
        form=ButtonForm(),
    )


@bp.post("/utskick/<int:message_id>/skicka-igen")
@requires(Role.COORDINATOR)
def retry_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if message.status == OutboxStatus.FAILED:
        run(lambda: retry(message, current_user), success="Mejlet skickas igen inom någon minut.")
    return redirect(url_for(".outbox_message", message_id=message.id))
