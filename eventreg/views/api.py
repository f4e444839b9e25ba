"""A read-only public API (version 1): the calendar's events as JSON, with no personal data.

The answers are pydantic models; their JSON Schemas make the OpenAPI 3.1 document served at
``/api/v1/openapi.json`` (OpenAPI 3.1 uses JSON Schema 2020-12, as pydantic writes it), so the
document cannot drift from what the API returns, and the tests check real answers against it.
Filters are the calendar's (``services.search``). Answers carry an ETag and may be cached for a
few minutes, by anyone; any site may read them (CORS).
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Literal

from flask import Blueprint, Response, abort, current_app, request
from pydantic import BaseModel, Field

from eventreg import organisation, pagecache
from eventreg.extensions import db
from eventreg.ids import page_number
from eventreg.models import Event
from eventreg.services import listings, registrations, search
from eventreg.urls import external_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PER_PAGE = 50
MAX_AGE = 300


class Session(BaseModel):
    starts_at: datetime
    ends_at: datetime
    label: str


class Place(BaseModel):
    venue: str
    address: str


class EventOut(BaseModel):
    """One event, as anyone may see it on its page."""

    id: int
    title: str
    summary: str
    kind: Literal["course", "network_meeting"]
    status: Literal["published", "cancelled"]
    url: str = Field(description="The event's page.")
    sign_up_url: str
    sessions: list[Session]
    place: Place | None = Field(description="None when it is only online.")
    online: bool
    attendance: Literal["onsite", "online", "both"]
    audience: str
    focus_area: str | None
    seats_left: int | None = Field(description="None when there is no limit.")
    sign_up: Literal["open", "waiting_list", "not_yet_open", "invited_only", "closed", "cancelled"]


class EventPage(BaseModel):
    events: list[EventOut]
    page: int
    next: str | None = Field(description="The next page's URL, if there is one.")


def _out(event: Event, taken: dict) -> EventOut:
    place = Place(venue=event.venue, address=event.address)
    onsite = bool(event.venue or event.address)
    return EventOut(
        id=event.id,
        title=event.title,
        summary=event.summary,
        kind=event.kind.value,
        status=event.status.value,
        url=external_url("public.event", event_id=event.id),
        sign_up_url=external_url("registration.sign_up", event_id=event.id),
        sessions=[
            Session(starts_at=s.starts_at, ends_at=s.ends_at, label=s.label) for s in event.sessions
        ],
        place=place if onsite else None,
        online=event.is_online,
        attendance="both"
        if onsite and event.is_online
        else "online"
        if event.is_online
        else "onsite",
        audience=event.audience_in("sv"),
        focus_area=event.focus_area.name if event.focus_area else None,
        seats_left=registrations.seats_left(event, taken),
        sign_up=registrations.sign_up_state(event, taken).value,
    )


def _json(answer: Callable[[], BaseModel]) -> Response:
    """The answer, kept rendered in the worker's memory while the data behind it is unchanged
    (``pagecache``, as the calendar is), with an ETag of the body and a few minutes' caching;
    any origin may read it."""
    etag, _, body = _kept(request.full_path, answer).partition("\n")
    unchanged = request.if_none_match.contains(etag)  # RFC 9110 §13.1.2: nothing new to send
    return Response(
        None if unchanged else body,
        304 if unchanged else 200,
        {
            "ETag": f'"{etag}"',
            "Cache-Control": f"public, max-age={MAX_AGE}",
            "Access-Control-Allow-Origin": "*",
        },
        mimetype="application/json",
    )


def _kept(address: str, answer: Callable[[], BaseModel]) -> str:
    """The tagged answer for an address: as kept by ``pagecache`` under the data version, and
    taken from there without asking the database again for API_FRESH_SECONDS. Every client may
    keep an answer for minutes (MAX_AGE); a second more costs nobody anything, and spares the
    database a query per request when a site polls."""
    return pagecache.recently(
        "api",
        address,
        current_app.config["API_FRESH_SECONDS"],
        lambda: pagecache.remember(
            (address, pagecache.data_version()),
            lambda: _tagged(answer().model_dump_json()),
            per_language=False,  # the API speaks Swedish to everyone
        ),
    )


def _tagged(body: str) -> str:
    """The body after its ETag and a line break, so that a kept answer keeps its digest too."""
    return f"{hashlib.sha256(body.encode()).hexdigest()[:32]}\n{body}"


@bp.get("/events")
def events():
    """Coming events, filtered as the calendar's search, fifty a page."""

    def answer() -> EventPage:  # read only when no answer is kept for the address
        filters = search.Filters.from_args(request.args)
        page = page_number()
        query = filters.apply(listings.upcoming_events()).limit(PER_PAGE + 1)
        found = list(db.session.scalars(query.offset((page - 1) * PER_PAGE)))
        counts = registrations.confirmed_counts(e.id for e in found[:PER_PAGE])
        more = len(found) > PER_PAGE
        return EventPage(
            events=[_out(e, counts.get(e.id, {})) for e in found[:PER_PAGE]],
            page=page,
            next=external_url("api.events", page=page + 1, **filters.args()) if more else None,
        )

    return _json(answer)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    found = listings.visible_event(event_id)
    if found is None:
        abort(404)
    return _json(lambda: _out(found, registrations.taken_seats(found.id)))


@bp.get("/openapi.json")
def openapi():
    """The API's description, made from the same models as its answers."""
    schemas = EventPage.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schemas.pop("$defs")
    components["EventPage"] = schemas
    filters = [
        {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
        for name, kind in (
            ("q", "string"),
            ("typ", "string"),
            ("omrade", "integer"),
            ("malgrupp", "integer"),
            ("kommun", "integer"),
            ("satt", "string"),
            ("manad", "string"),
            ("lediga", "string"),
            ("page", "integer"),
        )
    ]

    def answer(schema: str, description: str) -> dict:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }

    document = {
        "openapi": "3.1.0",
        "info": {"title": f"{organisation.current().site_name} API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/events": {
                "get": {
                    "summary": "Coming events, filtered as the calendar's search",
                    "parameters": filters,
                    "responses": {"200": answer("EventPage", "A page of events")},
                }
            },
            "/events/{event_id}": {
                "get": {
                    "summary": "One published or cancelled event",
                    "parameters": [
                        {
                            "name": "event_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": answer("EventOut", "The event"),
                        "404": {"description": "No such event, or a draft"},
                    },
                }
            },
        },
        "components": {"schemas": components},
    }
    response = Response(json.dumps(document), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
