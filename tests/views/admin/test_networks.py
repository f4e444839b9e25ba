"""Networks in the workspace: create one, paste members, plan a term of meetings, invite."""

from helpers import applicant, deliver, stockholm, submit
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import Event, Invitation, Network, NetworkMember
from eventreg.services.networks import create_network, request_membership


def test_create_a_network_paste_members_and_plan_a_term(app, coordinator_client, smtp):
    response = submit(
        coordinator_client,
        "/samordnare/natverk",
        {
            "name": "Läsfrämjarnätverket",
            "description": "",
            "contact_name": "Karin",
            "contact_email": "karin@region.se",
            "join_policy": "open",
        },
    )
    assert response.status_code == 302
    network_url = response.headers["Location"]
    page = submit(
        coordinator_client,
        f"{network_url}/klistra-in",
        {"members": "Anna Ek <anna@vetlanda.se>\nBo Al, bo@habo.se\nutan adress"},
        page_url=network_url,
    )
    html = coordinator_client.get(page.headers["Location"]).get_data(as_text=True)
    assert "2 nya medlemmar." in html and "utan adress" in html
    assert "Anna Ek" in html and "bo@habo.se" in html

    days = [stockholm(d).date() for d in (20, 48)]
    response = submit(
        coordinator_client,
        f"{network_url}/traffar",
        {
            "title": "Läsfrämjarträff",
            "deadline_days": "5",
            "meetings-0-day": str(days[0]),
            "meetings-0-starts": "13:00",
            "meetings-0-ends": "15:00",
            "meetings-1-day": str(days[1]),
            "meetings-1-starts": "13:00",
            "meetings-1-ends": "15:00",
            "publish": "Publicera och bjud in medlemmarna",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Event)) == 2
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 4
        mails = deliver(smtp)
    assert sorted({m["To"] for m in mails}) == ["Anna Ek <anna@vetlanda.se>", "Bo Al <bo@habo.se>"]


def test_a_series_without_any_date_is_explained(coordinator_client, app):
    with app.app_context():
        network = create_network(None, name="N", contact_name="K", contact_email="k@r.se")
        db.session.commit()
        network_id = network.id
    response = submit(
        coordinator_client,
        f"/samordnare/natverk/{network_id}/traffar",
        {"title": "T", "deadline_days": "7", "save": "Spara som utkast"},
    )
    assert response.status_code == 422
    assert "Fyll i minst en träff." in response.get_data(as_text=True)


def test_approve_and_remove_members(app, coordinator_client, smtp):
    with app.app_context():
        network = create_network(None, name="N", contact_name="K", contact_email="k@r.se")
        member = request_membership(
            network.id,
            applicant(name="Cia", email="cia@habo.se"),
        )
        db.session.commit()
        network_id, member_id = network.id, member.id
        deliver(smtp)
    page = f"/samordnare/natverk/{network_id}"
    assert "Väntar på godkännande" in coordinator_client.get(page).get_data(as_text=True)
    submit(coordinator_client, f"{page}/medlemmar/{member_id}/godkann", {}, page_url=page)
    with app.app_context():
        assert db.session.get(NetworkMember, member_id).status == "active"
        (welcome,) = deliver(smtp)
    assert welcome["Subject"] == "Välkommen till N"
    submit(coordinator_client, f"{page}/medlemmar/{member_id}/ta-bort", {}, page_url=page)
    with app.app_context():
        assert db.session.get(NetworkMember, member_id).status == "left"
        assert db.session.scalar(select(Network.name)) == "N"
