"""The mail after the course: once, to those who came, with materials and certificate."""

from helpers import at_once, came, csrf_token, deliver
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import OutboxMessage
from eventreg.services import followups


def test_those_who_came_get_one_mail_with_the_materials_and_their_certificate(app, smtp, held):
    event_id, (asa, bo, _cia) = held
    came(app, event_id, {0: {asa, bo}, 1: {asa}, 2: {asa}})
    with app.app_context():
        deliver(smtp)  # the confirmations
        assert followups.send_due() == 2
        db.session.commit()
        assert followups.send_due() == 0  # once
        mails = {m["To"]: m for m in deliver(smtp)}
    assert set(mails) == {"Åsa Öberg <person0@bibliotek.se>", "Bo Ek <person1@bibliotek.se>"}
    asa_text = mails["Åsa Öberg <person0@bibliotek.se>"].get_body(("plain",)).get_content()
    assert "Tack för att du kom till Läsfrämjande för små och stora!" in asa_text
    assert "- Bildspelet: https://kalendarium.test/anmalan/" in asa_text
    assert "Ditt kursintyg (PDF): https://kalendarium.test/anmalan/" in asa_text
    bo_text = mails["Bo Ek <person1@bibliotek.se>"].get_body(("plain",)).get_content()
    assert "Bildspelet" in bo_text and "kursintyg" not in bo_text  # one of three: no certificate


def test_nothing_goes_out_until_attendance_is_marked_and_the_overview_says_so(
    app, smtp, held, coordinator_client
):
    event_id, _ = held
    with app.app_context():
        deliver(smtp)
        assert followups.send_due() == 0
        db.session.commit()
    page = coordinator_client.get("/samordnare/").text
    assert "Markera närvaro så att uppföljningen kan skickas" in page
    assert f"/samordnare/evenemang/{event_id}/narvaro" in page


def test_two_workers_at_once_send_each_mail_once(app, held):
    event_id, (asa, _bo, _cia) = held
    came(app, event_id, {0: {asa}})
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    def worker():
        with app.app_context():
            followups.send_due()
            db.session.commit()

    at_once(worker, worker)
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(OutboxMessage))
        assert after - before == 1


def test_the_coordinator_may_send_the_materials_to_those_marked_absent(
    app, smtp, held, coordinator_client
):
    event_id, (asa, bo, _cia) = held
    came(app, event_id, {0: {asa}})  # Bo and Cia marked absent
    with app.app_context():
        deliver(smtp)
    page = coordinator_client.get(f"/samordnare/evenemang/{event_id}/material").text
    sent = coordinator_client.post(
        f"/samordnare/evenemang/{event_id}/material/till-franvarande",
        data={"csrf_token": csrf_token(page)},
        follow_redirects=True,
    )
    assert "Materialet skickas till 2 som inte kom." in sent.text
    with app.app_context():
        mails = {m["To"]: m.get_body(("plain",)).get_content() for m in deliver(smtp)}
    assert set(mails) == {"Bo Ek <person1@bibliotek.se>", "Cia <person2@bibliotek.se>"}
    assert "- Bildspelet: https://kalendarium.test/anmalan/" in mails["Cia <person2@bibliotek.se>"]
