"""Dates and times the way Swedes write them: "tisdag 12 mars 2026 kl. 09.00–12.00"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(moment: datetime) -> datetime:
    return moment.astimezone(STOCKHOLM)


def long_date(day: date | datetime, weekday: bool = True) -> str:
    """ "tisdag 12 mars 2026" (or "12 mars 2026" without the weekday)."""
    if isinstance(day, datetime):
        day = local(day).date()
    return format_date(day, "EEEE d MMMM y" if weekday else "d MMMM y", locale="sv_SE")


def clock(moment: datetime) -> str:
    return local(moment).strftime("%H.%M")


def time_span(starts_at: datetime, ends_at: datetime) -> str:
    """A session's date and time; a session over midnight names both days."""
    start, end = local(starts_at), local(ends_at)
    if start.date() == end.date():
        return f"{long_date(start)} kl. {clock(start)}–{clock(end)}"
    return f"{long_date(start)} kl. {clock(start)} – {long_date(end)} kl. {clock(end)}"


def month_heading(moment: datetime) -> str:
    """ "mars 2026", for grouping the calendar."""
    return format_date(local(moment).date(), "LLLL y", locale="sv_SE")
