"""the evaluation reminder

Revision ID: 5f067e522147
Revises: 04b3fe300a6c
Create Date: 2026-12-01 18:05:02.996559

When the one reminder to answer a course's evaluation went to a registration.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f067e522147'
down_revision = '04b3fe300a6c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('evaluation_reminded_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('registration', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_column('evaluation_reminded_at')

