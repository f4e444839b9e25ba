"""The statistics read pre-counted participation: it must always equal counting afresh."""

from datetime import date, datetime

from helpers import (
    applicant,
    assert_participation_is_counted_right,
    focus_area,
    make_event,
    participation_rows,
    stockholm,
)
from sqlalchemy import select, update

from eventreg.extensions import db
from eventreg.formatting import STOCKHOLM
from eventreg.models import Attendance, Library, MonthlyEvents, MonthlyParticipation, Registration
from eventreg.services import plans
from eventreg.services.events import SessionTimes, cancel_event, update_event
from eventreg.services.personal_data import erase_person
from eventreg.services.plans import AreaText
from eventreg.services.registrations import cancel_registration, register
from eventreg.statistics import counting
from eventreg.statistics import report as statistics


def library_ids() -> dict[str, int]:
    return {lib.name: lib.id for lib in db.session.scalars(select(Library))}


def seated_per_month() -> dict[date, int]:
    totals: dict[date, int] = {}
    for row in db.session.scalars(select(MonthlyParticipation)):
        totals[row.month] = totals.get(row.month, 0) + row.seated
    return totals


def test_counts_follow_sign_ups_attendance_edits_cancellations_and_erasure(ctx, administrator):
    from eventreg.models import User

    admin = db.session.scalar(select(User).where(User.email == administrator))
    vetlanda = library_ids()["Vetlanda stadsbibliotek"]
    reading, digital = focus_area("Läsfrämjande"), focus_area("Digital delaktighet")
    event = make_event(capacity=2, days=20, focus_area_id=reading, audience="Barnbibliotekarier")
    month = stockholm(20).date().replace(day=1)
    seated = [register(event.id, applicant(n, library_id=vetlanda)) for n in (1, 2)]
    waiting = register(event.id, applicant(3))
    assert_participation_is_counted_right()
    assert seated_per_month() == {month: 2}

    session = event.sessions[0]
    db.session.add_all(
        [
            Attendance(registration_id=seated[0].id, session_id=session.id, present=True),
            Attendance(registration_id=seated[1].id, session_id=session.id, present=False),
        ]
    )
    assert_participation_is_counted_right()
    row = db.session.scalar(select(MonthlyParticipation))
    assert (row.library_id, row.focus_area_id, row.seated, row.came, row.no_shows) == (
        vetlanda,
        reading,
        2,
        1,
        1,
    )

    cancel_registration(seated[1].id)  # the waiting person from outside the libraries moves up
    assert_participation_is_counted_right()
    assert waiting.status == "confirmed"

    update_event(
        event.id, [SessionTimes(session.starts_at, session.ends_at)], focus_area_id=digital
    )
    assert_participation_is_counted_right()
    assert {row.focus_area_id for row in db.session.scalars(select(MonthlyParticipation))} == {
        digital
    }
    later = SessionTimes(stockholm(60, 9), stockholm(60, 12))
    update_event(event.id, [later], audience="Alla")
    assert_participation_is_counted_right()
    assert seated_per_month() == {stockholm(60).date().replace(day=1): 2}

    same_day = SessionTimes(stockholm(60, 13), stockholm(60, 16))
    update_event(event.id, [SessionTimes(later.starts_at, later.ends_at), same_day])
    assert_participation_is_counted_right()
    held = db.session.execute(select(MonthlyEvents.events, MonthlyEvents.sessions)).one()
    assert tuple(held) == (1, 2)

    other = make_event(days=60)
    register(other.id, applicant(4))
    assert_participation_is_counted_right()
    assert sum(seated_per_month().values()) == 3
    cancel_event(other.id, "Kursledaren är sjuk.")
    assert_participation_is_counted_right()
    assert sum(seated_per_month().values()) == 2

    erase_person("person1@bibliotek.se", admin)
    assert_participation_is_counted_right()
    assert sum(seated_per_month().values()) == 1


def test_a_failed_transaction_leaves_the_counts_as_they_were(ctx):
    event = make_event(days=20)
    register(event.id, applicant(1))
    db.session.commit()
    before = participation_rows()
    register(event.id, applicant(2))
    db.session.flush()
    db.session.rollback()
    assert participation_rows() == before
    assert_participation_is_counted_right()


def test_the_report_counts_sign_ups_the_worker_has_yet_to_count(ctx):
    """A sign-up is counted into the tables by the worker, a little later; meanwhile the report
    adds it, so its figures are the same before and after."""
    habo = library_ids()["Habo bibliotek"]
    event = make_event(days=20, focus_area_id=focus_area("Läsfrämjande"))
    db.session.commit()
    people = [register(event.id, applicant(n, library_id=habo)) for n in (1, 2, 3)]
    register(event.id, applicant(4))
    cancel_registration(people[0].id)
    db.session.commit()
    day = stockholm(20).date()

    def figures() -> tuple:
        result = statistics.report(day, day)
        habo_row = next(row for row in result.libraries if row.label.startswith("Habo"))
        return (
            result.registered,
            habo_row.registered,
            [row.registered for row in result.focus_areas],
        )

    assert seated_per_month() == {}
    assert figures() == (3, 2, [3])
    assert counting.catch_up(db.session()) == 4
    db.session.commit()
    assert seated_per_month() == {day.replace(day=1): 3}
    assert figures() == (3, 2, [3])
    assert_participation_is_counted_right()


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> SessionTimes:
    start = datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)
    return SessionTimes(start, start.replace(hour=hour + 2))


def test_a_report_adds_whole_months_and_the_days_around_them(ctx):
    """Whole months come from the monthly sums, the days before and after from each event."""
    habo = library_ids()["Habo bibliotek"]
    year = date.today().year + 1
    dates = [at(year, 3, 15), at(year, 4, 1, 0, 30), at(year, 4, 30, 21), at(year, 5, 1)]
    number = 0
    for people, when in enumerate(dates, start=1):
        event = make_event(sessions=[when], focus_area_id=focus_area("Biblioteken i samhället"))
        for _ in range(people):
            number += 1
            register(event.id, applicant(number, library_id=habo))
    assert_participation_is_counted_right()

    def seated(start: tuple[int, int], end: tuple[int, int]) -> int:
        result = statistics.report(date(year, *start), date(year, *end))
        habo_row = next(row for row in result.libraries if row.label.startswith("Habo"))
        assert sum(row.registered for row in result.focus_areas) == result.registered
        assert habo_row.registered == result.registered
        return result.registered

    assert seated((3, 1), (5, 31)) == 10  # whole months only
    whole = statistics.report(date(year, 3, 1), date(year, 5, 31))
    assert (whole.events, whole.sessions) == (4, 4)
    assert statistics.report(date(year, 3, 16), date(year, 5, 1)).events == 3
    assert seated((3, 10), (4, 30)) == 6  # days of March, then April whole
    assert seated((3, 16), (5, 1)) == 9  # April whole, then the first of May
    assert seated((4, 1), (4, 29)) == 2  # no whole month: the session at 00.30 counts
    assert seated((3, 31), (3, 31)) == 0  # 00.30 on 1 April is 22.30 on 31 March in UTC


def test_rebuild_statistics_counts_again_after_a_change_by_hand(app):
    with app.app_context():
        event = make_event(days=20)
        register(event.id, applicant(1))
        db.session.commit()
        db.session.execute(update(Registration).values(status="cancelled"))  # past the ORM
        db.session.commit()
        assert sum(seated_per_month().values()) == 1

    result = app.test_cli_runner().invoke(args=["rebuild-statistics"])

    assert "Statistiken är räknad på nytt." in result.output
    with app.app_context():
        assert seated_per_month() == {}


def test_the_period_before_is_the_plan_before_or_as_many_months_or_days(ctx):
    plans.save_plan(None, "Äldre", date(2023, 1, 1), date(2025, 12, 31), [AreaText("A")], None)
    plans.save_plan(None, "Nyare", date(2026, 1, 1), date(2029, 12, 31), [AreaText("B")], None)
    before = statistics.previous_period
    assert before(date(2026, 1, 1), date(2029, 12, 31)) == (date(2023, 1, 1), date(2025, 12, 31))
    assert before(date(2026, 1, 1), date(2026, 6, 30)) == (date(2025, 7, 1), date(2025, 12, 31))
    assert before(date(2026, 7, 1), date(2026, 12, 31)) == (date(2026, 1, 1), date(2026, 6, 30))
    assert before(date(2026, 1, 1), date(2026, 12, 31)) == (date(2025, 1, 1), date(2025, 12, 31))
    assert before(date(2026, 3, 10), date(2026, 3, 19)) == (date(2026, 2, 28), date(2026, 3, 9))
