"""A person hands their seat to a colleague from the personal page."""

from helpers import csrf_token, deliver, make_event, personal_link, sign_up

from eventreg.extensions import db


def test_the_seat_is_handed_over_from_the_personal_page_and_shown_in_the_list(
    app, client, coordinator_client, smtp
):
    with app.app_context():
        event = make_event(capacity=5)
        sign_up(event, 1)
        event_id = event.id
        (mail,) = deliver(smtp)
        db.session.commit()
    link = personal_link(mail)
    assert "Lämna över platsen till en kollega" in client.get(link).get_data(as_text=True)
    form = client.get(f"{link}/lamna-over").get_data(as_text=True)
    assert "Fyll i din kollegas uppgifter." in form
    mine = client.post(
        f"{link}/lamna-over",
        data={
            "csrf_token": csrf_token(form),
            "name": "Kim Kollega",
            "email": "person1@bibliotek.se",
            "library": "other",
            "other_workplace": "Skolbiblioteket",
        },
    )
    assert mine.status_code == 422
    assert "Skriv din kollegas e-postadress, inte din egen." in mine.get_data(as_text=True)
    done = client.post(
        f"{link}/lamna-over",
        data={
            "csrf_token": csrf_token(form),
            "name": "Kim Kollega",
            "email": "kim@bibliotek.se",
            "library": "other",
            "other_workplace": "Skolbiblioteket",
        },
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Din plats är överlämnad till Kim Kollega" in done
    assert "Din anmälan är avbokad." in done and "Lämna över platsen" not in done
    listing = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare").get_data(
        as_text=True
    )
    assert "Kim Kollega<br><small>Fick platsen av Person 1</small>" in listing
