"""Networks (e.g. the county's children's librarians), their members and meeting invitations."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, str_enum, utcnow
from eventreg.models.places import Library


class JoinPolicy(enum.StrEnum):
    #: Anyone in the county's libraries joins at once through the network's page.
    OPEN = "open"
    #: Requests to join wait for a coordinator's approval.
    APPROVAL = "approval"


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    LEFT = "left"


class InvitationStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class Network(Base):
    __tablename__ = "network"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: Markdown, sanitised when shown.
    description: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(254))
    join_policy: Mapped[JoinPolicy] = mapped_column(
        str_enum(JoinPolicy), default=JoinPolicy.APPROVAL
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["NetworkMember"]] = relationship(
        back_populates="network", order_by="NetworkMember.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Network {self.id} {self.name!r}>"


class NetworkMember(Base):
    __tablename__ = "network_member"
    __table_args__ = (
        UniqueConstraint("network_id", "email", name="uq_network_member_email"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        # Leave links name the id: an erased member's id must never open another.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    other_workplace: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[MemberStatus] = mapped_column(
        str_enum(MemberStatus), default=MemberStatus.ACTIVE
    )
    #: The language mail to the member is written in ("sv" or "en"), as they last chose it.
    language: Mapped[str] = mapped_column(String(2), default="sv", server_default="sv")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]

    network: Mapped[Network] = relationship(back_populates="members")
    library: Mapped[Library | None] = relationship()

    @property
    def workplace(self) -> str:
        return self.library.name if self.library else self.other_workplace

    def __repr__(self) -> str:
        return f"<NetworkMember {self.id} of network {self.network_id} {self.status}>"


class Invitation(Base):
    """A member invited to a network meeting, and their answer."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("event_id", "member_id", name="uq_invitation_once"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("network_member.id", ondelete="CASCADE"))
    status: Mapped[InvitationStatus] = mapped_column(
        str_enum(InvitationStatus), default=InvitationStatus.INVITED
    )
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The single reminder to someone who has not answered; never sent twice.
    reminded_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    #: The registration an acceptance created.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )

    member: Mapped[NetworkMember] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} event={self.event_id} {self.status}>"
