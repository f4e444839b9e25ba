"""Watch lists: double opt-in, at most one mail a day of what matches, one-click unsubscribe."""

import re
from datetime import timedelta

from helpers import csrf_token, deliver, focus_area, make_event, submit, without_token
from sqlalchemy import func, select, update

from eventreg.extensions import db
from eventreg.models import Watch
from eventreg.models.base import utcnow
from eventreg.services import personal_data, watches


def link(mail, path: str) -> str:
    body = mail.get_body(("plain",)).get_content()
    return re.search(rf"https://kalendarium\.test({path}\S+)", body).group(1)


def watching(app, client, smtp, email: str, **choices) -> str:
    """Ask to watch and confirm it; the watch's own page."""
    assert submit(client, "/bevaka", {"email": email, **choices}).status_code == 302
    with app.app_context():
        (mail,) = deliver(smtp)
    confirm = link(mail, "/bevaka/bekrafta/")
    page = client.get(confirm).text
    assert "Ja, bevaka" in page
    done = client.post(confirm, data={"csrf_token": csrf_token(page)})
    assert done.status_code == 302
    return done.headers["Location"]


def test_a_watch_is_confirmed_by_mail_and_the_page_answers_the_same_for_anyone(app, client, smtp):
    with app.app_context():
        area = focus_area("Läsfrämjande")
        db.session.commit()
    said = []
    for choice in ({"focus_areas": str(area)}, {"everything": "y"}):  # then, already asked
        submit(client, "/bevaka", {"email": "ny@bibliotek.se", **choice})
        said.append(without_token(client.get("/bevaka").text))
    assert "Vi har skickat ett mejl till ny@bibliotek.se." in said[0] and said[0] == said[1]
    with app.app_context():
        (first,) = deliver(smtp)  # one an hour: the second request changes what it confirms
        assert db.session.scalar(select(Watch.confirmed_at)) is None  # not before the click
        db.session.execute(update(Watch).values(requested_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    submit(client, "/bevaka", {"email": "ny@bibliotek.se", "focus_areas": str(area)})
    with app.app_context():
        (second,) = deliver(smtp)
    old = link(first, "/bevaka/bekrafta/")
    page = client.get(old).text
    replaced = client.post(old, data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Den här länken gäller inte längre" in replaced.text  # the later request counts
    new = link(second, "/bevaka/bekrafta/")
    client.post(new, data={"csrf_token": csrf_token(client.get(new).text)})
    with app.app_context():
        watch = db.session.scalar(select(Watch))
        assert (watch.everything, watch.focus_areas) == (False, str(area))
    nothing = submit(client, "/bevaka", {"email": "x@bibliotek.se"})
    assert nothing.status_code == 422 and "Välj vad du vill få" in nothing.text


def test_one_mail_a_day_of_what_matches_with_a_one_click_unsubscribe(app, client, smtp):
    with app.app_context():
        area = focus_area("Läsfrämjande")
        db.session.commit()
    own = watching(app, client, smtp, "bevakare@bibliotek.se", focus_areas=str(area))
    assert "Din bevakning" in client.get(own).text
    with app.app_context():
        make_event(title="Bokprat", focus_area_id=area)
        make_event(title="Något annat")
        db.session.commit()
        later = utcnow() + timedelta(minutes=1)
        assert watches.send_digests(later) == 1
        assert watches.send_digests(later + timedelta(hours=1)) == 0  # one a day
        db.session.commit()
        (digest,) = deliver(smtp)
    text = digest.get_body(("plain",)).get_content()
    assert "Bokprat" in text and "Något annat" not in text
    stop = re.search(
        r"<https://kalendarium\.test(/bevaka/avsluta/\S+)>", digest["List-Unsubscribe"]
    )
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = client.post(stop.group(1), data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "Du bevakar inte längre" in one_click.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Watch)) == 0


def test_an_unconfirmed_request_is_erased_after_a_week(app, client, smtp):
    submit(client, "/bevaka", {"email": "glomsk@bibliotek.se", "everything": "y"})
    with app.app_context():
        personal_data.purge(utcnow() + timedelta(days=6))
        assert db.session.scalar(select(func.count()).select_from(Watch)) == 1
        personal_data.purge(utcnow() + timedelta(days=8))
        assert db.session.scalar(select(func.count()).select_from(Watch)) == 0


def test_asking_again_in_english_is_answered_and_confirmed_in_english(app, client, smtp):
    watching(app, client, smtp, "tvasprakig@bibliotek.se", everything="y")
    with app.app_context():  # a link goes at most once an hour
        db.session.execute(update(Watch).values(requested_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    client.get("/sprak/en?next=/")
    submit(client, "/bevaka", {"email": "tvasprakig@bibliotek.se", "everything": "y"})
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["Subject"] == "Confirm your watch"
    with app.app_context():  # a stranger's request changes nothing until it is confirmed
        assert db.session.scalar(select(Watch.language)) == "sv"
    confirm = link(mail, "/bevaka/bekrafta/")
    client.post(confirm, data={"csrf_token": csrf_token(client.get(confirm).text)})
    with app.app_context():
        make_event(title="Bokprat")
        db.session.commit()
        watches.send_digests(utcnow() + timedelta(minutes=1))
        db.session.commit()
        (digest,) = deliver(smtp)
    assert digest["Subject"].startswith("New events you watch for")
