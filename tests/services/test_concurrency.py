"""Many people at once: capacity holds, the waiting list stays in order, nobody gets an error.

Threads share one process; the process test is the gunicorn situation, with several workers each
holding their own connections. Both run on SQLite and on PostgreSQL.
"""

import multiprocessing
import threading
import time

import pytest
from helpers import (
    applicant,
    assert_participation_is_counted_right,
    at_once,
    csrf_token,
    make_event,
    sign_up_form,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventreg import create_app
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import (
    Event,
    Library,
    MonthlyParticipation,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from eventreg.services import events, registrations
from eventreg.statistics import counting


def sign_up_all(app, event_id: int, numbers: range, barrier, errors: list) -> None:
    with app.app_context():
        barrier.wait()
        for n in numbers:
            try:
                registrations.register(event_id, applicant(n))
                db.session.commit()
            except Exception as error:  # every error is a failure of the test
                db.session.rollback()
                errors.append(repr(error))


def assert_seats_and_queue(event_id: int, capacity: int, people: int) -> None:
    db.session.expire_all()
    rows = (
        db.session.execute(
            select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
        )
        .scalars()
        .all()
    )
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert len(rows) == people
    assert len(confirmed) == capacity
    assert [registrations.waitlist_position(r) for r in waiting] == list(
        range(1, people - capacity + 1)
    )
    # The seats went to the first to sign up: nobody waiting signed up before someone seated.
    assert max(r.id for r in confirmed) < min(r.id for r in waiting)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == people


def sign_up_in_threads(app, event_ids: list[int], threads: int, each: int) -> list[str]:
    """Threads that start at once, thread t signing ``each`` people up for event t mod n."""
    barrier = threading.Barrier(threads)
    errors: list[str] = []
    started = [
        threading.Thread(
            target=sign_up_all,
            args=(
                app,
                event_ids[t % len(event_ids)],
                range(t * each, (t + 1) * each),
                barrier,
                errors,
            ),
        )
        for t in range(threads)
    ]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return errors


def test_simultaneous_sign_ups_in_threads_never_overbook(app):
    with app.app_context():
        event_id = make_event(capacity=10).id
        db.session.commit()

    assert sign_up_in_threads(app, [event_id], threads=8, each=5) == []
    with app.app_context():
        assert_seats_and_queue(event_id, 10, 40)


def test_sign_ups_for_two_events_of_one_month_at_once_keep_the_statistics_right(app):
    """Both events add to the same monthly rows; no transaction may overwrite another's count,
    neither the sign-ups' nor the two workers' counting them meanwhile."""
    with app.app_context():
        event_ids = [make_event(capacity=6, days=30).id for _ in range(2)]
        db.session.commit()

    def count_as_a_worker(barrier):
        with app.app_context():
            barrier.wait()
            for _ in range(40):
                counting.catch_up(db.session(), limit=2)
                db.session.commit()

    barrier = threading.Barrier(2)
    workers = [threading.Thread(target=count_as_a_worker, args=(barrier,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    assert sign_up_in_threads(app, event_ids, threads=8, each=4) == []
    for worker in workers:
        worker.join()
    with app.app_context():
        assert_participation_is_counted_right()
        month = db.session.execute(select(MonthlyParticipation)).scalar_one()
        assert month.seated == 12


def test_changes_to_sign_ups_while_two_workers_count_them_keep_the_statistics_right(app):
    """A seat given up or a workplace changed while the workers count that very sign-up:
    each is counted once, as it ends up."""
    with app.app_context():
        event_id = make_event(capacity=20, days=30).id
        ids = [registrations.register(event_id, applicant(n)).id for n in range(20)]
        db.session.commit()
        library_id = db.session.scalars(select(Library.id).order_by(Library.id)).first()

    def count_as_a_worker():
        with app.app_context():
            for _ in range(20):
                counting.catch_up(db.session(), limit=1)
                db.session.commit()

    def change(numbers: range):
        with app.app_context():
            for n in numbers:
                if n % 2:
                    registrations.cancel_registration(ids[n])
                else:
                    registrations.change_details(ids[n], applicant(n, library_id=library_id))
                db.session.commit()

    at_once(count_as_a_worker, count_as_a_worker, lambda: change(range(10)))
    with app.app_context():
        assert_participation_is_counted_right()
        people = db.session.execute(select(MonthlyParticipation)).scalars().all()
        assert {(row.library_id, row.seated) for row in people} == {(library_id, 5), (0, 10)}


def test_a_change_to_a_sign_up_counted_since_it_was_loaded_is_counted(app):
    """A path that changes a registration without taking its event's lock first: the worker
    may count it in between, and the change must then be counted too."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite's write lock, taken as the transaction begins, keeps workers out")
        event_id = make_event(capacity=5, days=30).id
        db.session.commit()
        registration_id = registrations.register(event_id, applicant(1)).id
        db.session.commit()
        library_id = db.session.scalars(select(Library.id).order_by(Library.id)).first()

        registration = db.session.get(Registration, registration_id)
        with Session(db.engine) as worker:
            assert counting.catch_up(worker) == 1
            worker.commit()
        registration.library_id = library_id
        db.session.commit()

        assert_participation_is_counted_right()
        month = db.session.execute(select(MonthlyParticipation)).scalar_one()
        assert (month.library_id, month.seated) == (library_id, 1)


def _process_sign_ups(config: dict, event_id: int, numbers: range, barrier, failures) -> None:
    app = create_app(config)
    errors: list[str] = []
    sign_up_all(app, event_id, numbers, barrier, errors)
    failures.extend(errors)


def test_simultaneous_sign_ups_from_separate_processes_never_overbook(app):
    with app.app_context():
        event_id = make_event(capacity=7).id
        db.session.commit()
    config = {
        key: app.config[key]
        for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "EVENTREG_BASE_URL")
    }
    config["TESTING"] = True
    spawn = multiprocessing.get_context("spawn")
    with spawn.Manager() as manager:
        barrier = manager.Barrier(4)
        failures = manager.list()
        processes = [
            spawn.Process(
                target=_process_sign_ups,
                args=(config, event_id, range(p * 6, (p + 1) * 6), barrier, failures),
            )
            for p in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=120)
        assert [p.exitcode for p in processes] == [0] * 4
        assert list(failures) == []
    with app.app_context():
        assert_seats_and_queue(event_id, 7, 24)


def test_two_cancellations_at_once_promote_two_different_people(app):
    with app.app_context():
        event = make_event(capacity=2)
        seated = [registrations.register(event.id, applicant(n)) for n in (1, 2)]
        waiting = [registrations.register(event.id, applicant(n)) for n in (3, 4, 5)]
        db.session.commit()
        seated_ids, waiting_ids, event_id = (
            [r.id for r in seated],
            [r.id for r in waiting],
            event.id,
        )
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def cancel(registration_id):
        with app.app_context():
            barrier.wait()
            try:
                registrations.cancel_registration(registration_id)
                db.session.commit()
            except Exception as error:
                errors.append(repr(error))

    threads = [threading.Thread(target=cancel, args=(rid,)) for rid in seated_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    with app.app_context():
        status = dict(
            db.session.execute(
                select(Registration.id, Registration.status).where(
                    Registration.event_id == event_id
                )
            ).all()
        )
        assert [status[i] for i in waiting_ids] == ["confirmed", "confirmed", "waitlisted"]
        assert registrations.confirmed_count(event_id) == 2
        promotions = db.session.scalar(
            select(func.count()).where(OutboxMessage.kind == "promotion")
        )
        assert promotions == 2


def test_simultaneous_sign_ups_through_the_pages_get_no_error_page(app):
    """The same rush through HTTP, as browsers send it: every form answered with a redirect."""
    with app.app_context():
        event_id = make_event(capacity=5).id
        db.session.commit()
    url = f"/evenemang/{event_id}/anmalan"
    people = 16
    clients = [app.test_client() for _ in range(people)]
    tokens = [csrf_token(client.get(url).get_data(as_text=True)) for client in clients]
    barrier = threading.Barrier(people)
    statuses: list[int] = []

    def post(n: int) -> None:
        barrier.wait()
        response = clients[n].post(
            url,
            data={"csrf_token": tokens[n], **sign_up_form(n)},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * people
    with app.app_context():
        assert_seats_and_queue(event_id, 5, people)


def test_an_event_is_not_unpublished_under_a_sign_up_in_progress(app, monkeypatch):
    """Unpublishing checks that nobody is registered; a sign-up taking the event's lock at the
    same moment must either come first (and be seen) or find the event closed."""
    with app.app_context():
        event_id = make_event(capacity=5).id
        db.session.commit()
    locked, release = threading.Event(), threading.Event()
    check_library = registrations.check_library

    def slow_check(library_id):  # runs in register(), after the event's lock is taken
        locked.set()
        release.wait(10)
        check_library(library_id)

    monkeypatch.setattr(registrations, "check_library", slow_check)
    outcome: dict[str, object] = {}

    def sign_up():
        with app.app_context():
            try:
                registrations.register(event_id, applicant(1))
                db.session.commit()
                outcome["signed up"] = True
            except EventRegError:
                db.session.rollback()
                outcome["signed up"] = False

    def unpublish():
        with app.app_context():
            locked.wait(10)
            try:
                events.unpublish_event(event_id)
                db.session.commit()
                outcome["unpublished"] = True
            except EventRegError:
                db.session.rollback()
                outcome["unpublished"] = False

    threads = [threading.Thread(target=sign_up), threading.Thread(target=unpublish)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the unpublishing has read, or is waiting for the lock
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    with app.app_context():
        status = db.session.get(Event, event_id).status
        registered = db.session.scalar(
            select(func.count()).where(Registration.event_id == event_id)
        )
    assert outcome == {"signed up": True, "unpublished": False}
    assert (status, registered) == ("published", 1)
