"""On site and online under a rush: sign-ups, switches between the two and hand-overs at the same
moment never seat more people in a way than it has seats, and never leave a seat free while
someone waits for it. Threads, processes (the gunicorn situation) and HTTP, on SQLite and
PostgreSQL."""

import multiprocessing
import re
import threading
from functools import partial

from helpers import applicant, at_once, csrf_token, deliver, make_event, sign_up, sign_up_form
from sqlalchemy import select

from eventreg import create_app, links
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import AttendanceMode, Registration, RegistrationStatus
from eventreg.services import handovers, registrations

ONSITE, ONLINE = AttendanceMode.ONSITE, AttendanceMode.ONLINE
FULL = ("Det är fullt digitalt just nu.", "Det är fullt på plats just nu.")


def hybrid_with_people(onsite: int, online: int, seated_onsite: int) -> tuple[int, list[int]]:
    """A hybrid event with ``seated_onsite`` people on site already; its id and theirs."""
    event = make_event(
        capacity=onsite,
        choose_mode=True,
        online_capacity=online,
        online_url="https://teams.example.se/meet/x",
    )
    seated = [sign_up(event, 1000 + n, mode=ONSITE).id for n in range(seated_onsite)]
    return event.id, seated


def act(action: tuple) -> None:
    """One thing a person does: sign up in a way, switch, or hand their seat on."""
    kind, value, extra = action
    if kind == "sign_up":
        registrations.register(value, applicant(extra["n"], mode=extra["mode"]))
    elif kind == "switch":
        registrations.switch_mode(value)
    else:
        handovers.hand_over(value, applicant(extra["n"]))


def run_actions(app, actions: list[tuple], barrier, errors) -> None:
    with app.app_context():
        barrier.wait()
        for action in actions:
            try:
                act(action)
                db.session.commit()
            except EventRegError as refused:  # a full way is a fair answer, nothing else
                db.session.rollback()
                if refused.message not in FULL:
                    errors.append(refused.message)
            except Exception as error:  # every other error is a failure of the test
                db.session.rollback()
                errors.append(repr(error))


def assert_each_way_holds(event_id: int, onsite: int, online: int, people: int) -> None:
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    active = [r for r in rows if r.status != RegistrationStatus.CANCELLED]
    assert len(active) == people
    for mode, capacity in ((ONSITE, onsite), (ONLINE, online)):
        seated = [r for r in active if r.mode == mode and r.status == RegistrationStatus.CONFIRMED]
        waiting = [
            r for r in active if r.mode == mode and r.status == RegistrationStatus.WAITLISTED
        ]
        assert len(seated) <= capacity, mode
        assert not waiting or len(seated) == capacity, mode  # nobody waits beside a free seat
        assert sorted(registrations.waitlist_position(r) for r in waiting) == list(
            range(1, len(waiting) + 1)
        )
    assert registrations.confirmed_count(event_id, ONSITE) <= onsite


def rush(event_id: int, seated: list[int], lanes: int) -> list[list[tuple]]:
    """Lane k signs people up in both ways, switches a seated person online, and hands another
    person's seat to a colleague: everything that moves seats, at once."""
    plans = []
    for k in range(lanes):
        plan = [
            ("sign_up", event_id, {"n": 10 * k + i, "mode": (ONSITE, ONLINE)[i % 2]})
            for i in range(4)
        ]
        plan.insert(1, ("switch", seated[2 * k], None))
        plan.insert(3, ("hand_over", seated[2 * k + 1], {"n": 500 + k}))
        plans.append(plan)
    return plans


def test_sign_ups_switches_and_hand_overs_in_threads_never_overbook_a_way(app):
    with app.app_context():
        event_id, seated = hybrid_with_people(onsite=8, online=5, seated_onsite=8)
        db.session.commit()
    plans = rush(event_id, seated, lanes=4)
    barrier, errors = threading.Barrier(len(plans)), []
    at_once(*(partial(run_actions, app, plan, barrier, errors) for plan in plans))
    assert errors == []
    with app.app_context():
        assert_each_way_holds(event_id, 8, 5, people=8 + 16)


def _in_process(config: dict, plan: list[tuple], barrier, failures) -> None:
    errors: list[str] = []
    run_actions(create_app(config), plan, barrier, errors)
    failures.extend(errors)


def test_sign_ups_and_switches_from_separate_processes_never_overbook_a_way(app):
    with app.app_context():
        event_id, seated = hybrid_with_people(onsite=6, online=4, seated_onsite=6)
        db.session.commit()
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "EVENTREG_BASE_URL")
    }
    config["TESTING"] = True
    plans = rush(event_id, seated, lanes=3)
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        barrier, failures = manager.Barrier(len(plans)), manager.list()
        processes = [
            spawn.Process(target=_in_process, args=(config, plan, barrier, failures))
            for plan in plans
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [p.exitcode for p in processes] == [0] * len(plans)
        assert list(failures) == []
    with app.app_context():
        assert_each_way_holds(event_id, 6, 4, people=6 + 12)


def test_sign_ups_and_switches_through_the_pages_get_no_error_page(app, smtp):
    """Browsers posting the sign-up form online while seated people press "switch to online"."""
    with app.app_context():
        event_id, seated = hybrid_with_people(onsite=6, online=3, seated_onsite=6)
        db.session.commit()
        deliver(smtp)
        tokens = [links.registration_token(db.session.get(Registration, i)) for i in seated]
    url = f"/evenemang/{event_id}/anmalan"
    people = 8
    clients = [app.test_client() for _ in range(people + len(tokens))]
    forms = [csrf_token(c.get(url).get_data(as_text=True)) for c in clients[:people]]
    pages = [
        csrf_token(c.get(f"/anmalan/{token}").get_data(as_text=True))
        for c, token in zip(clients[people:], tokens, strict=True)
    ]
    barrier = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = []

    def post_sign_up(n: int) -> None:
        barrier.wait()
        response = clients[n].post(
            url, data={"csrf_token": forms[n], "modes": "1", "mode": "online", **sign_up_form(n)}
        )
        answers.append((response.status_code, ""))

    def post_switch(k: int) -> None:
        client = clients[people + k]
        barrier.wait()
        response = client.post(
            f"/anmalan/{tokens[k]}/byt-satt",
            data={"csrf_token": pages[k]},
            follow_redirects=True,
        )
        flashed = re.search(r'role="status">([^<]+)</div>', response.text)
        answers.append((response.status_code, flashed.group(1).strip() if flashed else ""))

    at_once(
        *(partial(post_sign_up, n) for n in range(people)),
        *(partial(post_switch, k) for k in range(len(tokens))),
    )

    assert sorted(status for status, _ in answers) == [200] * len(tokens) + [302] * people
    switched = [text for status, text in answers if status == 200]
    assert all(
        text.startswith("Du deltar nu digitalt.") or text == "Det är fullt digitalt just nu."
        for text in switched
    ), switched
    with app.app_context():
        assert_each_way_holds(event_id, 6, 3, people=6 + people)
