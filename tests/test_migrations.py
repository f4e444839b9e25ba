"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

The test databases are created by running every migration from empty to head (see conftest), so
here it remains to show that autogenerate would find nothing to add: a model changed without a
migration fails this test.
"""

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
