"""Factories and helpers shared by the tests: events, people signing up, mail delivery, forms
with CSRF."""

import http.client
import re
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyotp
from sqlalchemy import event as sa_event
from sqlalchemy import select
from werkzeug.serving import make_server

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.mail.outbox import run_worker
from eventreg.models import (
    AuditEntry,
    CountedEvent,
    Event,
    EventKind,
    EventParticipation,
    FocusArea,
    Library,
    LibraryPlan,
    MonthlyEvents,
    MonthlyParticipation,
    Registration,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import attendance, registrations
from eventreg.services.events import SessionTimes, create_event, publish_event
from eventreg.services.registrations import Applicant
from eventreg.statistics import counting as statistics_counting


def app_config(database_url: str, instance: Path, smtp_port: int) -> dict:
    """Settings of a test app: its database, the test SMTP server, mail links on a fixed host."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "EVENTREG_BASE_URL": "https://kalendarium.test",
        "MAIL_BACKEND": "smtp",
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would drop mail under TESTING
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_DEFAULT_SENDER": ("Kalendarium", "kalendarium@kalendarium.test"),
        "MAIL_POLL_SECONDS": 0.05,
        "MAIL_FILE_DIR": str(instance / "mail"),
        "MATERIALS_DIR": str(instance / "materials"),
    }


def stockholm(days: int, hour: int = 9, minute: int = 0) -> datetime:
    """A time ``days`` from today, Stockholm wall clock."""
    day = datetime.now(STOCKHOLM).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def make_event(
    *,
    capacity: int | None = 10,
    days: int = 14,
    sessions: list[SessionTimes] | None = None,
    deadline_days: int | None = None,
    publish: bool = True,
    **details,
):
    """A published course ``days`` from now; pass ``sessions`` for several."""
    sessions = sessions or [SessionTimes(stockholm(days, 9), stockholm(days, 12))]
    first_day = min(s.starts_at for s in sessions).astimezone(STOCKHOLM).date()
    deadline = (
        datetime.now(STOCKHOLM).date() + timedelta(days=deadline_days)
        if deadline_days is not None
        else first_day - timedelta(days=1)
    )
    values = {
        "kind": EventKind.COURSE,
        "title": "Bokprat för unga läsare",
        "summary": "En dag om bokprat.",
        "organiser": "Biblioteksutveckling",
        "contact_name": "Karin Lindqvist",
        "contact_email": "karin@region.test",
        "venue": "Stadsbiblioteket",
        "address": "Dag Hammarskjölds plats 1, Jönköping",
        "capacity": capacity,
        "registration_deadline": deadline,
    }
    values.update(details)
    event = create_event(sessions, **values)
    if publish:
        publish_event(event.id)
    return event


#: The plan every test event may be tagged from: it covers every date a test uses.
TEST_PLAN = "Testplanen"


def focus_area(name: str = "Läsfrämjande") -> int:
    """The id of the focus area ``name`` of the test plan, made on first use."""
    plan = db.session.scalar(select(LibraryPlan).where(LibraryPlan.name == TEST_PLAN))
    if plan is None:
        plan = LibraryPlan(name=TEST_PLAN, starts_on=date(2000, 1, 1), ends_on=date(2099, 12, 31))
        db.session.add(plan)
    area = next((area for area in plan.areas if area.name == name), None)
    if area is None:
        area = FocusArea(plan=plan, name=name, position=len(plan.areas))
        db.session.add(area)
        db.session.flush()
    return area.id


def applicant(n: int = 1, *, library: str | None = None, **details) -> Applicant:
    """Person ``n`` as a sign-up form gives them to the services: "Person n",
    person<n>@bibliotek.se, working at the county library whose name starts with ``library``,
    or at a school library outside the list. ``details`` replace any of it."""
    library_id = None
    if library is not None:
        library_id = db.session.scalars(
            select(Library.id).where(Library.name.startswith(library)).order_by(Library.id)
        ).first()
    values = {
        "name": f"Person {n}",
        "email": f"person{n}@bibliotek.se",
        "library_id": library_id,
        **details,
    }
    values.setdefault("other_workplace", "" if values["library_id"] else "Skolbiblioteket")
    return Applicant(**values)


def sign_up(event, n: int = 1, *, library: str | None = None, **details) -> Registration:
    """Person ``n`` signs up for ``event`` through the service, committed."""
    registration = registrations.register(event.id, applicant(n, library=library, **details))
    db.session.commit()
    return registration


def sign_up_form(n: int = 1, **fields) -> dict:
    """What person ``n`` posts to the sign-up form (without the CSRF token)."""
    return {
        "name": f"Person {n}",
        "email": f"person{n}@bibliotek.se",
        "library": "other",
        "other_workplace": "Skolbiblioteket",
        "consent": "y",
        **fields,
    }


def at_once(*calls: Callable[[], object]) -> None:
    """Run each call in a thread of its own, all started together; return when all are done
    (the calls wait on a barrier of their own to start at the same moment)."""
    threads = [threading.Thread(target=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def deliver(smtp) -> list[EmailMessage]:
    """Run the mail worker until the outbox is drained; return what the SMTP server received."""
    before = len(smtp.messages)
    run_worker(once=True)
    return smtp.messages[before:]


def calendar_part(message: EmailMessage):
    """The inline text/calendar part of a mail, or None."""
    return next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)


def personal_link(message: EmailMessage) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https://kalendarium\.test(/anmalan/[^\s]+)", body).group(1)


def csrf_token(html: str) -> str:
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def submit(client, url: str, data: dict, page_url: str | None = None):
    """Fetch the form page for its CSRF token, then post the form as a browser would."""
    page = client.get(page_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


PASSWORD = "ett-långt-lösenord"


#: The authenticator app's secret of the test administrators, who must sign in in two steps.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#: The last 30-second step whose code each address signed in with: a code is taken once.
_used_steps: dict[str, int] = {}


def with_second_factor(user: User) -> User:
    """Give an account a second factor, as if its owner had set up the app with TOTP_SECRET."""
    user.totp_secret = TOTP_SECRET
    user.second_factor_at = utcnow()
    _used_steps.pop(user.email, None)
    return user


def app_code(email: str) -> str:
    """What the authenticator app shows now, never a code this address has used before (the
    server accepts one step either way, so three sign-ins fit in a step before one waits)."""
    totp = pyotp.TOTP(TOTP_SECRET)
    current = totp.timecode(datetime.now().astimezone())
    step = max(current - 1, _used_steps.get(email, current - 2) + 1)
    if step > current + 1:
        time.sleep((step - 1) * totp.interval - time.time() + 0.1)
    _used_steps[email] = step
    return totp.generate_otp(step)


def login(client, email: str, password: str = PASSWORD):
    """Sign in through the login form, as a coordinator would; with the app's code when the
    account asks for it."""
    answer = submit(client, "/logga-in", {"email": email, "password": password})
    if answer.status_code == 302 and answer.headers["Location"] == "/logga-in/kod":
        return submit(client, "/logga-in/kod", {"code": app_code(email)})
    return answer


def without_token(html: str) -> str:
    """A page without its CSRF token, which is signed with the second it was made: to compare
    two pages that must say the same."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)


def audit_entries(app) -> list[tuple[str, str]]:
    """(action, detail) of every line of the audit log, oldest first."""
    with app.app_context():
        return db.session.execute(
            select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)
        ).all()


def participation_rows() -> list[list[tuple]]:
    """Every row of the statistics' pre-counted tables, in key order."""
    return [
        db.session.execute(select(table).order_by(*table.primary_key)).all()
        for table in (
            EventParticipation.__table__,
            CountedEvent.__table__,
            MonthlyParticipation.__table__,
            MonthlyEvents.__table__,
        )
    ]


def assert_participation_is_counted_right() -> None:
    """Commit and count new sign-ups, as the worker does; the pre-counted tables must then
    equal counting every registration afresh."""
    db.session.commit()
    while statistics_counting.catch_up(db.session()):
        db.session.commit()
    db.session.commit()
    kept = participation_rows()
    statistics_counting.rebuild(db.session)
    rebuilt = participation_rows()
    db.session.rollback()
    assert kept == rebuilt


@contextmanager
def counting(engine):
    """The SQL statements that ``engine`` runs inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


@contextmanager
def serve(app, port: int = 0):
    """The app over real HTTP on a local port (a free one unless given), a thread per request;
    yields the base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class WebResponse:
    status: int
    text: str
    headers: dict[str, str]
    seconds: float


class WebClient:
    """A browser without a screen: real HTTP to a live server, keeping cookies, not following
    redirects (so that a test sees them), sending whatever headers a test puts in."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None):
        self.host, self.port = urlsplit(base_url).hostname, urlsplit(base_url).port
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", headers=None) -> WebResponse:
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body.encode(), headers=sent)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", errors="replace")
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        connection.close()
        return WebResponse(answer.status, text, dict(answer.headers), time.perf_counter() - started)

    def get(self, path: str, headers=None) -> WebResponse:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict, headers=None) -> WebResponse:
        return self.request("POST", path, urlencode(data), headers)

    def submit(self, path: str, data: dict, headers=None) -> WebResponse:
        """Fetch the form for its CSRF token, then post it, as a browser would."""
        token = csrf_token(self.get(path, headers).text)
        return self.post(path, {"csrf_token": token, **data}, headers)


def held_course(**details):
    """A course of three sessions, three people seated; its sessions then moved into the past
    (sign-up is closed for past events, so people sign up first)."""
    sessions = [
        SessionTimes(stockholm(20 + n, 9), stockholm(20 + n, 12), f"Del {n + 1}") for n in range(3)
    ]
    event = make_event(title="Läsfrämjande för små och stora", sessions=sessions, **details)
    people = [sign_up(event, n, name=name) for n, name in enumerate(("Åsa Öberg", "Bo Ek", "Cia"))]
    for session in event.sessions:
        session.starts_at -= timedelta(days=30)
        session.ends_at -= timedelta(days=30)
    event.first_start, event.last_end = event.sessions[0].starts_at, event.sessions[-1].ends_at
    db.session.commit()
    return event, people


def mark(event, present: dict[int, set[int]]) -> None:
    """Session index → who came, as the coordinator ticks them."""
    actor = db.session.scalars(select(User)).first()
    for index, session in enumerate(event.sessions):
        attendance.mark_attendance(session, {p.id for p in present.get(index, set())}, actor)
    db.session.commit()


def came(app, event_id: int, present: dict[int, set[int]]) -> None:
    """Mark attendance: session index → ids of those who came."""
    with app.app_context():
        mark(
            db.session.get(Event, event_id),
            {i: {db.session.get(Registration, r) for r in ids} for i, ids in present.items()},
        )
