"""Jinja filters and globals: dates in the reader's language, sanitised Markdown, labels for enum
values."""

from functools import lru_cache

import nh3
from flask import Flask
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup

from eventreg import formatting, organisation
from eventreg.models import AttendanceMode, EventKind, EventSession
from eventreg.urls import webcal_url

KIND_LABELS = {EventKind.COURSE: _l("Kurs"), EventKind.NETWORK_MEETING: _l("Nätverksträff")}
MODE_LABELS = {AttendanceMode.ONSITE: _l("På plats"), AttendanceMode.ONLINE: _l("Digitalt")}

EVENT_STATUS_LABELS = {"draft": "Utkast", "published": "Publicerat", "cancelled": "Inställt"}
REGISTRATION_STATUS_LABELS = {
    "confirmed": "Bekräftad",
    "waitlisted": "Reservlista",
    "pending": "Väntar på godkännande",
    "offered": "Erbjuden plats",
    "cancelled": "Avbokad",
}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@lru_cache(maxsize=1024)
def markdown(text: str) -> Markup:
    """Markdown written by coordinators, as HTML that cannot carry scripts."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


def session_when(session: EventSession) -> str:
    return formatting.time_span(session.starts_at, session.ends_at)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=markdown,
        when=session_when,
        long_date=formatting.long_date,
        short_date=lambda day: formatting.long_date(day, weekday=False),
        clock=formatting.clock,
        month=formatting.month_heading,
    )
    app.jinja_env.globals.update(
        KIND_LABELS=KIND_LABELS,
        MODE_LABELS=MODE_LABELS,
        EVENT_STATUS_LABELS=EVENT_STATUS_LABELS,
        REGISTRATION_STATUS_LABELS=REGISTRATION_STATUS_LABELS,
        webcal_url=webcal_url,
        organisation=organisation.current,
        zip=zip,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
