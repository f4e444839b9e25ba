"""Invitations to network meetings, answered by link.

Every active member of a network is invited to its meetings with a calendar invite and two signed
links, "Jag kommer" and "Jag kommer inte". An answer goes through the same rules as any sign-up;
someone who declines is not chased, and someone who does not answer gets one reminder before the
last day to sign up.
"""

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from eventreg import audit
from eventreg.calendar import CalendarItem
from eventreg.errors import EventRegError, RegistrationClosed
from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import (
    AttendanceMode,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    MemberStatus,
    NetworkMember,
    PartStat,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import calendar_entries, registrations
from eventreg.services.registrations import Applicant


def invite_members(event: Event, actor: User | None = None) -> int:
    """Invite every active member of the event's network not yet invited; return how many.

    :raise EventRegError: unless the event is a published meeting of a network.
    """
    if event.network_id is None:
        raise EventRegError("Evenemanget hör inte till något nätverk.")
    if event.status != EventStatus.PUBLISHED:
        raise EventRegError("Publicera träffen innan du bjuder in.")
    invited = set(
        db.session.scalars(select(Invitation.member_id).where(Invitation.event_id == event.id))
    )
    members = db.session.scalars(
        select(NetworkMember)
        .where(
            NetworkMember.network_id == event.network_id,
            NetworkMember.status == MemberStatus.ACTIVE,
        )
        .order_by(NetworkMember.id)
    ).all()
    count = 0
    for member in members:
        if member.id in invited:
            continue
        invitation = Invitation(event_id=event.id, member=member)
        db.session.add(invitation)
        db.session.flush()
        compose.queue_invitation(invitation, event, _invite(invitation, event))
        count += 1
    if count:
        audit.record(actor, "bjöd in medlemmar", event, f"{count} inbjudningar")
    return count


def _invite(invitation: Invitation, event: Event) -> list[CalendarItem]:
    """The meeting's sessions in the member's calendar, waiting for their answer (or sent again
    as they hold them, for a reminder)."""
    return calendar_entries.offer(
        event.sessions,
        invitation.member.email,
        partstat=PartStat.NEEDS_ACTION,
        invitation_id=invitation.id,
    )


def answer(
    invitation_id: int,
    accept: bool,
    dietary_needs: str = "",
    in_calendar: bool = False,
    mode: AttendanceMode | None = None,
) -> Invitation:
    """A member's answer. Saying yes twice changes nothing; changing one's mind is allowed.

    ``in_calendar``: the answer was pressed in their calendar, which has already taken the
    meeting out on a "no"; then no CANCEL is sent. ``mode``: on site or online, where the
    meeting lets people choose; a "yes" pressed in a calendar cannot say, and takes the first
    way with a seat free.

    :raise RegistrationClosed: after the last day to sign up, for a cancelled meeting, or when
        the member has left the network.
    """
    invitation = db.session.get(Invitation, invitation_id)
    event = db.session.get(Event, invitation.event_id)
    if invitation.member.status != MemberStatus.ACTIVE:
        raise RegistrationClosed(
            _(
                "Du är inte längre medlem i %(network)s, så inbjudan gäller inte. "
                "Kontakta arrangören om du vill vara med.",
                network=event.network.name if event.network else "",
            )
        )
    if registrations.sign_up_state(event, {}, invited=True) in (
        registrations.SignUpState.CLOSED,
        registrations.SignUpState.CANCELLED,
    ):
        raise RegistrationClosed(
            _("Svarstiden har gått ut. Kontakta arrangören om du vill ändra något.")
        )
    member = invitation.member
    # They may also have signed up on the event page: that registration counts as theirs.
    registration = registrations.active_registration(event.id, member.email)
    active = registration is not None
    if accept and not active:
        registration = registrations.register(
            event.id,
            Applicant(
                name=member.name,
                email=member.email,
                library_id=member.library_id,
                other_workplace=member.other_workplace,
                dietary_needs=dietary_needs,
                language=member.language,
                mode=mode or registrations.mode_with_room(event),
            ),
            invited=True,
        )
        invitation.registration_id = registration.id
    elif not accept and active:
        registrations.cancel_registration(registration.id, declined_in_calendar=in_calendar)
    elif not accept and invitation.status == InvitationStatus.INVITED:
        # The invitation put the meeting in their calendar; a "no" takes it out again.
        if in_calendar:
            calendar_entries.declined(event.sessions, member.email)
            withdrawn = []
        else:
            withdrawn = calendar_entries.withdraw(event.sessions, member.email)
        compose.queue_declined(invitation, event, withdrawn)
    invitation.status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
    invitation.responded_at = utcnow()
    db.session.flush()
    return invitation


def send_invitation_reminders(now: datetime | None = None) -> int:
    """One reminder to members who have not answered, a set number of days before the deadline.

    Each reminder is claimed with a conditional UPDATE, so two runs at once send it once.
    """
    now = now or utcnow()
    days = timedelta(days=current_app.config["INVITATION_REMINDER_DAYS"])
    candidates = db.session.scalars(
        select(Invitation)
        .join(Event, Event.id == Invitation.event_id)
        .options(selectinload(Invitation.member))
        .where(
            Invitation.status == InvitationStatus.INVITED,
            Invitation.reminded_at.is_(None),
            Event.status == EventStatus.PUBLISHED,
            Event.first_start > now,
        )
    ).all()
    sent = 0
    for invitation in candidates:
        event = db.session.get(Event, invitation.event_id)
        closes = registrations.closes_at(event)
        if not (closes - days <= now < closes) or invitation.member.status != MemberStatus.ACTIVE:
            continue
        if registrations.active_registration(event.id, invitation.member.email):
            continue  # signed up on the event's page meanwhile: nothing to remind of
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        if claimed:
            compose.queue_invitation(invitation, event, _invite(invitation, event), reminder=True)
            sent += 1
    return sent


def withdraw_invitations(member: NetworkMember) -> None:
    """A member leaves: meetings ahead they were invited to, and have not answered, leave their
    calendar (what they said yes to stays: they cancel that themselves)."""
    open_invitations = db.session.scalars(
        select(Invitation)
        .join(Event, Event.id == Invitation.event_id)
        .where(
            Invitation.member_id == member.id,
            Invitation.status == InvitationStatus.INVITED,
            Event.status == EventStatus.PUBLISHED,
            Event.first_start > utcnow(),
        )
    ).all()
    for invitation in open_invitations:
        event = db.session.get(Event, invitation.event_id)
        withdrawn = calendar_entries.withdraw(event.sessions, member.email)
        if withdrawn:
            compose.queue_invitation_withdrawn(invitation, event, withdrawn)
