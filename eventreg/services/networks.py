"""Networks: members joining (openly or with approval), pasted in, leaving; series of meetings."""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail import compose
from eventreg.models import (
    Event,
    EventKind,
    JoinPolicy,
    MemberStatus,
    Network,
    NetworkMember,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import invitations
from eventreg.services.events import SessionTimes, create_event, publish_event
from eventreg.services.registrations import Applicant, check_library

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
    """Add someone (or bring back someone who left); a current member is left as they are.

    :raise EventRegError: when the workplace is not one of the county's libraries.
    """
    check_library(applicant.library_id)
    member = _member(network, applicant.email)
    if member is None:
        member = NetworkMember(network=network, email=applicant.email.strip().lower())
        db.session.add(member)
    elif member.status != MemberStatus.LEFT:
        return member
    member.name = " ".join(applicant.name.split())
    member.library_id = applicant.library_id
    member.other_workplace = "" if applicant.library_id else applicant.other_workplace.strip()
    member.language = applicant.language
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
    compose.queue_membership(member)
    return member


def approve_member(member: NetworkMember, actor: User) -> None:
    if member.status != MemberStatus.PENDING:
        return
    member.status = MemberStatus.ACTIVE
    compose.queue_membership(member)
    audit.record(actor, "godkände medlem", None, f"{member.network.name}: medlem {member.id}")


def remove_member(member: NetworkMember, actor: User | None = None) -> NetworkMember:
    """The member leaves (by their link, or a coordinator removes them); history stays, and
    invitations they have not answered leave their calendar."""
    member.status = MemberStatus.LEFT
    member.left_at = utcnow()
    invitations.withdraw_invitations(member)
    audit.record(
        actor,
        "tog bort medlem" if actor else "medlem lämnade",
        None,
        f"{member.network.name}: medlem {member.id}",
    )
    return member


def plan_series(
    network: Network,
    sessions: list[SessionTimes],
    deadline_days: int,
    actor: User,
    publish: bool,
    **details,
) -> list[Event]:
    """One network meeting per date, each an ordinary event; published ones invite the members.

    :raise InvalidEvent: when a meeting breaks an event rule.
    """
    planned = []
    for session in sorted(sessions, key=lambda s: s.starts_at):
        deadline = session.starts_at.astimezone(STOCKHOLM).date() - timedelta(days=deadline_days)
        event = create_event(
            [session],
            actor=actor,
            kind=EventKind.NETWORK_MEETING,
            network_id=network.id,
            organiser=network.name,
            contact_name=network.contact_name,
            contact_email=network.contact_email,
            audience=f"Medlemmar i {network.name}",
            registration_deadline=deadline,
            **details,
        )
        if publish:
            publish_event(event.id, actor)
        planned.append(event)
    return planned
