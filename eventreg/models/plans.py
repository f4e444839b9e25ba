"""The regional library plan (biblioteksplan, bibliotekslagen 2013:801 §17) and its focus areas.

A region adopts a plan for three or four years, each with its own priorities. They are data, so
a new plan period (or another region) needs no code: events are tagged with a focus area of the
plan in force on their date, and keep it when the next plan begins.
"""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, in_language


class LibraryPlan(Base):
    __tablename__ = "library_plan"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: E.g. "Regional biblioteksplan 2026–2029".
    name: Mapped[str] = mapped_column(String(200), unique=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    areas: Mapped[list["FocusArea"]] = relationship(
        back_populates="plan", order_by="FocusArea.position, FocusArea.id"
    )

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __repr__(self) -> str:
        return f"<LibraryPlan {self.id} {self.name!r}>"


class FocusArea(Base):
    """A priority of a plan. Retired areas stay on the events that have them, and in the
    statistics, but are no longer offered."""

    __tablename__ = "focus_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("library_plan.id"), index=True)
    #: The Swedish name, as the plan words it.
    name: Mapped[str] = mapped_column(String(200))
    #: The English name for the English pages; the Swedish one is shown when it is empty.
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: The plan's order of its areas.
    position: Mapped[int] = mapped_column(default=0)
    retired: Mapped[bool] = mapped_column(default=False)

    plan: Mapped[LibraryPlan] = relationship(back_populates="areas")

    def name_in(self, language: str) -> str:
        return in_language(self.name, self.name_en, language)

    def __repr__(self) -> str:
        return f"<FocusArea {self.id} {self.name!r}>"
