"""Who events are for (målgrupper), as a list the administrators keep.

An event names one from the list, or a one-off audience in free text. Listed audiences are
counted by id, so the statistics per audience no longer split on spelling, and rewording one
rewords every event that has it.
"""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, in_language


class Audience(Base):
    __tablename__ = "audience"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: E.g. "Barnbibliotekarier".
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: The English name for the English pages; the Swedish one is shown when it is empty.
    name_en: Mapped[str] = mapped_column(String(200), default="")
    #: Retired audiences stay on their events and in the statistics but are no longer offered.
    retired: Mapped[bool] = mapped_column(default=False)

    def name_in(self, language: str) -> str:
        return in_language(self.name, self.name_en, language)

    def __repr__(self) -> str:
        return f"<Audience {self.id} {self.name!r}>"
