"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

The test databases are created by running every migration from empty to head (see conftest), so
here it remains to show that autogenerate would find nothing to add: a model changed without a
migration fails this test.
"""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventreg.extensions import db


def test_models_match_the_migrations(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        assert compare_metadata(context, db.metadata) == []
