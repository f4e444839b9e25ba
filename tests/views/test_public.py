"""The public pages as a visitor sees them."""

import icalendar
import pytest
from helpers import applicant, make_event, stockholm

from eventreg.extensions import db
from eventreg.models import EventKind
from eventreg.services.events import SessionTimes


@pytest.fixture
def events(app):
    with app.app_context():
        course = make_event(title="Bokprat för unga", days=10, capacity=2)
        meeting = make_event(
            title="Nätverksträff barn",
            kind=EventKind.NETWORK_MEETING,
            days=40,
            capacity=None,
            online_url="https://meet.test/hemlig",
            online_note="Teams-länk skickas till anmälda",
        )
        make_event(title="Utkast som ingen ska se", publish=False)
        make_event(title="Redan passerat", days=-3, deadline_days=-10)
        db.session.commit()
        return {"course": course.id, "meeting": meeting.id}


def test_calendar_lists_upcoming_published_events_by_month(client, events):
    html = client.get("/").get_data(as_text=True)
    assert "Bokprat för unga" in html
    assert "Nätverksträff barn" in html
    assert "Utkast som ingen ska se" not in html
    assert "Redan passerat" not in html
    assert html.index("Bokprat för unga") < html.index("Nätverksträff barn")
    month = stockholm(10).strftime("%m")
    swedish = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ]
    assert f"{swedish[int(month) - 1].capitalize()} {stockholm(10).year}" in html


def test_calendar_filters_by_kind(client, events):
    courses = client.get("/?typ=kurs").get_data(as_text=True)
    assert "Bokprat för unga" in courses and "Nätverksträff barn" not in courses
    meetings = client.get("/?typ=natverkstraff").get_data(as_text=True)
    assert "Nätverksträff barn" in meetings and "Bokprat för unga" not in meetings


def test_event_page_shows_what_a_librarian_needs(client, events):
    html = client.get(f"/evenemang/{events['course']}").get_data(as_text=True)
    assert "Stadsbiblioteket, Dag Hammarskjölds plats 1, Jönköping" in html
    assert "kl. 09.00–12.00" in html
    assert "Sista anmälningsdag" in html
    assert "2 platser kvar" in html
    assert "Karin Lindqvist" in html
    assert "Lägg till i kalender" in html


def test_meeting_link_is_never_on_the_public_page(client, events):
    html = client.get(f"/evenemang/{events['meeting']}").get_data(as_text=True)
    assert "Teams-länk skickas till anmälda" in html
    assert "meet.test/hemlig" not in html
    ics = client.get(f"/evenemang/{events['meeting']}/kalender.ics").get_data(as_text=True)
    assert "meet.test/hemlig" not in ics


def test_full_event_offers_the_waiting_list_and_closed_event_says_so(app, client):
    with app.app_context():
        from eventreg.services.registrations import register

        full = make_event(capacity=1)
        register(full.id, applicant(name="A", email="a@b.test"))
        closed = make_event(days=5, deadline_days=-1)
        db.session.commit()
        full_id, closed_id = full.id, closed.id
    assert "Fullbokat – anmäl dig till reservlistan" in client.get(
        f"/evenemang/{full_id}"
    ).get_data(as_text=True)
    closed_page = client.get(f"/evenemang/{closed_id}").get_data(as_text=True)
    assert "Anmälan stängd" in closed_page
    assert "Anmäl dig" not in closed_page


def test_drafts_and_unknown_events_are_not_found(client, events, app):
    with app.app_context():
        draft = make_event(publish=False)
        db.session.commit()
        draft_id = draft.id
    for url in (
        f"/evenemang/{draft_id}",
        "/evenemang/999999",
        f"/evenemang/{draft_id}/kalender.ics",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Sidan finns inte" in response.get_data(as_text=True)


def test_calendar_download_has_every_session_and_no_attendee(app, client):
    with app.app_context():
        event = make_event(
            sessions=[SessionTimes(stockholm(d, 9), stockholm(d, 12)) for d in (10, 17)]
        )
        db.session.commit()
        event_id = event.id
    response = client.get(f"/evenemang/{event_id}/kalender.ics")
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    assert cal["METHOD"] == "PUBLISH"
    events = cal.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [stockholm(10, 9), stockholm(17, 9)]
    assert all("ATTENDEE" not in e for e in events)


def test_privacy_page_says_what_is_kept_and_for_how_long(client):
    html = client.get("/personuppgifter").get_data(as_text=True)
    assert "allmänt intresse" in html
    assert "30 dagar" in html
    assert "2 år" in html


def test_pages_are_swedish_with_landmarks_and_a_skip_link(client, events):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert 'href="#main"' in html and "<main" in html and "<nav" in html and "<footer" in html


def test_the_calendar_pages_through_many_events_in_date_order(app, client):
    with app.app_context():
        for n in range(55):
            make_event(title=f"Kurs nummer {n:02d}", days=5 + n)
        db.session.commit()
    first = client.get("/").get_data(as_text=True)
    assert "Kurs nummer 00" in first and "Kurs nummer 49" in first and "Kurs nummer 50" not in first
    assert "Senare evenemang" in first and "Tidigare evenemang" not in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert (
        "Kurs nummer 50" in second and "Kurs nummer 54" in second and "Kurs nummer 49" not in second
    )
    assert "Tidigare evenemang" in second and "Senare evenemang" not in second
    for impossible in ("-3", "0", "abc", "²", "9" * 25):  # no such page, never a 500
        assert client.get(f"/?page={impossible}").status_code == 404


def test_the_privacy_page_says_what_happens_to_an_answer_in_a_calendar(app, client):
    assert "Trycker du <em>Nej</em>" not in client.get("/personuppgifter").get_data(as_text=True)
    app.config["IMAP_SERVER"] = "imap.region.test"  # answers are read: the page tells what then
    assert "Trycker du <em>Nej</em>" in client.get("/personuppgifter").get_data(as_text=True)
    client.get("/sprak/en")
    assert "If you press <em>No</em>" in client.get("/personuppgifter").get_data(as_text=True)
