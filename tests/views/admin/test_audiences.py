"""An administrator keeps the list of audiences; coordinators pick from it or type a one-off."""

import re

import pytest
from helpers import csrf_token, login

from eventreg.extensions import db
from eventreg.models import Audience, Event


@pytest.fixture
def admin_client(app, administrator):
    client = app.test_client()
    login(client, administrator)
    return client


def post(client, url: str, data: dict):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def test_an_admin_adds_an_audience_that_the_event_form_offers_and_the_english_page_names(
    app, admin_client
):
    saved = post(
        admin_client,
        "/samordnare/malgrupper",
        {"name": "Barnbibliotekarier", "name_en": "Children's librarians"},
    )
    assert "Målgruppen är sparad." in saved.get_data(as_text=True)
    twin = post(admin_client, "/samordnare/malgrupper", {"name": "barnbibliotekarier"})
    assert twin.status_code == 422
    assert 'id="name-error"' in twin.get_data(as_text=True)
    assert "Listan har redan den målgruppen." in twin.get_data(as_text=True)

    form = admin_client.get("/samordnare/evenemang/nytt").get_data(as_text=True)
    select = re.search(r'<select[^>]*name="audience_id".*?</select>', form, re.S).group(0)
    assert "Barnbibliotekarier" in select and "Annan – skriv den nedan" in select
    with app.app_context():
        audience_id = db.session.query(Audience.id).scalar()
    assert f'value="{audience_id}"' in select


def test_neither_a_listed_nor_a_typed_audience_is_told_next_to_the_list(app, admin_client):
    html = post(
        admin_client,
        "/samordnare/evenemang/nytt",
        {"kind": "course", "title": "Bokprat", "audience_id": "", "audience": ""},
    ).get_data(as_text=True)
    assert 'id="audience_id-error"' in html
    assert "Välj en målgrupp i listan, eller skriv en annan." in html
    with app.app_context():
        assert db.session.query(Event).count() == 0
