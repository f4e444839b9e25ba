"""Networks through the pages: answering invitations by link, joining, leaving, feeds."""

import re

import icalendar
import pytest
from helpers import calendar_part, csrf_token, deliver, make_event, submit
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import (
    Event,
    EventKind,
    Invitation,
    Library,
    MemberStatus,
    NetworkMember,
    Registration,
)
from eventreg.services import events, networks


@pytest.fixture
def invitation_links(app, smtp, network_id):
    """The two answer links from a real invitation mail: {"kommer": path, "kommer-inte": path}."""
    with app.app_context():
        event = make_event(
            kind=EventKind.NETWORK_MEETING,
            network_id=network_id,
            publish=False,
            capacity=None,
            serves_meal=True,
        )
        events.publish_event(event.id)
        db.session.commit()
        (mail,) = deliver(smtp)
    text = mail.get_body(("plain",)).get_content()
    paths = re.findall(r"https://kalendarium\.test(/inbjudan/\S+)", text)
    return {path.rsplit("/", 1)[1]: path for path in paths}


def registrations(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Registration))


def test_following_the_link_alone_answers_nothing(app, client, invitation_links):
    page = client.get(invitation_links["kommer"])
    assert "Ja, jag kommer" in page.get_data(as_text=True)
    assert "Specialkost" in page.get_data(as_text=True)
    assert registrations(app) == 0


def test_yes_signs_up_and_pressing_it_again_adds_nothing(app, client, smtp, invitation_links):
    url = invitation_links["kommer"]
    first = submit(client, url, {"dietary_needs": "Vegan"})
    assert first.status_code == 302 and first.headers["Location"].startswith("/anmalan/")
    assert "Du har en plats" in client.get(first.headers["Location"]).get_data(as_text=True)
    submit(client, url, {})  # the replayed link
    assert registrations(app) == 1
    with app.app_context():
        assert db.session.scalar(select(Registration.dietary_needs)) == "Vegan"
        (confirmation,) = deliver(smtp)
    assert confirmation["Subject"].startswith("Bekräftelse:")


def test_no_is_recorded_and_the_member_is_not_chased(app, client, invitation_links):
    response = submit(client, invitation_links["kommer-inte"], {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Invitation.status)) == "declined"
    assert registrations(app) == 0


@pytest.mark.parametrize("token", ["forged", "MQ.AAAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_a_forged_answer_link_opens_nothing(client, token):
    response = client.get(f"/inbjudan/{token}/kommer")
    assert response.status_code == 404
    assert "Länken är ogiltig" in response.get_data(as_text=True)


def test_a_personal_sign_up_link_does_not_work_as_an_invitation(app, client, invitation_links):
    token = invitation_links["kommer"].split("/")[2]
    assert client.get(f"/anmalan/{token}").status_code == 404


def test_an_expired_answer_link_says_so(app, client, invitation_links):
    with app.app_context():
        event = db.session.scalar(select(Event))
        event.registration_deadline = event.registration_deadline.replace(
            year=event.registration_deadline.year - 1
        )
        db.session.commit()
    response = submit(client, invitation_links["kommer"], {})
    assert response.status_code == 422
    assert "Svarstiden har gått ut" in response.get_data(as_text=True)
    assert registrations(app) == 0


def test_join_a_network_that_needs_approval(app, client, network_id, smtp):
    with app.app_context():
        library_id = db.session.scalar(select(Library.id))
    page = client.get(f"/natverk/{network_id}").get_data(as_text=True)
    assert "Ansök om medlemskap" in page
    response = client.post(
        f"/natverk/{network_id}",
        data={
            "csrf_token": csrf_token(page),
            "name": "Bo Ek",
            "email": "bo@eksjo.se",
            "library": str(library_id),
            "consent": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        member = db.session.scalar(
            select(NetworkMember).where(NetworkMember.email == "bo@eksjo.se")
        )
        assert member.status == MemberStatus.PENDING
        (mail,) = deliver(smtp)
    assert mail["Subject"] == "Din ansökan till Barnnätverket"
    leave = re.search(
        r"https://kalendarium\.test(/natverk/lamna/\S+)", mail.get_body(("plain",)).get_content()
    ).group(1)
    assert "Ja, lämna nätverket" in client.get(leave).get_data(as_text=True)
    submit(client, leave, {})
    with app.app_context():
        assert (
            db.session.scalar(
                select(NetworkMember.status).where(NetworkMember.email == "bo@eksjo.se")
            )
            == "left"
        )


def test_the_calendar_feed_is_conditional_and_marks_cancellations(app, client):
    with app.app_context():
        kept = make_event(title="Bokcirkel")
        gone = make_event(title="Inställd kurs")
        make_event(title="Hemligt utkast", publish=False)
        events.cancel_event(gone.id, "")
        db.session.commit()
        kept_uid = f"session-{kept.sessions[0].id}@kalendarium.test"
    response = client.get("/kalender.ics")
    assert response.mimetype == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.data)
    assert cal["X-PUBLISHED-TTL"] is not None and "REFRESH-INTERVAL" in cal
    by_summary = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert by_summary["Bokcirkel"]["UID"] == kept_uid
    assert by_summary["INSTÄLLT: Inställd kurs"]["STATUS"] == "CANCELLED"
    assert "Hemligt utkast" not in response.get_data(as_text=True)
    assert all("ATTENDEE" not in e for e in cal.walk("VEVENT"))
    again = client.get("/kalender.ics", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert response.headers["Last-Modified"]


def test_a_network_feed_has_only_its_meetings(app, client, network_id):
    with app.app_context():
        make_event(title="Nätverksträff", kind=EventKind.NETWORK_MEETING, network_id=network_id)
        make_event(title="Annan kurs")
        db.session.commit()
    body = client.get(f"/natverk/{network_id}/kalender.ics").get_data(as_text=True)
    assert "Nätverksträff" in body and "Annan kurs" not in body


def test_control_characters_in_an_answer_are_left_out_and_exports_work(
    app, client, invitation_links, coordinator_client
):
    submit(client, invitation_links["kommer"], {"dietary_needs": "Vegan\x00\x07\x1b[31m, nötter"})
    with app.app_context():
        registration = db.session.scalar(select(Registration))
        assert registration.dietary_needs == "Vegan[31m, nötter"
        event_id = registration.event_id
    for kind in ("xlsx", "csv"):
        export = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare.{kind}")
        assert export.status_code == 200


def test_a_member_who_left_cannot_answer_through_an_old_invitation(
    app, client, invitation_links, smtp
):
    with app.app_context():
        member = db.session.scalar(select(NetworkMember))
        networks.remove_member(member)
        db.session.commit()
        withdrawn = deliver(smtp)
    answer = submit(client, invitation_links["kommer"], {})
    assert answer.status_code == 422
    assert "inte längre medlem" in answer.get_data(as_text=True)
    assert registrations(app) == 0
    # Leaving took the unanswered invitation out of the member's calendar.
    (mail,) = withdrawn
    assert mail["Subject"].startswith("Inbjudan återkallad")
    assert calendar_part(mail).get_param("method") == "CANCEL"
