"""A person's registration for an event: a seat, a place in the waiting list, or a cancellation."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, str_enum, utcnow
from eventreg.models.events import AttendanceMode, Event
from eventreg.models.places import Library

if TYPE_CHECKING:
    from eventreg.models.questions import Answer


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    #: For an event that requires approval: no seat until a coordinator approves.
    PENDING = "pending"
    #: First in line when a seat came free close to the start: the seat is held for them until
    #: ``offer_expires_at``, and theirs if they take it.
    OFFERED = "offered"
    CANCELLED = "cancelled"


#: The statuses that take a seat: the confirmed, and those holding an offer of one.
SEAT_HOLDERS = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)


class Registration(Base):
    __tablename__ = "registration"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("library_id IS NOT NULL OR other_workplace <> ''", name="has_workplace"),
        # One active registration per person and event: the database stops a double sign-up
        # even if two requests slip past the service at the same moment.
        Index(
            "uq_registration_active_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=text("status <> 'cancelled'"),
            postgresql_where=text("status <> 'cancelled'"),
        ),
        # Counting seats and the waiting list, and finding its head, in each way of taking part:
        # from the index alone (every sign-up counts, and a waiting list of hundreds would
        # otherwise read a table row for each, to see its way).
        Index("ix_registration_event_status_mode", "event_id", "status", "mode", "id"),
        # The few the statistics have yet to count (``statistics.counting.catch_up``); the
        # condition as SQLAlchemy writes ``~Registration.counted`` on each, or it goes unused.
        Index(
            "ix_registration_uncounted",
            "event_id",
            sqlite_where=text("counted = 0"),
            postgresql_where=text("NOT counted"),
        ),
        # A personal link names the id: an erased registration's id must never open another.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    status: Mapped[RegistrationStatus] = mapped_column(str_enum(RegistrationStatus))
    name: Mapped[str] = mapped_column(String(200))
    #: Always lower case, so that one person is one address.
    email: Mapped[str] = mapped_column(String(254), index=True)
    library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"), index=True)
    #: Workplace outside the county's libraries, when no library is picked.
    other_workplace: Mapped[str] = mapped_column(String(200), default="")
    role_title: Mapped[str] = mapped_column(String(200), default="")
    dietary_needs: Mapped[str] = mapped_column(String(500), default="")
    accessibility_needs: Mapped[str] = mapped_column(String(500), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    #: On site or online, for an event where people choose (``Event.choose_mode``); else None.
    mode: Mapped[AttendanceMode | None] = mapped_column(str_enum(AttendanceMode))
    #: The language of the sign-up ("sv" or "en"): every mail about it is written in it.
    language: Mapped[str] = mapped_column(String(2), default="sv", server_default="sv")
    #: When the person agreed to the processing of their personal data.
    consented_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Indexed: its maximum tells stored public pages that seats have changed.
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    #: Last time the personal link was mailed; a repeated sign-up resends it at most this often.
    link_sent_at: Mapped[datetime | None]
    #: When the reminder before the event was queued; a reminder is sent once.
    reminded_at: Mapped[datetime | None]
    #: When the one reminder to answer the course's evaluation was queued.
    evaluation_reminded_at: Mapped[datetime | None]
    #: The registration that handed this one its seat (a colleague who could not come).
    handed_over_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    #: Until when an offered seat is held (status OFFERED).
    offer_expires_at: Mapped[datetime | None]
    #: When a coordinator declined a pending sign-up (the registration is then cancelled).
    declined_at: Mapped[datetime | None]
    #: When name, address and free text were erased; library and status stay for statistics.
    anonymised_at: Mapped[datetime | None]
    #: Whether the statistics' pre-counted tables hold this registration. A new one is counted
    #: by the worker, not by the sign-up that made it; once counted, every change to its seat
    #: or workplace is counted as it commits (``statistics.counting``).
    counted: Mapped[bool] = mapped_column(default=False, server_default=false())

    event: Mapped[Event] = relationship()
    library: Mapped[Library | None] = relationship()
    handed_over_from: Mapped["Registration | None"] = relationship(remote_side="Registration.id")
    #: Answers to the event's own questions (``models.questions``).
    answers: Mapped[list["Answer"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Answer.id"
    )

    @property
    def workplace(self) -> str:
        return self.library.name if self.library else self.other_workplace

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"
