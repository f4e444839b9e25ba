"""Dates and times as the reader writes them: "tisdag 12 mars 2026 kl. 09.00–12.00" in Swedish,
"Tuesday 12 March 2026, 09:00–12:00" in English. Times are always Stockholm's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask_babel import gettext

from eventreg.i18n import current_language

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(moment: datetime) -> datetime:
    return moment.astimezone(STOCKHOLM)


def long_date(day: date | datetime, weekday: bool = True) -> str:
    """ "tisdag 12 mars 2026" (or "12 mars 2026" without the weekday)."""
    if isinstance(day, datetime):
        day = local(day).date()
    pattern = "EEEE d MMMM y" if weekday else "d MMMM y"
    return format_date(day, pattern, locale=current_language())


def clock(moment: datetime) -> str:
    """ "09.00" in Swedish, "09:00" in English."""
    return local(moment).strftime("%H.%M" if current_language() == "sv" else "%H:%M")


def time_span(starts_at: datetime, ends_at: datetime) -> str:
    """A session's date and time; a session over midnight names both days."""
    start, end = local(starts_at), local(ends_at)
    if start.date() == end.date():
        return gettext(
            "%(day)s kl. %(start)s–%(end)s",
            day=long_date(start),
            start=clock(start),
            end=clock(end),
        )
    return gettext(
        "%(day)s kl. %(start)s – %(end_day)s kl. %(end)s",
        day=long_date(start),
        start=clock(start),
        end_day=long_date(end),
        end=clock(end),
    )


def month_heading(moment: datetime) -> str:
    """ "mars 2026", for grouping the calendar."""
    return format_date(local(moment).date(), "LLLL y", locale=current_language())
