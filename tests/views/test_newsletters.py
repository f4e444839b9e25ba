"""The newsletter: written, previewed, tried and sent by a coordinator; each subscriber gets it
once, can leave it in one click, and the public archive keeps it."""

import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

from helpers import at_once, csrf_token, deliver, make_event, submit
from sqlalchemy import func, select, update

from eventreg.extensions import db
from eventreg.mail.outbox import run_worker
from eventreg.models import Newsletter, OutboxMessage, User, Watch
from eventreg.models.base import utcnow
from eventreg.services import newsletters


def link(mail, path: str) -> str:
    body = mail.get_body(("plain",)).get_content()
    return re.search(rf"https://kalendarium\.test({path}\S+)", body).group(1)


def subscribe(app, client, smtp, email: str):
    """Subscribe on the archive page and confirm with the mailed link, as a reader would."""
    answer = submit(client, "/nyhetsbrev", {"email": email})
    assert answer.status_code == 302
    with app.app_context():
        (mail,) = deliver(smtp)
    confirm = link(mail, "/bevaka/bekrafta/")
    done = client.post(confirm, data={"csrf_token": csrf_token(client.get(confirm).text)})
    return mail, client.get(urlsplit(done.headers["Location"]).path)


def stop_path(mail) -> str:
    """The one-click unsubscribe address a mail program finds in the header."""
    found = re.search(
        r"<https://kalendarium\.test(/nyhetsbrev/avsluta/\S+)>", mail["List-Unsubscribe"]
    )
    return found.group(1)


def write(client, data: dict, newsletter_id: int | None = None):
    url = (
        f"/samordnare/nyhetsbrev/{newsletter_id}"
        if newsletter_id
        else "/samordnare/nyhetsbrev/nytt"
    )
    return submit(client, url, data)


def draft(app, coordinator_email: str, subject: str = "Vårens kurser") -> int:
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.email == coordinator_email))
        newsletter = newsletters.save(
            None, newsletters.Draft(subject, "Hej **alla**!", ()), coordinator
        )
        db.session.commit()
        return newsletter.id


def test_a_newsletter_is_written_previewed_tried_and_sent_once_to_each_subscriber(
    app, client, coordinator_client, coordinator, smtp
):
    subscribe(app, client, smtp, "lasare@bibliotek.se")
    subscribe(app, client, smtp, "annan@bibliotek.se")
    submit(client, "/nyhetsbrev", {"email": "obekraftad@bibliotek.se"})  # never confirmed
    with app.app_context():
        deliver(smtp)
        db.session.add(Newsletter(subject="Förra", sent_at=utcnow() - timedelta(days=1)))
        older = make_event(title="Redan presenterad")
        older.published_at = utcnow() - timedelta(days=2)
        newer = make_event(title="Bokcirkel för vuxna")
        db.session.commit()
        older_id, newer_id = older.id, newer.id

    page = coordinator_client.get("/samordnare/nyhetsbrev/nytt").text
    offered = re.findall(r'<input ([^>]*)name="events"[^>]*value="(\d+)"', page)
    ticked = {int(value) for attributes, value in offered if "checked" in attributes}
    assert {int(value) for _, value in offered} == {older_id, newer_id}
    assert ticked == {newer_id}  # published since the last newsletter
    empty = write(coordinator_client, {"subject": "", "events": str(newer_id)})
    assert empty.status_code == 422 and "Skriv en ämnesrad." in empty.text

    saved = write(
        coordinator_client,
        {"subject": "Vårens kurser", "introduction": "Hej **alla**!", "events": str(newer_id)},
    )
    assert saved.status_code == 302
    newsletter_id = int(re.search(r"/nyhetsbrev/(\d+)", saved.headers["Location"]).group(1))
    preview = coordinator_client.get(f"/samordnare/nyhetsbrev/{newsletter_id}/forhandsgranskning")
    assert "<strong>alla</strong>" in preview.text and "Bokcirkel för vuxna" in preview.text
    assert "frame-ancestors 'self'" in preview.headers["Content-Security-Policy"]
    both = {"subject": "Vårens kurser", "introduction": "Hej **alla**!"}
    write(coordinator_client, {**both, "events": [str(newer_id), str(older_id)]}, newsletter_id)
    again = coordinator_client.get(f"/samordnare/nyhetsbrev/{newsletter_id}/forhandsgranskning")
    assert "Redan presenterad" in again.text  # only the events changed, and the preview shows it
    write(coordinator_client, {**both, "events": str(newer_id)}, newsletter_id)
    assert client.get(f"/nyhetsbrev/{newsletter_id}").status_code == 404  # a draft

    edit = coordinator_client.get(f"/samordnare/nyhetsbrev/{newsletter_id}").text
    coordinator_client.post(
        f"/samordnare/nyhetsbrev/{newsletter_id}/test", data={"csrf_token": csrf_token(edit)}
    )
    with app.app_context():
        (test,) = deliver(smtp)
    assert test["To"].addresses[0].addr_spec == coordinator
    assert test["Subject"] == "Test: Vårens kurser" and test["List-Unsubscribe"] is None

    confirm = coordinator_client.get(f"/samordnare/nyhetsbrev/{newsletter_id}/skicka").text
    assert "Ja, skicka till 2 prenumeranter" in confirm
    for _ in range(2):  # a second click sends nothing
        sent = coordinator_client.post(
            f"/samordnare/nyhetsbrev/{newsletter_id}/skicka",
            data={"csrf_token": csrf_token(confirm)},
            follow_redirects=True,
        )
    assert "Nyhetsbrevet är redan skickat." in sent.text
    with app.app_context():
        mails = deliver(smtp)
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == [
        "annan@bibliotek.se",
        "lasare@bibliotek.se",
    ]
    mail = mails[0]
    assert mail["Subject"] == "Vårens kurser"
    text = mail.get_body(("plain",)).get_content()
    assert "Hej **alla**!" in text and "Bokcirkel för vuxna" in text
    assert "Redan presenterad" not in text
    assert f"https://kalendarium.test/nyhetsbrev/{newsletter_id}" in text
    assert "<strong>alla</strong>" in mail.get_body(("html",)).get_content()

    archive = client.get("/nyhetsbrev").text
    assert "Vårens kurser" in archive
    issue = client.get(f"/nyhetsbrev/{newsletter_id}").text
    assert "<strong>alla</strong>" in issue and "Bokcirkel för vuxna" in issue

    tampered = client.post(stop_path(mail)[:-2] + "xx")
    assert tampered.status_code == 404
    with app.app_context():
        assert newsletters.subscriber_count() == 2

    # RFC 8058: the mail program posts, with or without a body, and the newsletter stops.
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    gone = client.post(stop_path(mail))
    assert gone.status_code == 200 and "Du får inte längre nyhetsbrevet" in gone.text
    with app.app_context():
        assert newsletters.subscriber_count() == 1


def test_a_subscription_to_the_newsletter_alone_is_confirmed_in_its_own_words(app, client, smtp):
    mail, done = subscribe(app, client, smtp, "ny@bibliotek.se")
    assert mail["Subject"] == "Bekräfta din prenumeration på nyhetsbrevet"
    assert "vill få nyhetsbrevet" in mail.get_body(("plain",)).get_content()
    assert "Klart! Du får nästa nyhetsbrev." in done.text


def test_leaving_the_newsletter_keeps_the_news_of_events_and_the_other_way_round(app, client, smtp):
    submit(client, "/bevaka", {"email": "bada@bibliotek.se", "everything": "y", "newsletter": "y"})
    with app.app_context():
        (mail,) = deliver(smtp)
    confirm = link(mail, "/bevaka/bekrafta/")
    own = client.post(confirm, data={"csrf_token": csrf_token(client.get(confirm).text)})
    page = client.get(own.headers["Location"]).text
    newsletter_stop = re.search(r'href="(/nyhetsbrev/avsluta/[^"]+)"', page).group(1)
    events_stop = re.search(r'href="(/bevaka/avsluta/[^"]+)"', page).group(1)

    left = client.post(
        newsletter_stop, data={"csrf_token": csrf_token(client.get(newsletter_stop).text)}
    )
    assert "Mejlen om nya evenemang som du bevakar får du som förut." in left.text
    with app.app_context():
        watch = db.session.scalar(select(Watch))
        assert (watch.newsletter, watch.everything) == (False, True)
        watch.newsletter = True
        db.session.commit()

    left = client.post(events_stop, data={"csrf_token": csrf_token(client.get(events_stop).text)})
    assert "Nyhetsbrevet får du som förut." in left.text
    with app.app_context():
        watch = db.session.scalar(select(Watch))
        assert (watch.newsletter, watch.everything) == (True, False)


def test_subscribing_to_the_newsletter_keeps_what_the_address_already_watches(app, client, smtp):
    submit(client, "/bevaka", {"email": "bevakare@bibliotek.se", "everything": "y"})
    with app.app_context():
        (mail,) = deliver(smtp)
    confirm = link(mail, "/bevaka/bekrafta/")
    client.post(confirm, data={"csrf_token": csrf_token(client.get(confirm).text)})
    with app.app_context():  # a link goes at most once an hour
        db.session.execute(update(Watch).values(requested_at=utcnow() - timedelta(hours=2)))
        db.session.commit()

    subscribe(app, client, smtp, "bevakare@bibliotek.se")

    with app.app_context():
        watch = db.session.scalar(select(Watch))
        assert (watch.newsletter, watch.everything) == (True, True)


def test_asking_again_within_the_hour_sends_no_second_mail(app, client, smtp):
    for _ in range(3):
        answer = submit(client, "/nyhetsbrev", {"email": "ivrig@bibliotek.se"})
        assert answer.status_code == 302
        assert "Har du redan fått ett den senaste timmen" in client.get("/nyhetsbrev").text
    with app.app_context():
        assert len(deliver(smtp)) == 1
        db.session.execute(update(Watch).values(requested_at=utcnow() - timedelta(minutes=61)))
        db.session.commit()
    submit(client, "/nyhetsbrev", {"email": "ivrig@bibliotek.se"})
    with app.app_context():
        assert len(deliver(smtp)) == 1


def test_an_address_refused_three_newsletters_in_a_row_gets_no_more(
    app, client, coordinator_client, coordinator, smtp
):
    subscribe(app, client, smtp, "borta@bibliotek.se")
    subscribe(app, client, smtp, "kvar@bibliotek.se")
    smtp.refused.add("borta@bibliotek.se")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == coordinator))
        for number in range(4):
            newsletter = newsletters.save(None, newsletters.Draft(f"Nummer {number}", "", ()), user)
            newsletters.send(newsletter.id, user)
            db.session.commit()
            received = [m["To"].addresses[0].addr_spec for m in deliver(smtp)]
            assert received == ["kvar@bibliotek.se"]
        queued = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                OutboxMessage.to_email == "borta@bibliotek.se", OutboxMessage.kind == "newsletter"
            )
        )
        assert queued == 3  # not the fourth
    page = coordinator_client.get("/samordnare/nyhetsbrev").text
    assert "borta@bibliotek.se" in page and "tre nyhetsbrev i rad" in page
    assert "1 prenumerant har bekräftat" in page

    smtp.refused.clear()
    with app.app_context():
        db.session.execute(update(Watch).values(requested_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    subscribe(app, client, smtp, "borta@bibliotek.se")  # confirmed again: it works once more
    with app.app_context():
        assert newsletters.subscriber_count() == 2


def test_two_coordinators_sending_at_once_and_two_workers_deliver_it_once(app, coordinator, smtp):
    with app.app_context():  # confirmed subscribers, without asking six times from one address
        now = utcnow()
        db.session.add_all(
            Watch(email=f"person{n}@bibliotek.se", newsletter=True, confirmed_at=now)
            for n in range(6)
        )
        db.session.commit()
    newsletter_id = draft(app, coordinator)
    refused = []

    def send():
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == coordinator))
            try:
                newsletters.send(newsletter_id, user)
                db.session.commit()
            except Exception as error:  # the second is refused
                db.session.rollback()
                refused.append(error)

    at_once(send, send)
    assert len(refused) == 1
    app.config["MAIL_BATCH_SIZE"] = 2

    def worker():
        with app.app_context():
            run_worker(once=True)

    before = len(smtp.messages)
    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    received = [m["To"].addresses[0].addr_spec for m in smtp.messages[before:]]
    assert sorted(received) == [f"person{number}@bibliotek.se" for number in range(6)]


def test_a_newsletter_presents_only_coming_events_open_to_all(ctx, coordinator):
    open_event = make_event(title="Öppen")
    closed = make_event(title="Bara inbjudna")
    closed.invited_only = True
    db.session.commit()
    coming = {event.title for event in newsletters.coming_events()}
    assert "Öppen" in coming and "Bara inbjudna" not in coming
    user = db.session.scalar(select(User).where(User.email == coordinator))
    saved = newsletters.save(
        None, newsletters.Draft("Ämne", "", (open_event.id, closed.id, 10_000)), user
    )
    assert [event.title for event in saved.events] == ["Öppen"]
