"""Course materials through the pages: uploaded by a coordinator, checked by content, given to
those who had a seat, and to anyone once public."""

import io
import re

from helpers import csrf_token, deliver, make_event, personal_link, sign_up
from werkzeug.test import EnvironBuilder

from eventreg.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 200


def upload(client, event_id: int, data: bytes, name: str, title: str = ""):
    """Post a file as the upload form does (the request body closed afterwards: a large one
    lies in a temporary file)."""
    url = f"/samordnare/evenemang/{event_id}/material"
    token = csrf_token(client.get(url).text)
    builder = EnvironBuilder(
        path=url,
        method="POST",
        data={
            "file-csrf_token": token,
            "file-file_title": title,
            "file-file": (io.BytesIO(data), name),
        },
    )
    try:
        return client.open(builder)
    finally:
        builder.close()


def test_a_file_is_checked_by_its_content_and_given_to_those_seated(
    app, client, coordinator_client, smtp
):
    with app.app_context():
        event = make_event(capacity=1)
        sign_up(event, 1)
        sign_up(event, 2)  # waiting
        event_id = event.id
        seated, waiting = (personal_link(m) for m in deliver(smtp))
    disguised = upload(coordinator_client, event_id, EXE, "bildspel.pdf")
    assert disguised.status_code == 422
    assert "Filen är inte en PDF" in disguised.text
    saved = upload(coordinator_client, event_id, PDF, "Bildspel dag 1.pdf", "Bildspelet")
    assert saved.status_code == 302
    listing = coordinator_client.get(f"/samordnare/evenemang/{event_id}/material").text
    assert "Bildspelet" in listing and "Bildspel dag 1.pdf" in listing
    page = client.get(seated).text
    assert "Bildspelet" in page
    url = re.search(r'href="(/anmalan/[^"]+/material/\d+)"', page).group(1)
    with client.get(url) as downloaded:
        assert downloaded.data == PDF and downloaded.mimetype == "application/pdf"
        assert "attachment" in downloaded.headers["Content-Disposition"]
    assert "Bildspelet" not in client.get(waiting).text
    assert client.get(url.replace(seated, waiting)).status_code == 404
    public_url = f"/evenemang/{event_id}/material/{url.rsplit('/', 1)[1]}"
    assert client.get(public_url).status_code == 404  # not public yet


def test_a_file_made_public_is_on_the_event_page_for_anyone(app, client, coordinator_client):
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    upload(coordinator_client, event_id, PDF, "program.pdf", "Programmet")
    listing = coordinator_client.get(f"/samordnare/evenemang/{event_id}/material").text
    action = re.search(r'action="([^"]+/offentligt)"', listing).group(1)
    coordinator_client.post(action, data={"csrf_token": csrf_token(listing)})
    page = client.get(f"/evenemang/{event_id}").text
    assert "Programmet" in page
    material_id = action.rsplit("/", 2)[1]
    with client.get(f"/evenemang/{event_id}/material/{material_id}") as downloaded:
        assert downloaded.data == PDF


def test_a_file_over_the_limit_is_refused_with_why(app, coordinator_client):
    app.config["MATERIAL_MAX_MB"] = 0.25  # small, so that the test's post stays in memory
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    too_big = upload(coordinator_client, event_id, PDF + b"0" * (300 * 1024), "stor.pdf")
    assert too_big.status_code == 422 and "Filen är för stor: högst 0.25 MB." in too_big.text
