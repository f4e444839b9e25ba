"""What search engines and link previews read: schema.org Event, Open Graph, the sitemap."""

import json
import re

from helpers import make_event, sign_up

from eventreg.extensions import db
from eventreg.services import events

LINK = "https://teams.example.se/meet/hemlig"


def structured(page: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_an_event_page_describes_the_event_for_search_engines_and_link_previews(app, client):
    with app.app_context():
        hybrid = make_event(title="Meröppet", choose_mode=True, online_capacity=5, online_url=LINK)
        full = make_event(title="Fullt", capacity=1)
        sign_up(full, 1)
        gone = make_event(title="Inställt")
        events.cancel_event(gone.id, "")
        db.session.commit()
        ids = hybrid.id, full.id, gone.id
    page = client.get(f"/evenemang/{ids[0]}").text
    assert '<meta property="og:title" content="Meröppet">' in page
    data = structured(page)
    assert data["@type"] == "Event" and data["name"] == "Meröppet"
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]
    assert data["offers"]["price"] == "0" and data["offers"]["availability"].endswith("InStock")
    assert data["startDate"].endswith("+01:00") or data["startDate"].endswith("+02:00")
    assert LINK not in page  # the meeting link is for those with a seat
    assert structured(client.get(f"/evenemang/{ids[1]}").text)["offers"]["availability"] == (
        "https://schema.org/SoldOut"
    )
    cancelled = structured(client.get(f"/evenemang/{ids[2]}").text)
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"


def test_the_sitemap_lists_what_the_public_may_see(app, client):
    with app.app_context():
        shown = make_event(title="Synlig").id
        draft = make_event(title="Utkast", publish=False).id
        db.session.commit()
    sitemap = client.get("/sitemap.xml")
    assert sitemap.mimetype == "application/xml"
    assert f"<loc>https://kalendarium.test/evenemang/{shown}</loc>" in sitemap.text
    assert f"/evenemang/{draft}<" not in sitemap.text
