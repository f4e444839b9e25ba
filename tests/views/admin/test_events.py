"""Creating and editing events through the coordinator's form, as a coordinator would."""

import re

import icalendar
import pytest
from helpers import applicant, calendar_part, deliver, make_event, stockholm, submit
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Event, EventStatus
from eventreg.services.registrations import register


def event_form(**overrides) -> dict:
    day = stockholm(30).date()
    data = {
        "kind": "course",
        "title": "Läsfrämjande för vuxna",
        "summary": "En dag om läsecirklar.",
        "description": "**Välkommen!**\n\n<script>alert(1)</script>",
        "audience": "All personal",
        "focus_area_id": "",
        "organiser": "Biblioteksutveckling",
        "contact_name": "Karin Lindqvist",
        "contact_email": "karin@region.se",
        "venue": "Stadsbiblioteket",
        "address": "Dag Hammarskjölds plats 1, Jönköping",
        "capacity": "25",
        "registration_deadline": str(stockholm(20).date()),
        "sessions-0-day": str(day),
        "sessions-0-starts": "09:00",
        "sessions-0-ends": "12:00",
        "save": "Spara",
    }
    data.update(overrides)
    return data


def errors(response) -> list[str]:
    return re.findall(
        r'class="error-message"[^>]*>(?:<span class="visually-hidden">Fel: </span>)?([^<]*)<',
        response.get_data(as_text=True),
    )


def only_event(app) -> Event:
    return db.session.scalars(select(Event)).one()


def test_create_a_draft_then_publish(app, coordinator_client):
    response = submit(coordinator_client, "/samordnare/evenemang/nytt", event_form())
    assert response.status_code == 302
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Utkastet är sparat" in page and "Utkast" in page
    with app.app_context():
        event = only_event(app)
        assert event.status == EventStatus.DRAFT
        assert event.sessions[0].starts_at == stockholm(30, 9)
        event_id = event.id
    assert coordinator_client.get(f"/evenemang/{event_id}").status_code == 404

    submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/publicera",
        {},
        page_url=f"/samordnare/evenemang/{event_id}",
    )
    public = coordinator_client.get(f"/evenemang/{event_id}").get_data(as_text=True)
    assert "Läsfrämjande för vuxna" in public
    assert "<strong>Välkommen!</strong>" in public
    assert "<script>alert(1)</script>" not in public


def test_add_a_session_without_javascript_and_save_two(app, coordinator_client):
    data = event_form(add_session="Lägg till tillfälle")
    del data["save"]
    page = submit(coordinator_client, "/samordnare/evenemang/nytt", data)
    html = page.get_data(as_text=True)
    assert 'name="sessions-1-day"' in html
    assert errors(page) == []
    second = str(stockholm(37).date())
    response = submit(
        coordinator_client,
        "/samordnare/evenemang/nytt",
        event_form(
            **{"sessions-1-day": second, "sessions-1-starts": "13:00", "sessions-1-ends": "15:00"}
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        assert [s.starts_at for s in only_event(app).sessions] == [
            stockholm(30, 9),
            stockholm(37, 13),
        ]


def test_markdown_preview_shows_the_sanitised_description(coordinator_client):
    data = event_form(preview="Förhandsgranska beskrivningen")
    del data["save"]
    html = submit(coordinator_client, "/samordnare/evenemang/nytt", data).get_data(as_text=True)
    assert "Förhandsgranskning av beskrivningen" in html
    assert "<strong>Välkommen!</strong>" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Ge evenemanget en titel."),
        ({"sessions-0-ends": "08:00"}, "Sluttiden måste vara efter starttiden."),
        (
            {"registration_deadline": str(stockholm(31).date())},
            "Sista anmälningsdag måste vara före dagen för första tillfället",
        ),
        ({"capacity": "-3"}, "Ange ett antal från 1 och uppåt."),
        ({"capacity": "många"}, "Inte ett giltigt heltal"),
        ({"contact_email": "karin"}, "Skriv en e-postadress som namn@exempel.se."),
        ({"online_url": "javascript:alert(1)"}, "Ange en hel adress som börjar med https://."),
        ({"sessions-0-day": "31/31/2026"}, "Inte ett giltigt datum"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(
    app, coordinator_client, overrides, message
):
    response = submit(coordinator_client, "/samordnare/evenemang/nytt", event_form(**overrides))
    assert response.status_code == 422
    assert any(e.startswith(message) for e in errors(response)), errors(response)
    assert (
        "Läsfrämjande för vuxna" in response.get_data(as_text=True) or overrides.get("title") == ""
    )
    with app.app_context():
        assert db.session.scalars(select(Event)).all() == []


def test_editing_a_published_event_updates_attendees_calendars(app, coordinator_client, smtp):
    with app.app_context():
        event = make_event(days=30, capacity=5)
        register(
            event.id,
            applicant(name="Anna", email="anna@bibliotek.se"),
        )
        db.session.commit()
        event_id = event.id
        (invite,) = deliver(smtp)
    page = coordinator_client.get(f"/samordnare/evenemang/{event_id}/redigera").get_data(
        as_text=True
    )
    assert 'value="Bokprat för unga läsare"' in page
    response = submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/redigera",
        {
            **event_form(
                title="Bokprat för unga läsare",
                **{
                    "sessions-0-day": str(stockholm(30).date()),
                    "sessions-0-starts": "10:00",
                    "sessions-0-ends": "13:00",
                },
            ),
            "sessions-0-session_id": re.search(
                r'name="sessions-0-session_id" type="hidden" value="(\d+)"', page
            ).group(1),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        (update,) = deliver(smtp)
    assert update["Subject"] == "Ändrat: Bokprat för unga läsare"
    old = icalendar.Calendar.from_ical(calendar_part(invite).get_content()).walk("VEVENT")[0]
    new = icalendar.Calendar.from_ical(calendar_part(update).get_content()).walk("VEVENT")[0]
    assert new["UID"] == old["UID"] and new["SEQUENCE"] > old["SEQUENCE"]
    assert new.decoded("DTSTART") == stockholm(30, 10)


def test_lowering_capacity_below_the_confirmed_is_explained(app, coordinator_client):
    with app.app_context():
        event = make_event(days=30, capacity=5)
        for n in range(3):
            register(
                event.id,
                applicant(name=f"P{n}", email=f"p{n}@b.se"),
            )
        db.session.commit()
        event_id, session_id = event.id, event.sessions[0].id
    response = submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/redigera",
        event_form(capacity="2", **{"sessions-0-session_id": str(session_id)}),
    )
    assert response.status_code == 422
    assert any("Det finns redan 3 bekräftade deltagare" in e for e in errors(response))


def test_cancel_an_event_with_a_message_to_everyone(app, coordinator_client, smtp):
    with app.app_context():
        event = make_event(capacity=5)
        register(
            event.id,
            applicant(name="Anna", email="anna@bibliotek.se"),
        )
        db.session.commit()
        event_id = event.id
        deliver(smtp)
    confirm = coordinator_client.get(f"/samordnare/evenemang/{event_id}/stall-in").get_data(
        as_text=True
    )
    assert "1 bekräftade och 0 på reservlistan" in confirm
    submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/stall-in",
        {"message": "Kursledaren är sjuk."},
    )
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["Subject"].startswith("Inställt:")
    assert calendar_part(mail).get_param("method") == "CANCEL"
    assert "INSTÄLLT" in coordinator_client.get(f"/evenemang/{event_id}").get_data(as_text=True)


def test_duplicate_opens_the_copy_for_editing(app, coordinator_client):
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    response = submit(
        coordinator_client,
        f"/samordnare/evenemang/{event_id}/kopiera",
        {},
        page_url=f"/samordnare/evenemang/{event_id}",
    )
    assert re.fullmatch(r"/samordnare/evenemang/\d+/redigera", response.headers["Location"])
    assert f"/{event_id}/" not in response.headers["Location"]


def test_delete_a_draft_after_confirming(app, coordinator_client):
    with app.app_context():
        event_id = make_event(publish=False).id
        db.session.commit()
    assert "Ta bort utkastet" in coordinator_client.get(
        f"/samordnare/evenemang/{event_id}/ta-bort"
    ).get_data(as_text=True)
    submit(coordinator_client, f"/samordnare/evenemang/{event_id}/ta-bort", {})
    assert coordinator_client.get(f"/samordnare/evenemang/{event_id}").status_code == 404
    assert "tog bort utkastet" in coordinator_client.get("/samordnare/logg").get_data(as_text=True)


def test_a_contact_address_is_kept_as_mail_can_send_it(app, coordinator_client):
    refused = submit(
        coordinator_client, "/samordnare/evenemang/nytt", event_form(contact_email="åsa@exämple.se")
    )
    assert refused.status_code == 422
    assert any("utan å, ä, ö" in message for message in errors(refused))
    accepted = submit(
        coordinator_client, "/samordnare/evenemang/nytt", event_form(contact_email="asa@exämple.se")
    )
    assert accepted.status_code == 302
    with app.app_context():
        assert only_event(app).contact_email == "asa@xn--exmple-cua.se"


def test_a_51st_session_is_refused_with_a_message_not_dropped(app, coordinator_client):
    day = stockholm(40).date()
    sessions = {}
    for n in range(51):
        sessions.update(
            {
                f"sessions-{n}-day": str(day),
                f"sessions-{n}-starts": f"{8 + n // 6:02d}:{(n % 6) * 10:02d}",
                f"sessions-{n}-ends": f"{8 + n // 6:02d}:{(n % 6) * 10 + 5:02d}",
            }
        )
    response = submit(coordinator_client, "/samordnare/evenemang/nytt", event_form(**sessions))
    assert response.status_code == 422
    assert "högst 50 tillfällen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Event)).all() == []


@pytest.mark.parametrize("value", ["²", "9" * 20, "-1", "x"])
def test_an_odd_session_id_in_the_form_is_a_new_session_not_a_crash(app, coordinator_client, value):
    response = submit(
        coordinator_client,
        "/samordnare/evenemang/nytt",
        event_form(**{"sessions-0-session_id": value}),
    )
    assert response.status_code == 302
