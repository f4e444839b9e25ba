"""registrations the statistics have yet to count

Revision ID: 472a91e72410
Revises: dc8674d7e1d9
Create Date: 2026-12-01 19:17:29.441761

A sign-up no longer counts itself into the statistics' pre-counted tables: the worker does,
shortly after. Every registration made before this was counted when it was committed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '472a91e72410'
down_revision = 'dc8674d7e1d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table(
        'registration', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column('counted', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(sa.text('UPDATE registration SET counted = true'))
    with op.batch_alter_table(
        'registration', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.create_index(
            'ix_registration_uncounted',
            ['event_id'],
            unique=False,
            sqlite_where=sa.text('counted = 0'),
            postgresql_where=sa.text('NOT counted'),
        )


def downgrade():
    # Registrations not yet counted are then missing from the pre-counted tables, which the
    # older code expects to hold everyone: run `flask rebuild-statistics` after downgrading.
    with op.batch_alter_table(
        'registration', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.drop_index(
            'ix_registration_uncounted',
            sqlite_where=sa.text('counted = 0'),
            postgresql_where=sa.text('NOT counted'),
        )
        batch_op.drop_column('counted')
