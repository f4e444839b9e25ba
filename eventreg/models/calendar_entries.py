"""What each person's calendar holds of each session, as far as our messages put it there.

Calendars keep what they were sent. Whoever was ever sent a REQUEST for a session holds its
entry until a CANCEL reaches them (or they decline it themselves), so every change goes to every
holder, and every message must carry a SEQUENCE their calendar will not ignore (RFC 5546 2.1.4).
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, str_enum, utcnow
from eventreg.models.events import EventSession


class EntryState(enum.StrEnum):
    #: The last message was a REQUEST: the session is in their calendar.
    HELD = "held"
    #: A CANCEL went to them, or they declined it in their calendar: it is gone from it.
    WITHDRAWN = "withdrawn"


class PartStat(enum.StrEnum):
    """An attendee's participation status (RFC 5545 3.2.12), as last sent or answered."""

    NEEDS_ACTION = "NEEDS-ACTION"
    ACCEPTED = "ACCEPTED"
    TENTATIVE = "TENTATIVE"
    DECLINED = "DECLINED"


class CalendarEntry(Base):
    __tablename__ = "calendar_entry"
    __table_args__ = (
        UniqueConstraint("session_id", "email", name="uq_calendar_entry_session_email"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        # Erasure and the reply reader find a person's entries by address.
        Index("ix_calendar_entry_email", "email"),
        # An entry deleted with its session must never lend its id to another.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_session.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    #: SEQUENCE of the last message to this address about the session (or of their decline).
    sequence: Mapped[int]
    state: Mapped[EntryState] = mapped_column(str_enum(EntryState), default=EntryState.HELD)
    partstat: Mapped[PartStat] = mapped_column(str_enum(PartStat))
    #: The registration whose seat the entry stands for, if any.
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    #: The network invitation that put the entry there, if any.
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    session: Mapped[EventSession] = relationship()

    def __repr__(self) -> str:
        return (
            f"<CalendarEntry session={self.session_id} {self.state} "
            f"SEQUENCE={self.sequence} {self.partstat}>"
        )
