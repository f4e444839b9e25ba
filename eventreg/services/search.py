"""Finding events in the calendar: free text, kind, focus area, audience, municipality, on site or
online, month and free seats, in any combination, as a bookmarkable query string.

The same selection (bar free seats, which changes with every sign-up) makes a webcal feed.
Values that are not one of the choices are ignored rather than refused: a link typed or cut
short still shows the calendar.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, time

from sqlalchemy import Select, and_, func, or_, select
from werkzeug.datastructures import MultiDict

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.ids import parse_id
from eventreg.models import AttendanceMode, Event, EventKind, Municipality, Registration
from eventreg.models.registrations import SEAT_HOLDERS
from eventreg.services import audiences, plans

#: The kinds in the URL, in Swedish.
KINDS = {"kurs": EventKind.COURSE, "natverkstraff": EventKind.NETWORK_MEETING}
#: Ways of taking part in the URL: an event offers a place, a meeting link, or both.
MODES = ("plats", "digitalt")


@dataclass(frozen=True)
class Filters:
    """A selection as the calendar's form (or a bookmark) gives it; empty values select all."""

    q: str = ""
    typ: str = ""
    omrade: int | None = None
    malgrupp: int | None = None
    kommun: int | None = None
    satt: str = ""
    #: A month as "2026-03".
    manad: str = ""
    lediga: bool = False

    @classmethod
    def from_args(cls, args: MultiDict) -> "Filters":
        month = args.get("manad", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:100],
            typ=args.get("typ", "") if args.get("typ") in KINDS else "",
            omrade=parse_id(args.get("omrade", "")),
            malgrupp=parse_id(args.get("malgrupp", "")),
            kommun=parse_id(args.get("kommun", "")),
            satt=args.get("satt", "") if args.get("satt") in MODES else "",
            manad=month if _month_start(month) else "",
            lediga=args.get("lediga") == "1",
        )

    def args(self, *, for_feed: bool = False) -> dict:
        """The selection as URL arguments (only those set); a feed leaves out free seats."""
        chosen = {f.name: getattr(self, f.name) for f in fields(self)}
        chosen["lediga"] = "1" if self.lediga and not for_feed else None
        return {name: value for name, value in chosen.items() if value not in ("", None, False)}

    @property
    def active(self) -> bool:
        return bool(self.args())

    def apply(self, query: Select) -> Select:
        """Narrow a query of events (``listings.visible_events``) to the selection."""
        if self.q:
            pattern = f"%{self.q.lower()}%"
            query = query.where(
                or_(func.lower(Event.title).like(pattern), func.lower(Event.summary).like(pattern))
            )
        if self.typ:
            query = query.where(Event.kind == KINDS[self.typ])
        if self.omrade:
            query = query.where(Event.focus_area_id == self.omrade)
        if self.malgrupp:
            query = query.where(Event.audience_id == self.malgrupp)
        if self.kommun:
            name = select(Municipality.name).where(Municipality.id == self.kommun)
            where = "%" + name.scalar_subquery() + "%"
            query = query.where(or_(Event.address.like(where), Event.venue.like(where)))
        if self.satt == "plats":
            query = query.where(or_(Event.venue != "", Event.address != ""))
        elif self.satt == "digitalt":
            query = query.where(
                or_(Event.online_url != "", Event.online_note != "", Event.choose_mode)
            )
        if start := _month_start(self.manad):
            end = _month_start(_next_month(self.manad))
            query = query.where(Event.first_start >= start, Event.first_start < end)
        if self.lediga:
            query = query.where(_has_free_seats())
        return query


def _month_start(month: str) -> datetime | None:
    try:
        day = date.fromisoformat(f"{month}-01")
    except ValueError:
        return None
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM)


def _next_month(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def _seated(*where):
    return (
        select(func.count())
        .where(Registration.event_id == Event.id, Registration.status.in_(SEAT_HOLDERS), *where)
        .scalar_subquery()
    )


def _has_free_seats():
    """A seat left in some way of taking part (an event where people choose has two)."""
    onsite = Registration.mode.is_distinct_from(AttendanceMode.ONLINE)
    return or_(
        Event.capacity.is_(None),
        _seated(onsite) < Event.capacity,
        and_(
            Event.choose_mode,
            or_(
                Event.online_capacity.is_(None),
                _seated(Registration.mode == AttendanceMode.ONLINE) < Event.online_capacity,
            ),
        ),
    )


@dataclass(frozen=True)
class Choices:
    """What the search form offers: the areas of plans not yet ended, the listed audiences, the
    municipalities, and the next twelve months."""

    areas: list
    audiences: list
    municipalities: list
    months: list[tuple[str, datetime]]


def choices() -> Choices:
    today = datetime.now(STOCKHOLM).date()
    months = []
    for offset in range(12):
        number = today.month - 1 + offset
        month = f"{today.year + number // 12}-{number % 12 + 1:02d}"
        months.append((month, _month_start(month)))
    return Choices(
        areas=plans.areas_to_offer(),
        audiences=audiences.audiences_to_offer(),
        municipalities=list(db.session.scalars(select(Municipality).order_by(Municipality.name))),
        months=months,
    )
