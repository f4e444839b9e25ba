"""The newsletter (nyhetsbrev): an introduction and events picked by a coordinator, sent once to
every subscriber and then kept in the public archive."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, utcnow
from eventreg.models.events import Event

#: The events a newsletter presents.
newsletter_event = Table(
    "newsletter_event",
    Base.metadata,
    Column("newsletter_id", ForeignKey("newsletter.id", ondelete="CASCADE"), primary_key=True),
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
)


class Newsletter(Base):
    """A draft until sent; once sent it is never changed, as subscribers have it."""

    __tablename__ = "newsletter"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    #: Markdown, shown as HTML in the mail and the archive, and as written in the plain text.
    introduction: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    #: The subscribers it was queued for.
    recipients: Mapped[int] = mapped_column(default=0)

    events: Mapped[list[Event]] = relationship(
        secondary=newsletter_event, order_by=Event.first_start
    )

    def __repr__(self) -> str:
        return f"<Newsletter {self.id} {self.subject!r} sent={self.sent_at is not None}>"
