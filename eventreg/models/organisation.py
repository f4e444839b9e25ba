"""The organisation that runs the Kalendarium: its names, contacts, logo and colour.

One row. Every page, mail, calendar file and feed reads it (through ``eventreg.organisation``),
so that another region, or the same region after a reorganisation, needs no code change.
"""

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, utcnow

#: A blue white text reads well on (7.9:1), until the administrator picks the region's own.
DEFAULT_COLOUR = "#00509e"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The region, e.g. "Region Gotland".
    name: Mapped[str] = mapped_column(String(200), default="")
    #: E.g. "RG", where space is short.
    short_name: Mapped[str] = mapped_column(String(50), default="")
    #: The unit that runs the courses, e.g. "Regionbibliotek".
    unit: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    #: Who answers for personal data (the privacy page), and where to ask.
    data_controller: Mapped[str] = mapped_column(String(200), default="")
    privacy_email: Mapped[str] = mapped_column(String(254), default="")
    #: The name mail comes from; the address is MAIL_DEFAULT_SENDER's.
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    #: The newsletter's sender name.
    newsletter_sender: Mapped[str] = mapped_column(String(200), default="")
    #: The calendar's introduction, in Swedish and in English.
    intro: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    #: "#rrggbb", the header's and buttons' background: white text on it passes WCAG AA.
    colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_COLOUR)
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: "image/png" or "image/svg+xml".
    logo_type: Mapped[str] = mapped_column(String(50), default="")
    #: Whether coordinators may sign in with a password; an administrator turns it off once
    #: everyone signs in with the region's identity provider.
    password_sign_in: Mapped[bool] = mapped_column(default=True, server_default=true())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"
