"""Events (courses and network meetings) and their sessions."""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, str_enum, utcnow

if TYPE_CHECKING:
    from eventreg.models.audiences import Audience
    from eventreg.models.networks import Network
    from eventreg.models.plans import FocusArea


class EventKind(enum.StrEnum):
    COURSE = "course"
    NETWORK_MEETING = "network_meeting"


class AttendanceMode(enum.StrEnum):
    """How a person takes part in an event where they choose (``Event.choose_mode``)."""

    ONSITE = "onsite"
    ONLINE = "online"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Event(Base):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "online_capacity IS NULL OR online_capacity >= 0", name="online_capacity_not_negative"
        ),
        Index("ix_event_status_first_start", "status", "first_start"),
        # The calendar's order, over only what it shows: the first page is an index walk.
        Index(
            "ix_event_visible_first_start",
            "first_start",
            "id",
            postgresql_where=text("status IN ('published', 'cancelled')"),
            sqlite_where=text("status IN ('published', 'cancelled')"),
        ),
        # Ids appear in URLs and calendar UIDs: SQLite must never hand out a deleted one again.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind))
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(200))
    #: One or two sentences for the calendar listing.
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: Markdown, rendered and sanitised when shown.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Who the event is for (målgrupp): one of the list (``models.audiences``) …
    audience_id: Mapped[int | None] = mapped_column(ForeignKey("audience.id"), index=True)
    #: … or a one-off audience in free text, e.g. "Medlemmar i Barnnätverket".
    audience: Mapped[str] = mapped_column(String(200), default="")
    #: A focus area of the library plan in force on the event's date (``models.plans``).
    focus_area_id: Mapped[int | None] = mapped_column(ForeignKey("focus_area.id"), index=True)
    organiser: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200))
    #: The contact person's title, under their name on course certificates (they sign them).
    contact_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: The ORGANIZER of calendar invites and Reply-To of every mail: a person reads it.
    contact_email: Mapped[str] = mapped_column(String(254))
    #: Name of the venue, e.g. "Stadsbiblioteket, hörsalen"; empty when online only.
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    #: Meeting link, shown only to confirmed attendees (mail and personal page).
    online_url: Mapped[str] = mapped_column(String(500), default="")
    #: Public note on the online part, e.g. "Teams-länk skickas till anmälda".
    online_note: Mapped[str] = mapped_column(String(300), default="")
    #: A seat that comes free this close to the start is offered to the first in line, who has
    #: ``offer_hours`` to take it (never past the start), instead of given at once.
    offer_window_hours: Mapped[int] = mapped_column(default=72, server_default=text("72"))
    offer_hours: Mapped[int] = mapped_column(default=24, server_default=text("24"))
    #: When the event was (last) published: watch lists tell of events published since.
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    #: When the mail after the course went to those who came (once, the day after the end).
    followup_sent_at: Mapped[datetime | None]
    #: Sessions someone must have come to for a course certificate; None means all of them.
    certificate_sessions: Mapped[int | None]
    #: Sign-ups wait for a coordinator's approval; seats are taken only when approved.
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Number of seats; None means unlimited. On site only, when people choose (below).
    capacity: Mapped[int | None]
    #: Each person chooses to come on site or take part online: each way has its own seats and
    #: its own waiting list. Without it, everyone gets the place and the link the event has.
    choose_mode: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Seats online, when people choose; None means unlimited.
    online_capacity: Mapped[int | None]
    #: When true the sign-up form asks for dietary needs.
    serves_meal: Mapped[bool] = mapped_column(default=False)
    #: Public text on what is served, e.g. "Lunch och eftermiddagsfika ingår".
    meal_note: Mapped[str] = mapped_column(String(200), default="")
    #: Sign-up opens at this moment; None means as soon as the event is published.
    registration_opens_at: Mapped[datetime | None]
    #: Last day to sign up (sista anmälningsdag), inclusive, in Stockholm time.
    registration_deadline: Mapped[date]
    #: The network whose members are invited to this meeting, if any.
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("network.id", ondelete="SET NULL"), index=True
    )
    #: Only invited members can sign up (through their invitation); others see the listing.
    invited_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Start of the earliest and end of the latest session, kept by the service so that lists
    #: can sort and filter on indexed columns.
    first_start: Mapped[datetime | None]
    last_end: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Cached public pages are keyed by it (and by registrations' updated_at).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    network: Mapped["Network | None"] = relationship()
    focus_area: Mapped["FocusArea | None"] = relationship()
    listed_audience: Mapped["Audience | None"] = relationship()
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event",
        order_by="EventSession.starts_at",
        cascade="all, delete-orphan",
    )

    @property
    def is_online(self) -> bool:
        return bool(self.online_url or self.online_note)

    @property
    def seats(self) -> int | None:
        """Seats in all, on site and online where people choose; None when there is no limit."""
        if not self.choose_mode:
            return self.capacity
        if self.capacity is None or self.online_capacity is None:
            return None
        return self.capacity + self.online_capacity

    def audience_in(self, language: str) -> str:
        """Who the event is for, as the page in ``language`` names them."""
        if self.listed_audience is not None:
            return self.listed_audience.name_in(language)
        return self.audience

    def has_started(self, now: datetime | None = None) -> bool:
        """Whether the first session has begun: from then on seats no longer change hands."""
        return self.first_start is not None and (now or utcnow()) >= self.first_start

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r} {self.status}>"


class EventSession(Base):
    """One meeting of an event at one time; each has its own calendar UID."""

    __tablename__ = "event_session"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        # The id is the calendar UID: it must never be given to another session.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: Optional label, e.g. "Del 2: Bokprat för unga".
    label: Mapped[str] = mapped_column(String(200), default="")
    #: iCalendar SEQUENCE of the session as it is now: raised on every change to it (time,
    #: place, title, cancellation), sent to every holder, and carried by the public files.
    sequence: Mapped[int] = mapped_column(default=0)
    #: The highest SEQUENCE sent for this UID to anyone, including one person's own CANCEL:
    #: an entry put back in someone's calendar must carry more (see services.calendar_entries).
    highest_sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<EventSession {self.id} of event {self.event_id} at {self.starts_at}>"
