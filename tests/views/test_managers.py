"""Library managers: invited by a coordinator, signed in with a link, and shown their own staff,
figures and certificates, never another library's."""

import re
from datetime import timedelta

import pytest
from helpers import counting, csrf_token, deliver, make_event, mark, sign_up, submit
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import AuditEntry, Certificate, Library, Municipality, User
from eventreg.services import managers

OTHER_LIBRARY_PERSON = "Hanna Habo"


def library_id(name: str) -> int:
    return db.session.scalar(select(Library.id).where(Library.name.startswith(name)))


@pytest.fixture
def staff(app, smtp):
    """At Vetlanda's main library two people for a coming course (one waiting), and a course held
    this term where one came (and has a certificate) and one did not; at Habo, one for each."""
    with app.app_context():
        coming = make_event(title="Bokprat för vuxna", days=5, capacity=1)
        sign_up(coming, 1, library="Vetlanda stads", name="Vera Vetlanda")
        sign_up(coming, 2, library="Vetlanda stads", name="Ville Väntar")  # waiting list
        sign_up(coming, 3, library="Habo", name=OTHER_LIBRARY_PERSON)
        held = make_event(title="Digitala verktyg", days=4)
        came = sign_up(held, 4, library="Vetlanda stads", name="Kim Kom")
        absent = sign_up(held, 5, library="Vetlanda stads", name="Uno Uteblev")
        habo = sign_up(held, 6, library="Habo", name="Hugo Habo")
        for session in held.sessions:
            session.starts_at -= timedelta(days=14)
            session.ends_at -= timedelta(days=14)
        held.first_start, held.last_end = held.sessions[0].starts_at, held.sessions[-1].ends_at
        db.session.commit()
        mark(held, {0: {came, habo}})  # which issues their certificates
        assert db.session.scalar(
            select(Certificate.id).where(Certificate.registration_id == came.id)
        )
        return {"came": came.id, "absent": absent.id, "habo": habo.id, "coming": coming.id}


def invite(app, coordinator_client, smtp, unit: str, email: str = "chef@vetlanda.se") -> str:
    """Invite a manager from the coordinators' page; the sign-in link in their mail."""
    answer = submit(
        coordinator_client,
        "/samordnare/chefer",
        {"name": "Maja Chef", "email": email, "unit": unit},
    )
    assert answer.status_code == 302, answer.text
    with app.app_context():
        (mail,) = [m for m in deliver(smtp) if m["To"].addresses[0].addr_spec == email]
    assert mail["Subject"] == "Välkommen till kalendariet"
    body = mail.get_body(("plain",)).get_content()
    return re.search(r"https://kalendarium\.test(/logga-in/lank/\S+)", body).group(1)


def signed_in(app, link: str):
    client = app.test_client()
    page = client.get(link)
    assert "Logga in" in page.text and client.get("/chef/").status_code == 302  # not yet
    answer = client.post(link, data={"csrf_token": csrf_token(page.text)})
    assert answer.headers["Location"] == "/chef/"
    return client


def test_a_library_manager_sees_their_staff_and_nothing_of_another_library(
    app, coordinator_client, smtp, staff
):
    with app.app_context():
        unit = f"bibliotek-{library_id('Vetlanda stads')}"
    manager = signed_in(app, invite(app, coordinator_client, smtp, unit))

    overview = manager.get("/chef/").text
    for name in ("Vera Vetlanda", "Ville Väntar", "Kim Kom", "Uno Uteblev"):
        assert name in overview
    assert "Reservlista" in overview and "Kom" in overview and "Uteblev" in overview
    figures = manager.get("/chef/statistik").text
    # Seated: Vera (coming), Kim (came) and Uno (did not); Ville waits, so does not count.
    assert re.search(r"Vetlanda stadsbibliotek</th><td>3</td><td>1</td><td>1</td>", figures)
    for path in ("/chef/", "/chef/statistik", "/chef/anmal"):
        page = manager.get(path).text
        assert OTHER_LIBRARY_PERSON not in page and "Hugo Habo" not in page and "Habo" not in page

    pdf = manager.get(f"/chef/intyg/{staff['came']}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert manager.get(f"/chef/intyg/{staff['habo']}.pdf").status_code == 404
    assert manager.get("/samordnare/").status_code == 403  # none of the coordinators' tools
    assert manager.get("/samordnare/evenemang/1/deltagare").status_code == 403


def test_a_municipality_chief_sees_every_library_of_the_municipality_only(
    app, coordinator_client, smtp, staff
):
    with app.app_context():
        habo = db.session.scalar(select(Municipality.id).where(Municipality.name == "Habo"))
    manager = signed_in(app, invite(app, coordinator_client, smtp, f"kommun-{habo}"))
    overview = manager.get("/chef/").text
    assert OTHER_LIBRARY_PERSON in overview and "Hugo Habo" in overview
    assert "Vera Vetlanda" not in overview and "Kim Kom" not in overview


def test_a_sign_in_link_works_once_and_a_manager_can_ask_for_a_new_one(
    app, client, coordinator_client, smtp
):
    with app.app_context():
        unit = f"bibliotek-{library_id('Vetlanda stads')}"
    link = invite(app, coordinator_client, smtp, unit)
    signed_in(app, link)
    used = app.test_client()
    page = used.get(link)
    again = used.post(link, data={"csrf_token": csrf_token(page.text)}, follow_redirects=True)
    assert "Länken har redan använts" in again.text

    for email in ("chef@vetlanda.se", "ingen@vetlanda.se"):
        asked = submit(client, "/logga-in/lank", {"email": email})
        assert asked.status_code == 302
        said = client.get("/logga-in/lank").text
        assert f"Är {email} en chefs adress i kalendariet" in said
    with app.app_context():
        (mail,) = deliver(smtp)  # only to the manager
    assert mail["To"].addresses[0].addr_spec == "chef@vetlanda.se"
    fresh = re.search(
        r"https://kalendarium\.test(/logga-in/lank/\S+)", mail.get_body(("plain",)).get_content()
    ).group(1)
    signed_in(app, fresh)
    with app.app_context():
        actions = db.session.execute(select(AuditEntry.action, AuditEntry.detail)).all()
    assert ("bjöd in chef", "chef@vetlanda.se (Vetlanda stadsbibliotek)") in actions
    assert actions.count(("loggade in", "med länk")) == 2


def test_a_manager_signs_up_a_colleague_who_gets_the_usual_mail(
    app, coordinator_client, smtp, staff
):
    with app.app_context():
        vetlanda, habo = library_id("Vetlanda stads"), library_id("Habo")
        open_course = make_event(title="Lättläst", days=20).id
        db.session.commit()
    manager = signed_in(app, invite(app, coordinator_client, smtp, f"bibliotek-{vetlanda}"))
    form = {"event": open_course, "name": "Nils Ny", "email": "nils@vetlanda.se"}
    outside = submit(manager, "/chef/anmal", {**form, "library": habo})
    assert outside.status_code == 422 and "Välj ett av dina bibliotek." in outside.text
    done = submit(manager, "/chef/anmal", {**form, "library": vetlanda})
    assert done.status_code == 302
    assert "Nils Ny är anmäld till Lättläst" in manager.get("/chef/").text
    with app.app_context():
        (mail,) = deliver(smtp)
    assert mail["To"].addresses[0].addr_spec == "nils@vetlanda.se"
    assert "/anmalan/" in mail.get_body(("plain",)).get_content()  # their own link to cancel


def test_a_manager_whose_access_is_taken_away_is_signed_out_and_their_links_stop(
    app, coordinator_client, smtp
):
    with app.app_context():
        unit = f"bibliotek-{library_id('Vetlanda stads')}"
    link = invite(app, coordinator_client, smtp, unit)
    manager = signed_in(app, invite(app, coordinator_client, smtp, unit, "chef2@vetlanda.se"))
    with app.app_context():
        chef2 = db.session.scalar(select(User.id).where(User.email == "chef2@vetlanda.se"))
    page = coordinator_client.get("/samordnare/chefer").text
    coordinator_client.post(
        f"/samordnare/chefer/{chef2}/ta-bort", data={"csrf_token": csrf_token(page)}
    )
    assert manager.get("/chef/").status_code == 302  # signed out
    assert signed_in(app, link)  # the other manager's link still works
    with app.app_context():
        assert managers.send_link("chef2@vetlanda.se") is None
        assert deliver(smtp) == []


def test_a_coordinator_is_refused_the_managers_pages(coordinator_client, client):
    assert coordinator_client.get("/chef/").status_code == 403
    assert client.get("/chef/").headers["Location"].startswith("/logga-in")


def test_the_overview_asks_the_same_queries_however_many_courses(
    app, coordinator_client, smtp, staff
):
    """Events, their sessions and the staff's libraries are read in one go, not one per row."""
    with app.app_context():
        unit = f"bibliotek-{library_id('Vetlanda stads')}"
    manager = signed_in(app, invite(app, coordinator_client, smtp, unit))

    def queries() -> int:
        with app.app_context():
            engine = db.engine
        with counting(engine) as statements:
            assert manager.get("/chef/").status_code == 200
        return len(statements)

    before = queries()
    with app.app_context():
        for n in range(3):
            event = make_event(
                title=f"Fler kurser {n}",
                days=6 + n,
            )
            sign_up(event, 10 + n, library="Vetlanda stads", name=f"Ny {n}")
    assert queries() == before
