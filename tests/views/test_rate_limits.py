"""The public forms hold against scripts, and still let a staff room sign up together.

The limits count per client address in the database, so every gunicorn worker sees the same
count: here two app instances stand for two workers.
"""

import re
from datetime import timedelta

from helpers import csrf_token, deliver, make_event, sign_up_form
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import OutboxMessage, RateLimitCounter, Registration, RegistrationStatus
from eventreg.models.base import utcnow
from eventreg.services import personal_data


def sign_up(client, event_id: int, n: int, address: str = "198.51.100.66"):
    url = f"/evenemang/{event_id}/anmalan"
    page = client.get(url, environ_base={"REMOTE_ADDR": address}).get_data(as_text=True)
    return client.post(
        url,
        data={"csrf_token": csrf_token(page), **sign_up_form(n)},
        environ_base={"REMOTE_ADDR": address},
    )


def seated(app, event_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(
                Registration.event_id == event_id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )


def test_thirty_colleagues_behind_one_nat_sign_up_in_a_minute(app, client):
    with app.app_context():
        event_id = make_event(capacity=60).id
        db.session.commit()
    answers = [sign_up(client, event_id, n).status_code for n in range(30)]
    assert answers == [302] * 30
    assert seated(app, event_id) == 30


def test_a_script_cannot_take_every_seat_and_the_coordinator_is_told(
    app, client, another_app, coordinator_client
):
    with app.app_context():
        event_id = make_event(capacity=200, title="Populär kurs").id
        db.session.commit()
    other_worker = another_app().test_client()
    answers = [
        sign_up(client if n % 2 else other_worker, event_id, n).status_code for n in range(200)
    ]

    assert answers[:40] == [302] * 40
    assert set(answers[40:]) == {429}
    assert seated(app, event_id) == 40
    refused = client.get(f"/evenemang/{event_id}/anmalan")  # reading stays open
    assert refused.status_code == 200
    page = sign_up(client, event_id, 999)
    assert "För många försök" in page.get_data(as_text=True)
    overview = coordinator_client.get("/samordnare/").get_data(as_text=True)
    assert "Ovanligt många försök" in overview
    assert "Populär kurs" in overview and "198.51.100.0/24" in overview
    assert "198.51.100.66" not in overview


def test_another_client_is_not_held_back_by_a_script(app, client):
    with app.app_context():
        event_id = make_event(capacity=200).id
        db.session.commit()
    for n in range(45):
        sign_up(client, event_id, n)
    assert sign_up(client, event_id, 1000, address="192.0.2.7").status_code == 302


def test_past_the_limit_a_post_to_an_event_that_does_not_exist_is_refused_too(app, client):
    with app.app_context():
        event_id = make_event(capacity=100).id
        db.session.commit()
    token = csrf_token(client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True))

    def post(to: int, n: int) -> int:
        return client.post(
            f"/evenemang/{to}/anmalan", data={"csrf_token": token, **sign_up_form(n)}
        ).status_code

    assert post(event_id + 1000, 0) == 404  # what does nothing is not counted
    assert [post(event_id, n) for n in range(40)] == [302] * 40
    assert post(event_id + 1000, 41) == 429


def test_a_clients_count_is_forgotten_once_its_window_has_closed(app, client):
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    assert sign_up(client, event_id, 1, address="203.0.113.9").status_code == 302

    def counts_naming_the_client() -> int:
        return db.session.scalar(
            select(func.count()).where(RateLimitCounter.key.contains("203.0.113.9"))
        )

    with app.app_context():
        assert counts_naming_the_client() == 2  # this minute and this hour
        personal_data.purge(utcnow() + timedelta(minutes=2))
        assert counts_naming_the_client() == 1
        personal_data.purge(utcnow() + timedelta(hours=2))
        db.session.commit()
        assert counts_naming_the_client() == 0


def test_joining_a_network_and_asking_for_a_link_are_limited_too(app, client, network_id):
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    joins = []
    for n in range(12):
        page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
        joins.append(
            client.post(
                f"/natverk/{network_id}",
                data={"csrf_token": csrf_token(page), **sign_up_form(n)},
            ).status_code
        )
    links = []
    for n in range(7):
        page = client.get(f"/evenemang/{event_id}/min-lank").get_data(as_text=True)
        links.append(
            client.post(
                f"/evenemang/{event_id}/min-lank",
                data={"csrf_token": csrf_token(page), "email": f"p{n}@bibliotek.se"},
            ).status_code
        )
    assert joins == [302] * 10 + [429] * 2
    assert links == [302] * 5 + [429] * 2


def test_a_lost_link_is_mailed_again_and_the_page_never_tells_who_is_registered(app, client, smtp):
    with app.app_context():
        event = make_event()
        event_id = event.id
        db.session.commit()
    sign_up(client, event_id, 1, address="192.0.2.1")
    with app.app_context():
        deliver(smtp)

    def ask(email: str) -> str:
        page = client.get(f"/evenemang/{event_id}/min-lank").get_data(as_text=True)
        answer = client.post(
            f"/evenemang/{event_id}/min-lank",
            data={"csrf_token": csrf_token(page), "email": email},
        )
        return client.get(answer.headers["Location"]).get_data(as_text=True)

    app.config["LINK_RESEND_INTERVAL_MINUTES"] = 0
    known, unknown = ask("person1@bibliotek.se"), ask("okand@bibliotek.se")
    with app.app_context():
        mails = deliver(smtp)

    assert [m["To"] for m in mails] == ["Person 1 <person1@bibliotek.se>"]
    assert "/anmalan/" in mails[0].get_body(("plain",)).get_content()
    assert "har vi skickat din personliga länk dit" in known
    assert known.replace("person1@", "X@") == unknown.replace("okand@", "X@")


def test_a_repeated_sign_up_does_the_work_of_a_new_one(app, client):
    """Timing must not tell that an address was registered: a repeat within the interval writes
    its link mail, held back, in the same transaction as a new sign-up writes its confirmation."""
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    for _ in range(3):
        assert sign_up(client, event_id, 1).status_code == 302
    with app.app_context():
        mails = db.session.execute(
            select(OutboxMessage.kind, OutboxMessage.status).order_by(OutboxMessage.id)
        ).all()
    assert mails == [("confirmation", "pending"), ("link", "held_back"), ("link", "held_back")]


def test_held_back_mail_is_shown_for_what_it_is(app, client, coordinator_client):
    with app.app_context():
        event_id = make_event().id
        db.session.commit()
    sign_up(client, event_id, 1)
    sign_up(client, event_id, 1)
    page = coordinator_client.get("/samordnare/utskick?status=held_back").get_data(as_text=True)
    assert "Hölls tillbaka" in page and "Personliga länken igen" in page
    detail = re.search(r'href="(/samordnare/utskick/\d+)"', page).group(1)
    mail = coordinator_client.get(detail).get_data(as_text=True)
    assert "Din anmälan: Bokprat för unga läsare" in mail  # as it would read
    assert "har försökt anmäla dig" in mail
