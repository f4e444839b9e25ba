"""Finding events: a search and filters in the calendar's plain form, as bookmarkable URLs, and
the same selection as a calendar feed."""

import re

import icalendar
from helpers import focus_area, make_event, sign_up
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import EventKind, Municipality
from eventreg.services import listings


def titles(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/evenemang/\d+">([^<]+)</a></h3>', page)


def test_every_filter_narrows_the_calendar_and_they_combine(app, client):
    with app.app_context():
        reading = focus_area("Läsfrämjande")
        make_event(title="Bokprat för unga", focus_area_id=reading, days=10)
        make_event(
            title="Digitalt nätverk",
            kind=EventKind.NETWORK_MEETING,
            venue="",
            address="",
            online_url="https://teams.example.se/m",
            days=40,
        )
        full = make_event(title="Fullt i Värnamo", address="Stora torget, Värnamo", capacity=1)
        sign_up(full, 1)
        db.session.commit()
    everything = client.get("/").text
    assert 'role="search"' in everything and "passar." not in everything
    assert titles(client.get("/?q=UNGA").text) == ["Bokprat för unga"]  # title or summary, any case
    assert titles(client.get("/?typ=natverkstraff").text) == ["Digitalt nätverk"]
    assert titles(client.get("/?satt=digitalt").text) == ["Digitalt nätverk"]
    assert "Digitalt nätverk" not in titles(client.get("/?satt=plats").text)
    with app.app_context():
        varnamo = db.session.scalar(select(Municipality.id).where(Municipality.name == "Värnamo"))
    assert titles(client.get(f"/?kommun={varnamo}").text) == ["Fullt i Värnamo"]
    assert "Fullt i Värnamo" not in titles(client.get("/?lediga=1").text)
    assert titles(client.get(f"/?omrade={reading}&q=dag").text) == ["Bokprat för unga"]
    page = client.get("/?q=unga&typ=kurs").text
    assert '<p role="status" class="result-count">1 evenemang passar.</p>' in page
    assert 'value="unga"' in page and '<option value="kurs" selected>' in page  # kept
    assert "Prenumerera på det här urvalet" in page
    none = client.get("/?q=finnsinte").text
    assert "0 evenemang passar." in none and "Inga kommande evenemang passar" in none
    assert client.get("/?manad=2026-13&omrade=x&typ=nej").status_code == 200  # ignored


def test_the_selection_is_a_calendar_feed(app, client):
    with app.app_context():
        make_event(title="En kurs")
        make_event(title="En träff", kind=EventKind.NETWORK_MEETING)
        db.session.commit()
    page = client.get("/?typ=natverkstraff").text
    feed = re.search(r'href="webcal://[^/]+(/kalender\.ics\?[^"]+)"', page).group(1)
    calendar = icalendar.Calendar.from_ical(client.get(feed.replace("&amp;", "&")).data)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["En träff"]


def test_a_count_past_its_limit_says_more_than(app, client, monkeypatch):
    """Counting every match of a filter that reads each event's seats would grow with the
    calendar: the count stops one past its limit and says "more than"."""
    monkeypatch.setattr(listings, "COUNT_UP_TO", 2)
    with app.app_context():
        for n in range(3):
            make_event(title=f"Kurs {n}", capacity=5)
        db.session.commit()
    many = client.get("/?typ=kurs&lediga=1").text
    assert '<p role="status" class="result-count">Fler än 2 evenemang passar.</p>' in many
    assert all(f"Kurs {n}" in many for n in range(3))
    monkeypatch.setattr(listings, "COUNT_UP_TO", 3)
    assert "3 evenemang passar." in client.get("/?typ=kurs&lediga=1&n=1").text
