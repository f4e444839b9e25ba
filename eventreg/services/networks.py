"""Networks: members, joining and leaving, and invitations to meetings with a reply by link.

Every member of a network is invited to its meetings with a calendar invite and two signed links,
"Jag kommer" and "Jag kommer inte". An answer updates the attendee list through the same rules as
any sign-up; someone who declines is not chased, and someone who does not answer gets one
reminder before the last day to sign up.
"""

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from eventreg.extensions import db
from eventreg.mail import compose
from eventreg.models import (
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    JoinPolicy,
    MemberStatus,
    Network,
    NetworkMember,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import audit, links, registrations
from eventreg.services.errors import EventRegError, RegistrationClosed
from eventreg.services.registrations import Applicant

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"[^\s<>,;]+@[^\s<>,;]+\.[^\s<>,;]+")


def create_network(actor: User, **details) -> Network:
    """:raise EventRegError: when another network has the name."""
    _check_name(details["name"], None)
    network = Network(**details)
    db.session.add(network)
    db.session.flush()
    audit.record(actor, "skapade nätverk", None, network.name)
    return network


def update_network(network: Network, actor: User, **details) -> Network:
    _check_name(details["name"], network.id)
    for key, value in details.items():
        setattr(network, key, value)
    db.session.flush()
    audit.record(actor, "ändrade nätverk", None, network.name)
    return network


def _check_name(name: str, network_id: int | None) -> None:
    clash = db.session.scalar(
        select(Network.id).where(Network.name == name, Network.id != network_id)
    )
    if clash:
        raise EventRegError("Det finns redan ett nätverk med det namnet.", field="name")


def _member(network: Network, email: str) -> NetworkMember | None:
    return db.session.scalar(
        select(NetworkMember).where(
            NetworkMember.network_id == network.id, NetworkMember.email == email.strip().lower()
        )
    )


def add_member(
    network: Network,
    applicant: Applicant,
    status: MemberStatus = MemberStatus.ACTIVE,
    actor: User | None = None,
) -> NetworkMember:
    """Add someone (or bring back someone who left); a current member is left as they are."""
    member = _member(network, applicant.email)
    if member is None:
        member = NetworkMember(network=network, email=applicant.email.strip().lower())
        db.session.add(member)
    elif member.status != MemberStatus.LEFT:
        return member
    member.name = " ".join(applicant.name.split())
    member.library_id = applicant.library_id
    member.other_workplace = "" if applicant.library_id else applicant.other_workplace.strip()
    member.status = status
    member.left_at = None
    db.session.flush()
    if actor:
        audit.record(actor, "lade till medlem", None, f"{network.name}: medlem {member.id}")
    return member


@dataclass(frozen=True)
class PastedMembers:
    added: int
    #: Lines that had no address in them, shown back to the coordinator.
    skipped: list[str]


def add_members_from_text(network: Network, text: str, actor: User) -> PastedMembers:
    """Members pasted as a list, one per line: "Namn <adress>", "Namn, adress" or an address.

    Workplaces are left for the members to tell (other workplace "Okänd" until then).
    """
    added, skipped = 0, []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        found = _ADDRESS.search(line)
        if not found:
            skipped.append(line)
            continue
        email = found.group(0).lower()
        name = (
            re.sub(r"[<>,;\"]", " ", line.replace(found.group(0), "")).strip()
            or email.split("@")[0]
        )
        before = _member(network, email)
        is_new = before is None or before.status == MemberStatus.LEFT
        add_member(
            network, Applicant(name=name, email=email, library_id=None, other_workplace="Okänd")
        )
        added += is_new
    audit.record(actor, "klistrade in medlemmar", None, f"{network.name}: {added} nya")
    return PastedMembers(added, skipped)


def request_membership(network_id: int, applicant: Applicant) -> NetworkMember:
    """Join through the network's page: at once when joining is open, else after approval.

    The same page answers either way, and the mail tells what happened; nobody learns from the
    page whether an address is already a member.
    """
    network = db.session.get(Network, network_id)
    if network is None:
        raise EventRegError("Nätverket finns inte.")
    existing = _member(network, applicant.email)
    if existing and existing.status != MemberStatus.LEFT:
        return existing
    status = MemberStatus.ACTIVE if network.join_policy == JoinPolicy.OPEN else MemberStatus.PENDING
    member = add_member(network, applicant, status)
    compose.queue_membership(member, links.leave_url(member))
    return member


def approve_member(member: NetworkMember, actor: User) -> None:
    if member.status != MemberStatus.PENDING:
        return
    member.status = MemberStatus.ACTIVE
    compose.queue_membership(member, links.leave_url(member))
    audit.record(actor, "godkände medlem", None, f"{member.network.name}: medlem {member.id}")


def remove_member(member: NetworkMember, actor: User | None = None) -> None:
    """The member leaves (by their link, or a coordinator removes them); history stays."""
    member.status = MemberStatus.LEFT
    member.left_at = utcnow()
    audit.record(
        actor,
        "tog bort medlem" if actor else "medlem lämnade",
        None,
        f"{member.network.name}: medlem {member.id}",
    )


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
        compose.queue_invitation(
            invitation, event, _answer_urls(invitation), links.leave_url(member)
        )
        count += 1
    if count:
        audit.record(actor, "bjöd in medlemmar", event, f"{count} inbjudningar")
    return count


def _answer_urls(invitation: Invitation) -> dict[str, str]:
    return {answer: links.answer_url(invitation, answer) for answer in ("kommer", "kommer-inte")}


def answer(invitation_id: int, accept: bool, dietary_needs: str = "") -> Invitation:
    """A member's answer. Saying yes twice changes nothing; changing one's mind is allowed.

    :raise RegistrationClosed: after the last day to sign up, or for a cancelled meeting.
    """
    invitation = db.session.get(Invitation, invitation_id)
    event = db.session.get(Event, invitation.event_id)
    if registrations.sign_up_state(event, 0, invited=True) in (
        registrations.SignUpState.CLOSED,
        registrations.SignUpState.CANCELLED,
    ):
        raise RegistrationClosed(
            "Svarstiden har gått ut. Kontakta arrangören om du vill ändra något."
        )
    member = invitation.member
    registration = (
        db.session.get(Registration, invitation.registration_id)
        if invitation.registration_id
        else None
    )
    active = registration and registration.status != RegistrationStatus.CANCELLED
    if accept and not active:
        registration = registrations.register(
            event.id,
            Applicant(
                name=member.name,
                email=member.email,
                library_id=member.library_id,
                other_workplace=member.other_workplace,
                dietary_needs=dietary_needs,
            ),
            invited=True,
        )
        invitation.registration_id = registration.id
    elif not accept and active:
        registrations.cancel_registration(registration.id)
    elif not accept and invitation.status == InvitationStatus.INVITED:
        # The invitation put the meeting in their calendar; a "no" takes it out again.
        compose.queue_declined(invitation, event)
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
        claimed = db.session.execute(
            update(Invitation)
            .where(Invitation.id == invitation.id, Invitation.reminded_at.is_(None))
            .values(reminded_at=now)
        ).rowcount
        if claimed:
            compose.queue_invitation(
                invitation,
                event,
                _answer_urls(invitation),
                links.leave_url(invitation.member),
                reminder=True,
            )
            sent += 1
    return sent
