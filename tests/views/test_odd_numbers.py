"""Every id and page number from a URL, query or form: 404 or a message, never a 500.

A digit that is not ASCII ("²" passes str.isdigit but not int), a number too large for the
database, or one of 5,000 digits once gave 500s on public and coordinator pages alike.
"""

import re

import pytest
from helpers import csrf_token, make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventreg.extensions import db

ODD = st.one_of(
    st.integers(min_value=2**31, max_value=10**30).map(str),
    st.sampled_from(["²", "٣", "0", "-1", "1e3", "9" * 25, "9" * 5000, " 7", "7 "]),
)


@pytest.fixture
def event_id(app):
    with app.app_context():
        event = make_event()
        db.session.commit()
        return event.id


def every_url(app, number: str) -> list[tuple[str, str]]:
    """(method, url) for every route, each of its ids written as ``number``."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.logout"):  # signing out would end the test's session
            continue
        path = re.sub(r"<int:[^>]+>", number, rule.rule)
        path = re.sub(r"<any\(([^,)]+)[^>]*>", lambda m: m.group(1).strip("'\" "), path)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(number=ODD)
def test_no_route_gives_a_500_for_an_odd_number(app, coordinator_client, number):
    anonymous = app.test_client()
    token = csrf_token(coordinator_client.get("/samordnare/evenemang/nytt").get_data(as_text=True))
    for method, url in every_url(app, number):
        for client in (anonymous, coordinator_client):
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": token})
            assert response.status_code < 500, (method, url, response.status_code)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(number=ODD)
def test_page_numbers_and_query_ids_are_range_checked(app, coordinator_client, event_id, number):
    for url in (
        f"/?page={number}",
        f"/samordnare/utskick?page={number}",
        f"/samordnare/logg?page={number}",
        f"/samordnare/utskick/kalendersvar?page={number}",
        f"/samordnare/evenemang/{event_id}/narvaro?tillfalle={number}",
    ):
        client = coordinator_client if url.startswith("/samordnare") else app.test_client()
        assert client.get(url).status_code in (200, 404), url


@pytest.mark.parametrize("value", ["²", "9" * 30, "9" * 5000, "-4", "0"])
def test_an_odd_library_is_a_message_at_the_field(app, client, event_id, value):
    url = f"/evenemang/{event_id}/anmalan"
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "name": "Anna",
            "email": "anna@bibliotek.se",
            "library": value,
            "consent": "y",
        },
    )
    assert response.status_code == 422
    assert "Välj din arbetsplats i listan." in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["²", "9" * 30, "abc"])
def test_an_odd_attendance_mark_is_ignored(app, coordinator_client, event_id, value):
    url = f"/samordnare/evenemang/{event_id}/narvaro"
    token = csrf_token(coordinator_client.get(url).get_data(as_text=True))
    response = coordinator_client.post(url, data={"csrf_token": token, "kom": value})
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["", ".csv", ".xlsx"])
def test_statistics_far_outside_any_term_is_a_message(coordinator_client, kind):
    response = coordinator_client.get(
        f"/samordnare/statistik{kind}?fran=0001-01-01&till=9999-12-31"
    )
    assert response.status_code == 422
    assert "Välj ett datum mellan år 2000 och 2099" in response.get_data(as_text=True)
