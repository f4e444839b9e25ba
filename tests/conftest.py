"""Fixtures: an app on SQLite and on PostgreSQL, a real SMTP server, and small factories.

Each database is migrated once per test session (which also proves the migrations run from
empty to head); after each test every table is emptied, so tests can use real transactions and
several connections at once, as the concurrency tests must.
"""

import asyncio
import email
import threading
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from helpers import PASSWORD, app_config, applicant, held_course, login, serve, with_second_factor
from imapserver import DovecotServer
from oidcprovider import OidcProvider
from pgcluster import PostgresCluster
from ports import free_port

from eventreg import create_app
from eventreg.cli import LIBRARIES_CSV
from eventreg.extensions import db
from eventreg.models import Role
from eventreg.services import materials
from eventreg.services.accounts import create_user
from eventreg.services.networks import add_member, create_network
from eventreg.services.places import import_libraries


class SMTPRecorder:
    """An aiosmtpd handler that keeps every message it accepts, parsed, and can misbehave.

    ``replies`` holds answers for the next messages instead of "250 OK": an SMTP reply such as
    "451 Try again later", or ``DROP`` to close the connection mid-message. ``refused`` holds
    addresses answered "550" at RCPT.
    """

    DROP = "drop"

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.replies: list[str] = []
        self.refused: set[str] = set()
        #: Seconds the server takes to answer each message's DATA: a slow relay.
        self.delay = 0.0
        self.lock = threading.Lock()

    def reset(self):
        with self.lock:
            self.messages.clear()
            self.replies.clear()
            self.refused.clear()
            self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            reply = self.replies.pop(0) if self.replies else "250 OK"
            if reply == self.DROP:
                server.transport.close()
                return None
            if reply.startswith("250"):
                message = email.message_from_bytes(envelope.original_content, policy=policy.default)
                message.envelope_to = list(envelope.rcpt_tos)
                message.raw = envelope.original_content
                self.messages.append(message)
        return reply


@pytest.fixture(scope="session")
def smtp():
    recorder = SMTPRecorder()
    recorder.port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=recorder.port)
    controller.start()
    yield recorder
    controller.stop()


@pytest.fixture(scope="session")
def provider():
    """The region's identity provider: a real OpenID provider (``tests/oidcprovider.py``)."""
    with OidcProvider() as started:
        yield started


@pytest.fixture(scope="session")
def imap_server():
    with DovecotServer() as server:
        yield server


@pytest.fixture
def imap(app, imap_server):
    """The Kalendarium's mailbox on a real IMAP server, empty, and the app set to read it."""
    imap_server.clear()
    app.config.update(
        IMAP_SERVER="127.0.0.1",
        IMAP_PORT=imap_server.port,
        IMAP_SECURITY="none",  # loopback only; production uses IMAPS or STARTTLS
        IMAP_USERNAME=imap_server.user,
        IMAP_PASSWORD=imap_server.password,
    )
    return imap_server


@pytest.fixture(scope="session")
def postgres():
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory, request):
    """Database URLs migrated to head, created on first use: {"sqlite": url, "postgresql": url}."""
    urls: dict[str, str] = {}

    def get(kind: str, smtp_port: int) -> str:
        if kind not in urls:
            if kind == "sqlite":
                url = "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite")
            else:
                url = request.getfixturevalue("postgres").create_database("eventreg_test")
            instance = tmp_path_factory.mktemp("instance")
            app = create_app(app_config(url, instance, smtp_port))
            with app.app_context():
                upgrade()
                db.engine.dispose()
            urls[kind] = url
        return urls[kind]

    return get


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, migrated_databases, smtp):
    return migrated_databases(request.param, smtp.port)


@pytest.fixture
def app(database_url, smtp, tmp_path):
    app = create_app(app_config(database_url, tmp_path, smtp.port))
    smtp.reset()
    with app.app_context():
        import_libraries(LIBRARIES_CSV)
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):  # children before parents
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def another_app(database_url, smtp, tmp_path):
    """``another_app(**settings)``: a second app on the same database, as another gunicorn
    worker would be, with settings of its own; its connections are closed afterwards."""
    made = []

    def make(**settings):
        config = {**app_config(database_url, tmp_path, smtp.port), **settings}
        made.append(create_app({k: v for k, v in config.items() if v is not None}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The app on a free local port, serving each request in its own thread; yields the base URL."""
    with serve(app) as url:
        yield url


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def coordinator(app):
    """A signed-up coordinator (not an administrator): its e-mail address."""
    with app.app_context():
        user = create_user("karin@region.se", "Karin Lindqvist", PASSWORD, Role.COORDINATOR)
        db.session.commit()
        return user.email


@pytest.fixture
def administrator(app):
    """An administrator, who signs in in two steps (``helpers.login`` types the app's code)."""
    with app.app_context():
        user = with_second_factor(
            create_user("admin@region.se", "Anders Admin", PASSWORD, Role.ADMIN)
        )
        db.session.commit()
        return user.email


@pytest.fixture
def coordinator_client(app, coordinator):
    """A test client signed in as the coordinator."""
    client = app.test_client()
    response = login(client, coordinator)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def network_id(app):
    """A network with one member, Åsa Öberg: its id."""
    with app.app_context():
        network = create_network(
            None, name="Barnnätverket", contact_name="Karin", contact_email="karin@region.se"
        )
        add_member(
            network,
            applicant(
                name="Åsa Öberg", email="asa@vetlanda.se", library_id=None, other_workplace="X"
            ),
        )
        db.session.commit()
        return network.id


@pytest.fixture
def ctx(app):
    """An application context for service-level tests."""
    with app.app_context():
        yield


@pytest.fixture
def held(app, coordinator):
    """A course that ended a week ago, with a link among its materials: its id, and the ids
    of Åsa, Bo and Cia, seated."""
    with app.app_context():
        event, people = held_course()
        actor = create_user("mats@region.se", "Mats", "ett-långt-lösenord")
        materials.add_link(event.id, "Bildspelet", "https://example.se/bildspel", actor)
        db.session.commit()
        return event.id, [person.id for person in people]
