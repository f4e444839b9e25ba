"""Which mails a change makes, queued in the outbox in the same transaction as the change.

Each function here decides a mail: to whom, in which language, which kind (``mail.writing``
holds each kind's subject and template), and what it will say beyond what the database holds
then: the calendar entry it carries with its SEQUENCE, a waiting-list position, what changed.
The mail worker writes the words and the invite from that; the request that decides it writes
one small row (a sign-up does no rendering at all).

An iTIP message describes one UID (RFC 5546 1.4), and eventreg gives each session its own UID. So
the main mail carries the calendar message of the first session concerned, and each further
session gets a short mail of its own ("<kind>-session") with its invite or cancellation. Which
messages go to whom, and with which SEQUENCE, the services decide (``services.calendar_entries``).
"""

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeAlias

from eventreg import organisation
from eventreg.calendar import CalendarItem, SessionSnapshot
from eventreg.i18n import DEFAULT as DEFAULT_LANGUAGE
from eventreg.mail.changes import Change
from eventreg.mail.inbound import Inbound
from eventreg.mail.outbox import queue
from eventreg.models import (
    Event,
    EventSession,
    Invitation,
    NetworkMember,
    Newsletter,
    Registration,
    User,
    Watch,
)

if TYPE_CHECKING:
    from eventreg.services.registrations import NewRegistration

#: A registration as its mail reads it: loaded, or just saved by a sign-up.
Registered: TypeAlias = "Registration | NewRegistration"


def _queue(
    kind: str,
    *,
    to: tuple[str, str],
    reply_to: tuple[str, str],
    language: str,
    event: Event | None,
    items: Sequence[CalendarItem] = (),
    registration: "Registered | None" = None,
    held_back: bool = False,
    attachment: bytes | None = None,
    **context,
) -> None:
    """The main mail with the first calendar item, then one short mail per further item."""
    first, *others = items or [None]

    def row(kind: str, item: CalendarItem | None, **context) -> None:
        if item is not None:
            context["item"] = item.to_json()
        queue(
            kind=kind,
            to=to,
            reply_to=reply_to,
            language=language or DEFAULT_LANGUAGE,
            context=json.dumps(context, ensure_ascii=False),
            registration_id=registration.id if registration else None,
            event_id=event.id if event else None,
            held_back=held_back,
            attachment=attachment,
        )

    row(kind, first, more_invites=len(others), **context)
    for item in others:
        row(f"{kind}-session", item, **_people(context))


def _people(context: dict) -> dict:
    """What a further session's short mail needs from the main one: whose links it carries."""
    return {key: context[key] for key in ("invitation_id",) if key in context}


def _to(
    kind: str,
    person: Registration | NetworkMember,
    event: Event,
    items: Sequence[CalendarItem] = (),
    **context,
) -> None:
    """A mail about an event to someone signed up or invited; replies go to its contact."""
    _queue(
        kind,
        to=(person.name, person.email),
        reply_to=(event.contact_name, event.contact_email),
        language=person.language,
        event=event,
        items=items,
        **context,
    )


def _for_registration(
    kind: str, registration: Registered, items: Sequence[CalendarItem] = (), **context
) -> None:
    _to(kind, registration, registration.event, items, registration=registration, **context)


def _for_invitation(
    kind: str, invitation: Invitation, event: Event, items: Sequence[CalendarItem], **context
) -> None:
    _to(kind, invitation.member, event, items, invitation_id=invitation.id, **context)


def _changes(changes: Sequence[Change]) -> list:
    return [change.to_json() for change in changes]


def queue_confirmation(
    registration: Registered, items: Sequence[CalendarItem], handed_over: str = ""
) -> None:
    """A seat; ``handed_over`` names the colleague who gave it."""
    _for_registration("confirmation", registration, items, handed_over=handed_over)


def queue_promotion(registration: Registration, items: Sequence[CalendarItem]) -> None:
    _for_registration("promotion", registration, items)


def queue_waitlisted(
    registration: Registered, position: int, items: Sequence[CalendarItem] = ()
) -> None:
    """On the waiting list; ``items`` take out entries an invitation put in their calendar."""
    _for_registration("waitlisted", registration, items, position=position)


def queue_offer(registration: Registration) -> None:
    """A seat held for them until ``offer_expires_at``: take it on the personal page."""
    _for_registration("offer", registration)


def queue_offer_expired(registration: Registration) -> None:
    _for_registration("offer-expired", registration)


def queue_pending(registration: Registered, items: Sequence[CalendarItem] = ()) -> None:
    """Waiting for approval; ``items`` take out entries an invitation put in their calendar."""
    _for_registration("pending", registration, items)


def queue_not_approved(registration: Registration) -> None:
    _for_registration("not-approved", registration)


def queue_link_reminder(
    registration: Registration, position: int | None, held_back: bool = False
) -> None:
    """A repeated sign-up, or a lost link: the person's link again, and where they stand."""
    _for_registration("link", registration, position=position, held_back=held_back)


def queue_cancellation(
    registration: Registration,
    items: Sequence[CalendarItem],
    by_coordinator: bool = False,
    by_calendar: bool = False,
    handed_over: str = "",
) -> None:
    """Confirms a cancellation; ``items`` take the sessions out of their calendar;
    ``handed_over`` names the colleague who got the seat."""
    _for_registration(
        "cancellation",
        registration,
        items,
        by_coordinator=by_coordinator,
        by_calendar=by_calendar,
        handed_over=handed_over,
    )


def queue_session_declined(registration: Registration, session: EventSession) -> None:
    """They declined one session of a course in their calendar: noted, and the seat stands."""
    _for_registration(
        "session-declined", registration, declined_session=SessionSnapshot.to_json(session)
    )


def queue_change(
    registration: Registration, changes: Sequence[Change], items: Sequence[CalendarItem]
) -> None:
    """An edit that moves the event in people's calendars: what changed, and fresh invites."""
    _for_registration("update", registration, items, changes=_changes(changes))


def queue_mode_changed(registration: Registration, items: Sequence[CalendarItem]) -> None:
    """They switched between on site and online: their entries again, with the new place."""
    _for_registration("mode-changed", registration, items)


def queue_event_cancelled(
    registration: Registration, message: str, items: Sequence[CalendarItem]
) -> None:
    """The event is cancelled: everyone is told, and entries leave the calendars holding them."""
    _for_registration("event-cancelled", registration, items, message=message)


def queue_coordinator_message(registration: Registration, subject: str, message: str) -> None:
    _for_registration("message", registration, subject=subject, message=message)


def queue_follow_up(registration: Registration, after: dict) -> None:
    """After the course: thanks, and ``after`` (``services.followups.after_the_course``): the
    materials, the certificate and the evaluation it links to."""
    _for_registration("follow-up", registration, after=after)


def queue_materials(registration: Registration, after: dict) -> None:
    """The course's materials, sent by the coordinator's choice to someone who was absent."""
    _for_registration("materials", registration, after=after)


def queue_evaluation_reminder(registration: Registration, after: dict) -> None:
    _for_registration("evaluation-reminder", registration, after=after)


def queue_event_reminder(registration: Registration) -> None:
    """Practical details a few days before: when, where, the meeting link."""
    _for_registration("reminder", registration)


def queue_my_courses(latest: Registration) -> None:
    """The link to "Mina kurser", written (and timed) when the worker sends it."""
    _queue(
        "my-courses",
        to=(latest.name, latest.email),
        reply_to=(organisation.current().owner, organisation.current().contact_email),
        language=latest.language,
        event=None,
        email=latest.email,
    )


def queue_manager_link(manager: User, invitation: bool, inviter: str = "") -> None:
    """A manager's link to sign in (their invitation, or one they asked for), written and
    timed when the worker sends it."""
    _to_account(
        "manager-link", manager, manager_id=manager.id, invitation=invitation, inviter=inviter
    )


def _to_account(kind: str, user: User, **context) -> None:
    """Mail to someone with an account here (a coordinator, a manager): in Swedish, answered
    by the organisation."""
    profile = organisation.current()
    _queue(
        kind,
        to=(user.name, user.email),
        reply_to=(profile.owner, profile.contact_email),
        language=DEFAULT_LANGUAGE,
        event=None,
        **context,
    )


def _to_watch(kind: str, watch: Watch, language: str, **context) -> None:
    profile = organisation.current()
    _queue(
        kind,
        to=("", watch.email),
        reply_to=(profile.owner, profile.contact_email),
        language=language,
        event=None,
        watch_id=watch.id,
        **context,
    )


def queue_watch_confirmation(watch: Watch, language: str, newsletter_only: bool) -> None:
    """The link that confirms a watch-list request (or a change of its choices), in the
    language it was asked in (the watch takes it on when confirmed); ``newsletter_only``: it
    asks for the newsletter alone, and the mail says so."""
    _to_watch(
        "watch-confirm",
        watch,
        language,
        requested_at=watch.requested_at.isoformat(),
        newsletter_only=newsletter_only,
    )


def queue_watch_digest(watch: Watch, event_ids: list[int]) -> None:
    """The day's newly published events that match; with a one-click unsubscribe."""
    _to_watch("watch-digest", watch, watch.language, event_ids=event_ids)


def queue_newsletter(newsletter: Newsletter, watch: Watch) -> None:
    """A newsletter to a subscriber, in their language, with their one-click unsubscribe."""
    _to_watch("newsletter", watch, watch.language, newsletter_id=newsletter.id)


def queue_newsletter_test(newsletter: Newsletter, coordinator: User) -> None:
    """The newsletter as a subscriber gets it, to the coordinator trying it."""
    _to_account("newsletter", coordinator, newsletter_id=newsletter.id, test=True)


def queue_membership(member: NetworkMember) -> None:
    """Welcome to a network, or: your request waits for approval."""
    network = member.network
    _queue(
        "membership",
        to=(member.name, member.email),
        reply_to=(network.contact_name, network.contact_email),
        language=member.language,
        event=None,
        member_id=member.id,
        active=member.status == "active",
    )


def queue_invitation(
    invitation: Invitation, event: Event, items: Sequence[CalendarItem], reminder: bool = False
) -> None:
    """The invitation to a network meeting: a calendar invite per session and two answer links."""
    _for_invitation("invitation-reminder" if reminder else "invitation", invitation, event, items)


def queue_invitation_change(
    invitation: Invitation,
    event: Event,
    changes: Sequence[Change],
    items: Sequence[CalendarItem],
) -> None:
    """A meeting someone is invited to (and has not answered) changed: its entry follows."""
    _for_invitation("invitation-update", invitation, event, items, changes=_changes(changes))


def queue_invitation_cancelled(
    invitation: Invitation, event: Event, message: str, items: Sequence[CalendarItem]
) -> None:
    """A meeting someone is invited to is cancelled: the entry leaves their calendar."""
    _for_invitation("invitation-cancelled", invitation, event, items, message=message)


def queue_invitation_withdrawn(
    invitation: Invitation, event: Event, items: Sequence[CalendarItem]
) -> None:
    """Someone left the network: a meeting they were invited to leaves their calendar."""
    _for_invitation("invitation-withdrawn", invitation, event, items)


def queue_declined(invitation: Invitation, event: Event, items: Sequence[CalendarItem]) -> None:
    """A member said no: the meeting leaves the calendar the invitation put it in."""
    _for_invitation("declined", invitation, event, items)


def queue_forward(message: Inbound, to: tuple[str, str], reason: str, event: Event | None) -> None:
    """A message the mailbox got that eventreg does not act on, sent on to a person unchanged
    (attached), with why; replying goes to whoever sent it. For coordinators: in Swedish."""
    _queue(
        "forward",
        to=to,
        reply_to=(message.sender_name, message.sender) if message.sender else ("", ""),
        language=DEFAULT_LANGUAGE,
        event=event,
        attachment=message.raw if message.complete else None,
        reason=reason,
        sender=message.sender,
        sender_name=message.sender_name,
        subject=message.subject,
        complete=message.complete,
    )
