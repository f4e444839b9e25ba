"""The role matrix: every coordinator route, tried by a stranger, a coordinator and an admin.

Routes are read from the app's URL map, so a new route is covered the day it is added, and the
first test fails if it does not declare the role it needs.
"""

import pytest
from helpers import PASSWORD, applicant, csrf_token, focus_area, login, make_event
from sqlalchemy import select

from eventreg import links
from eventreg.extensions import db
from eventreg.models import (
    Certificate,
    FocusArea,
    Library,
    Material,
    MaterialKind,
    Municipality,
    OutboxMessage,
    Role,
)
from eventreg.services import newsletters
from eventreg.services.accounts import create_user
from eventreg.services.audiences import save_audience
from eventreg.services.networks import add_member, create_network
from eventreg.services.organisation import save_profile
from eventreg.services.registrations import register


@pytest.fixture
def ids(app):
    """Real ids for every URL parameter, so that each route would show data if it leaked."""
    with app.app_context():
        event = make_event()
        registration = register(
            event.id,
            applicant(
                name="Hemlig Person",
                email="hemlig@bibliotek.se",
                library_id=None,
                other_workplace="X",
            ),
        )
        db.session.add(Certificate(registration_id=registration.id, code="ABCD-EFGH-JKLM"))
        material = Material(
            event_id=event.id, kind=MaterialKind.LINK, title="Bildspel", url="https://e.se/b"
        )
        db.session.add(material)
        db.session.commit()
        user = create_user("third@region.se", "Tredje Person", "ett-långt-lösenord")
        network = create_network(
            user, name="Barnnätverket", contact_name="K", contact_email="k@r.se"
        )
        member = add_member(
            network,
            applicant(name="Medlem", email="medlem@b.se"),
        )
        plan_id = db.session.get(FocusArea, focus_area()).plan_id
        save_profile(None, colour="#00509e", name="Testregionen")
        audience = save_audience(None, "Barnbibliotekarier", "", False, None)
        newsletter = newsletters.save(
            None, newsletters.Draft("Hemligt utkast", "Hemligt", (event.id,)), user
        )
        db.session.commit()
        return {
            "event_id": event.id,
            "registration_id": registration.id,
            "message_id": db.session.scalar(select(OutboxMessage.id)),
            "user_id": user.id,
            "library_id": registration_library(),
            "municipality_id": db.session.scalar(select(Municipality.id)),
            "kind": "csv",
            "network_id": network.id,
            "member_id": member.id,
            "plan_id": plan_id,
            "audience_id": audience.id,
            "material_id": material.id,
            "shown": "offentligt",
            "newsletter_id": newsletter.id,
        }


def registration_library() -> int:
    return db.session.scalar(select(Library.id))


def coordinator_routes(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def url(rule, ids) -> str:
    """The route's URL with real ids; for a choice in the path, the first choice it accepts."""
    for change in ("inaktivera", "ta-bort"):
        values = {name: ids[name] for name in rule.arguments - {"change"}}
        if "change" in rule.arguments:
            values["change"] = change
        try:
            return rule.build(values)[1]
        except ValueError:  # not one of this route's choices
            continue
    raise AssertionError(f"cannot build {rule.rule}")


def test_every_coordinator_route_declares_the_role_it_needs(app):
    routes = coordinator_routes(app)
    assert len(routes) > 20
    undeclared = [
        r.endpoint
        for r in routes
        if getattr(app.view_functions[r.endpoint], "required_role", None) not in set(Role)
    ]
    assert undeclared == []


def test_a_stranger_is_sent_to_sign_in_and_sees_nothing(app, client, ids):
    for rule in coordinator_routes(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url(rule, ids), method=method)
            assert response.status_code in (302, 400), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/logga-in"), rule.rule
            assert "hemlig@bibliotek.se" not in response.get_data(as_text=True)


def open_as(client, rule, ids):
    """GET the route, or POST it with a valid CSRF token when it only takes POST."""
    if "GET" in rule.methods:
        return client.get(url(rule, ids))
    token = csrf_token(client.get("/samordnare/").get_data(as_text=True))
    return client.post(url(rule, ids), data={"csrf_token": token})


def test_a_coordinator_is_kept_out_of_admin_routes_and_an_admin_is_let_in(
    app, ids, coordinator, administrator
):
    admin_only = [
        r
        for r in coordinator_routes(app)
        if app.view_functions[r.endpoint].required_role == Role.ADMIN
    ]
    everyone = [r for r in coordinator_routes(app) if r not in admin_only and "GET" in r.methods]
    assert admin_only and everyone
    coordinator_client, admin_client = app.test_client(), app.test_client()
    login(coordinator_client, coordinator)
    login(admin_client, administrator)
    for rule in admin_only:
        assert open_as(coordinator_client, rule, ids).status_code == 403, rule.rule
        assert open_as(admin_client, rule, ids).status_code in (200, 302), rule.rule
    for rule in everyone:
        response = coordinator_client.get(url(rule, ids))
        assert response.status_code in (200, 302), (rule.rule, response.status_code)


def test_every_post_needs_a_csrf_token(app, ids, coordinator):
    client = app.test_client()
    login(client, coordinator)
    posts = [rule for rule in coordinator_routes(app) if "POST" in rule.methods]
    assert posts
    for rule in posts:
        response = client.post(url(rule, ids), data={})
        assert response.status_code == 400, rule.rule
        assert "Formuläret hann bli för gammalt" in response.get_data(as_text=True)


def manager_routes(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("manager.")]


def test_a_manager_sees_none_of_the_coordinators_routes_and_only_managers_see_theirs(
    app, client, ids, coordinator
):
    with app.app_context():
        user = create_user("chef@region.se", "Chef Chefsson", PASSWORD)
        user.role, user.password_hash = Role.MANAGER, ""
        user.manager_library_id = ids["library_id"]
        user.last_login_at = None
        db.session.commit()
        link = links.manager_sign_in_url(user, invitation=True)
    manager = app.test_client()
    path = link.split(".test", 1)[1]
    manager.post(path, data={"csrf_token": csrf_token(manager.get(path).text)})
    coordinator_client = app.test_client()
    login(coordinator_client, coordinator)
    token = csrf_token(manager.get("/chef/anmal").text)
    for rule in coordinator_routes(app):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = manager.open(url(rule, ids), method=method, data={"csrf_token": token})
            assert response.status_code == 403, (rule.rule, method, response.status_code)
    routes = manager_routes(app)
    assert len(routes) >= 4
    for rule in routes:
        assert client.get(url(rule, ids)).status_code == 302, rule.rule
        assert coordinator_client.get(url(rule, ids)).status_code == 403, rule.rule
        assert manager.get(url(rule, ids)).status_code in (200, 404), rule.rule
