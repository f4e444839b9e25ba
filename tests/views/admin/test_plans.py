"""An administrator keeps the library plans: a new plan period is data, not code."""

import re
from datetime import date, timedelta

import pytest
from helpers import csrf_token, login, make_event

from eventreg.extensions import db
from eventreg.models import AuditEntry, FocusArea
from eventreg.services import plans
from eventreg.services.plans import AreaText


@pytest.fixture
def admin_client(app, administrator):
    client = app.test_client()
    login(client, administrator)
    return client


def plan_form(**fields) -> dict:
    return {
        "name": "Regional biblioteksplan 2026–2029",
        "starts_on": "2026-01-01",
        "ends_on": "2029-12-31",
        "areas-0-name": "Hållbara bibliotek",
        "areas-0-name_en": "Sustainable libraries",
        **fields,
    }


def post(client, url: str, data: dict):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def test_an_admin_adds_a_plan_with_a_row_added_and_the_event_form_offers_its_areas(
    app, admin_client
):
    more = post(admin_client, "/samordnare/biblioteksplaner/ny", plan_form(add_area="y"))
    html = more.get_data(as_text=True)
    assert 'name="areas-1-name"' in html and 'value="Hållbara bibliotek"' in html  # kept

    saved = post(
        admin_client,
        "/samordnare/biblioteksplaner/ny",
        plan_form(**{"areas-1-name": "Tillgängliga bibliotek", "areas-2-name": ""}),
    )
    html = saved.get_data(as_text=True)
    assert "Biblioteksplanen är sparad." in html
    assert "Hållbara bibliotek" in html and "Tillgängliga bibliotek" in html
    assert "(Sustainable libraries)" in html

    form = admin_client.get("/samordnare/evenemang/nytt").get_data(as_text=True)
    group = re.search(r'<optgroup label="Regional biblioteksplan 2026–2029">(.*?)</optgroup>', form)
    assert group and "Hållbara bibliotek" in group.group(1)
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(action="sparade biblioteksplanen").count()


def test_rewording_and_retiring_keeps_the_area_and_stops_offering_it(app, admin_client):
    post(
        admin_client,
        "/samordnare/biblioteksplaner/ny",
        plan_form(**{"areas-1-name": "Tillgängliga bibliotek"}),
    )
    with app.app_context():
        areas = {a.name: a.id for a in db.session.query(FocusArea)}
        plan_id = db.session.get(FocusArea, areas["Hållbara bibliotek"]).plan_id
    url = f"/samordnare/biblioteksplaner/{plan_id}"
    edit = admin_client.get(url).get_data(as_text=True)
    assert "Används inte längre" in edit

    post(
        admin_client,
        url,
        plan_form(
            **{
                "areas-0-area_id": str(areas["Hållbara bibliotek"]),
                "areas-0-name": "Hållbara och gröna bibliotek",
                "areas-1-area_id": str(areas["Tillgängliga bibliotek"]),
                "areas-1-name": "Tillgängliga bibliotek",
                "areas-1-retired": "y",
            }
        ),
    )
    with app.app_context():
        kept = db.session.get(FocusArea, areas["Hållbara bibliotek"])
        assert kept.name == "Hållbara och gröna bibliotek"
        assert db.session.get(FocusArea, areas["Tillgängliga bibliotek"]).retired
    form = admin_client.get("/samordnare/evenemang/nytt").get_data(as_text=True)
    assert "Hållbara och gröna bibliotek" in form
    assert "Tillgängliga bibliotek" not in form


def test_a_period_that_overlaps_another_plan_or_ends_before_it_starts_is_told_at_the_field(
    admin_client,
):
    post(admin_client, "/samordnare/biblioteksplaner/ny", plan_form())
    overlap = post(
        admin_client,
        "/samordnare/biblioteksplaner/ny",
        plan_form(name="Nästa plan", starts_on="2029-06-01", ends_on="2032-12-31"),
    )
    assert overlap.status_code == 422
    html = overlap.get_data(as_text=True)
    assert 'id="starts_on-error"' in html
    assert "Perioden överlappar Regional biblioteksplan 2026–2029" in html
    assert 'value="Nästa plan"' in html  # what was typed is kept

    backwards = post(
        admin_client,
        "/samordnare/biblioteksplaner/ny",
        plan_form(name="Bakvänd", starts_on="2035-01-01", ends_on="2034-01-01"),
    )
    assert backwards.status_code == 422
    assert "Planen måste sluta efter att den börjar." in backwards.get_data(as_text=True)

    empty = post(
        admin_client,
        "/samordnare/biblioteksplaner/ny",
        plan_form(name="Tom", starts_on="2040-01-01", ends_on="2043-12-31", **{"areas-0-name": ""}),
    )
    assert empty.status_code == 422
    assert "Ange minst ett fokusområde." in empty.get_data(as_text=True)


def test_the_event_form_offers_the_areas_of_the_plan_in_force_on_the_events_date(app, admin_client):
    today = date.today()
    with app.app_context():
        now = plans.save_plan(
            None,
            "Planen nu",
            today - timedelta(days=10),
            today + timedelta(days=30),
            [AreaText("Läsning")],
            None,
        )
        plans.save_plan(
            None,
            "Nästa plan",
            today + timedelta(days=31),
            today + timedelta(days=900),
            [AreaText("Hållbarhet")],
            None,
        )
        event = make_event(days=14, focus_area_id=now.areas[0].id)
        db.session.commit()
        event_id = event.id

    def groups(html: str) -> list[str]:
        select = re.search(r'<select[^>]*name="focus_area_id".*?</select>', html, re.S).group(0)
        return re.findall(r'<optgroup label="([^"]+)"', select)

    assert groups(admin_client.get("/samordnare/evenemang/nytt").get_data(as_text=True)) == [
        "Planen nu",
        "Nästa plan",
    ]  # no date yet
    editing = admin_client.get(f"/samordnare/evenemang/{event_id}/redigera").get_data(as_text=True)
    assert groups(editing) == ["Planen nu"]
    later = post(
        admin_client,
        "/samordnare/evenemang/nytt",
        {
            "kind": "course",
            "sessions-0-day": str(today + timedelta(days=60)),
            "sessions-0-starts": "09:00",
            "sessions-0-ends": "12:00",
        },
    )
    assert later.status_code == 422  # no title: the form comes back with the date's plan
    assert groups(later.get_data(as_text=True)) == ["Nästa plan"]
