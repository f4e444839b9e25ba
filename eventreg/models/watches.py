"""Watch lists (Bevaka): an address told of newly published events that match its choices,
and the newsletter's subscribers."""

from datetime import date, datetime

from sqlalchemy import String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, utcnow


class Watch(Base):
    """One address's choices. Confirmed through a link in a mail (double opt-in); a change of
    choices (or of language) waits in ``pending`` until confirmed the same way."""

    __tablename__ = "watch"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    language: Mapped[str] = mapped_column(String(2), default="sv")
    #: Every newly published event, whatever it is about.
    everything: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The newsletter (``models.newsletters``), besides or instead of news of events.
    newsletter: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Chosen focus areas, audiences and networks, as ids separated by commas.
    focus_areas: Mapped[str] = mapped_column(String(500), default="")
    audiences: Mapped[str] = mapped_column(String(500), default="")
    networks: Mapped[str] = mapped_column(String(500), default="")
    #: Choices asked for and not yet confirmed, with the language asked in, as JSON ("" when
    #: none).
    pending: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    #: Events published up to this moment have been told of (or were there before).
    told_through: Mapped[datetime | None]
    #: The Stockholm day of the last mail: at most one a day.
    last_mail_on: Mapped[date | None]
    #: Newsletters in a row that the relay refused for good (a 5xx) for this address.
    newsletters_refused: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When the third in a row was refused: no newsletter is sent to it until it is confirmed
    #: again. Coordinators see these addresses.
    undeliverable_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<Watch {self.id} confirmed={self.confirmed_at is not None}>"
