"""An administrator keeps the organisation profile: every page and mail reads it."""

import io

import pytest
from helpers import csrf_token, login

from eventreg.extensions import db
from eventreg.models import AuditEntry

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PROFILE = {
    "name": "Region Gotland",
    "unit": "Regionbibliotek",
    "contact_email": "regionbibliotek@example.se",
    "data_controller": "Region Gotland",
    "sender_name": "Kalendarium – Regionbibliotek",
    "intro": "Kurser för bibliotekspersonal på Gotland.",
    "colour": "#1d4f91",
}


@pytest.fixture
def admin_client(app, administrator):
    client = app.test_client()
    login(client, administrator)
    return client


def post(client, data: dict):
    token = csrf_token(client.get("/samordnare/organisation").get_data(as_text=True))
    return client.post(
        "/samordnare/organisation",
        data={"csrf_token": token, **data},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_the_profile_is_saved_shown_on_every_page_and_audited(app, admin_client, client):
    saved = post(admin_client, {**PROFILE, "logo": (io.BytesIO(PNG), "logo.png")})
    assert "Organisationens uppgifter är sparade." in saved.get_data(as_text=True)

    calendar = client.get("/").get_data(as_text=True)
    assert (
        "<title>Kommande evenemang – Kalendarium – Regionbibliotek, Region Gotland</title>"
        in calendar
    )
    assert "Kurser för bibliotekspersonal på Gotland." in calendar
    assert '<img class="site-logo" src="/logotyp?v=' in calendar
    assert "--brand: #1d4f91" in client.get("/profil.css").get_data(as_text=True)
    logo = client.get("/logotyp")
    assert logo.mimetype == "image/png" and logo.data == PNG
    with app.app_context():
        entry = (
            db.session.query(AuditEntry).filter_by(action="sparade organisationens uppgifter").one()
        )
        assert "name" in entry.detail and "logo" in entry.detail


def test_a_colour_white_text_cannot_be_read_on_and_an_svg_with_a_script_are_refused(
    admin_client,
):
    light = post(admin_client, {**PROFILE, "colour": "#ffcc00"})
    assert light.status_code == 422
    html = light.get_data(as_text=True)
    assert 'id="colour-error"' in html and "WCAG AA kräver minst 4,5:1" in html
    assert 'value="Region Gotland"' in html  # what was typed is kept

    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = post(admin_client, {**PROFILE, "logo": (io.BytesIO(svg), "logo.svg")})
    assert refused.status_code == 422
    assert "Logotypen får inte innehålla skript eller länkar." in refused.get_data(as_text=True)
