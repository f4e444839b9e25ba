"""An administrator reads municipalities and libraries from a CSV: previewed, then applied."""

import io
import re

import pytest
from helpers import applicant, csrf_token, login, make_event
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import AuditEntry, Library, Municipality
from eventreg.services.registrations import register

URL = "/samordnare/bibliotek/fil"


@pytest.fixture
def admin_client(app, administrator):
    client = app.test_client()
    login(client, administrator)
    return client


def upload(client, text: str, encoding: str = "utf-8"):
    token = csrf_token(client.get(URL).get_data(as_text=True))
    return client.post(
        URL,
        data={
            "csrf_token": token,
            "file": (io.BytesIO(text.encode(encoding)), "bibliotek.csv"),
            "preview": "y",
        },
        content_type="multipart/form-data",
    )


def county(app) -> str:
    """The county's list as a spreadsheet would export it: semicolons, one line per library."""
    with app.app_context():
        rows = db.session.execute(
            select(Municipality.scb_code, Municipality.name, Library.name, Library.kind).join(
                Library.municipality
            )
        ).all()
    return "kommunkod;kommun;bibliotek;typ\n" + "".join(";".join(row) + "\n" for row in rows)


def test_a_file_is_previewed_then_applied_retiring_a_library_people_came_from(app, admin_client):
    with app.app_context():
        event = make_event()
        register(event.id, applicant(library="Vetlanda stadsbibliotek"))
        db.session.commit()
    text = (
        county(app)
        .replace(
            "0685;Vetlanda;Vetlanda stadsbibliotek;huvudbibliotek\n", ""
        )  # people came from it
        .replace("Habo bibliotek", "Habo kommunbibliotek")  # the one gone and one new: renamed
        .replace(";Aneby;", ";Aneby kommun;")  # same code: the municipality renamed
    ) + "0685;Vetlanda;Kvillsfors bokbuss;bokbuss\n"
    with app.app_context():
        before = db.session.scalar(select(Library).where(Library.name == "Vetlanda stadsbibliotek"))
        assert before.active

    preview = upload(admin_client, text, encoding="cp1252")  # as Excel saves it in Sweden
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, re.findall(r"error-message[^>]*>(.*?)</p>", html)
    assert "Aneby → Aneby kommun" in html
    assert "Habo bibliotek → Habo kommunbibliotek" in html
    assert "Kvillsfors bokbuss – bokbuss (Vetlanda)" in html
    assert "Bibliotek som stängs (finns kvar i statistiken) (1)" in html
    with app.app_context():  # nothing saved by looking
        assert db.session.scalar(select(Library).where(Library.name == "Habo bibliotek"))

    applied = admin_client.post(
        URL,
        data={"csrf_token": csrf_token(html), "text": text, "apply": "y"},
        follow_redirects=True,
    )
    assert "Biblioteken är inlästa: 4 ändringar." in applied.get_data(as_text=True)
    with app.app_context():
        retired = db.session.scalar(
            select(Library).where(Library.name == "Vetlanda stadsbibliotek")
        )
        assert not retired.active  # kept: a registration names it
        assert db.session.scalar(select(Library.id).where(Library.name == "Habo kommunbibliotek"))
        assert (
            db.session.scalar(select(Municipality.name).where(Municipality.scb_code == "0604"))
            == "Aneby kommun"
        )
        assert (
            db.session.query(AuditEntry).filter_by(action="läste in bibliotek från fil").count()
            == 1
        )
    again = upload(admin_client, text)
    assert "Filen stämmer med listan: inget att ändra" in again.get_data(as_text=True)


def test_a_wrong_code_kind_or_header_is_told_by_line_and_nothing_changes(app, admin_client):
    wrong = upload(
        admin_client,
        "kommunkod,kommun,bibliotek,typ\n685,Vetlanda,Nytt bibliotek,filial\n"
        "0685,Vetlanda,Annat bibliotek,kiosk\n",
    )
    assert wrong.status_code == 422
    html = wrong.get_data(as_text=True)
    assert 'id="file-error"' in html
    assert "Rad 2: kommunkoden ”685” är inte en kommunkod från SCB" in html
    assert "Rad 3: typen ”kiosk” ska vara en av huvudbibliotek, filial, bokbuss, annat." in html

    headless = upload(admin_client, "0685,Vetlanda,Nytt bibliotek,filial\n")
    assert "Filen saknar kolumnerna" in headless.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Library.id).where(Library.name == "Nytt bibliotek")) is None
