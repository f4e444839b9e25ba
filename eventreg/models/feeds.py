"""A person's own calendar feed ("Mina kurser"): a secret address per e-mail address."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, utcnow


class PersonalFeed(Base):
    """The key in the address of someone's subscribable calendar of the sessions they have a
    seat at. A new key makes the old address stop working (for a link that went astray)."""

    __tablename__ = "personal_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower case, as registrations store it.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PersonalFeed {self.id}>"
