"""Arbitrary text in every field of the sign-up form and in personal links: never a 500.

Whatever is sent, the answer is a redirect to the thanks page (and a complete registration) or
the form again with messages (and nothing stored).
"""

import itertools

import pytest
from helpers import csrf_token, make_event
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import Library, OutboxMessage, Registration

pytestmark = pytest.mark.usefixtures("app")

texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "Åsa Öberg 🎉",
            "\x00",
            "a\r\nBcc: x@y.se",
            "x" * 3000,
            "' OR 1=1 --",
        ]
    ),
)

#: A new client address for each example: the forms' rate limits count per client.
SENDERS = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))

hypothesis_settings = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def event_id(app):
    with app.app_context():
        event = make_event(capacity=3, serves_meal=True)
        db.session.commit()
        return event.id


@pytest.fixture
def library_id(app):
    with app.app_context():
        return str(db.session.scalar(select(Library.id)))


@hypothesis_settings
@given(
    name=texts,
    email=st.one_of(texts, st.emails(), st.sampled_from(["anna@vetlanda.se", "ANNA@Vetlanda.se "])),
    library=st.one_of(texts, st.sampled_from(["other", "valid"])),
    other=texts,
    free_text=texts,
    consent=st.sampled_from(["y", "", "nej"]),
)
def test_any_sign_up_input_is_stored_whole_or_not_at_all(
    app, client, event_id, library_id, name, email, library, other, free_text, consent
):
    page = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Registration))
    response = client.post(
        f"/evenemang/{event_id}/anmalan",
        data={
            "csrf_token": csrf_token(page),
            "name": name,
            "email": email,
            "library": library if library != "valid" else library_id,
            "other_workplace": other,
            "role_title": free_text,
            "dietary_needs": free_text,
            "accessibility_needs": free_text,
            "message": free_text,
            "consent": consent,
        },
        environ_base={"REMOTE_ADDR": next(SENDERS)},  # from many places: limits are per client
    )
    assert response.status_code in (302, 422)
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(Registration))
        if response.status_code == 422:
            assert after == before
            assert "Något behöver rättas" in response.get_data(as_text=True)
        else:
            assert after in (before, before + 1)  # a repeated address adds nothing
            newest = db.session.scalars(
                select(Registration).order_by(Registration.id.desc())
            ).first()
            assert newest.name and newest.email and (newest.library_id or newest.other_workplace)
            assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= after


@hypothesis_settings
@given(token=st.text(max_size=500))
def test_any_personal_link_is_refused_politely(client, token):
    for suffix in ("", "/avboka"):
        response = client.get(f"/anmalan/{token}{suffix}")
        assert response.status_code in (404, 308, 301)


@hypothesis_settings
@given(
    name=texts,
    email=st.one_of(texts, st.emails()),
    library=st.one_of(texts, st.just("valid")),
    consent=st.sampled_from(["y", ""]),
)
def test_any_input_to_the_network_join_form_is_handled(
    app, client, network_id, library_id, name, email, library, consent
):
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    response = client.post(
        f"/natverk/{network_id}",
        data={
            "csrf_token": csrf_token(page),
            "name": name,
            "email": email,
            "library": library_id if library == "valid" else library,
            "other_workplace": name,
            "consent": consent,
        },
        environ_base={"REMOTE_ADDR": next(SENDERS)},
    )
    assert response.status_code in (302, 422)
