"""Events and participation counted ahead of time, so that a term's statistics read few rows.

All four tables are derived from events, sessions, registrations and attendance:
``statistics.counting`` keeps them in step in the same transaction as the change, and
``flask rebuild-statistics`` makes them again from scratch. Per event, a row says what the event
adds to its month; per month, rows hold the sums. Keys are never NULL, so that a month's row can
be upserted: library 0 means a workplace outside the county's libraries, focus area 0 that the
event has none, audience 0 that its audience is a one-off in free text (``audience``, empty
for a listed one).
"""

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base

#: ``library_id`` of people who work somewhere other than the county's libraries.
OTHER_WORKPLACE = 0
#: ``focus_area_id`` of events without a focus area.
NO_FOCUS_AREA = 0
#: ``audience_id`` of events whose audience is not one of the list.
UNLISTED_AUDIENCE = 0
#: The counts of people kept per event and month.
PEOPLE_COUNTS = ("seated", "came", "no_shows")


class CountedEvent(Base):
    """A published event as the statistics count it, and the month it was added to."""

    __tablename__ = "counted_event"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    #: The Stockholm date of the event's first session.
    day: Mapped[date] = mapped_column(index=True)
    focus_area_id: Mapped[int]
    audience_id: Mapped[int]
    audience: Mapped[str] = mapped_column(String(200))
    sessions: Mapped[int]

    def __repr__(self) -> str:
        return f"<CountedEvent {self.event_id} {self.day}>"


class EventParticipation(Base):
    """A counted event's seated people from one workplace."""

    __tablename__ = "event_participation"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("counted_event.event_id", ondelete="CASCADE"), primary_key=True
    )
    library_id: Mapped[int] = mapped_column(primary_key=True)
    #: Seated (confirmed) registrations.
    seated: Mapped[int]
    #: Of the seated, those marked present at any session.
    came: Mapped[int]
    #: Of the seated, those marked only absent.
    no_shows: Mapped[int]

    def __repr__(self) -> str:
        return f"<EventParticipation event={self.event_id} library={self.library_id}>"


class MonthlyEvents(Base):
    """Counted events and their sessions per month and theme."""

    __tablename__ = "monthly_events"

    #: The first day of the month (Stockholm time) of the events' first sessions.
    month: Mapped[date] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(primary_key=True)
    audience_id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(200), primary_key=True)
    events: Mapped[int]
    sessions: Mapped[int]

    def __repr__(self) -> str:
        return f"<MonthlyEvents {self.month:%Y-%m} {self.focus_area_id} {self.audience!r}>"


class MonthlyParticipation(Base):
    """Seated people of counted events per month, workplace and theme."""

    __tablename__ = "monthly_participation"

    month: Mapped[date] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(primary_key=True)
    focus_area_id: Mapped[int] = mapped_column(primary_key=True)
    audience_id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(200), primary_key=True)
    seated: Mapped[int]
    came: Mapped[int]
    no_shows: Mapped[int]

    def __repr__(self) -> str:
        return f"<MonthlyParticipation {self.month:%Y-%m} library={self.library_id}>"
