"""The mails attendees get, rendered from ``templates/email`` and queued in the outbox.

Each mail is written in the language of the person it goes to (see ``eventreg.i18n``).

An iTIP message describes one UID (RFC 5546 1.4), and eventreg gives each session its own UID. So
the main mail carries the calendar message of the first session concerned, and each further
session gets a short mail of its own with its invite or cancellation. Which messages go to whom,
and with which SEQUENCE, the services decide (``services.calendar_entries``); this module only
writes them.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from functools import wraps

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from eventreg.calendar import CalendarItem, attendee_message
from eventreg.extensions import db
from eventreg.i18n import DEFAULT as DEFAULT_LANGUAGE
from eventreg.mail.inbound import Inbound
from eventreg.mail.outbox import queue
from eventreg.models import (
    Event,
    EventSession,
    Invitation,
    MemberStatus,
    NetworkMember,
    OutboxMessage,
    Registration,
)
from eventreg.services import links
from eventreg.urls import external_url

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def _in_their_language(queue_mail: Callable) -> Callable:
    """Write the mail in the language of the person it goes to: its first argument's."""

    @wraps(queue_mail)
    def in_their_language(about: Registration | NetworkMember | Invitation, *args, **kwargs):
        person = about.member if isinstance(about, Invitation) else about
        with force_locale(person.language or DEFAULT_LANGUAGE):
            return queue_mail(about, *args, **kwargs)

    return in_their_language


def _tidy(text: str) -> str:
    """Templates are generous with blank lines; a mail has at most one between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _queue(
    *,
    kind: str,
    to: tuple[str, str],
    event: Event,
    subject: str,
    template: str,
    item: CalendarItem | None = None,
    registration: Registration | None = None,
    calendar_footer: str = "",
    held_back: bool = False,
    **context,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt|html`` and queue it, with one session's iTIP part.

    Mail about a network's meeting lets a member leave the network: pass ``leave_urls`` (see
    :func:`leave_urls`) when mailing many, or it is looked up for this one address.
    """
    _add_leave_url(context, event, to[1])
    context.update(
        name=to[0],
        registration=registration,
        event=event,
        session=item.session if item else None,
        event_url=external_url("public.event", event_id=event.id),
    )
    return queue(
        kind=kind,
        to=to,
        reply_to=(event.contact_name, event.contact_email),
        subject=subject,
        body_text=_tidy(render_template(f"email/{template}.txt", **context)),
        body_html=render_template(f"email/{template}.html", **context),
        ics=attendee_message(event, to, item, calendar_footer) if item else "",
        ics_method=item.method if item else "",
        registration_id=registration.id if registration else None,
        event_id=event.id,
        held_back=held_back,
    )


def _add_leave_url(context: dict, event: Event, email: str) -> None:
    leave_urls = context.pop("leave_urls", None)
    if event.network_id and "leave_url" not in context:
        context["leave_url"] = (
            leave_urls.get(email) if leave_urls is not None else _leave_url(event.network_id, email)
        )


def _members(network_id: int, *where) -> list[NetworkMember]:
    return list(
        db.session.scalars(
            select(NetworkMember).where(
                NetworkMember.network_id == network_id,
                NetworkMember.status == MemberStatus.ACTIVE,
                *where,
            )
        )
    )


def _leave_url(network_id: int, email: str) -> str | None:
    members = _members(network_id, NetworkMember.email == email)
    return links.leave_url(members[0]) if members else None


def leave_urls(event: Event) -> dict[str, str]:
    """Address → leave link of every member of the event's network, for mailing many at once."""
    if not event.network_id:
        return {}
    return {member.email: links.leave_url(member) for member in _members(event.network_id)}


def _personal_footer(personal_url: str, method: str) -> str:
    if method == CANCEL:
        return _("Din anmälan: %(url)s", url=personal_url)
    return _("Din anmälan (se eller avboka): %(url)s", url=personal_url)


def _queue_with_calendar(
    *,
    kind: str,
    to: tuple[str, str],
    event: Event,
    subject: str,
    template: str,
    items: Sequence[CalendarItem],
    footer: Callable[[str], str],
    registration: Registration | None = None,
    personal_url: str = "",
    **context,
) -> None:
    """The main mail with the first calendar item, then one short mail per further item.

    ``footer(method)`` ends each calendar entry's description (a link, or a word on why).
    """
    first, *others = items or [None]
    _add_leave_url(context, event, to[1])
    _queue(
        kind=kind,
        to=to,
        event=event,
        subject=subject,
        template=template,
        item=first,
        registration=registration,
        calendar_footer=footer(first.method) if first else "",
        personal_url=personal_url,
        more_invites=len(others),
        **context,
    )
    for item in others:
        cancel = item.method == CANCEL
        _queue(
            kind=f"{kind}-session",
            to=to,
            event=event,
            subject=(_("Inställt: %(title)s") if cancel else _("Kalenderinbjudan: %(title)s"))
            % {"title": item.summary},
            template="session_cancel" if cancel else "session_invite",
            item=item,
            registration=registration,
            calendar_footer=footer(item.method),
            personal_url=personal_url,
            leave_url=context.get("leave_url"),
        )


def _for_registration(
    kind: str,
    registration: Registration,
    subject: str,
    template: str,
    personal_url: str,
    items: Sequence[CalendarItem] = (),
    **context,
) -> None:
    """A mail about a registration, its calendar entries pointing to the personal page."""
    _queue_with_calendar(
        kind=kind,
        to=(registration.name, registration.email),
        event=registration.event,
        subject=subject,
        template=template,
        items=items,
        footer=lambda method: _personal_footer(personal_url, method),
        registration=registration,
        personal_url=personal_url,
        **context,
    )


def _for_invitation(
    kind: str,
    invitation: Invitation,
    event: Event,
    subject: str,
    template: str,
    items: Sequence[CalendarItem],
    cancelled_because: str,
    answer_urls: Mapping[str, str] | None = None,
    **context,
) -> None:
    """A mail to an invited member: a REQUEST's description carries the links to answer, a
    CANCEL's says why the entry goes."""
    member = invitation.member
    answer = (
        "\n".join(
            (
                _("Jag kommer: %(url)s", url=answer_urls["kommer"]),
                _("Jag kommer inte: %(url)s", url=answer_urls["kommer-inte"]),
            )
        )
        if answer_urls
        else ""
    )
    _queue_with_calendar(
        kind=kind,
        to=(member.name, member.email),
        event=event,
        subject=subject,
        template=template,
        items=items,
        footer=lambda method: answer if method == REQUEST else cancelled_because,
        answer_urls=answer_urls,
        **context,
    )


@_in_their_language
def queue_confirmation(
    registration: Registration, personal_url: str, items: Sequence[CalendarItem]
) -> None:
    _for_registration(
        "confirmation",
        registration,
        _("Bekräftelse: %(title)s", title=registration.event.title),
        "confirmation",
        personal_url,
        items,
    )


@_in_their_language
def queue_promotion(
    registration: Registration, personal_url: str, items: Sequence[CalendarItem]
) -> None:
    _for_registration(
        "promotion",
        registration,
        _("Du har fått en plats: %(title)s", title=registration.event.title),
        "confirmation",
        personal_url,
        items,
        promoted=True,
    )


@_in_their_language
def queue_waitlisted(
    registration: Registration,
    personal_url: str,
    position: int,
    items: Sequence[CalendarItem] = (),
) -> None:
    """On the waiting list; ``items`` take out entries an invitation put in their calendar."""
    _for_registration(
        "waitlisted",
        registration,
        _("Reservlista: %(title)s", title=registration.event.title),
        "waitlisted",
        personal_url,
        items,
        position=position,
    )


@_in_their_language
def queue_link_reminder(
    registration: Registration, personal_url: str, position: int | None, held_back: bool = False
) -> None:
    """A repeated sign-up, or a lost link: the person's link again, and where they stand."""
    _for_registration(
        "link",
        registration,
        _("Din anmälan: %(title)s", title=registration.event.title),
        "link",
        personal_url,
        position=position,
        held_back=held_back,
    )


@_in_their_language
def queue_cancellation(
    registration: Registration,
    personal_url: str,
    items: Sequence[CalendarItem],
    by_coordinator: bool = False,
    by_calendar: bool = False,
) -> None:
    """Confirms a cancellation; ``items`` take the sessions out of their calendar."""
    _for_registration(
        "cancellation",
        registration,
        _("Avbokad: %(title)s", title=registration.event.title),
        "cancellation",
        personal_url,
        items,
        by_coordinator=by_coordinator,
        by_calendar=by_calendar,
    )


@_in_their_language
def queue_session_declined(
    registration: Registration, personal_url: str, session: EventSession
) -> None:
    """They declined one session of a course in their calendar: noted, and the seat stands."""
    _for_registration(
        "session-declined",
        registration,
        _("Noterat: %(title)s", title=registration.event.title),
        "session_declined",
        personal_url,
        declined_session=session,
    )


@_in_their_language
def queue_change(
    registration: Registration,
    personal_url: str,
    changes: list[str],
    items: Sequence[CalendarItem],
    leave_urls: Mapping[str, str] | None = None,
) -> None:
    """An edit that moves the event in people's calendars: what changed, and fresh invites."""
    _for_registration(
        "update",
        registration,
        _("Ändrat: %(title)s", title=registration.event.title),
        "update",
        personal_url,
        items,
        changes=changes,
        leave_urls=leave_urls,
    )


@_in_their_language
def queue_event_cancelled(
    registration: Registration,
    personal_url: str,
    message: str,
    items: Sequence[CalendarItem],
    leave_urls: Mapping[str, str] | None = None,
) -> None:
    """The event is cancelled: everyone is told, and entries leave the calendars holding them."""
    _for_registration(
        "event-cancelled",
        registration,
        _("Inställt: %(title)s", title=registration.event.title),
        "event_cancelled",
        personal_url,
        items,
        message=message,
        leave_urls=leave_urls,
    )


@_in_their_language
def queue_coordinator_message(
    registration: Registration,
    personal_url: str,
    subject: str,
    message: str,
    leave_urls: Mapping[str, str] | None = None,
) -> None:
    _for_registration(
        "message",
        registration,
        subject,
        "coordinator_message",
        personal_url,
        message=message,
        leave_urls=leave_urls,
    )


@_in_their_language
def queue_event_reminder(
    registration: Registration, personal_url: str, leave_urls: Mapping[str, str] | None = None
) -> None:
    """Practical details a few days before: when, where, the meeting link."""
    _for_registration(
        "reminder",
        registration,
        _("Påminnelse: %(title)s", title=registration.event.title),
        "event_reminder",
        personal_url,
        leave_urls=leave_urls,
    )


@_in_their_language
def queue_membership(member: NetworkMember, leave_url: str) -> None:
    """Welcome to a network, or: your request waits for approval."""
    network = member.network
    queue(
        kind="membership",
        to=(member.name, member.email),
        reply_to=(network.contact_name, network.contact_email),
        subject=(
            _("Välkommen till %(network)s", network=network.name)
            if member.status == "active"
            else _("Din ansökan till %(network)s", network=network.name)
        ),
        body_text=_tidy(
            render_template(
                "email/membership.txt", member=member, network=network, leave_url=leave_url
            )
        ),
        body_html=render_template(
            "email/membership.html", member=member, network=network, leave_url=leave_url
        ),
    )


@_in_their_language
def queue_invitation(
    invitation: Invitation,
    event: Event,
    items: Sequence[CalendarItem],
    answer_urls: dict[str, str],
    leave_url: str,
    reminder: bool = False,
) -> None:
    """The invitation to a network meeting: a calendar invite per session and two answer links."""
    _for_invitation(
        "invitation-reminder" if reminder else "invitation",
        invitation,
        event,
        (
            _("Påminnelse: inbjudan: %(title)s", title=event.title)
            if reminder
            else _("Inbjudan: %(title)s", title=event.title)
        ),
        "invitation",
        items,
        "",
        answer_urls=answer_urls,
        leave_url=leave_url,
        network=event.network,
        reminder=reminder,
    )


@_in_their_language
def queue_invitation_change(
    invitation: Invitation,
    event: Event,
    changes: list[str],
    items: Sequence[CalendarItem],
    answer_urls: dict[str, str],
    leave_urls: Mapping[str, str] | None = None,
) -> None:
    """A meeting someone is invited to (and has not answered) changed: its entry follows."""
    _for_invitation(
        "invitation-update",
        invitation,
        event,
        _("Ändrat: %(title)s", title=event.title),
        "update",
        items,
        _("Tillfället är inställt."),
        answer_urls=answer_urls,
        changes=changes,
        leave_urls=leave_urls,
    )


@_in_their_language
def queue_invitation_cancelled(
    invitation: Invitation,
    event: Event,
    message: str,
    items: Sequence[CalendarItem],
    leave_urls: Mapping[str, str] | None = None,
) -> None:
    """A meeting someone is invited to is cancelled: the entry leaves their calendar."""
    _for_invitation(
        "invitation-cancelled",
        invitation,
        event,
        _("Inställt: %(title)s", title=event.title),
        "event_cancelled",
        items,
        _("Träffen är inställd."),
        message=message,
        leave_urls=leave_urls,
    )


@_in_their_language
def queue_invitation_withdrawn(
    invitation: Invitation, event: Event, items: Sequence[CalendarItem]
) -> None:
    """Someone left the network: a meeting they were invited to leaves their calendar."""
    _for_invitation(
        "invitation-withdrawn",
        invitation,
        event,
        _("Inbjudan återkallad: %(title)s", title=event.title),
        "invitation_withdrawn",
        items,
        _("Du är inte längre medlem i nätverket."),
        network=event.network,
    )


@_in_their_language
def queue_declined(invitation: Invitation, event: Event, items: Sequence[CalendarItem]) -> None:
    """A member said no: the meeting leaves the calendar the invitation put it in."""
    _for_invitation(
        "declined",
        invitation,
        event,
        _("Tack för ditt svar: %(title)s", title=event.title),
        "declined",
        items,
        _("Du har tackat nej."),
    )


def queue_forward(
    message: Inbound, to: tuple[str, str], reason: str, event: Event | None
) -> OutboxMessage:
    """A message the mailbox got that eventreg does not act on, sent on to a person unchanged
    (attached), with why; replying goes to whoever sent it. For coordinators: in Swedish."""
    context = dict(message=message, reason=reason, event=event, name=to[0])
    return queue(
        kind="forward",
        to=to,
        reply_to=(message.sender_name, message.sender) if message.sender else ("", ""),
        subject=f"Vidarebefordrat: {message.subject}" if message.subject else "Vidarebefordrat",
        body_text=_tidy(render_template("email/forward.txt", **context)),
        body_html=render_template("email/forward.html", **context),
        event_id=event.id if event else None,
        attachment=message.raw if message.complete else None,
    )
