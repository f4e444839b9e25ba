"""The county's municipalities and their libraries: where attendees work."""

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The four-digit municipality code of Statistics Sweden (SCB), e.g. "0685" for Vetlanda.
    scb_code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    libraries: Mapped[list["Library"]] = relationship(
        back_populates="municipality", order_by="Library.name"
    )

    def __repr__(self) -> str:
        return f"<Municipality {self.scb_code} {self.name}>"


class Library(Base):
    __tablename__ = "library"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: "huvudbibliotek", "filial", "bokbuss", ... as in the county's list.
    kind: Mapped[str] = mapped_column(String(40))
    #: Closed libraries stay for statistics but are no longer offered in forms.
    active: Mapped[bool] = mapped_column(default=True)

    municipality: Mapped[Municipality] = relationship(back_populates="libraries")

    def __repr__(self) -> str:
        return f"<Library {self.id} {self.name}>"
