"""Calendar files served over HTTP: the subscribable feeds and an event's download.

A subscriber's calendar polls the feed for months, so its validators must be honest; the
download must never fight the invite a registered person already has.
"""

import time
from email.utils import parsedate_to_datetime

import icalendar
from helpers import make_event

from eventreg.extensions import db
from eventreg.services import events


def test_the_feed_says_its_refresh_hints_as_durations(app, client):
    with app.app_context():
        make_event()
        db.session.commit()
    cal = icalendar.Calendar.from_ical(client.get("/kalender.ics").data)
    raw = client.get("/kalender.ics").get_data(as_text=True)
    assert "X-PUBLISHED-TTL:PT1H\r\n" in raw
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in raw
    assert cal["X-WR-CALNAME"]


def test_an_unchanged_feed_is_the_same_bytes_a_second_later_and_answers_304(app, client):
    with app.app_context():
        make_event(title="Bokcirkel")
        db.session.commit()
    first = client.get("/kalender.ics")
    started = time.time()
    time.sleep(1.1 - (started % 1) if started % 1 > 0.1 else 1.0)
    second = client.get("/kalender.ics")

    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    again = client.get(
        "/kalender.ics",
        headers={
            "If-None-Match": first.headers["ETag"],
            "If-Modified-Since": first.headers["Last-Modified"],
        },
    )
    assert again.status_code == 304


def modified_since(client, when: str, url: str = "/kalender.ics"):
    """A client that only knows Last-Modified, as some calendar apps poll."""
    return client.get(url, headers={"If-Modified-Since": when})


def test_last_modified_never_goes_back_when_an_event_leaves_the_feed(app, client):
    with app.app_context():
        make_event(title="Bokcirkel")
        db.session.commit()
        time.sleep(1.1)
        leaving = make_event(title="Flyttas till utkast")
        db.session.commit()
        leaving_id = leaving.id
    before = client.get("/kalender.ics")
    assert "Flyttas till utkast" in before.get_data(as_text=True)
    time.sleep(1.1)

    with app.app_context():
        events.unpublish_event(leaving_id)
        db.session.commit()
    after = modified_since(client, before.headers["Last-Modified"])
    assert after.status_code == 200
    assert "Flyttas till utkast" not in after.get_data(as_text=True)
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )

    time.sleep(1.1)
    with app.app_context():
        events.delete_draft(leaving_id)
        db.session.commit()
    deleted = client.get("/kalender.ics")
    assert parsedate_to_datetime(deleted.headers["Last-Modified"]) >= parsedate_to_datetime(
        after.headers["Last-Modified"]
    )
    # A client last seen before the event left must still be told that the feed changed.
    assert modified_since(client, before.headers["Last-Modified"]).status_code == 200


def test_a_forged_host_header_never_reaches_the_subscribe_links(app, client, network_id):
    with app.app_context():
        make_event()
        db.session.commit()
    attacker = app.test_client()
    for _ in range(4):
        attacker.get("/", headers={"Host": "evil.example"})
        attacker.get(f"/natverk/{network_id}", headers={"Host": "evil.example"})

    calendar = client.get("/").get_data(as_text=True)
    network = client.get(f"/natverk/{network_id}").get_data(as_text=True)

    assert 'href="webcal://kalendarium.test/kalender.ics"' in calendar
    assert f'href="webcal://kalendarium.test/natverk/{network_id}/kalender.ics"' in network
    assert "evil.example" not in calendar + network
    # Even the visitor who forged it is shown the real address.
    forged = attacker.get("/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "webcal://kalendarium.test/kalender.ics" in forged
