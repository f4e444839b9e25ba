"""Writing a queued mail: its subject, plain text, HTML and invite, in the reader's language.

The mail worker writes each message just before it first sends it (a retry sends the same
words), from what the request decided (``mail.compose``) and the database as it is then. Each
kind of mail has its subject and template here; the templates are ``templates/email``.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, render_template
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventreg import links
from eventreg.calendar import CalendarItem, SessionSnapshot, attendee_message
from eventreg.extensions import db
from eventreg.mail.changes import Change, describe
from eventreg.models import (
    Event,
    Invitation,
    MemberStatus,
    NetworkMember,
    Newsletter,
    OutboxMessage,
    Registration,
    User,
    Watch,
)
from eventreg.urls import external_url

CANCEL = "CANCEL"


@dataclass(frozen=True)
class Written:
    """A mail's words and invite, as written."""

    subject: str
    body_text: str
    body_html: str
    ics: str = ""
    ics_method: str = ""
    #: Where one click unsubscribes (RFC 8058), for mail to a list.
    unsubscribe_url: str = ""


@dataclass(frozen=True)
class Kind:
    subject: LazyString | None
    template: str
    #: For a mail about an invitation: what a CANCEL's DESCRIPTION says (why the entry goes).
    cancelled_because: LazyString | None = None
    extra: dict = field(default_factory=dict)


KINDS = {
    "confirmation": Kind(_l("Bekräftelse: %(title)s"), "confirmation"),
    "promotion": Kind(
        _l("Du har fått en plats: %(title)s"), "confirmation", extra={"promoted": True}
    ),
    "waitlisted": Kind(_l("Reservlista: %(title)s"), "waitlisted"),
    "offer": Kind(_l("En plats är ledig för dig: %(title)s"), "offer"),
    "offer-expired": Kind(_l("Platsen gick vidare: %(title)s"), "offer_expired"),
    "pending": Kind(_l("Din anmälan väntar på godkännande: %(title)s"), "pending"),
    "not-approved": Kind(_l("Din anmälan: %(title)s"), "not_approved"),
    "link": Kind(_l("Din anmälan: %(title)s"), "link"),
    "cancellation": Kind(_l("Avbokad: %(title)s"), "cancellation"),
    "session-declined": Kind(_l("Noterat: %(title)s"), "session_declined"),
    "update": Kind(_l("Ändrat: %(title)s"), "update"),
    "mode-changed": Kind(_l("Ändrat: %(title)s"), "mode_changed"),
    "event-cancelled": Kind(_l("Inställt: %(title)s"), "event_cancelled"),
    "message": Kind(None, "coordinator_message"),  # the coordinator wrote the subject
    "reminder": Kind(_l("Påminnelse: %(title)s"), "event_reminder"),
    "follow-up": Kind(_l("Tack för att du kom: %(title)s"), "follow_up"),
    "materials": Kind(_l("Material från %(title)s"), "materials"),
    "evaluation-reminder": Kind(_l("Påminnelse: utvärdering av %(title)s"), "evaluation_reminder"),
    "invitation": Kind(_l("Inbjudan: %(title)s"), "invitation"),
    "invitation-reminder": Kind(
        _l("Påminnelse: inbjudan: %(title)s"), "invitation", extra={"reminder": True}
    ),
    "invitation-update": Kind(_l("Ändrat: %(title)s"), "update", _l("Tillfället är inställt.")),
    "invitation-cancelled": Kind(
        _l("Inställt: %(title)s"), "event_cancelled", _l("Träffen är inställd.")
    ),
    "invitation-withdrawn": Kind(
        _l("Inbjudan återkallad: %(title)s"),
        "invitation_withdrawn",
        _l("Du är inte längre medlem i nätverket."),
    ),
    "declined": Kind(_l("Tack för ditt svar: %(title)s"), "declined", _l("Du har tackat nej.")),
}
#: A further session's own short mail.
SESSION_SUBJECTS = {
    "REQUEST": _l("Kalenderinbjudan: %(title)s"),
    CANCEL: _l("Inställt: %(title)s"),
}


def _tidy(text: str) -> str:
    """Templates are generous with blank lines; a mail has at most one between paragraphs."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _render(template: str, **context) -> tuple[str, str]:
    return (
        _tidy(render_template(f"email/{template}.txt", **context)),
        render_template(f"email/{template}.html", **context),
    )


def write(message: OutboxMessage) -> Written:
    """The message's words, in its language, from its context and the database as it is now."""
    context = json.loads(message.context)
    with force_locale(message.language):
        if message.kind == "forward":
            return _forward(message, context)
        if message.kind == "membership":
            return _membership(message, context)
        if message.kind == "my-courses":
            return _my_courses(message, context)
        if message.kind == "manager-link":
            return _manager_link(context)
        if message.kind.startswith("watch-"):
            return _watch(message, context)
        if message.kind == "newsletter":
            return _newsletter(message, context)
        return _about_event(message, context)


def _leave_url(network_id: int | None, email: str) -> str | None:
    """A network's mail lets the member leave: their link, if they are a member."""
    if network_id is None:
        return None
    member = db.session.scalar(
        select(NetworkMember).where(
            NetworkMember.network_id == network_id,
            NetworkMember.email == email,
            NetworkMember.status == MemberStatus.ACTIVE,
        )
    )
    return links.leave_url(member) if member else None


def _about_event(message: OutboxMessage, context: dict) -> Written:
    kind_name = message.kind.removesuffix("-session")
    kind = KINDS[kind_name]
    event = db.session.scalar(
        select(Event)
        .where(Event.id == message.event_id)
        .options(selectinload(Event.sessions), selectinload(Event.network))
    )
    registration = (
        db.session.get(Registration, message.registration_id) if message.registration_id else None
    )
    invitation = (
        db.session.get(Invitation, context["invitation_id"]) if "invitation_id" in context else None
    )
    item = CalendarItem.from_json(context["item"]) if "item" in context else None
    personal_url = links.personal_url(registration) if registration else ""
    answer_urls = (
        {answer: links.answer_url(invitation, answer) for answer in ("kommer", "kommer-inte")}
        if invitation is not None
        else None
    )

    def footer(method: str) -> str:
        if invitation is None:
            if method == CANCEL:
                return _("Din anmälan: %(url)s", url=personal_url)
            return _("Din anmälan (se eller avboka): %(url)s", url=personal_url)
        if method == CANCEL:
            return str(kind.cancelled_because or "")
        return "\n".join(
            (
                _("Jag kommer: %(url)s", url=answer_urls["kommer"]),
                _("Jag kommer inte: %(url)s", url=answer_urls["kommer-inte"]),
            )
        )

    values = dict(
        kind.extra,
        name=message.to_name,
        registration=registration,
        event=event,
        network=event.network,
        session=item.session if item else None,
        event_url=external_url("public.event", event_id=event.id),
        personal_url=personal_url,
        answer_urls=answer_urls,
        leave_url=_leave_url(event.network_id, message.to_email),
        more_invites=context.get("more_invites", 0),
        position=context.get("position"),
        message=context.get("message", ""),
        by_coordinator=context.get("by_coordinator", False),
        by_calendar=context.get("by_calendar", False),
        handed_over=context.get("handed_over", ""),
        changes=[describe(Change.from_json(change)) for change in context.get("changes", ())],
        after_the_course=_after_the_course(registration, context["after"])
        if "after" in context
        else None,
        declined_session=(
            SessionSnapshot.from_json(context["declined_session"])
            if "declined_session" in context
            else None
        ),
    )
    if message.kind.endswith("-session"):
        template = "session_cancel" if item.method == CANCEL else "session_invite"
        subject = str(SESSION_SUBJECTS[item.method]) % {"title": item.summary}
    else:
        template = kind.template
        subject = (
            context["subject"]
            if kind.subject is None
            else str(kind.subject) % {"title": event.title}
        )
    text, html = _render(template, **values)
    if item is None:
        return Written(subject, text, html)
    attendee = (message.to_name, message.to_email)
    return Written(
        subject,
        text,
        html,
        attendee_message(
            event,
            attendee,
            item,
            footer(item.method),
            mode=registration.mode if registration else None,
        ),
        item.method,
    )


def _after_the_course(registration: Registration, after: dict) -> dict:
    """The links of a mail after the course (as ``services.followups`` decided what it holds),
    each through the person's own link."""
    token = links.registration_token(registration)
    closes = after["evaluation_closes"]
    return {
        "materials": [
            (title, external_url("registration.material", token=token, material_id=id_))
            for id_, title in after["materials"]
        ],
        "certificate_url": external_url("registration.certificate", token=token)
        if after["certificate"]
        else "",
        "evaluation_url": external_url("registration.evaluation", token=token) if closes else "",
        "evaluation_closes": datetime.fromisoformat(closes) if closes else None,
    }


def _membership(message: OutboxMessage, context: dict) -> Written:
    """Welcome to a network, or: your request waits for approval."""
    member = db.session.get(NetworkMember, context["member_id"])
    network = member.network
    active = context["active"]
    subject = (
        _("Välkommen till %(network)s", network=network.name)
        if active
        else _("Din ansökan till %(network)s", network=network.name)
    )
    text, html = _render(
        "membership",
        member=member,
        network=network,
        active=active,
        leave_url=links.leave_url(member),
    )
    return Written(subject, text, html)


def _my_courses(message: OutboxMessage, context: dict) -> Written:
    """The link to "Mina kurser": made now, so that its day counts from when it is sent."""
    text, html = _render(
        "my_courses", name=message.to_name, url=links.my_courses_url(context["email"])
    )
    return Written(_("Dina kurser och anmälningar"), text, html)


def _manager_link(context: dict) -> Written:
    """A manager's invitation, or a link asked for: made now, single-use and timed from now."""
    manager = db.session.get(User, context["manager_id"])
    url = links.manager_sign_in_url(manager, context["invitation"])
    text, html = _render(
        "manager_link",
        manager=manager,
        url=url,
        invitation=context["invitation"],
        inviter=context["inviter"],
    )
    subject = "Välkommen till kalendariet" if context["invitation"] else "Din inloggningslänk"
    return Written(subject, text, html)


def _watch(message: OutboxMessage, context: dict) -> Written:
    """A watch list's confirmation, or its day's news with a one-click unsubscribe."""
    watch = db.session.get(Watch, context["watch_id"])
    if message.kind == "watch-confirm":
        url = links.watch_confirm_url(context["watch_id"], context["requested_at"])
        newsletter_only = context.get("newsletter_only", False)
        text, html = _render("watch_confirm", url=url, newsletter_only=newsletter_only)
        if newsletter_only:
            return Written(_("Bekräfta din prenumeration på nyhetsbrevet"), text, html)
        return Written(_("Bekräfta din bevakning"), text, html)
    events = db.session.scalars(
        select(Event)
        .where(Event.id.in_(context["event_ids"]))
        .options(selectinload(Event.sessions))
        .order_by(Event.first_start)
    ).all()
    stop = links.watch_url(watch, "watches.stop") if watch else ""
    manage = links.watch_url(watch) if watch else ""
    listed = [(event, external_url("public.event", event_id=event.id)) for event in events]
    text, html = _render("watch_digest", events=listed, stop_url=stop, manage_url=manage)
    return Written(_("Nya evenemang som du bevakar"), text, html, unsubscribe_url=stop)


#: Stand-ins for a subscriber's own links in a newsletter written once for all of them: plain
#: addresses, which escaping leaves as they are.
_STOP, _MANAGE = "https://avsluta.invalid/", "https://andra.invalid/"


def _newsletter(message: OutboxMessage, context: dict) -> Written:
    """A newsletter: to a subscriber, with their own links and a one-click unsubscribe, or as
    a coordinator's test, marked as one."""
    watch = db.session.get(Watch, context["watch_id"]) if "watch_id" in context else None
    stop = links.watch_url(watch, "newsletters.stop") if watch else ""
    manage = links.watch_url(watch) if watch else ""
    subject, text, html = _newsletter_for_all(
        context["newsletter_id"], message.language, context.get("test", False), bool(watch)
    )
    personal = {_STOP: stop, _MANAGE: manage}
    for stand_in, url in personal.items():
        text, html = text.replace(stand_in, url), html.replace(stand_in, escape(url))
    return Written(subject, text, html, unsubscribe_url=stop)


def _newsletter_for_all(
    newsletter_id: int, language: str, test: bool, personal: bool
) -> tuple[str, str, str]:
    """Written once per process, version and language: thousands of subscribers get the same
    words but for their own links, and each mail would otherwise cost the worker a rendering."""
    newsletter = db.session.get(Newsletter, newsletter_id)
    written = current_app.extensions.setdefault("eventreg_newsletters", {})
    key = (newsletter_id, newsletter.updated_at, language, test, personal)
    if key not in written:
        if len(written) >= 16:  # a handful of newsletters and languages at a time
            written.clear()
        text, html = _render(
            "newsletter",
            newsletter=newsletter,
            events=[
                (event, external_url("public.event", event_id=event.id))
                for event in newsletter.events
            ],
            web_url=external_url("newsletters.issue", newsletter_id=newsletter.id),
            test=test,
            stop_url=_STOP if personal else "",
            manage_url=_MANAGE if personal else "",
        )
        subject = _("Test: %(subject)s", subject=newsletter.subject) if test else newsletter.subject
        written[key] = (subject, text, html)
    return written[key]


def _forward(message: OutboxMessage, context: dict) -> Written:
    """A message the mailbox got, sent on to a person: for coordinators, in Swedish."""
    event = db.session.get(Event, message.event_id) if message.event_id else None
    subject = f"Vidarebefordrat: {context['subject']}" if context["subject"] else "Vidarebefordrat"
    text, html = _render(
        "forward",
        name=message.to_name,
        reason=context["reason"],
        event=event,
        sender=context["sender"],
        sender_name=context["sender_name"],
        original_subject=context["subject"],
        complete=context["complete"],
    )
    return Written(subject, text, html)
