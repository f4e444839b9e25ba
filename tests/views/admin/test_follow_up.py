"""Statistics per term, a person's data on request, and the administrators' pages."""

import csv
import html
import io
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from helpers import (
    applicant,
    csrf_token,
    focus_area,
    login,
    make_event,
    sign_up,
    stockholm,
    submit,
)
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Attendance, Library, Municipality, QuestionKind, Registration, User
from eventreg.services import plans, questions
from eventreg.services.plans import AreaText
from eventreg.services.questions import ChoiceText, QuestionText
from eventreg.services.registrations import register


@pytest.fixture
def held_event(app):
    """An event held this month: two from Vetlanda seated (one came, one did not), one from Habo."""
    with app.app_context():
        event = make_event(
            days=3,
            capacity=5,
            focus_area_id=focus_area("Läsfrämjande, berättelser och bildning"),
            audience="Barnbibliotekarier",
        )
        libraries = {lib.name: lib.id for lib in db.session.scalars(select(Library))}
        people = [
            register(event.id, applicant(name=n, email=e, library_id=libraries[lib]))
            for n, e, lib in (
                ("Åsa", "asa@vetlanda.se", "Vetlanda stadsbibliotek"),
                ("Bo", "bo@vetlanda.se", "Vetlanda stadsbibliotek"),
                ("Cia", "cia@habo.se", "Habo bibliotek"),
            )
        ]
        session = event.sessions[0]
        db.session.add_all(
            [
                Attendance(registration_id=people[0].id, session_id=session.id, present=True),
                Attendance(registration_id=people[1].id, session_id=session.id, present=False),
            ]
        )
        db.session.commit()
        return event.id


def period(days_before=10, days_after=10) -> dict:
    return {"fran": str(stockholm(-days_before).date()), "till": str(stockholm(days_after).date())}


def test_statistics_per_municipality_with_attendance_and_absent_municipalities(
    coordinator_client, held_event
):
    html = coordinator_client.get("/samordnare/statistik", query_string=period()).get_data(
        as_text=True
    )
    assert "<dt>Deltagare</dt><dd>3</dd>" in html
    assert "<dt>Kom</dt><dd>1</dd>" in html and "<dt>Uteblev</dt><dd>1</dd>" in html
    assert '<svg class="chart" role="img"' in html
    assert "Kommuner utan deltagare under perioden:" in html and "Aneby" in html
    assert "Läsfrämjande, berättelser och bildning" in html


def test_statistics_export_to_csv(coordinator_client, held_event):
    response = coordinator_client.get("/samordnare/statistik.csv", query_string=period())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert ["Vetlanda", "0685", "2", "1", "1"] in rows
    assert ["Habo", "0643", "1", "0", "0"] in rows


def test_an_event_outside_the_period_is_not_counted(coordinator_client, held_event):
    html = coordinator_client.get("/samordnare/statistik", query_string=period(30, -20)).get_data(
        as_text=True
    )
    assert "<dt>Evenemang</dt><dd>0</dd>" in html


def test_a_backwards_period_is_explained(coordinator_client):
    response = coordinator_client.get(
        "/samordnare/statistik", query_string={"fran": "2026-06-30", "till": "2026-01-01"}
    )
    assert response.status_code == 422
    assert "Slutdatum måste vara samma dag eller senare än startdatum." in response.get_data(
        as_text=True
    )


def test_a_person_sees_their_data_and_has_it_erased(app, coordinator_client, held_event):
    html = coordinator_client.get("/samordnare/personuppgifter?epost=asa@vetlanda.se").get_data(
        as_text=True
    )
    assert "Anmälningar (1)" in html and "Åsa" in html
    refused = coordinator_client.post(
        "/samordnare/personuppgifter/radera",
        data={"csrf_token": csrf_token(html), "email": "asa@vetlanda.se"},
    )
    assert refused.status_code == 422
    submit(
        coordinator_client,
        "/samordnare/personuppgifter/radera",
        {"email": "asa@vetlanda.se", "confirm": "y"},
        page_url="/samordnare/personuppgifter?epost=asa@vetlanda.se",
    )
    with app.app_context():
        assert (
            db.session.scalar(select(Registration).where(Registration.email == "asa@vetlanda.se"))
            is None
        )
    after = coordinator_client.get("/samordnare/personuppgifter?epost=asa@vetlanda.se").get_data(
        as_text=True
    )
    assert "Anmälningar (0)" in after


def test_an_administrator_creates_and_deactivates_an_account(app, administrator):
    client = app.test_client()
    login(client, administrator)
    short = submit(
        client, "/samordnare/konton", {"name": "Ny", "email": "ny@region.se", "password": "kort"}
    )
    assert "Lösenordet måste ha minst 12 tecken." in short.get_data(as_text=True)
    submit(
        client,
        "/samordnare/konton",
        {"name": "Ny Samordnare", "email": "ny@region.se", "password": "ett-långt-lösenord"},
    )
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "ny@region.se"))
    submit(client, f"/samordnare/konton/{user_id}/inaktivera", {}, page_url="/samordnare/konton")
    assert "Fel e-postadress eller lösenord." in login(app.test_client(), "ny@region.se").get_data(
        as_text=True
    )


def test_an_administrator_adds_a_library_and_fixes_a_municipality(app, administrator):
    client = app.test_client()
    login(client, administrator)
    with app.app_context():
        vetlanda = db.session.scalar(select(Municipality).where(Municipality.name == "Vetlanda"))
        vetlanda_id = vetlanda.id
    submit(
        client,
        "/samordnare/bibliotek",
        {
            "name": "Nya filialen",
            "kind": "filial",
            "municipality_id": str(vetlanda_id),
            "active": "y",
        },
    )
    form = client.get("/evenemang/999/anmalan")  # the form lists libraries only for real events
    assert form.status_code == 404
    with app.app_context():
        assert (
            db.session.scalar(select(Library.municipality_id).where(Library.name == "Nya filialen"))
            == vetlanda_id
        )
    bad = submit(
        client, f"/samordnare/kommuner/{vetlanda_id}", {"name": "Vetlanda", "scb_code": "685"}
    )
    assert "Kommunkoden är fyra siffror." in bad.get_data(as_text=True)
    taken = submit(
        client, f"/samordnare/kommuner/{vetlanda_id}", {"name": "Vetlanda", "scb_code": "0643"}
    )
    assert "En annan kommun har redan det värdet." in taken.get_data(as_text=True)


def test_attendance_cannot_be_marked_long_before_the_session(app, coordinator_client):
    with app.app_context():
        event = make_event(days=10)
        db.session.commit()
        event_id = event.id
    page = coordinator_client.get(f"/samordnare/evenemang/{event_id}/narvaro").get_data(
        as_text=True
    )
    response = coordinator_client.post(
        f"/samordnare/evenemang/{event_id}/narvaro",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Närvaro kan markeras från en timme före start." in response.get_data(as_text=True)


def test_a_plan_period_is_compared_with_the_plan_before_per_focus_area(app, coordinator_client):
    """The coordinator follows the link of the newer plan and sees both plans' areas."""
    with app.app_context():
        today = stockholm(0).date()
        older = plans.save_plan(
            None,
            "Plan 2023–2025",
            today - timedelta(days=60),
            today + timedelta(days=9),
            [AreaText("Läsfrämjande")],
            None,
        )
        newer = plans.save_plan(
            None,
            "Plan 2026–2029",
            today + timedelta(days=10),
            today + timedelta(days=90),
            [AreaText("Hållbara bibliotek")],
            None,
        )
        reading = make_event(days=5, focus_area_id=older.areas[0].id)
        green = make_event(days=20, focus_area_id=newer.areas[0].id)
        sign_up(reading, 1)
        sign_up(green, 2)
        sign_up(green, 3)
        period = {"fran": str(newer.starts_on), "till": str(newer.ends_on)}

    page = coordinator_client.get("/samordnare/statistik").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)">Plan 2026–2029</a>', page).group(1)
    assert html.unescape(link) == "/samordnare/statistik?" + urlencode({**period, "jamfor": "y"})

    shown = coordinator_client.get(html.unescape(link)).get_data(as_text=True)
    table = re.search(r"<caption>Deltagare per fokusområde</caption>(.*?)</table>", shown, re.S)
    rows = [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]
    assert rows[1:] == [
        ["Läsfrämjande", "Plan 2023–2025", "1", "0", "-1"],
        ["Hållbara bibliotek", "Plan 2026–2029", "0", "2", "+2"],
    ]
    assert "Jämfört med" in shown


def test_statistics_break_down_by_the_answers_to_a_choice_question(app, coordinator_client):
    """The same question asked at two events: seated people per answer, and who came."""
    with app.app_context():
        people = []
        for title in ("Bokprat del 1", "Bokprat del 2"):
            event = make_event(title=title, days=3, capacity=5)
            questions.save_questions(
                event.id,
                [
                    QuestionText(
                        QuestionKind.SINGLE_CHOICE,
                        "Vilken workshop?",
                        choices=(ChoiceText("Workshop A"), ChoiceText("Workshop B")),
                    )
                ],
                None,
            )
            asked = questions.asked(event.id).questions[0]
            a, b = (str(choice.id) for choice in asked.choices)
            people += [
                (event, register(event.id, applicant(n, answers={asked.id: [pick]})))
                for n, pick in ((len(people) + 1, a), (len(people) + 2, b))
            ]
        event, first = people[0]
        db.session.add(
            Attendance(registration_id=first.id, session_id=event.sessions[0].id, present=True)
        )
        db.session.commit()
    html = coordinator_client.get(
        "/samordnare/statistik", query_string={**period(), "fraga": "Vilken workshop?"}
    ).get_data(as_text=True)
    assert "<option selected>Vilken workshop?</option>" in html
    rows = re.findall(
        r'<tr><th scope="row">(Workshop [AB])</th><td class="number">(\d+)</td>'
        r'<td class="number">(\d+)</td><td class="number">(\d+)</td></tr>',
        html,
    )
    assert rows == [("Workshop A", "2", "2", "1"), ("Workshop B", "2", "2", "0")]
