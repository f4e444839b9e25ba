"""The public Kalendarium: upcoming events, one event, its calendar file, the policy pages, and
the choice of language."""

from dataclasses import dataclass
from itertools import groupby

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from sqlalchemy import select

from eventreg import organisation
from eventreg.calendar import public_calendar
from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM, month_heading
from eventreg.i18n import current_language
from eventreg.ids import page_number
from eventreg.models import Event, EventStatus, Organisation
from eventreg.pagecache import cached_page
from eventreg.services import certificates, listings, materials, registrations, search
from eventreg.urls import external_url, local_path
from eventreg.views.downloads import send_material

bp = Blueprint("public", __name__)

#: Events on one page of the calendar.
PER_PAGE = 50


@dataclass
class Page:
    """One page of a list, found without counting the whole list (that grows with the data)."""

    items: list
    page: int
    has_next: bool

    @classmethod
    def of(cls, query, page: int) -> "Page":
        page = max(page, 1)
        rows = list(db.session.scalars(query.limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)))
        return cls(rows[:PER_PAGE], page, len(rows) > PER_PAGE)

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@bp.get("/")
@cached_page
def calendar():
    """The coming events, or those a search selects (see ``services.search``)."""
    filters = search.Filters.from_args(request.args)
    query = filters.apply(listings.upcoming_events())
    page = Page.of(query, page_number())
    return render_template(
        "public/calendar.html",
        page=page,
        months=[
            (heading, list(events))
            for heading, events in groupby(page.items, key=lambda e: month_heading(e.first_start))
        ],
        filters=filters,
        found=listings.count(query) if filters.active else None,
        COUNT_UP_TO=listings.COUNT_UP_TO,
        choices=search.choices(),
        **availability(page.items),
    )


def availability(events: list[Event]) -> dict[str, dict]:
    """Each listed event's sign-up state and seats left, from one count of them all."""
    counts = registrations.confirmed_counts([event.id for event in events])
    return {
        "states": {e.id: registrations.sign_up_state(e, counts.get(e.id, {})) for e in events},
        "seats": {e.id: registrations.seats_left(e, counts.get(e.id, {})) for e in events},
    }


def get_visible_event(event_id: int, with_sessions: bool = True) -> Event:
    """A published or cancelled event (with its sessions, unless the page needs none).

    :raise 404: if there is no such event or it is still a draft.
    """
    event = listings.visible_event(event_id, with_sessions)
    if event is None:
        abort(404)
    return event


@bp.get("/evenemang/<int:event_id>")
@cached_page
def event(event_id: int):
    event = get_visible_event(event_id)
    taken = registrations.taken_seats(event.id)
    return render_template(
        "public/event.html",
        event=event,
        state=registrations.sign_up_state(event, taken),
        seats_left=registrations.seats_left(event, taken),
        free=registrations.free_seats(event, taken),
        structured_data=structured_data(event, registrations.sign_up_state(event, taken)),
        materials=materials.materials_of(event.id, public_only=True),
        closes_at=registrations.closes_at(event),
    )


@bp.get("/evenemang/<int:event_id>/kalender.ics")
def event_ics(event_id: int):
    event = get_visible_event(event_id)
    return Response(
        public_calendar(event),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="evenemang-{event.id}.ics"'},
    )


@bp.get("/sprak/<any(sv, en):code>")
def language(code: str):
    """Remember the visitor's language, and take them back to the page they were on."""
    session["language"] = code
    return redirect(local_path(request.args.get("next")) or url_for("public.calendar"))


def _prose(name: str) -> str:
    """A page of prose, written out in each language rather than translated line by line."""
    return render_template([f"public/{current_language()}/{name}", f"public/{name}"])


@bp.get("/personuppgifter")
def privacy():
    return _prose("privacy.html")


@bp.get("/tillganglighet")
def accessibility():
    return _prose("accessibility.html")


def _long_cached(response: Response) -> Response:
    """Versioned by the profile's ``updated_at`` in the URL: a change gives a new URL."""
    response.cache_control.public = True
    response.cache_control.max_age = 365 * 24 * 3600
    return response


@bp.get("/profil.css")
def profile_css():
    """The organisation's colour, as CSS: the security policy allows no inline styles."""
    profile = organisation.current()
    css = f":root {{ --brand: {profile.colour}; --brand-dark: {profile.colour_dark}; }}\n"
    return _long_cached(Response(css, mimetype="text/css"))


@bp.get("/logotyp")
def logo():
    row = db.session.scalar(select(Organisation).where(Organisation.logo.is_not(None)).limit(1))
    if row is None:
        abort(404)
    response = _long_cached(Response(row.logo, mimetype=row.logo_type))
    # Opened on its own, an SVG is a document: nothing in it may run or load.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@bp.get("/intyg")
def check_certificate():
    """Where anyone types a certificate's code (or arrives with ``?kod=`` from a form)."""
    code = request.args.get("kod", "").strip()
    if code:
        return redirect(url_for(".certificate", code=certificates.normalised(code)))
    return render_template("public/check_certificate.html")


@bp.get("/intyg/<code>")
def certificate(code: str):
    """Whether a course certificate is genuine: name, course and dates, and nothing more."""
    found = certificates.by_code(code)
    valid = found is not None and found.valid
    response = render_template(
        "public/certificate.html",
        certificate=found if valid else None,
        attended=certificates.attended(found) if valid else None,
        code=certificates.normalised(code),
    )
    return response, 200 if valid else 404


@bp.get("/evenemang/<int:event_id>/material/<int:material_id>")
def public_material(event_id: int, material_id: int):
    """A material the coordinator made public; the others only through a personal link."""
    found = materials.get(get_visible_event(event_id, with_sessions=False).id, material_id)
    return send_material(found if found is not None and found.public else None)


#: schema.org's words for an event's status and how people take part.
_STATUS = {
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.PUBLISHED: "https://schema.org/EventScheduled",
}


def structured_data(event: Event, state: registrations.SignUpState) -> dict:
    """The event as schema.org Event for search engines: where, when, by whom, free of charge,
    and whether seats are left. The meeting link stays with those who have a seat."""
    url = external_url("public.event", event_id=event.id)
    place = [event.venue, event.address]
    where = []
    if any(place):
        where.append(
            {
                "@type": "Place",
                "name": event.venue or event.address,
                "address": event.address or event.venue,
            }
        )
    if event.is_online:
        where.append({"@type": "VirtualLocation", "url": url})
    mode = "Mixed" if len(where) == 2 else "Online" if event.is_online else "Offline"
    available = state in (registrations.SignUpState.OPEN, registrations.SignUpState.NOT_YET_OPEN)
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "url": url,
        "startDate": event.sessions[0].starts_at.astimezone(STOCKHOLM).isoformat(),
        "endDate": event.sessions[-1].ends_at.astimezone(STOCKHOLM).isoformat(),
        "eventStatus": _STATUS[event.status],
        "eventAttendanceMode": f"https://schema.org/{mode}EventAttendanceMode",
        "location": where[0] if len(where) == 1 else where,
        "organizer": {"@type": "Organization", "name": event.organiser},
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "SEK",
            "url": external_url("registration.sign_up", event_id=event.id),
            "availability": "https://schema.org/InStock"
            if available
            else "https://schema.org/SoldOut",
        },
    }


@bp.get("/sitemap.xml")
def sitemap():
    """The calendar, every visible event's page and the networks, for search engines."""
    events = db.session.scalars(select(Event.id).where(listings.is_visible()).order_by(Event.id))
    urls = [external_url("public.calendar"), external_url("networks.network_list")]
    urls += [external_url("public.event", event_id=event_id) for event_id in events]
    body = render_template("public/sitemap.xml", urls=urls)
    return Response(body, mimetype="application/xml")


def embed_size() -> int:
    """How many events an embedded calendar shows: ``antal`` of the query, 10 unless given,
    50 at most."""
    return max(1, min(request.args.get("antal", 10, type=int) or 10, 50))


@bp.get("/inbaddat")
@cached_page
def embedded():
    """The coming events (a search's selection, ``antal`` of them) for another site to show in
    an iframe: any site may frame it, and it loads nothing but from here."""
    filters = search.Filters.from_args(request.args)
    found = list(db.session.scalars(filters.apply(listings.upcoming_events()).limit(embed_size())))
    return render_template(
        "public/embedded.html",
        events=found,
        **availability(found),
        more_url=url_for("public.calendar", **filters.args()),
    )


@bp.after_request
def _embeddable(response):
    """The embedded calendar may be framed by any site; every other page by none."""
    if request.endpoint == "public.embedded":
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; frame-ancestors *"
        )
    return response
