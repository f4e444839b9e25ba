"""The mails attendees get, rendered from ``templates/email`` and queued in the outbox.

An iTIP message describes one UID, and eventreg gives each session its own UID. So the main mail
carries the calendar message of the first session concerned, and each further session gets a
short mail of its own with its invite or cancellation (see ``shared/reference/calendar-invites.md``).
"""

import re
from collections.abc import Sequence

from flask import render_template

from eventreg.calendar import attendee_message, session_summary
from eventreg.mail.outbox import queue
from eventreg.models import EventSession, OutboxMessage, Registration
from eventreg.urls import external_url

REQUEST = "REQUEST"
CANCEL = "CANCEL"

#: A session and what its calendar entry should do: (session, "REQUEST" or "CANCEL").
CalendarItem = tuple[EventSession, str]


def _tidy(text: str) -> str:
    """Templates are generous with blank lines; a mail has at most one between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _queue(
    kind: str,
    registration: Registration,
    subject: str,
    template: str,
    item: CalendarItem | None = None,
    **context,
) -> OutboxMessage:
    event = registration.event
    session, method = item if item else (None, "")
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
        ics=attendee_message(registration, session, method, context["personal_url"])
        if session
        else "",
        ics_method=method,
        registration_id=registration.id,
        event_id=event.id,
    )


def _queue_with_calendar(
    kind: str,
    registration: Registration,
    subject: str,
    template: str,
    personal_url: str,
    items: Sequence[CalendarItem],
    **context,
) -> None:
    """The main mail with the first calendar item, then one short mail per further item."""
    first, *others = items or [None]
    _queue(
        kind,
        registration,
        subject,
        template,
        first,
        personal_url=personal_url,
        more_invites=len(others),
        **context,
    )
    for session, method in others:
        cancel = method == CANCEL
        _queue(
            f"{kind}-session",
            registration,
            f"{'Inställt' if cancel else 'Kalenderinbjudan'}: {session_summary(session)}",
            "session_cancel" if cancel else "session_invite",
            (session, method),
            personal_url=personal_url,
        )


def _every_session(registration: Registration, method: str) -> list[CalendarItem]:
    return [(session, method) for session in registration.event.sessions]


def queue_confirmation(registration: Registration, personal_url: str) -> None:
    _queue_with_calendar(
        "confirmation",
        registration,
        f"Bekräftelse: {registration.event.title}",
        "confirmation",
        personal_url,
        _every_session(registration, REQUEST),
    )


def queue_promotion(registration: Registration, personal_url: str) -> None:
    _queue_with_calendar(
        "promotion",
        registration,
        f"Du har fått en plats: {registration.event.title}",
        "confirmation",
        personal_url,
        _every_session(registration, REQUEST),
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


def queue_cancellation(
    registration: Registration, personal_url: str, had_seat: bool, by_coordinator: bool = False
) -> None:
    """Confirms a cancellation; someone who had a seat also gets CANCEL for every session."""
    _queue_with_calendar(
        "cancellation",
        registration,
        f"Avbokad: {registration.event.title}",
        "cancellation",
        personal_url,
        _every_session(registration, CANCEL) if had_seat else [],
        by_coordinator=by_coordinator,
    )


def queue_change(
    registration: Registration,
    personal_url: str,
    changes: list[str],
    items: Sequence[CalendarItem],
) -> None:
    """An edit that moves the event in people's calendars: what changed, and fresh invites."""
    _queue_with_calendar(
        "update",
        registration,
        f"Ändrat: {registration.event.title}",
        "update",
        personal_url,
        items,
        changes=changes,
    )


def queue_event_cancelled(
    registration: Registration, personal_url: str, message: str, had_seat: bool
) -> None:
    """The event is cancelled: everyone is told, and entries leave the calendars of the seated."""
    _queue_with_calendar(
        "event-cancelled",
        registration,
        f"Inställt: {registration.event.title}",
        "event_cancelled",
        personal_url,
        _every_session(registration, CANCEL) if had_seat else [],
        message=message,
    )


def queue_coordinator_message(
    registration: Registration, personal_url: str, subject: str, message: str
) -> None:
    _queue(
        "message",
        registration,
        subject,
        "coordinator_message",
        personal_url=personal_url,
        message=message,
    )
