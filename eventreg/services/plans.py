"""The rules on library plans and their focus areas: which an event may be tagged with.

An event is tagged with an area of the plan in force on its first day. It keeps the area it has
when a new plan begins or the area is retired: nothing already tagged is rewritten, so the
statistics of a finished plan period stay as they were.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventreg import audit, formatting
from eventreg.errors import EventRegError, InvalidEvent
from eventreg.extensions import db
from eventreg.models import FocusArea, LibraryPlan, User


@dataclass(frozen=True)
class AreaText:
    """A focus area as the plan's form gives it; ``id`` names one being edited."""

    name: str
    name_en: str = ""
    description: str = ""
    retired: bool = False
    id: int | None = None


def plans() -> list[LibraryPlan]:
    """Every plan, the latest first, with its areas."""
    return list(
        db.session.scalars(
            select(LibraryPlan)
            .options(selectinload(LibraryPlan.areas))
            .order_by(LibraryPlan.starts_on.desc(), LibraryPlan.id.desc())
        )
    )


def areas_to_offer(
    kept: int | None = None, on: date | None = None, today: date | None = None
) -> list[FocusArea]:
    """The areas an event form offers, in the plans' order: those in use in the plan in force
    ``on`` the event's first day, or, before the form has a date, in every plan that has not
    ended; and the event's own (``kept``) whatever its plan."""
    in_force = (
        (LibraryPlan.starts_on <= on) & (LibraryPlan.ends_on >= on)
        if on is not None
        else LibraryPlan.ends_on >= (today or date.today())
    )
    query = (
        select(FocusArea)
        .join(FocusArea.plan)
        .where((~FocusArea.retired & in_force) | (FocusArea.id == kept))
        .options(selectinload(FocusArea.plan))
        .order_by(LibraryPlan.starts_on, FocusArea.position, FocusArea.id)
    )
    return list(db.session.scalars(query))


def check_focus_area(area_id: int | None, first_day: date) -> None:
    """:raise InvalidEvent: unless the area is in use in a plan in force on the event's first
    day. (An event whose area and date stay as they were is not asked again.)"""
    if area_id is None:
        return
    area = db.session.get(FocusArea, area_id)
    if area is None or area.retired:
        raise InvalidEvent("Välj ett fokusområde i listan.", field="focus_area_id")
    plan = area.plan
    if not plan.covers(first_day):
        raise InvalidEvent(
            f"”{area.name}” hör till {plan.name}, som gäller "
            f"{_period(plan.starts_on, plan.ends_on)}. Välj ett område i den plan "
            f"som gäller {formatting.long_date(first_day, weekday=False)}.",
            field="focus_area_id",
        )


def _period(first: date, last: date) -> str:
    return (
        f"{formatting.long_date(first, weekday=False)}–{formatting.long_date(last, weekday=False)}"
    )


def save_plan(
    plan_id: int | None,
    name: str,
    starts_on: date,
    ends_on: date,
    areas: list[AreaText],
    actor: User | None,
) -> LibraryPlan:
    """Add a plan, or save an edit of one: its name, period, and areas (new, reworded or
    retired; an area is never deleted, as events and statistics keep it).

    :raise EventRegError: for a period that ends before it starts, a name in use, or a plan
        without areas.
    """
    if ends_on < starts_on:
        raise EventRegError("Planen måste sluta efter att den börjar.", field="ends_on")
    name = " ".join(name.split())
    taken = db.session.scalar(
        select(LibraryPlan.id).where(LibraryPlan.name == name, LibraryPlan.id != plan_id)
    )
    if taken is not None:
        raise EventRegError("Det finns redan en plan med det namnet.", field="name")
    overlapping = db.session.scalar(
        select(LibraryPlan).where(
            LibraryPlan.id != plan_id,
            LibraryPlan.starts_on <= ends_on,
            LibraryPlan.ends_on >= starts_on,
        )
    )
    if overlapping is not None:
        raise EventRegError(
            f"Perioden överlappar {overlapping.name} "
            f"({_period(overlapping.starts_on, overlapping.ends_on)}). Ett datum hör till en plan.",
            field="starts_on",
        )
    if not any(area.name.strip() for area in areas):
        raise EventRegError("Ange minst ett fokusområde.", field="areas")
    plan = LibraryPlan() if plan_id is None else db.session.get(LibraryPlan, plan_id)
    if plan is None:
        raise EventRegError("Planen finns inte.")
    plan.name, plan.starts_on, plan.ends_on = name, starts_on, ends_on
    if plan_id is None:
        db.session.add(plan)
    existing = {area.id: area for area in plan.areas}
    for position, text in enumerate(area for area in areas if area.name.strip()):
        area = existing.get(text.id) if text.id is not None else None
        if area is None:
            area = FocusArea(plan=plan)
            db.session.add(area)
        area.name = " ".join(text.name.split())
        area.name_en = " ".join(text.name_en.split())
        area.description = text.description.strip()
        area.retired = text.retired
        area.position = position
    db.session.flush()
    audit.record(actor, "sparade biblioteksplanen", None, plan.name)
    return plan
