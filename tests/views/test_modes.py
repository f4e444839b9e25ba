"""A hybrid event through the pages: the coordinator makes one, people choose on site or online,
switch from their personal page, and the coordinator's lists, exports and statistics show it."""

import csv
import io
import re

from helpers import (
    calendar_part,
    csrf_token,
    deliver,
    make_event,
    personal_link,
    sign_up,
    sign_up_form,
    submit,
)
from sqlalchemy import select
from views.admin.test_events import errors, event_form

from eventreg.extensions import db
from eventreg.models import Attendance, AttendanceMode, Event, EventKind, Registration
from eventreg.services import events

MEETING_LINK = "https://teams.example.se/meet/meroppet"


def hybrid(**details) -> Event:
    return make_event(
        capacity=1,
        choose_mode=True,
        online_capacity=5,
        online_url=MEETING_LINK,
        **details,
    )


def test_the_coordinator_makes_a_hybrid_event_and_is_told_what_it_needs(app, coordinator_client):
    url = "/samordnare/evenemang/nytt"
    no_link = submit(coordinator_client, url, event_form(choose_mode="y", online_capacity="40"))
    assert no_link.status_code == 422
    assert errors(no_link) == [
        "Ange länken till det digitala mötet, eller skriv om det digitala mötet att länken "
        "kommer senare."
    ]
    saved = submit(
        coordinator_client,
        url,
        event_form(choose_mode="y", online_capacity="40", online_url=MEETING_LINK),
    )
    assert saved.status_code == 302
    with app.app_context():
        event = db.session.scalars(select(Event)).one()
        assert (event.choose_mode, event.capacity, event.online_capacity) == (True, 25, 40)
    form = coordinator_client.get(f"/samordnare/evenemang/{event.id}/redigera").text
    assert re.search(
        r'<input[^>]*checked[^>]*name="choose_mode"|name="choose_mode"[^>]*checked', form
    )
    assert 'value="40"' in form


def test_people_choose_on_the_form_and_a_missing_choice_is_told_next_to_it(app, client, smtp):
    with app.app_context():
        event = hybrid()
        sign_up(event, 9, mode=AttendanceMode.ONSITE)  # the one seat on site is taken
        event_id = event.id
        deliver(smtp)
    page = client.get(f"/evenemang/{event_id}").text
    assert "På plats: fullt – anmäl dig till reservlistan" in page
    assert "Digitalt: 5 platser kvar" in page
    url = f"/evenemang/{event_id}/anmalan"
    form = client.get(url).text
    assert "<legend>Hur deltar du?</legend>" in form
    assert "På plats – fullt, du hamnar på reservlistan" in form
    token = csrf_token(form)
    missing = client.post(url, data={"csrf_token": token, "modes": "1", **sign_up_form(1)})
    assert missing.status_code == 422
    assert re.search(
        r'id="mode-error"><span class="visually-hidden">Fel: </span>'
        r"Välj om du deltar på plats eller digitalt.</p>",
        missing.text,
    )
    assert 'value="Person 1"' in missing.text  # nothing typed is lost
    tampered = client.post(
        url, data={"csrf_token": token, "modes": "1", "mode": "moon", **sign_up_form(1)}
    )
    assert tampered.status_code == 422
    done = client.post(
        url, data={"csrf_token": token, "modes": "1", "mode": "online", **sign_up_form(1)}
    )
    assert done.status_code == 302
    with app.app_context():
        (mail,) = deliver(smtp)
    assert f"LOCATION:{MEETING_LINK}" in calendar_part(mail).get_content()
    manage = client.get(personal_link(mail)).text
    assert "Du deltar</dt><dd>Digitalt</dd>" in manage
    assert MEETING_LINK in manage and "Dag Hammarskjölds plats" not in manage
    assert "Det är fullt på plats just nu." in manage  # and no button to switch there


def test_a_person_switches_from_their_page_and_gets_a_new_invite(app, client, smtp):
    with app.app_context():
        event = hybrid()
        sign_up(event, 1, mode=AttendanceMode.ONSITE)
        (mail,) = deliver(smtp)
    link = personal_link(mail)
    page = client.get(link).text
    assert "Delta digitalt i stället?" in page
    assert "Du behåller din plats, och får en ny kalenderinbjudan med länken till mötet." in page
    after = client.post(
        f"{link}/byt-satt", data={"csrf_token": csrf_token(page)}, follow_redirects=True
    ).text
    assert "Du deltar nu digitalt. Vi har skickat en ny kalenderinbjudan till din e-post." in after
    assert "Du deltar</dt><dd>Digitalt</dd>" in after and "Delta på plats i stället?" in after
    with app.app_context():
        (changed,) = deliver(smtp)
    invite = calendar_part(changed).get_content()
    assert "SEQUENCE:1" in invite and f"LOCATION:{MEETING_LINK}" in invite
    forged = client.post(f"{link}/byt-satt", data={})  # no CSRF token
    assert forged.status_code == 400


def test_the_coordinator_sees_the_way_in_lists_exports_the_sheet_and_statistics(
    app, coordinator_client
):
    with app.app_context():
        event = hybrid()
        onsite = sign_up(event, 1, mode=AttendanceMode.ONSITE, name="Åsa På Plats")
        sign_up(event, 2, mode=AttendanceMode.ONSITE, name="Bo Väntar")
        online = sign_up(event, 3, mode=AttendanceMode.ONLINE, name="Cia Digital")
        event_id, session = event.id, event.sessions[0]
        db.session.add_all(
            Attendance(registration_id=r.id, session_id=session.id, present=True)
            for r in (onsite, online)
        )
        db.session.commit()
        first_day = session.starts_at.date()
    listing = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare").text
    assert "<p>2 bekräftade av 6 platser ·" in listing  # both ways' seats
    assert "<li>På plats: 1 bekräftade av 1 platser · 1 på reservlistan</li>" in listing
    assert "<li>Digitalt: 1 bekräftade av 5 platser · 0 på reservlistan</li>" in listing
    assert "<caption>Reservlista, på plats (1)</caption>" in listing
    assert re.search(r"Cia Digital.*?</th>\s*<td>Digitalt</td>", listing, re.S)
    exported = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare.csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Cia Digital"][7] == "Digitalt"
    assert by_name["Bo Väntar"][6:9] == ["Reservlista", "På plats", "1"]
    sheet = coordinator_client.get(f"/samordnare/evenemang/{event_id}/namnlista").text
    assert "Åsa På Plats" in sheet and "Cia Digital" not in sheet
    assert "Närvarolista, 1 anmälda på plats" in sheet
    marking = coordinator_client.get(f"/samordnare/evenemang/{event_id}/narvaro").text
    assert "Cia Digital <small>Skolbiblioteket · Digitalt</small>" in marking
    stats = coordinator_client.get(f"/samordnare/statistik?fran={first_day}&till={first_day}").text
    assert re.search(
        r'<th scope="row">På plats</th><td class="number">1</td><td class="number">1</td>'
        r'<td class="number">1</td>',
        stats,
    )
    assert re.search(
        r'<th scope="row">Digitalt</th><td class="number">1</td><td class="number">1</td>'
        r'<td class="number">1</td>',
        stats,
    )


def test_an_invited_member_chooses_when_answering(app, client, smtp, network_id):
    with app.app_context():
        event = hybrid(kind=EventKind.NETWORK_MEETING, network_id=network_id, publish=False)
        events.publish_event(event.id)
        db.session.commit()
        (invitation,) = deliver(smtp)
    text = invitation.get_body(("plain",)).get_content()
    yes = re.search(r"https://kalendarium\.test(/inbjudan/\S+/kommer)\s", text).group(1)
    page = client.get(yes).text
    assert "<legend>Hur deltar du?</legend>" in page
    assert "På plats" in page and "Digitalt" in page
    answered = submit(client, yes, {"mode": "online"})
    assert answered.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Registration.mode)) == AttendanceMode.ONLINE
