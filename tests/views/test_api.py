"""The public API, checked against its own OpenAPI 3.1 document by openapi-core."""

import pytest
from helpers import counting, make_event, sign_up
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from werkzeug.wrappers import Request

from eventreg.extensions import db
from eventreg.models import Event, EventKind


@pytest.fixture
def api(client):
    """The document as served, validated as OpenAPI 3.1; checks a response against it."""
    document = OpenAPI.from_dict(client.get("/api/v1/openapi.json").json)

    def checked(url: str):
        response = client.get(url)
        document.validate_response(
            WerkzeugOpenAPIRequest(Request(response.request.environ)),
            WerkzeugOpenAPIResponse(response),
        )
        return response

    return checked


def test_events_are_listed_filtered_and_described_as_the_document_says(app, client, api):
    with app.app_context():
        course = make_event(title="Bokprat", capacity=2)
        sign_up(course, 1)
        make_event(
            title="Nätverksträff",
            kind=EventKind.NETWORK_MEETING,
            capacity=None,
            online_url="https://teams.example.se/hemlig",
        )
        make_event(title="Utkast", publish=False)
        db.session.commit()
    listing = api("/api/v1/events")
    assert listing.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=300" in listing.headers["Cache-Control"]
    found = {e["title"]: e for e in listing.json["events"]}
    assert set(found) == {"Bokprat", "Nätverksträff"}  # no drafts
    assert found["Bokprat"]["seats_left"] == 1 and found["Bokprat"]["sign_up"] == "open"
    assert found["Nätverksträff"]["attendance"] == "both"
    assert "hemlig" not in listing.text and "person1@" not in listing.text  # no link, no people
    courses = api("/api/v1/events?typ=kurs").json["events"]
    assert [e["title"] for e in courses] == ["Bokprat"]
    one = api(f"/api/v1/events/{found['Bokprat']['id']}")
    assert one.json["sessions"][0]["starts_at"]
    again = client.get("/api/v1/events", headers={"If-None-Match": listing.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/api/v1/events/999999").status_code == 404


def test_a_kept_answer_follows_every_sign_up_and_change(app, client):
    """Answers are kept rendered in memory, as the calendar is: a seat taken, or an event
    changed, shows in the next answer once the second a worker trusts its answer has passed."""
    app.config["API_FRESH_SECONDS"] = 0
    with app.app_context():
        event = make_event(title="Bokprat", capacity=3)
        db.session.commit()
        event_id = event.id

    def seats() -> int:
        (listed,) = client.get("/api/v1/events").json["events"]
        return listed["seats_left"]

    assert seats() == seats() == 3
    with app.app_context():
        sign_up(db.session.get(Event, event_id), 1)
    assert seats() == 2
    with app.app_context():
        db.session.get(Event, event_id).title = "Bokprat för vuxna"
        db.session.commit()
    assert client.get("/api/v1/events").json["events"][0]["title"] == "Bokprat för vuxna"


def test_within_a_second_a_kept_answer_is_given_without_asking_the_database(app, client):
    with app.app_context():
        make_event(title="Bokprat")
        db.session.commit()
        engine = db.engine
    first = client.get("/api/v1/events?typ=kurs")
    with counting(engine) as statements:
        again = client.get("/api/v1/events?typ=kurs")
    assert statements == [] and again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
