"""Participation counted ahead of time, so that a term's statistics read a few hundred rows.

Both tables are derived from registrations, attendance and events: ``services.participation``
keeps them in step in the same transaction as the change, and ``flask rebuild-statistics``
makes them again from scratch. Keys are never NULL, so that a month's row can be upserted:
library 0 means a workplace outside the county's libraries, an empty focus area means none.
"""

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base

#: ``library_id`` of people who work somewhere other than the county's libraries.
OTHER_WORKPLACE = 0


class EventParticipation(Base):
    """What one published event's people from one workplace add to the event's month."""

    __tablename__ = "event_participation"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    library_id: Mapped[int] = mapped_column(primary_key=True)
    #: The Stockholm date of the event's first session, when the row was counted.
    day: Mapped[date] = mapped_column(index=True)
    focus_area: Mapped[str] = mapped_column(String(20))
    audience: Mapped[str] = mapped_column(String(200))
    #: Seated (confirmed) registrations.
    seated: Mapped[int]
    #: Of the seated, those marked present at any session.
    came: Mapped[int]
    #: Of the seated, those marked only absent.
    no_shows: Mapped[int]

    def __repr__(self) -> str:
        return f"<EventParticipation event={self.event_id} library={self.library_id}>"


class MonthlyParticipation(Base):
    """The sum of every published event's participation per month, workplace and theme."""

    __tablename__ = "monthly_participation"

    #: The first day of the month (Stockholm time) of the events' first sessions.
    month: Mapped[date] = mapped_column(primary_key=True)
    library_id: Mapped[int] = mapped_column(primary_key=True)
    focus_area: Mapped[str] = mapped_column(String(20), primary_key=True)
    audience: Mapped[str] = mapped_column(String(200), primary_key=True)
    seated: Mapped[int]
    came: Mapped[int]
    no_shows: Mapped[int]

    def __repr__(self) -> str:
        return f"<MonthlyParticipation {self.month:%Y-%m} library={self.library_id}>"
