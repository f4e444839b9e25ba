"""Course certificates through the pages: the attendee downloads theirs from the personal page,
anyone checks one by its code, coordinators download them from the attendance page."""

import io
import re

from helpers import deliver, held_course, login, mark, personal_link
from pypdf import PdfReader
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Certificate, Role
from eventreg.services.accounts import create_user


def pdf_text(response) -> str:
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    return PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def test_the_attendee_downloads_it_and_its_url_tells_anyone_it_is_genuine(app, client, smtp):
    with app.app_context():
        create_user("karin@region.se", "Karin Lindqvist", "ett-långt-lösenord", Role.COORDINATOR)
        event, (asa, bo, _cia) = held_course()
        link = {m["To"]: personal_link(m) for m in deliver(smtp) if "Bekräftelse" in m["Subject"]}
        mark(event, {0: {asa, bo}, 1: {asa, bo}, 2: {asa}})
        code = db.session.scalar(select(Certificate.code))
    asa_link = next(url for to, url in link.items() if "Åsa" in to)
    page = client.get(asa_link).text
    assert "Ladda ner kursintyget (PDF)" in page
    text = pdf_text(client.get(f"{asa_link}/kursintyg.pdf"))
    assert "Åsa Öberg" in text and code in text
    url = re.search(r"https://kalendarium\.test(/intyg/\S+)", text).group(1)
    checked = client.get(url)
    assert checked.status_code == 200
    assert "Giltigt kursintyg" in checked.text and "Åsa Öberg" in checked.text
    assert "person0@bibliotek.se" not in checked.text  # name, course and date: nothing more
    bo_link = next(url for to, url in link.items() if "Bo Ek" in to)
    assert "Ladda ner kursintyget" not in client.get(bo_link).text
    missing = client.get(f"{bo_link}/kursintyg.pdf")
    assert missing.status_code == 404
    assert "Det finns inget kursintyg för den här anmälan." in missing.text


def test_a_wrong_or_revoked_code_is_not_valid_and_a_typed_one_is_found(app, client, coordinator):
    with app.app_context():
        event, (asa, _bo, _cia) = held_course()
        mark(event, {0: {asa}, 1: {asa}, 2: {asa}})
        code = db.session.scalar(select(Certificate.code))
    typed = client.get("/intyg", query_string={"kod": code.lower().replace("-", " ")})
    assert typed.headers["Location"] == f"/intyg/{code}"
    assert client.get(f"/intyg/{code}").status_code == 200
    wrong = client.get("/intyg/AAAA-BBBB-CCCC")
    assert wrong.status_code == 404 and "Intyget är inte giltigt" in wrong.text
    with app.app_context():
        mark(db.session.merge(event), {})  # attendance corrected: nobody came
    revoked = client.get(f"/intyg/{code}")
    assert revoked.status_code == 404 and "Intyget är inte giltigt" in revoked.text
    assert "Åsa" not in revoked.text


def test_coordinators_download_certificates_from_the_attendance_page(app, client, coordinator):
    with app.app_context():
        event, (asa, _bo, _cia) = held_course()
        mark(event, {0: {asa}, 1: {asa}, 2: {asa}})
        event_id, asa_id = event.id, asa.id
    url = f"/samordnare/evenemang/{event_id}/kursintyg/{asa_id}.pdf"
    assert client.get(url).status_code == 302  # to sign in
    login(client, coordinator)
    page = client.get(f"/samordnare/evenemang/{event_id}/narvaro").text
    assert "Kursintyg för Åsa Öberg" in page
    assert "Åsa Öberg" in pdf_text(client.get(url))
