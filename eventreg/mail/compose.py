"""The mails attendees get, rendered from ``templates/email`` and queued in the outbox.

An iTIP message describes one UID, and eventreg gives each session its own UID, so a course with
several sessions sends the main mail with the first session's invite and one short mail per
further session with its own invite (see ``shared/reference/calendar-invites.md``).
"""

import re

from flask import render_template

from eventreg.calendar import attendee_message, session_summary
from eventreg.mail.outbox import queue
from eventreg.models import EventSession, OutboxMessage, Registration
from eventreg.urls import external_url


def _tidy(text: str) -> str:
    """Templates are generous with blank lines; a mail has at most one between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _queue(
    kind: str,
    registration: Registration,
    subject: str,
    template: str,
    *,
    session: EventSession | None = None,
    method: str = "",
    **context,
) -> OutboxMessage:
    event = registration.event
    context.update(
        registration=registration,
        event=event,
        session=session,
        event_url=external_url("public.event", event_id=event.id),
    )
    return queue(
        kind=kind,
        to=(registration.name, registration.email),
        reply_to=(event.contact_name, event.contact_email),
        subject=subject,
        body_text=_tidy(render_template(f"email/{template}.txt", **context)),
        body_html=render_template(f"email/{template}.html", **context),
        ics=(
            attendee_message(registration, session, method, context["personal_url"])
            if session
            else ""
        ),
        ics_method=method if session else "",
        registration_id=registration.id,
        event_id=event.id,
    )


def _queue_with_calendar(
    kind: str,
    registration: Registration,
    subject: str,
    template: str,
    personal_url: str,
    method: str,
    **context,
) -> None:
    """The main mail with the first session's REQUEST or CANCEL, then one mail per other session."""
    first, *others = registration.event.sessions
    _queue(
        kind,
        registration,
        subject,
        template,
        session=first,
        method=method,
        personal_url=personal_url,
        more_invites=len(others),
        **context,
    )
    template = "session_invite" if method == "REQUEST" else "session_cancel"
    prefix = "Kalenderinbjudan" if method == "REQUEST" else "Avbokad"
    for session in others:
        _queue(
            f"{kind}-session",
            registration,
            f"{prefix}: {session_summary(session)}",
            template,
            session=session,
            method=method,
            personal_url=personal_url,
        )


def queue_confirmation(registration: Registration, personal_url: str) -> None:
    _queue_with_calendar(
        "confirmation",
        registration,
        f"Bekräftelse: {registration.event.title}",
        "confirmation",
        personal_url,
        "REQUEST",
    )


def queue_promotion(registration: Registration, personal_url: str) -> None:
    _queue_with_calendar(
        "promotion",
        registration,
        f"Du har fått en plats: {registration.event.title}",
        "confirmation",
        personal_url,
        "REQUEST",
        promoted=True,
    )


def queue_waitlisted(registration: Registration, personal_url: str, position: int) -> None:
    _queue(
        "waitlisted",
        registration,
        f"Reservlista: {registration.event.title}",
        "waitlisted",
        personal_url=personal_url,
        position=position,
    )


def queue_link_reminder(
    registration: Registration, personal_url: str, position: int | None
) -> None:
    """A repeated sign-up: the person's link again, and where they stand."""
    _queue(
        "link",
        registration,
        f"Din anmälan: {registration.event.title}",
        "link",
        personal_url=personal_url,
        position=position,
    )


def queue_cancellation(registration: Registration, personal_url: str, had_seat: bool) -> None:
    """Confirms a cancellation; someone who had a seat also gets CANCEL for every session."""
    subject = f"Avbokad: {registration.event.title}"
    if had_seat:
        _queue_with_calendar(
            "cancellation", registration, subject, "cancellation", personal_url, "CANCEL"
        )
    else:
        _queue("cancellation", registration, subject, "cancellation", personal_url=personal_url)
