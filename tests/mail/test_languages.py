"""Mail is written in the language the person signed up in, whoever or whatever sends it."""

import icalendar
import pytest
from helpers import calendar_part, deliver, make_event, sign_up, stockholm

from eventreg.extensions import db
from eventreg.services import reminders
from eventreg.services.events import SessionTimes, update_event

pytestmark = pytest.mark.usefixtures("ctx")


def text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def description(mail) -> str:
    (vevent,) = icalendar.Calendar.from_ical(calendar_part(mail).get_content()).walk("VEVENT")
    return str(vevent["DESCRIPTION"])


def test_each_person_gets_their_confirmation_in_their_language(smtp):
    event = make_event(sessions=[SessionTimes(stockholm(20, 9), stockholm(20, 12))])
    sign_up(event, name="Alex", email="alex@bibliotek.test", language="en")
    sign_up(event, name="Alex", email="asa@bibliotek.test", language="sv")

    english, swedish = deliver(smtp)

    assert english["Subject"] == "Confirmation: Bokprat för unga läsare"
    body = text(english)
    assert "Hello Alex!" in body and "You have a seat at Bokprat för unga läsare." in body
    assert f"{stockholm(20):%A} {stockholm(20).day} " in body and ", 09:00–12:00" in body
    assert "Your personal link" in body and "Kan du inte komma" not in body
    assert '<html lang="en">' in english.get_body(("html",)).get_content()
    assert "Your registration (see or cancel)" in description(english)

    assert swedish["Subject"] == "Bekräftelse: Bokprat för unga läsare"
    assert "Du har en plats på" in text(swedish) and "kl. 09.00–12.00" in text(swedish)
    assert "Din anmälan (se eller avboka)" in description(swedish)


def test_a_coordinators_change_reaches_each_person_in_their_language(smtp):
    event = make_event(sessions=[SessionTimes(stockholm(20, 9), stockholm(20, 12))])
    sign_up(event, name="Alex", email="alex@bibliotek.test", language="en")
    sign_up(event, name="Alex", email="asa@bibliotek.test", language="sv")
    deliver(smtp)
    session = event.sessions[0]

    update_event(
        event.id,
        [SessionTimes(stockholm(21, 13), stockholm(21, 16), id=session.id)],
        venue="Hörsalen",
    )
    db.session.commit()

    english, swedish = deliver(smtp)
    assert english["Subject"] == "Changed: Bokprat för unga läsare"
    assert "New place: Hörsalen" in text(english)
    assert f"New time: {stockholm(21):%A} {stockholm(21).day} " in text(english)
    assert "(was " in text(english) and "Ny tid" not in text(english)
    assert swedish["Subject"] == "Ändrat: Bokprat för unga läsare"
    assert "Ny plats: Hörsalen" in text(swedish) and "Ny tid: " in text(swedish)


def test_reminders_sent_by_the_worker_keep_the_persons_language(smtp):
    event = make_event(days=1, deadline_days=0)
    sign_up(event, name="Alex", email="alex@bibliotek.test", language="en")
    deliver(smtp)

    reminders.send_reminders()
    db.session.commit()

    (mail,) = deliver(smtp)
    assert mail["Subject"] == "Reminder: Bokprat för unga läsare"
    assert "here are the practical details" in text(mail)
