"""Another region by configuration only: nothing of the first region shows anywhere.

The demo's second region is loaded from its file into a database without the first region's
libraries; then the calendar, a sign-up with its mail and invite, the feeds, the statistics
and their export are read as a visitor, an attendee and a coordinator would, looking for any
trace of Jönköping.
"""

import pytest
from helpers import deliver, login, make_event, personal_link, submit
from sqlalchemy import delete, select

from eventreg.demo import REGIONS
from eventreg.extensions import db
from eventreg.models import Audience, FocusArea, Library, Municipality, Organisation
from eventreg.services.accounts import create_user
from eventreg.services.region import load_region

FIRST_REGION = ("Jönköping", "Jonkoping", "RJL", "Biblioteksutveckling", "Vetlanda")


@pytest.fixture
def jamtland(app):
    """The second region loaded, and one published course of its plan: the course's id."""
    with app.app_context():
        db.session.execute(delete(Library))
        db.session.execute(delete(Municipality))
        message = load_region(REGIONS / "jamtland.toml")
        assert "1 biblioteksplaner" in message and "9 bibliotek" in message
        create_user("samordnare@example.se", "Kim Samordnare", "ett-långt-lösenord")
        area = db.session.scalar(select(FocusArea.id).where(FocusArea.name == "Hållbara bibliotek"))
        audience = db.session.scalar(
            select(Audience.id).where(Audience.name == "Skolbibliotekarier")
        )
        event = make_event(
            title="Klimatsmart bibliotek",
            organiser="Regionbibliotek Jämtland Härjedalen",
            venue="Östersunds bibliotek",
            address="Rådhusgatan 25, Östersund",
            focus_area_id=area,
            audience_id=audience,
        )
        db.session.commit()
        return event.id


def test_calendar_sign_up_mail_feeds_statistics_and_export_show_only_the_second_region(
    app, client, smtp, jamtland
):
    seen = {}
    seen["calendar"] = client.get("/").get_data(as_text=True)
    assert (
        "Kurser och nätverksträffar för personalen på folkbiblioteken i Jämtland"
        in seen["calendar"]
    )
    assert "Regionbibliotek Jämtland Härjedalen, Region Jämtland Härjedalen" in seen["calendar"]
    seen["event"] = client.get(f"/evenemang/{jamtland}").get_data(as_text=True)
    assert "Hållbara bibliotek" in seen["event"] and "Skolbibliotekarier" in seen["event"]
    form = client.get(f"/evenemang/{jamtland}/anmalan").get_data(as_text=True)
    assert "Östersunds bibliotek" in form and "Krokoms bibliotek" in form
    seen["form"] = form
    with app.app_context():
        library = db.session.scalar(select(Library.id).where(Library.name == "Brunflo bibliotek"))
    signed_up = submit(
        client,
        f"/evenemang/{jamtland}/anmalan",
        {"name": "Alva Berg", "email": "alva@example.se", "library": str(library), "consent": "y"},
    )
    assert signed_up.status_code == 302
    with app.app_context():
        (mail,) = deliver(smtp)
    seen["mail"] = str(mail["From"]) + "".join(
        part.get_payload(decode=True).decode() for part in mail.walk() if not part.is_multipart()
    )
    assert mail["From"].startswith("Kalendarium – Regionbiblioteket")
    assert "PRODID:-//Region Jämtland Härjedalen//eventreg Kalendarium//SV" in seen["mail"]
    seen["personal page"] = client.get(personal_link(mail)).get_data(as_text=True)
    seen["ics"] = client.get(f"/evenemang/{jamtland}/kalender.ics").get_data(as_text=True)
    seen["feed"] = client.get("/kalender.ics").get_data(as_text=True)
    assert "X-WR-CALNAME:Kalendarium – Regionbibliotek Jämtland Härjedalen" in seen["feed"].replace(
        "\r\n ", ""
    )
    seen["privacy"] = client.get("/personuppgifter").get_data(as_text=True)
    assert "Personuppgiftsansvarig är Region Jämtland Härjedalen" in seen["privacy"]
    seen["accessibility"] = client.get("/tillganglighet").get_data(as_text=True)
    seen["english"] = client.get("/sprak/en?next=/").get_data(as_text=True) + client.get(
        "/"
    ).get_data(as_text=True)

    login(client, "samordnare@example.se")
    period = {"fran": "2000-01-01", "till": "2099-12-31"}
    seen["statistics"] = client.get("/samordnare/statistik", query_string=period).get_data(
        as_text=True
    )
    assert "Östersund" in seen["statistics"] and "Hållbara bibliotek" in seen["statistics"]
    assert "Regional biblioteksplan 2024–2027" in seen["statistics"]
    seen["export"] = client.get("/samordnare/statistik.csv", query_string=period).data.decode(
        "utf-8-sig"
    )
    assert "2380" in seen["export"]
    seen["attendees"] = client.get(f"/samordnare/evenemang/{jamtland}/deltagare").get_data(
        as_text=True
    )
    seen["new event"] = client.get("/samordnare/evenemang/nytt").get_data(as_text=True)
    assert (
        'value="Regionbibliotek Jämtland Härjedalen, Region Jämtland Härjedalen"'
        in seen["new event"]
    )

    traces = {(name, word) for name, text in seen.items() for word in FIRST_REGION if word in text}
    assert traces == set()


def test_a_region_file_that_lacks_a_key_or_breaks_a_rule_is_told_and_saves_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    broken = tmp_path / "region.toml"
    broken.write_text('[[plans]]\nname = "Planen"\nstarts_on = 2040-01-01\nends_on = 2043-12-31\n')
    result = runner.invoke(args=["load-region", str(broken)])
    assert result.exit_code == 1 and "areas saknas." in result.output
    broken.write_text('[organisation]\nname = "Region X"\ncolour = "#ffff00"\n')
    result = runner.invoke(args=["load-region", str(broken)])
    assert "WCAG AA kräver minst 4,5:1" in result.output
    with app.app_context():
        assert db.session.scalar(select(Organisation.id)) is None
