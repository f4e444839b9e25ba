"""The attendee list and what a coordinator does with it: add, give a seat, cancel, export, mark."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from helpers import applicant, calendar_part, csrf_token, deliver, make_event, submit
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Attendance, Library, OutboxMessage, OutboxStatus, Registration
from eventreg.models.base import utcnow
from eventreg.services.registrations import register


@pytest.fixture
def event_id(app):
    """A two-seat event with two seated people and one waiting."""
    with app.app_context():
        event = make_event(capacity=2, serves_meal=True)
        library = db.session.scalar(
            select(Library).where(Library.name == "Vetlanda stadsbibliotek")
        )
        for name, email in (
            ("Åsa Öberg", "asa@vetlanda.se"),
            ("Bo Ek", "bo@eksjo.se"),
            ("Cia Al", "cia@habo.se"),
        ):
            register(
                event.id,
                applicant(name=name, email=email, library_id=library.id, dietary_needs="Vegan"),
            )
        db.session.commit()
        return event.id


def registration_id(app, email):
    with app.app_context():
        return db.session.scalar(select(Registration.id).where(Registration.email == email))


def test_the_list_shows_seats_waiting_list_and_counts_per_place(coordinator_client, event_id):
    html = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare").get_data(
        as_text=True
    )
    assert "Bekräftade deltagare (2)" in html
    assert "Reservlista (1)" in html
    assert "Åsa Öberg" in html and "Kost: Vegan" in html
    assert "0685" in html and "Vetlanda stadsbibliotek" in html


def test_search_finds_by_name_or_email(coordinator_client, event_id):
    html = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare?sok=eksjo").get_data(
        as_text=True
    )
    assert "Bo Ek" in html and "Åsa Öberg" not in html


def test_add_a_person_after_the_deadline(app, coordinator_client, smtp):
    with app.app_context():
        event = make_event(days=5, deadline_days=-1, capacity=10)
        db.session.commit()
        closed_id = event.id
    response = submit(
        coordinator_client,
        f"/samordnare/evenemang/{closed_id}/deltagare/ny",
        {
            "name": "Sen Anmälan",
            "email": "sen@example.se",
            "library": "other",
            "other_workplace": "Regionen",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["Subject"].startswith("Bekräftelse:")
    again = submit(
        coordinator_client,
        f"/samordnare/evenemang/{closed_id}/deltagare/ny",
        {
            "name": "Sen Anmälan",
            "email": "sen@example.se",
            "library": "other",
            "other_workplace": "Regionen",
        },
    )
    assert again.status_code == 422
    assert "Den här personen är redan anmäld." in again.get_data(as_text=True)


def test_give_a_seat_from_the_waiting_list_adds_a_seat_when_full(
    app, coordinator_client, smtp, event_id
):
    with app.app_context():
        deliver(smtp)
    waiting = registration_id(app, "cia@habo.se")
    submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/deltagare/{waiting}/ge-plats",
        {},
        page_url=f"/samordnare/evenemang/{event_id}/deltagare",
    )
    html = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare").get_data(
        as_text=True
    )
    assert "Bekräftade deltagare (3)" in html and "av 3 platser" in html
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["Subject"].startswith("Du har fått en plats")
    assert calendar_part(mail).get_param("method") == "REQUEST"


def test_cancel_on_someones_behalf_promotes_the_next(app, coordinator_client, smtp, event_id):
    with app.app_context():
        deliver(smtp)
    seated = registration_id(app, "asa@vetlanda.se")
    url = f"/samordnare/evenemang/{event_id}/deltagare/{seated}/avboka"
    assert "Avboka Åsa Öberg?" in coordinator_client.get(url).get_data(as_text=True)
    submit(coordinator_client, url, {})
    with app.app_context():
        cancellation, promotion = deliver(smtp)
    assert "Arrangören har avbokat din anmälan" in cancellation.get_body(("plain",)).get_content()
    assert calendar_part(cancellation).get_param("method") == "CANCEL"
    assert promotion["To"].startswith("Cia Al")


def test_csv_export_opens_in_excel_with_swedish_letters(coordinator_client, event_id):
    response = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Namn", "E-post", "Arbetsplats"]
    assert rows[1][:5] == [
        "Åsa Öberg",
        "asa@vetlanda.se",
        "Vetlanda stadsbibliotek",
        "Vetlanda",
        "0685",
    ]
    assert rows[0][6:9] == ["Status", "Deltar", "Plats på reservlistan"]
    assert rows[3][6:9] == ["Reservlista", "", "1"]  # one way of taking part: no choice made


def test_xlsx_export_has_every_person(coordinator_client, event_id):
    response = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Åsa Öberg",
        "Bo Ek",
        "Cia Al",
    ]


def test_formulas_in_names_are_exported_as_text(app, coordinator_client):
    with app.app_context():
        event = make_event()
        register(
            event.id,
            applicant(
                name='=HYPERLINK("http://evil")',
                email="x@y.se",
                library_id=None,
                other_workplace="X",
            ),
        )
        db.session.commit()
        event_id = event.id
    rows = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare.csv").data.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in rows


def test_sign_in_sheet_lists_seated_names_sorted(coordinator_client, event_id):
    html = coordinator_client.get(f"/samordnare/evenemang/{event_id}/namnlista").get_data(
        as_text=True
    )
    assert html.index("Bo Ek") < html.index("Åsa Öberg")
    assert "Cia Al" not in html
    assert "Namnteckning" in html


def test_attendance_is_marked_per_session(app, coordinator_client, event_id):
    with app.app_context():
        from eventreg.models import Event

        event = db.session.get(Event, event_id)
        event.sessions[0].starts_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
    page = coordinator_client.get(f"/samordnare/evenemang/{event_id}/narvaro").get_data(
        as_text=True
    )
    came = registration_id(app, "bo@eksjo.se")
    coordinator_client.post(
        f"/samordnare/evenemang/{event_id}/narvaro",
        data={"csrf_token": csrf_token(page), "kom": [str(came)]},
    )
    with app.app_context():
        marks = dict(
            db.session.execute(select(Attendance.registration_id, Attendance.present)).all()
        )
    assert marks == {came: True, registration_id(app, "asa@vetlanda.se"): False}


def test_a_message_goes_to_everyone_seated(app, coordinator_client, smtp, event_id):
    with app.app_context():
        deliver(smtp)
    submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/meddelande",
        {"subject": "Ändrad sal", "message": "Vi ses i sal 2."},
    )
    with app.app_context():
        mails = deliver(smtp)
    assert sorted(m["To"] for m in mails) == ["Bo Ek <bo@eksjo.se>", "Åsa Öberg <asa@vetlanda.se>"]
    assert "Vi ses i sal 2." in mails[0].get_body(("plain",)).get_content()


def test_outbox_shows_failures_and_retries_them(app, coordinator_client, smtp, event_id):
    smtp.refused.add("bo@eksjo.se")
    with app.app_context():
        deliver(smtp)
        failed = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
        )
        failed_id = failed.id
    listing = coordinator_client.get("/samordnare/utskick?status=failed").get_data(as_text=True)
    assert "bo@eksjo.se" in listing and "Misslyckades" in listing and "550" in listing
    detail = coordinator_client.get(f"/samordnare/utskick/{failed_id}").get_data(as_text=True)
    assert "BEGIN:VCALENDAR" in detail and "METHOD:REQUEST" in detail
    smtp.refused.clear()
    submit(
        coordinator_client,
        f"/samordnare/utskick/{failed_id}/skicka-igen",
        {},
        page_url=f"/samordnare/utskick/{failed_id}",
    )
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["To"] == "Bo Ek <bo@eksjo.se>"
