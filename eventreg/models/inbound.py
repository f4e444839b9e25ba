"""Mail that came back to the Kalendarium's mailbox, and what was done with it."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, str_enum, utcnow
from eventreg.models.events import Event


class InboundOutcome(enum.StrEnum):
    #: "Decline" on a seat: the registration is cancelled and the seat passed on.
    CANCELLED = "cancelled"
    #: "Decline" on one session of a course: noted; the seat for the others stands.
    SESSION_DECLINED = "session_declined"
    #: "Decline" on an invitation: answered no, as the "Jag kommer inte" link does.
    DECLINED = "declined"
    #: "Accept" on an invitation: signed up (or put on the waiting list), as "Jag kommer" does.
    SIGNED_UP = "signed_up"
    #: An answer that changes nothing but is kept: "Tentative", or "Accept" on a seat.
    RECORDED = "recorded"
    #: Not an answer eventreg acts on: sent on to a person, unchanged.
    FORWARDED = "forwarded"
    #: A reply to one of our own forwards (a bounce, an auto-reply): kept, never sent on again.
    KEPT = "kept"


class InboundMessage(Base):
    """One message read from the mailbox, exactly once: its key is unique."""

    __tablename__ = "inbound_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Message-ID, or a hash of the message when it has none: a message is handled once.
    key: Mapped[str] = mapped_column(String(250), unique=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The From address, lower case.
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    #: The answer in a calendar REPLY (ACCEPTED, DECLINED, TENTATIVE …), or empty.
    partstat: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[InboundOutcome] = mapped_column(str_enum(InboundOutcome))
    #: For coordinators: what was done and why, e.g. who it was forwarded to.
    detail: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )

    event: Mapped[Event | None] = relationship()

    def __repr__(self) -> str:
        return f"<InboundMessage {self.id} {self.outcome} {self.partstat}>"
