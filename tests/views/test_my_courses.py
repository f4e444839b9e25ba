"""Mina kurser: the link by mail, the page it opens, and the calendar one can subscribe to."""

import re

import icalendar
from helpers import (
    csrf_token,
    deliver,
    held_course,
    make_event,
    mark,
    sign_up,
    submit,
    without_token,
)
from sqlalchemy import select

from eventreg import links
from eventreg.extensions import db
from eventreg.models import User
from eventreg.services import followups, my_courses, personal_data
from eventreg.services.accounts import create_user

ASKED = "Finns något anmält med {} har vi skickat en länk dit."


def link_in(mail) -> str:
    body = mail.get_body(("plain",)).get_content()
    return re.search(r"https://kalendarium\.test(/mina-kurser/\S+)", body).group(1)


def test_the_link_comes_by_mail_and_the_page_says_the_same_for_an_unknown_address(
    app, client, smtp
):
    with app.app_context():
        sign_up(make_event(title="Bokprat"), 1)
        deliver(smtp)
    said = []
    for email in ("Person1@Bibliotek.se", "okand@bibliotek.se"):
        assert submit(client, "/mina-kurser", {"email": email}).status_code == 302
        page = client.get("/mina-kurser").text
        said.append(without_token(page).replace(email.lower(), "ADDRESS"))
    assert ASKED.format("ADDRESS") in said[0] and said[0] == said[1]
    with app.app_context():
        (mail,) = deliver(smtp)  # none to the unknown address
    assert mail["To"] == "Person 1 <person1@bibliotek.se>"
    assert mail["Subject"] == "Dina kurser och anmälningar"
    page = client.get(link_in(mail))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Bokprat" in page.text and "Du har en plats." in page.text


def test_the_page_lists_coming_waiting_and_past_with_attendance_and_certificates(app, client):
    with app.app_context():
        create_user("karin@region.se", "Karin", "ett-långt-lösenord")
        event, (asa, _bo, _cia) = held_course()
        mark(event, {0: {asa}, 1: {asa}, 2: {asa}})
        followups.send_due()  # the mail after the course opens the evaluation
        db.session.commit()
        full = make_event(title="Fullt", capacity=1)
        sign_up(full, 9)
        sign_up(full, 0, name="Åsa Öberg")  # Åsa's address: person0@bibliotek.se
        url = f"/mina-kurser/{links.my_courses_url('person0@bibliotek.se').rsplit('/', 1)[1]}"
    page = client.get(url).text
    coming, past = page.split("Har varit", 1)
    assert "Fullt" in coming and "Du står som nummer 1 på reservlistan." in coming
    cancel = re.search(r'href="(/anmalan/[^"]+/avboka)">Avboka', coming).group(1)
    assert "Vill du avboka din anmälan?" in client.get(cancel).text
    assert "Läsfrämjande för små och stora" in past
    assert "Du kom till 3 av 3 tillfällen." in past
    assert "Svara på utvärderingen" in past
    certificate = re.search(r'href="(/anmalan/[^"]+/kursintyg\.pdf)"', past).group(1)
    assert client.get(certificate).mimetype == "application/pdf"


def test_an_expired_or_tampered_link_says_so_and_offers_a_new_one(app, client, monkeypatch):
    with app.app_context():
        url = links.my_courses_url("person1@bibliotek.se").split("kalendarium.test", 1)[1]
    monkeypatch.setattr(links, "MY_COURSES_SECONDS", -1)
    expired = client.get(url)
    assert expired.status_code == 404
    assert "Länken har slutat gälla. Be om en ny här nedan." in expired.text
    monkeypatch.undo()
    tampered = client.get(url[:-3] + "xyz")
    assert tampered.status_code == 404 and "Länken är ogiltig" in tampered.text


def test_the_calendar_holds_the_seated_sessions_and_a_new_address_retires_the_old(app, client):
    with app.app_context():
        seated = make_event(title="Har plats", capacity=1)
        sign_up(seated, 1)
        waiting = make_event(title="Väntar", capacity=0)
        sign_up(waiting, 1)
        url = links.my_courses_url("person1@bibliotek.se").split("kalendarium.test", 1)[1]
    page = client.get(url).text
    assert "Skapa en kalenderadress" in page
    made = client.post(f"{url}/kalenderadress", data={"csrf_token": csrf_token(page)})
    assert made.status_code == 302
    page = client.get(url).text
    feed = re.search(r'value="https://kalendarium\.test(/mina-kurser/kalender/[^"]+\.ics)"', page)
    calendar = icalendar.Calendar.from_ical(client.get(feed.group(1)).data)
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert titles == ["Har plats"]  # not the waiting list
    client.post(f"{url}/kalenderadress", data={"csrf_token": csrf_token(page)})
    assert client.get(feed.group(1)).status_code == 404
    forged = client.post(f"{url}/kalenderadress", data={})
    assert forged.status_code == 400


def test_erasing_a_person_retires_their_calendar_address(app, client, coordinator):
    with app.app_context():
        sign_up(make_event(), 1)
        key = my_courses.new_feed_key("person1@bibliotek.se").key
        db.session.commit()
        personal_data.erase_person(
            "person1@bibliotek.se", actor=db.session.scalars(select(User)).first()
        )
        db.session.commit()
    assert client.get(f"/mina-kurser/kalender/{key}.ics").status_code == 404
