"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

The test databases are created by running every migration from empty to head (see conftest), so
here it remains to show that autogenerate would find nothing to add: a model changed without a
migration fails this test.
"""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import applicant

from eventreg.extensions import db


def test_models_match_the_migrations(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []


def test_upgrading_a_database_with_data_keeps_every_row(tmp_path, smtp):
    """SQLite alters tables by copying them; no copy may drop rows or the AUTOINCREMENT.

    The statistics' pre-counted tables, made by a migration, start out counting what is there.
    """
    from flask_migrate import downgrade, upgrade
    from helpers import assert_participation_is_counted_right, make_event, participation_rows
    from sqlalchemy import func, select, text

    from eventreg import create_app
    from eventreg.models import Attendance, EventSession, Registration
    from eventreg.services.registrations import register

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'upgrade.sqlite'}",
            "MAIL_SUPPRESS_SEND": True,
        }
    )
    with app.app_context():
        upgrade()
        event = make_event(capacity=1)
        seated = [
            register(
                event.id,
                applicant(name=f"P{n}", email=f"p{n}@b.se"),
            )
            for n in range(3)
        ][0]
        db.session.add(
            Attendance(registration_id=seated.id, session_id=event.sessions[0].id, present=True)
        )
        db.session.commit()

        def counts():
            found = [
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Registration, EventSession)
            ]
            db.session.commit()  # end the transaction: a migration needs the write lock
            return found

        downgrade(revision="330df1e45384")  # before the statistics' tables
        upgrade()
        assert_participation_is_counted_right()
        assert [row[-3:] for row in participation_rows()[0]] == [(1, 1, 0)]  # seated, came

        db.session.commit()
        downgrade(revision="dc8674d7e1d9")  # before sign-ups waited for the worker to count
        upgrade()
        assert_participation_is_counted_right()  # nobody counted twice
        assert [row[-3:] for row in participation_rows()[0]] == [(1, 1, 0)]

        db.session.commit()  # end the transaction: a migration needs the write lock
        downgrade(revision="2031e2532a93")  # before calendar entries
        upgrade()
        entries = db.session.execute(
            text("SELECT email, state, partstat, sequence FROM calendar_entry")
        ).all()
        db.session.commit()
        assert entries == [("p0@b.se", "held", "ACCEPTED", 0)]  # the seat; not the waiting list

        before = counts()
        downgrade(revision="7a85f011be5d")
        upgrade()
        assert counts() == before == [3, 1]
        tables = db.session.execute(
            text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        ).all()
        autoincrement = {name for name, sql in tables if "AUTOINCREMENT" in sql}
        assert {"event", "event_session", "registration"} <= autoincrement
        db.engine.dispose()


def app_of_its_own(kind: str, name: str, tmp_path, request):
    """An app on a new, empty database: SQLite in ``tmp_path``, or PostgreSQL."""
    from eventreg import create_app

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / f'{name}.sqlite'}"
    else:
        url = request.getfixturevalue("postgres").create_database(f"eventreg_{name}")
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})


def rows(sql: str) -> list[tuple]:
    """The rows a query reads, outside any session (a migration test reads what SQL wrote)."""
    from sqlalchemy import text

    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


BEFORE_PLANS = "304e0b484deb"
#: An event of the old enum's area "digital", and what the statistics had counted for it.
OLD_ROWS = (
    "INSERT INTO event (kind, status, title, summary, description, audience, focus_area, "
    "organiser, contact_name, contact_email, venue, address, online_url, online_note, capacity, "
    "serves_meal, meal_note, registration_deadline, invited_only, created_at, updated_at) "
    "VALUES ('course', 'published', 'Digitala guider', '', '', 'All personal', 'digital', 'O', "
    "'C', 'c@region.se', '', '', '', '', 10, false, '', '2025-03-01', false, "
    "'2025-01-01 00:00:00', '2025-01-01 00:00:00')",
    "INSERT INTO counted_event (event_id, day, focus_area, audience, sessions) "
    "SELECT id, '2025-03-10', 'digital', 'All personal', 1 FROM event",
    "INSERT INTO monthly_events (month, focus_area, audience, events, sessions) "
    "VALUES ('2025-03-01', 'digital', 'All personal', 1, 1)",
    "INSERT INTO monthly_participation (month, library_id, focus_area, audience, seated, came, "
    "no_shows) VALUES ('2025-03-01', 0, 'digital', 'All personal', 3, 2, 1)",
)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_the_old_focus_areas_become_the_plan_2023_2025_and_back(kind, tmp_path, request):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    with app_of_its_own(kind, "plans", tmp_path, request).app_context():
        upgrade(revision=BEFORE_PLANS)
        with db.engine.begin() as connection:
            for sql in OLD_ROWS:
                connection.execute(text(sql))
        upgrade()
        assert rows("SELECT name FROM library_plan") == [("Regional biblioteksplan 2023–2025",)]
        assert rows(
            "SELECT focus_area.name FROM event JOIN focus_area ON focus_area.id = event.focus_area_id"
        ) == [("Digital delaktighet och kompetens",)]
        (digital,) = rows("SELECT focus_area_id FROM event")[0]
        for table in ("counted_event", "monthly_events", "monthly_participation"):
            assert rows(f"SELECT focus_area_id FROM {table}") == [(digital,)], table
        assert rows("SELECT seated, came, no_shows FROM monthly_participation") == [(3, 2, 1)]

        downgrade(revision=BEFORE_PLANS)
        assert rows("SELECT focus_area FROM event") == [("digital",)]
        assert rows("SELECT focus_area, seated FROM monthly_participation") == [("digital", 3)]
        upgrade()
        db.engine.dispose()


def test_a_database_whose_events_never_had_a_focus_area_gets_no_plan(tmp_path):
    """Another region's database: the migration adds nobody's plan to it."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from eventreg import create_app

    url = f"sqlite:///{tmp_path / 'no-plan.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision=BEFORE_PLANS)
        with db.engine.begin() as connection:
            connection.execute(text(OLD_ROWS[0].replace("'digital'", "NULL")))
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM library_plan")).scalar() == 0
            assert connection.execute(text("SELECT focus_area_id FROM event")).all() == [(None,)]
        db.engine.dispose()


BEFORE_AUDIENCES = "9938d48392a5"
EVENT = (
    "INSERT INTO event (kind, status, title, summary, description, audience, organiser, "
    "contact_name, contact_email, venue, address, online_url, online_note, capacity, serves_meal, "
    "meal_note, registration_deadline, invited_only, created_at, updated_at) "
    "VALUES ('course', 'published', 'Bokprat', '', '', '{}', 'O', 'C', 'c@region.se', '', '', "
    "'', '', 10, false, '', '2025-03-01', false, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
)
MONTHLY_PEOPLE = (
    "INSERT INTO monthly_participation (month, library_id, focus_area_id, audience, seated, "
    "came, no_shows) VALUES ('2025-03-01', 0, 0, '{}', {})"
)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_audiences_spelt_apart_become_one_of_the_list_and_go_back_as_text(kind, tmp_path, request):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    with app_of_its_own(kind, "audiences", tmp_path, request).app_context():
        upgrade(revision=BEFORE_AUDIENCES)
        with db.engine.begin() as connection:
            for audience in ("Barnbibliotekarier", "Barnbibliotekarier", "barnbibliotekarier "):
                connection.execute(text(EVENT.format(audience)))
            connection.execute(text(EVENT.format("")))
            connection.execute(
                text(
                    "INSERT INTO counted_event (event_id, day, focus_area_id, audience, sessions) "
                    "SELECT id, '2025-03-10', 0, audience, 1 FROM event"
                )
            )
            connection.execute(text(MONTHLY_PEOPLE.format("Barnbibliotekarier", "3, 2, 1")))
            connection.execute(text(MONTHLY_PEOPLE.format("barnbibliotekarier ", "1, 1, 0")))
        upgrade()
        # A database with events ran the code that named the region: it keeps that profile.
        assert rows("SELECT name, unit FROM organisation") == [
            ("Region Jönköpings län", "Biblioteksutveckling")
        ]
        [(listed, name)] = rows("SELECT id, name FROM audience")
        assert name == "Barnbibliotekarier"
        assert rows("SELECT audience_id, audience FROM event ORDER BY id") == [
            (listed, ""),
            (listed, ""),
            (listed, ""),
            (None, ""),
        ]
        assert rows("SELECT DISTINCT audience_id FROM counted_event ORDER BY 1") == [
            (0,),
            (listed,),
        ]
        assert rows(
            "SELECT audience_id, audience, seated, came, no_shows FROM monthly_participation"
        ) == [(listed, "", 4, 3, 1)]

        downgrade(revision=BEFORE_AUDIENCES)
        assert rows("SELECT audience FROM event ORDER BY id") == [
            ("Barnbibliotekarier",),
            ("Barnbibliotekarier",),
            ("Barnbibliotekarier",),
            ("",),
        ]
        assert rows("SELECT audience, seated FROM monthly_participation") == [
            ("Barnbibliotekarier", 4)
        ]
        upgrade()
        db.engine.dispose()


BEFORE_MODES = "ea04ed15fde2"


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_events_from_before_the_choice_of_way_keep_working_and_a_hybrid_goes_back_as_one(
    kind, tmp_path, request
):
    from flask_migrate import downgrade, upgrade
    from helpers import make_event, sign_up

    from eventreg.models import AttendanceMode, RegistrationStatus

    app = app_of_its_own(kind, "modes", tmp_path, request)
    with app.app_context():
        upgrade()
        hybrid = make_event(
            capacity=2, choose_mode=True, online_capacity=3, online_url="https://m.example.se"
        )
        sign_up(hybrid, 1, mode=AttendanceMode.ONLINE)
        db.session.commit()
        downgrade(revision=BEFORE_MODES)
        # One pool with the seats of both ways: nobody seated is over the limit.
        assert rows("SELECT capacity FROM event") == [(5,)]
        upgrade()
        assert rows("SELECT choose_mode, online_capacity, capacity FROM event") == [
            (False, None, 5)
        ]
        assert rows("SELECT mode, status FROM registration") == [(None, "confirmed")]
        db.session.expire_all()
        later = sign_up(hybrid, 2)  # the event works as one without a choice
        assert (later.mode, later.status) == (None, RegistrationStatus.CONFIRMED)
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_courses_over_before_the_mail_after_the_course_get_none_from_it(kind, tmp_path, request):
    from flask_migrate import downgrade, upgrade
    from helpers import held_course

    from eventreg.services import followups

    app = app_of_its_own(kind, "followups", tmp_path, request)
    with app.app_context():
        upgrade()
        held_course()  # ended a week ago, three seated
        db.session.commit()
        downgrade(revision="94b89f329cd9")  # before materials and the mail after the course
        upgrade()
        assert rows("SELECT count(*) FROM event WHERE followup_sent_at IS NULL") == [(0,)]
        db.session.expire_all()
        assert followups.send_due() == 0
        db.session.remove()
        db.engine.dispose()
